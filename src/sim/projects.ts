import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { conflict, validation } from './errors.js';
import { ACCESS } from './access.js';
import { findGroup, nextId, projectFullPath } from './store.js';
import type { ProjectCreationLevel, SimGroup, SimMember, SimNamespaceRef, SimProject, SimUser, Visibility } from './types.js';

const PATH = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;

/** A URL path from a name, as GitLab derives `path` when only `name` is given. */
export function pathFromName(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'project';
}

/** Creates a group; its creator becomes Owner. */
export function createGroup(ctx: SimContext, creator: SimUser | null, input: { path: string; name?: string; parentId?: number | null; visibility?: Visibility; description?: string; projectCreationLevel?: ProjectCreationLevel }): SimGroup {
  const { store } = ctx;
  if (!PATH.test(input.path)) throw validation({ path: ['can contain only letters, digits, \'_\', \'-\' and \'.\'. Cannot start with \'-\', end in \'.git\' or end in \'.atom\''] });
  const parent = input.parentId ? store.groups.get(input.parentId) : undefined;
  const fullPath = parent ? `${parent.fullPath}/${input.path}` : input.path;
  if (store.groupsByPath.has(fullPath.toLowerCase()) || (!parent && store.usersByName.has(fullPath.toLowerCase()))) {
    throw validation({ path: ['has already been taken'] });
  }
  const now = nowIso(ctx);
  const group: SimGroup = {
    id: nextId(store, 'namespace'), path: input.path, name: input.name ?? input.path, fullPath, parentId: parent?.id ?? null,
    description: input.description ?? '', visibility: input.visibility ?? 'private', createdAt: now, members: new Map(),
    projectCreationLevel: input.projectCreationLevel ?? 'developer', labels: new Map(), labelsByTitle: new Map(), hooks: new Map(),
  };
  store.groups.set(group.id, group);
  store.groupsByPath.set(fullPath.toLowerCase(), group);
  if (creator) group.members.set(creator.id, { userId: creator.id, accessLevel: ACCESS.owner, createdAt: now, createdBy: creator.id, expiresAt: null });
  return group;
}

/** The namespace reference of a group or a user's personal namespace. */
export function namespaceOf(target: SimGroup | SimUser): SimNamespaceRef {
  if ('fullPath' in target) return { kind: 'group', ownerId: target.id, namespaceId: target.id };
  return { kind: 'user', ownerId: target.id, namespaceId: target.namespaceId };
}

/** Resolves `namespace_id` / `namespace_path` (group or user namespace id or path). */
export function resolveNamespace(ctx: SimContext, ref: string): SimGroup | SimUser | undefined {
  const group = findGroup(ctx.store, ref);
  if (group) return group;
  for (const u of ctx.store.users.values()) if (String(u.namespaceId) === ref || u.username.toLowerCase() === ref.toLowerCase()) return u;
  return undefined;
}

/** Creates an empty project (default branch `main`, private unless told otherwise). */
export function createProject(ctx: SimContext, creator: SimUser, input: { name?: string; path?: string; namespace: SimGroup | SimUser; defaultBranch?: string; visibility?: Visibility; description?: string | null }): SimProject {
  const { store } = ctx;
  const path = input.path ?? pathFromName(input.name ?? '');
  const name = input.name ?? path;
  if (!PATH.test(path)) throw validation({ path: ['can contain only letters, digits, \'_\', \'-\' and \'.\'. Cannot start with \'-\', end in \'.git\' or end in \'.atom\''] });
  const namespace = namespaceOf(input.namespace);
  const now = nowIso(ctx);
  const project: SimProject = {
    id: nextId(store, 'project'), name, path, description: input.description ?? null, namespace,
    defaultBranch: input.defaultBranch ?? 'main', visibility: input.visibility ?? 'private', createdAt: now, lastActivityAt: now,
    creatorId: creator.id, members: new Map(), issues: new Map(), nextIid: 1, labels: new Map(), labelsByTitle: new Map(),
    labelIndex: new Map(), hooks: new Map(), repo: { branches: new Map(), commits: new Map(), blobs: new Map() }, boards: new Map(),
  };
  const full = projectFullPath(store, project).toLowerCase();
  if (store.projectsByPath.has(full)) {
    store.seq.project -= 1;
    throw validation({ name: ['has already been taken'], path: ['has already been taken'] });
  }
  store.projects.set(project.id, project);
  store.projectsByPath.set(full, project);
  return project;
}

/** Adds a direct member; 409 `Member already exists` when the user already is one. */
export function addMember(ctx: SimContext, target: { members: Map<number, SimMember> }, user: SimUser, accessLevel: number, createdBy: SimUser | null, expiresAt: string | null = null): SimMember {
  if (target.members.has(user.id)) throw conflict('Member already exists');
  if (![5, 10, 15, 20, 30, 40, 50].includes(accessLevel)) throw validation({ access_level: ['is not included in the list'] });
  const member: SimMember = { userId: user.id, accessLevel, createdAt: nowIso(ctx), createdBy: createdBy?.id ?? null, expiresAt };
  target.members.set(user.id, member);
  return member;
}

/**
 * Deletes a project and everything in it. GitLab deletes in the background (Projects::DestroyService
 * via `async_execute`) and, on GitLab.com and Premium self-managed, first marks the project for
 * deletion for some days; the simulator deletes at once.
 */
export function deleteProject(ctx: SimContext, project: SimProject): void {
  const { store } = ctx;
  for (const issue of project.issues.values()) {
    store.issues.delete(issue.id);
    store.events.delete(issue.id);
    for (const id of issue.noteIds) store.notes.delete(id);
    for (const linkId of store.linksByIssue.get(issue.id) ?? []) {
      const link = store.links.get(linkId);
      store.links.delete(linkId);
      if (link) for (const other of [link.sourceId, link.targetId]) store.linksByIssue.get(other)?.delete(linkId);
    }
    store.linksByIssue.delete(issue.id);
  }
  for (const id of project.labels.keys()) store.labels.delete(id);
  store.projectsByPath.delete(projectFullPath(store, project).toLowerCase());
  store.projects.delete(project.id);
}
