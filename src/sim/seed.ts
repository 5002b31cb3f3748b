import { newChain, type Actor, type SimContext } from './context.js';
import { availableByTitle, createLabel } from './labels.js';
import { addMember, createGroup, createProject } from './projects.js';
import { commitActions, readFile } from './repo.js';
import { createHook } from './routes-hooks.js';
import { findGroup, findProject, findUserByName } from './store.js';
import { createToken, createUser } from './users.js';
import type { ProjectCreationLevel, SimGroup, SimUser, Visibility } from './types.js';

/** A seeded membership: a username and a GitLab access level (10 Guest ... 50 Owner). */
export type SeedMember = { username: string; access_level: number };
/** A seeded label. */
export type SeedLabel = { name: string; color?: string; description?: string };
/** A seeded webhook (group hooks fire only on the Premium tier). */
export type SeedHook = { url: string; token?: string; issues_events?: boolean; confidential_issues_events?: boolean; note_events?: boolean; confidential_note_events?: boolean; push_events?: boolean };

/** Initial data for a simulator: users with tokens, groups, projects with members, files, hooks, labels. */
export type SimSeed = {
  users?: Array<{ username: string; name?: string; email?: string; admin?: boolean; tokens?: string[] }>;
  /**
   * Groups (parents are created as needed); `visibility` defaults to private. A seeded group has
   * exactly the members listed: unlike a group created through the API, whose creator becomes its
   * Owner, nobody is added (root is an administrator and can do everything anyway).
   */
  groups?: Array<{ path: string; name?: string; visibility?: Visibility; project_creation_level?: ProjectCreationLevel; members?: SeedMember[]; labels?: SeedLabel[]; hooks?: SeedHook[] }>;
  projects?: Array<{
    path: string;
    name?: string;
    /** Default private, as a new project in GitLab. */
    visibility?: Visibility;
    default_branch?: string;
    members?: SeedMember[];
    files?: Record<string, string>;
    hooks?: SeedHook[];
    labels?: SeedLabel[];
  }>;
};

/** Ids of what a seed created or found. */
export interface SeedResult {
  users: Record<string, { id: number; token?: string }>;
  /** Groups named in `groups`, by full path. */
  groups: Record<string, { id: number }>;
  projects: Record<string, { id: number }>;
}

function root(ctx: SimContext): SimUser {
  const user = ctx.store.users.get(1);
  if (!user) throw new Error('simulator has no root user');
  return user;
}

function ensureGroup(ctx: SimContext, fullPath: string, name?: string, visibility?: Visibility): SimGroup {
  const existing = findGroup(ctx.store, fullPath);
  if (existing) return existing;
  const parts = fullPath.split('/');
  const path = parts.pop() ?? fullPath;
  const parent = parts.length > 0 ? ensureGroup(ctx, parts.join('/'), undefined, visibility) : undefined;
  return createGroup(ctx, null, { path, name: name ?? path, parentId: parent?.id ?? null, visibility });
}

/** Sets memberships (a seed run again updates their levels). */
function seedMembers(ctx: SimContext, target: { members: SimGroup['members'] }, members: SeedMember[], where: string): void {
  const admin = root(ctx);
  for (const m of members) {
    const user = findUserByName(ctx.store, m.username);
    if (!user) throw new Error(`seed: unknown user ${m.username} for ${where}`);
    const existing = target.members.get(user.id);
    if (existing) existing.accessLevel = m.access_level;
    else addMember(ctx, target, user, m.access_level, admin);
  }
}

/**
 * Applies a seed. It can run after start and more than once: existing users, groups and projects
 * are reused and only what is missing is added (tokens, members, labels, hooks, changed files).
 */
export function seedSimulator(ctx: SimContext, seed: SimSeed): SeedResult {
  const result: SeedResult = { users: {}, groups: {}, projects: {} };
  const admin = root(ctx);
  const actor: Actor = { user: admin, chain: newChain() };
  for (const u of seed.users ?? []) {
    const user = findUserByName(ctx.store, u.username) ?? createUser(ctx, { username: u.username, name: u.name, email: u.email, admin: u.admin });
    for (const value of u.tokens ?? []) {
      if (!ctx.store.tokens.has(value)) createToken(ctx, user, { name: 'seed', scopes: ['api'], value });
    }
    result.users[user.username] = { id: user.id, ...(u.tokens?.[0] ? { token: u.tokens[0] } : {}) };
  }
  for (const g of seed.groups ?? []) {
    const group = ensureGroup(ctx, g.path, g.name, g.visibility);
    if (g.visibility) group.visibility = g.visibility;
    if (g.project_creation_level) group.projectCreationLevel = g.project_creation_level;
    seedMembers(ctx, group, g.members ?? [], g.path);
    for (const l of g.labels ?? []) {
      if (!group.labelsByTitle.has(l.name)) createLabel(ctx, { kind: 'group', group }, { title: l.name, color: l.color, description: l.description ?? null });
    }
    for (const h of g.hooks ?? []) {
      if (![...group.hooks.values()].some((x) => x.url === h.url)) createHook(ctx, group, { ...h });
    }
    result.groups[group.fullPath] = { id: group.id };
  }
  for (const sp of seed.projects ?? []) {
    const parts = sp.path.split('/');
    const path = parts.pop() ?? sp.path;
    const nsPath = parts.join('/');
    let project = findProject(ctx.store, sp.path);
    if (!project) {
      const owner = nsPath === '' ? admin : findUserByName(ctx.store, nsPath);
      const namespace = owner && !nsPath.includes('/') && !findGroup(ctx.store, nsPath) ? owner : ensureGroup(ctx, nsPath);
      project = createProject(ctx, admin, { path, name: sp.name ?? path, namespace, defaultBranch: sp.default_branch, visibility: sp.visibility });
    } else if (sp.visibility) {
      project.visibility = sp.visibility;
    }
    seedMembers(ctx, project, sp.members ?? [], sp.path);
    const files = Object.entries(sp.files ?? {}).filter(([file, content]) => readFile(project, project.defaultBranch, file)?.content.toString('utf8') !== content);
    if (files.length > 0) {
      const actions = files.map(([file, content]) => ({
        action: readFile(project, project.defaultBranch, file) ? ('update' as const) : ('create' as const), filePath: file, content,
      }));
      commitActions(ctx, actor, project, { branch: project.defaultBranch, message: 'Initial commit', actions });
    }
    for (const l of sp.labels ?? []) {
      if (!availableByTitle(ctx.store, project, l.name)) createLabel(ctx, project, { title: l.name, color: l.color, description: l.description ?? null });
    }
    for (const h of sp.hooks ?? []) {
      if ([...project.hooks.values()].some((x) => x.url === h.url)) continue;
      createHook(ctx, project, { ...h });
    }
    result.projects[sp.path] = { id: project.id };
  }
  return result;
}
