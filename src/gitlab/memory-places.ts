import { PermanentError } from '../core/errors.js';
import type { CallFn } from './memory-repo.js';
import { memoryBoardMethods } from './memory-boards.js';
import { addProject, groupLabelsAbove, matches, newId, type GroupRecord, type ProjectRecord, type World } from './memory-world.js';
import type { GitLabGateway, GroupGateway, Member, MemberHost } from '../core/gitlab-port.js';

/*
 * Groups, projects in groups and members for the in-memory gateway: enough of GitLab for the private
 * records layout (a project per person in a records group) to be planned and unit-tested. Group
 * hooks are Premium-only in GitLab; this world behaves like Free (`hooks()` is null).
 */

type PlaceMethods = Pick<GitLabGateway, 'findProject' | 'forGroup' | 'createGroup' | 'listMembers' | 'setMember' | 'removeMember'>;

function memberList(world: World, members: ReadonlyMap<string, number>): Member[] {
  return [...members].map(([name, accessLevel]) => {
    const user = world.users.get(name);
    return { userId: user?.id ?? 0, username: user?.username ?? name, accessLevel, state: user?.state ?? 'active' };
  });
}

function memberHost(world: World, members: () => Map<string, number>, inherited: () => Map<string, number>, call: CallFn): MemberHost {
  const known = (username: string): string => {
    const user = world.users.get(username.toLowerCase());
    if (!user) throw new PermanentError('gitlab_rejected', `GitLab has no user @${username}`, { username });
    return user.username.toLowerCase();
  };
  return {
    listMembers: ({ inherited: all }) =>
      call('listMembers', undefined, () => {
        if (!all) return memberList(world, members());
        const merged = new Map(inherited());
        for (const [name, level] of members()) merged.set(name, Math.max(level, merged.get(name) ?? 0));
        return memberList(world, merged);
      }),
    setMember: (username, level) => call('setMember', undefined, () => void members().set(known(username), level)),
    removeMember: (username) => call('removeMember', undefined, () => void members().delete(known(username))),
  };
}

/** Members a path inherits from its ancestor groups (highest level per person). */
function ancestorsMembers(world: World, path: string): Map<string, number> {
  const out = new Map<string, number>();
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i += 1) {
    const group = world.groups.get(parts.slice(0, i).join('/').toLowerCase());
    for (const [name, level] of group?.members ?? []) out.set(name, Math.max(level, out.get(name) ?? 0));
  }
  return out;
}

function findGroup(world: World, ref: string | number): GroupRecord | undefined {
  return world.groups.get(String(ref).toLowerCase()) ?? [...world.groups.values()].find((g) => g.group.id === Number(ref));
}

function groupView(world: World, ref: string | number, call: CallFn): GroupGateway {
  const rec = (): GroupRecord => {
    const found = findGroup(world, ref);
    if (!found) throw new PermanentError('gitlab_not_found', `GitLab has no group ${String(ref)} (404)`, { status: 404 });
    return found;
  };
  const inside = (): ProjectRecord[] => [...world.projects.values()].filter((p) => p.project.path.toLowerCase().startsWith(`${rec().group.fullPath.toLowerCase()}/`));
  return {
    group: () => call('group', undefined, () => findGroup(world, ref)?.group ?? null),
    ...memberHost(world, () => rec().members, () => ancestorsMembers(world, rec().group.fullPath), call),
    listIssues(query) {
      const pending = call('listGroupIssues', undefined, () =>
        inside()
          .flatMap((p) => [...p.issues.values()].map((r) => r.issue))
          .filter((i) => matches(i, query))
          .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)),
      );
      return (async function* () {
        yield* await pending;
      })();
    },
    listProjects: () => call('listProjects', undefined, () => inside().filter((p) => !p.project.path.slice(rec().group.fullPath.length + 1).includes('/')).map((p) => p.project)),
    createProject: (draft) =>
      call('createProject', undefined, () => {
        const path = `${rec().group.fullPath}/${draft.path}`;
        if ([...world.projects.values()].some((p) => p.project.path.toLowerCase() === path.toLowerCase())) {
          throw new PermanentError('gitlab_rejected', `path ${draft.path} has already been taken (400)`, { status: 400 });
        }
        return addProject(world, path).project;
      }),
    listLabels: () => call('listGroupLabels', undefined, () => [...rec().labels.values()].sort((a, b) => (a.name < b.name ? -1 : 1))),
    createLabel: (label) => call('createGroupLabel', undefined, () => void rec().labels.set(label.name, { ...label })),
    updateLabel: (label) => call('updateGroupLabel', undefined, () => void rec().labels.set(label.name, { ...label })),
    hooks: () => call('groupHooks', undefined, () => null),
    ...memoryBoardMethods(world, () => ({ key: `group:${rec().group.fullPath.toLowerCase()}`, webUrl: rec().group.webUrl, labels: () => groupLabelsAbove(world, rec().group.fullPath, true) }), call),
  };
}

/** The place methods of a project view (`rec`) over the shared world. */
export function placeMethods(world: World, rec: () => ProjectRecord, call: CallFn): PlaceMethods {
  return {
    findProject: () =>
      call('findProject', undefined, () => {
        try {
          return rec().project;
        } catch {
          return null;
        }
      }),
    forGroup: (ref) => groupView(world, ref, call),
    createGroup: (draft) =>
      call('createGroup', undefined, () => {
        const fullPath = draft.parent ? `${draft.parent}/${draft.path}` : draft.path;
        if (draft.parent && !findGroup(world, draft.parent)) throw new PermanentError('gitlab_not_found', `GitLab has no group ${draft.parent} (404)`, { status: 404 });
        const group = { id: newId(world), fullPath, webUrl: `https://gitlab.example/groups/${fullPath}`, visibility: 'private' };
        world.groups.set(fullPath.toLowerCase(), { group, members: new Map(), labels: new Map() });
        return group;
      }),
    ...memberHost(world, () => rec().members, () => ancestorsMembers(world, rec().project.path), call),
  };
}
