import { z } from 'zod';
import { PermanentError } from '../core/errors.js';
import type { Group, Hook, HookEvent, Issue, Label, LabelEvent, Member, Note, Project, RepoFile, User } from '../core/gitlab-port.js';

/*
 * GitLab's JSON at the boundary: each schema declares only the fields Trellis uses, so extra or
 * newer fields never break parsing, and maps them to the port's types.
 */

const who = z.object({ username: z.string() });

const userJson = z.object({ id: z.number(), username: z.string(), name: z.string().nullish(), state: z.string().nullish() });

const issueJson = z.object({
  id: z.number(),
  iid: z.number(),
  project_id: z.number(),
  title: z.string(),
  description: z.string().nullish(),
  state: z.enum(['opened', 'closed']),
  labels: z.array(z.string()).nullish(),
  assignees: z.array(who).nullish(),
  author: who,
  confidential: z.boolean().nullish(),
  due_date: z.string().nullish(),
  web_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullish(),
});

const noteJson = z.object({
  id: z.number(),
  body: z.string().nullish(),
  author: who,
  system: z.boolean().nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
});

const labelJson = z.object({ id: z.number().nullish(), name: z.string(), color: z.string(), description: z.string().nullish() });

const hookJson = z.object({
  id: z.number(),
  url: z.string(),
  issues_events: z.boolean().nullish(),
  confidential_issues_events: z.boolean().nullish(),
  note_events: z.boolean().nullish(),
  confidential_note_events: z.boolean().nullish(),
  push_events: z.boolean().nullish(),
  alert_status: z.string().nullish(),
  disabled_until: z.string().nullish(),
});

const hookEventJson = z.object({
  id: z.number(),
  response_status: z.union([z.number(), z.string()]).nullish(),
  trigger: z.string().nullish(),
  created_at: z.string().nullish(),
});

const labelEventJson = z.object({
  action: z.enum(['add', 'remove']),
  label: z.object({ name: z.string() }).nullish(),
  user: z.object({ username: z.string() }).nullish(),
  created_at: z.string(),
});

const projectJson = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  web_url: z.string(),
  default_branch: z.string().nullish(),
  permissions: z
    .object({
      project_access: z.object({ access_level: z.number() }).nullish(),
      group_access: z.object({ access_level: z.number() }).nullish(),
    })
    .nullish(),
});

const fileJson = z.object({ file_path: z.string(), content: z.string(), encoding: z.string().nullish(), last_commit_id: z.string() });

const linkJson = z.object({ project_id: z.number(), iid: z.number() });

const memberJson = z.object({ access_level: z.number() });

const fullMemberJson = z.object({ id: z.number(), username: z.string(), access_level: z.number(), state: z.string().nullish() });

const groupJson = z.object({ id: z.number(), full_path: z.string(), web_url: z.string(), visibility: z.string().nullish() });

/** Parses `body` or throws: a shape Trellis cannot read means a GitLab it does not support. */
function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new PermanentError('gitlab_rejected', `unexpected GitLab response for ${what}`, { issues: result.error.issues.slice(0, 3) });
  }
  return result.data;
}

/** A list of `T`, each item parsed by `map`. */
export function parseList<T>(map: (body: unknown) => T, body: unknown, what: string): T[] {
  return parse(z.array(z.unknown()), body, what).map(map);
}

/** `API::Entities::UserBasic` (or fuller) as a port `User`. */
export function toUser(body: unknown): User {
  const u = parse(userJson, body, 'user');
  return { id: u.id, username: u.username, name: u.name ?? u.username, state: u.state ?? 'active' };
}

