import { PermanentError } from '../core/errors.js';
import type { Group, Hook, HookEvent, Issue, IssueQuery, Label, LabelEvent, Note, Project, User } from '../core/gitlab-port.js';

/*
 * The state behind the in-memory gateway: a tiny GitLab with the observable rules the contract
 * suite checks (iids per project, labels sorted by title and created on first use, one label per
 * scope as on Premium, links both ways, newest-first listing). Shared by every `forProject` view.
 */

/** A mutable issue plus what hangs off it. */
export interface IssueRecord {
  issue: Issue;
  notes: Note[];
  links: Array<{ projectId: number; iid: number }>;
  labelEvents: LabelEvent[];
}

/** The label events of a change from `before` to `after`, by `user` at `at`. */
export function labelEventsOf(before: readonly string[], after: readonly string[], user: string, at: string): LabelEvent[] {
  return [
    ...before.filter((l) => !after.includes(l)).map((label) => ({ action: 'remove' as const, label, user, createdAt: at })),
    ...after.filter((l) => !before.includes(l)).map((label) => ({ action: 'add' as const, label, user, createdAt: at })),
  ];
}

export interface ProjectRecord {
  project: Project;
  issues: Map<number, IssueRecord>;
  nextIid: number;
  labels: Map<string, Label>;
  files: Map<string, { content: string; lastCommitId: string }>;
  hooks: Map<number, Hook>;
  hookEvents: Map<number, HookEvent[]>;
  accessLevel: number;
  /** Direct members by lowercased username, with their access level. */
  members: Map<string, number>;
}

/** A group: its direct members and labels (group hooks are a Premium feature the memory world lacks). */
export interface GroupRecord {
  group: Group;
  members: Map<string, number>;
  labels: Map<string, Label>;
}

/** One recorded gateway call. */
export interface MemoryCall {
  readonly method: string;
  readonly iid?: number;
  readonly project?: string;
}

export interface World {
  readonly users: Map<string, User>;
  readonly projects: Map<number, ProjectRecord>;
  readonly groups: Map<string, GroupRecord>;
  readonly calls: MemoryCall[];
  /** Issue boards by place (memory-boards.ts), and the ids given to labels of board lists. */
  readonly boards: Map<string, unknown[]>;
  readonly labelIds: Map<string, number>;
  bot: string;
  nextId: number;
  lastMs: number;
}

/** GitLab's colour for labels it creates on first use. */
export const DEFAULT_LABEL_COLOR = '#6699cc';

/** A fresh id, unique across the world (GitLab's global ids). */
export function newId(world: World): number {
  world.nextId += 1;
  return world.nextId;
}

/** A timestamp that never repeats, so ordering and `updatedAfter` behave as on a real server. */
export function now(world: World): string {
  world.lastMs = Math.max(Date.now(), world.lastMs + 1);
  return new Date(world.lastMs).toISOString();
}

/** A 40-hex commit id. */
export function newCommitId(world: World): string {
  return newId(world).toString(16).padStart(40, '0');
}

/** A new active user. */
export function addUser(world: World, username: string, opts: { name?: string; state?: string } = {}): User {
  const user: User = { id: newId(world), username, name: opts.name ?? username, state: opts.state ?? 'active' };
  world.users.set(username.toLowerCase(), user);
  return user;
}

/** The token's user. */
export function botUser(world: World): User {
  const user = world.users.get(world.bot.toLowerCase());
  if (!user) throw new PermanentError('gitlab_unauthorized', 'the bot user does not exist', {});
  return user;
}

/** A new empty project (the bot a maintainer unless said otherwise). */
export function addProject(world: World, path: string, opts: { defaultBranch?: string; accessLevel?: number } = {}): ProjectRecord {
  const id = newId(world);
  const record: ProjectRecord = {
    project: { id, path, webUrl: `https://gitlab.example/${path}`, defaultBranch: opts.defaultBranch ?? 'main' },
    issues: new Map(),
    nextIid: 1,
    labels: new Map(),
    files: new Map(),
    hooks: new Map(),
    hookEvents: new Map(),
    accessLevel: opts.accessLevel ?? 40,
    members: new Map(),
  };
  world.projects.set(id, record);
  return record;
}

/** The project named by path or id, or a not-found error as GitLab would answer. */
export function findProject(world: World, ref: string | number): ProjectRecord {
  for (const record of world.projects.values()) {
    if (record.project.id === Number(ref) || record.project.path === String(ref)) return record;
  }
  throw new PermanentError('gitlab_not_found', `GitLab has no project ${String(ref)} (404)`, { status: 404 });
}

/** The issue `iid` of a project, or a not-found error as GitLab would answer. */
export function findIssue(record: ProjectRecord, iid: number): IssueRecord {
  const found = record.issues.get(iid);
  if (!found) throw new PermanentError('gitlab_not_found', `GitLab has no issue #${iid} in ${record.project.path} (404)`, { status: 404, iid });
  return found;
}

/** Usernames checked against the known users, as the real adapter resolves them to ids. */
export function knownUsers(world: World, usernames: readonly string[]): string[] {
  return usernames.map((username) => {
    const user = world.users.get(username.toLowerCase());
    if (!user) throw new PermanentError('gitlab_rejected', `GitLab has no user @${username} to assign`, { username });
    return user.username;
  });
}

/** The scope of a scoped label (`a::b::c` -> `a::b`), or null. */
export function scopeOf(label: string): string | null {
  const at = label.lastIndexOf('::');
  return at > 0 ? label.slice(0, at) : null;
}

/**
 * `current` plus `added`, minus `removed`: each added scoped label replaces the others of its
 * scope (Premium behaviour), unknown labels become project labels, the result sorted by title.
 */
export function applyLabels(record: ProjectRecord, current: readonly string[], added: readonly string[], removed: readonly string[] = []): string[] {
  let labels = current.filter((l) => !removed.includes(l));
  for (const label of added) {
    const scope = scopeOf(label);
    if (scope !== null) labels = labels.filter((l) => scopeOf(l) !== scope);
    if (!labels.includes(label)) labels.push(label);
    if (!record.labels.has(label)) record.labels.set(label, { name: label, color: DEFAULT_LABEL_COLOR, description: null });
  }
  return labels.sort();
}

/** Whether an issue matches a port query. */
export function matches(issue: Issue, q: IssueQuery): boolean {
  if (q.state && q.state !== 'all' && issue.state !== q.state) return false;
  if (q.labels?.some((l) => !issue.labels.includes(l))) return false;
  if (q.notLabels?.some((l) => issue.labels.includes(l))) return false;
  if (q.search) {
    const needle = q.search.toLowerCase();
    if (!issue.title.toLowerCase().includes(needle) && !issue.description.toLowerCase().includes(needle)) return false;
  }
  if (q.updatedAfter && issue.updatedAt < new Date(q.updatedAfter).toISOString()) return false;
  if (q.author && issue.author.toLowerCase() !== q.author.toLowerCase()) return false;
  if (q.assignee && !issue.assignees.some((a) => a.toLowerCase() === q.assignee?.toLowerCase())) return false;
  if (q.iids?.length && !q.iids.includes(issue.iid)) return false;
  return true;
}

/** Labels of the groups above `path` (a project's or group's full path), the group itself included for a group. */
export function groupLabelsAbove(world: World, path: string, self = false): Label[] {
  const parts = path.split('/');
  const out: Label[] = [];
  for (let i = 1; i <= parts.length - (self ? 0 : 1); i += 1) out.push(...(world.groups.get(parts.slice(0, i).join('/').toLowerCase())?.labels.values() ?? []));
  return out;
}
