import type {
  SimGroup, SimIssue, SimIssueLink, SimLabel, SimNote, SimProject, SimResourceEvent, SimToken, SimUser,
} from './types.js';

/** Every record of one simulator instance, indexed the way the API looks them up. */
export interface SimStore {
  users: Map<number, SimUser>;
  usersByName: Map<string, SimUser>;
  tokens: Map<string, SimToken>;
  groups: Map<number, SimGroup>;
  groupsByPath: Map<string, SimGroup>;
  projects: Map<number, SimProject>;
  projectsByPath: Map<string, SimProject>;
  issues: Map<number, SimIssue>;
  notes: Map<number, SimNote>;
  links: Map<number, SimIssueLink>;
  linksByIssue: Map<number, Set<number>>;
  events: Map<number, SimResourceEvent[]>;
  /** Every label, project or group, by id (issues refer to both kinds by id). */
  labels: Map<number, SimLabel>;
  /** Per-kind id counters; users and groups share `namespace` like GitLab's namespaces table. */
  seq: Record<'user' | 'namespace' | 'token' | 'project' | 'issue' | 'note' | 'label' | 'link' | 'hook' | 'hookLog' | 'event' | 'member' | 'board' | 'boardList', number>;
}

/** An empty store. */
export function createStore(): SimStore {
  return {
    users: new Map(), usersByName: new Map(), tokens: new Map(),
    groups: new Map(), groupsByPath: new Map(),
    projects: new Map(), projectsByPath: new Map(),
    issues: new Map(), notes: new Map(), links: new Map(), linksByIssue: new Map(), events: new Map(), labels: new Map(),
    seq: { user: 0, namespace: 0, token: 0, project: 0, issue: 0, note: 0, label: 0, link: 0, hook: 0, hookLog: 0, event: 0, member: 0, board: 0, boardList: 0 },
  };
}

/** The next id of a kind. */
export function nextId(store: SimStore, kind: keyof SimStore['seq']): number {
  store.seq[kind] += 1;
  return store.seq[kind];
}

/** A user by username, case-insensitively as GitLab's `find_by_username`. */
export function findUserByName(store: SimStore, username: string): SimUser | undefined {
  return store.usersByName.get(username.toLowerCase());
}

/** A project by numeric id or full path (`infra/career`). */
export function findProject(store: SimStore, ref: string | number): SimProject | undefined {
  const text = String(ref);
  if (/^\d+$/.test(text)) return store.projects.get(Number(text));
  return store.projectsByPath.get(text.toLowerCase());
}

/** A group by numeric id or full path. */
export function findGroup(store: SimStore, ref: string | number): SimGroup | undefined {
  const text = String(ref);
  if (/^\d+$/.test(text)) return store.groups.get(Number(text));
  return store.groupsByPath.get(text.toLowerCase());
}

/** A project's full path, e.g. `infra/career`. */
export function projectFullPath(store: SimStore, project: SimProject): string {
  return `${namespaceFullPath(store, project)}/${project.path}`;
}

/** The full path of a project's namespace (group path or username). */
export function namespaceFullPath(store: SimStore, project: SimProject): string {
  if (project.namespace.kind === 'group') return store.groups.get(project.namespace.ownerId)?.fullPath ?? '';
  return store.users.get(project.namespace.ownerId)?.username ?? '';
}

/** The display name of a project's namespace. */
export function namespaceName(store: SimStore, project: SimProject): string {
  if (project.namespace.kind === 'group') return store.groups.get(project.namespace.ownerId)?.name ?? '';
  return store.users.get(project.namespace.ownerId)?.name ?? '';
}

/** A group and its ancestors, nearest first (`self_and_ancestors`). */
export function groupChain(store: SimStore, group: SimGroup | undefined): SimGroup[] {
  const out: SimGroup[] = [];
  let g = group;
  while (g && !out.includes(g)) {
    out.push(g);
    g = g.parentId === null ? undefined : store.groups.get(g.parentId);
  }
  return out;
}

/** The groups above a project, nearest first (empty for personal projects). */
export function projectGroups(store: SimStore, project: SimProject): SimGroup[] {
  return project.namespace.kind === 'group' ? groupChain(store, store.groups.get(project.namespace.ownerId)) : [];
}

/** Whether `group` is `ancestor` or below it. */
export function isInGroup(store: SimStore, group: SimGroup | undefined, ancestor: SimGroup): boolean {
  return groupChain(store, group).includes(ancestor);
}

/** Projects directly in a group, or anywhere below it with `subgroups` (`include_subgroups`). */
export function groupProjects(store: SimStore, group: SimGroup, subgroups: boolean): SimProject[] {
  const out: SimProject[] = [];
  for (const p of store.projects.values()) {
    if (p.namespace.kind !== 'group') continue;
    const owner = store.groups.get(p.namespace.ownerId);
    if (owner === group || (subgroups && isInGroup(store, owner, group))) out.push(p);
  }
  return out;
}

/** Resource events of an issue, created on first use. */
export function issueEvents(store: SimStore, issueId: number): SimResourceEvent[] {
  let list = store.events.get(issueId);
  if (!list) {
    list = [];
    store.events.set(issueId, list);
  }
  return list;
}