/** An issue entity as a port `Issue`: labels as titles, assignees and author as usernames. */
export function toIssue(body: unknown): Issue {
  const i = parse(issueJson, body, 'issue');
  return {
    id: i.id,
    iid: i.iid,
    projectId: i.project_id,
    title: i.title,
    description: i.description ?? '',
    state: i.state,
    labels: i.labels ?? [],
    assignees: (i.assignees ?? []).map((a) => a.username),
    author: i.author.username,
    confidential: i.confidential ?? false,
    dueDate: i.due_date ?? null,
    webUrl: i.web_url,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
    closedAt: i.closed_at ?? null,
  };
}

/** A note entity as a port `Note`. */
export function toNote(body: unknown): Note {
  const n = parse(noteJson, body, 'note');
  return { id: n.id, body: n.body ?? '', author: n.author.username, system: n.system ?? false, createdAt: n.created_at, updatedAt: n.updated_at ?? n.created_at };
}

/** A project label as a port `Label`. */
export function toLabel(body: unknown): Label {
  const l = parse(labelJson, body, 'label');
  return { name: l.name, color: l.color, description: l.description ?? null };
}

/** A project hook as a port `Hook` (GitLab never returns its secret). */
export function toHook(body: unknown): Hook {
  const h = parse(hookJson, body, 'hook');
  return {
    id: h.id,
    url: h.url,
    issuesEvents: h.issues_events ?? false,
    confidentialIssuesEvents: h.confidential_issues_events ?? false,
    noteEvents: h.note_events ?? false,
    confidentialNoteEvents: h.confidential_note_events ?? false,
    pushEvents: h.push_events ?? false,
    alertStatus: h.alert_status ?? 'executable',
    disabledUntil: h.disabled_until ?? null,
  };
}

/** A hook delivery log entry as a port `HookEvent`. */
export function toHookEvent(body: unknown): HookEvent {
  const e = parse(hookEventJson, body, 'hook event');
  return { id: e.id, status: e.response_status ?? 'unknown', trigger: e.trigger ?? '', createdAt: e.created_at ?? '' };
}

/** A resource label event as a port `LabelEvent`. */
export function toLabelEvent(body: unknown): LabelEvent {
  const e = parse(labelEventJson, body, 'label event');
  return { action: e.action, label: e.label?.name ?? '', user: e.user?.username ?? '', createdAt: e.created_at };
}

/** The project plus the access level GitLab reports for the token's user, when it does. */
export function toProject(body: unknown): { project: Project; accessLevel: number | null } {
  const p = parse(projectJson, body, 'project');
  const levels = [p.permissions?.project_access?.access_level, p.permissions?.group_access?.access_level].filter((l): l is number => typeof l === 'number');
  return {
    project: { id: p.id, path: p.path_with_namespace, webUrl: p.web_url, defaultBranch: p.default_branch ?? 'main' },
    accessLevel: levels.length > 0 ? Math.max(...levels) : null,
  };
}

/** A repository file, its base64 content decoded. */
export function toRepoFile(body: unknown): RepoFile {
  const f = parse(fileJson, body, 'repository file');
  const content = f.encoding === 'base64' ? Buffer.from(f.content, 'base64').toString('utf8') : f.content;
  return { path: f.file_path, content, lastCommitId: f.last_commit_id };
}

/** A linked issue as `{ projectId, iid }`. */
export function toLink(body: unknown): { projectId: number; iid: number } {
  const l = parse(linkJson, body, 'issue link');
  return { projectId: l.project_id, iid: l.iid };
}

/** The access level of a membership. */
export function toAccessLevel(body: unknown): number {
  return parse(memberJson, body, 'member').access_level;
}


/** A project or group member as a port `Member`. */
export function toMember(body: unknown): Member {
  const m = parse(fullMemberJson, body, 'member');
  return { userId: m.id, username: m.username, accessLevel: m.access_level, state: m.state ?? 'active' };
}

/** A group as a port `Group`. */
export function toGroup(body: unknown): Group {
  const g = parse(groupJson, body, 'group');
  return { id: g.id, fullPath: g.full_path, webUrl: g.web_url, visibility: g.visibility ?? 'private' };
}
