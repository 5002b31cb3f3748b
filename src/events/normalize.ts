import type { Issue } from '../core/gitlab-port.js';
import type { Actor, IssueEvent, NoteEvent, ProjectRef, PushEvent, TrellisEvent } from './types.js';
import { OBJECT_KIND, kindForHeader, type HookKind } from './event-header.js';
import { issueState } from './gitlab-values.js';
import { issueChanges } from './issue-changes.js';
import { readIssueHook, readNoteHook, readNoteTarget, readPushHook } from './read-payloads.js';
import type { IssueFields, IssueHook, NoteHook, PushHook } from './payload-types.js';

export { HANDLED_EVENTS, eventHeaderFor } from './event-header.js';

/**
 * What became of a delivery: an event for the queue; ignored (a kind or target Trellis does not
 * handle: answer 2xx and drop it); or invalid (a handled kind missing or mistyping a field Trellis
 * needs, each problem naming its JSON path).
 */
export type ParseResult =
  | { kind: 'event'; event: TrellisEvent }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; problems: string[] };

type Meta = { eventUuid?: string | undefined } | undefined;

/**
 * Turns a webhook delivery into a normalised event. `X-Gitlab-Event` decides the kind; without it
 * (e.g. `trellis replay` of a bare file) `object_kind` does. Accepts what every GitLab version since
 * 10.x sends. Never throws.
 */
export function parseWebhook(eventHeader: string | undefined, body: unknown, meta?: { eventUuid?: string }): ParseResult {
  const header = eventHeader?.trim() ?? '';
  const objectKind = isRecord(body) && typeof body.object_kind === 'string' ? body.object_kind : undefined;
  if (objectKind === 'work_item') return ignored(`work item events (object_kind "work_item") are not issues`);
  if (header === '') {
    if (!isRecord(body)) return { kind: 'invalid', problems: [`(root): expected object, received ${body === null ? 'null' : typeof body}`] };
    const kind = objectKind === 'issue' || objectKind === 'note' || objectKind === 'push' ? objectKind : undefined;
    if (!kind) return ignored(`no X-Gitlab-Event header and object_kind ${JSON.stringify(objectKind ?? null)} is not handled`);
    return parseKind(kind, confidentialByEventType(body.event_type), body, meta);
  }
  const kind = kindForHeader(header);
  if (!kind) return ignored(`X-Gitlab-Event ${JSON.stringify(header)} is not handled`);
  if (objectKind !== undefined && objectKind !== OBJECT_KIND[kind]) {
    return {
      kind: 'invalid',
      problems: [`object_kind: expected ${JSON.stringify(OBJECT_KIND[kind])} for X-Gitlab-Event ${JSON.stringify(header)}, received ${JSON.stringify(objectKind)}`],
    };
  }
  return parseKind(kind, header.startsWith('Confidential '), body, meta);
}

function parseKind(kind: HookKind, confidential: boolean, body: unknown, meta: Meta): ParseResult {
  if (kind === 'issue') return parseIssueHook(body, confidential, meta);
  if (kind === 'note') return parseNoteHook(body, confidential, meta);
  return parsePushHook(body, meta);
}

function parseIssueHook(body: unknown, confidential: boolean, meta: Meta): ParseResult {
  const read = readIssueHook(body);
  if (!read.ok) return invalid(read.problems);
  return { kind: 'event', event: issueEvent(read.value, confidential, meta) };
}

function parseNoteHook(body: unknown, confidential: boolean, meta: Meta): ParseResult {
  const target = readNoteTarget(body);
  if (!target.ok) return invalid(target.problems);
  const { noteable_type: noteableType, system } = target.value;
  if (noteableType !== 'Issue') return ignored(`note on a ${noteableType}, not an issue`);
  // GitLab fires no note hook for system notes; one that says it is came from elsewhere.
  if (system === true) return ignored('system note');
  const read = readNoteHook(body);
  if (!read.ok) return invalid(read.problems);
  return { kind: 'event', event: noteEvent(read.value, confidential, meta) };
}

function parsePushHook(body: unknown, meta: Meta): ParseResult {
  const read = readPushHook(body);
  if (!read.ok) return invalid(read.problems);
  return { kind: 'event', event: pushEvent(read.value, meta) };
}

const ISSUE_ACTIONS = ['open', 'close', 'reopen', 'update'] as const;
const NOTE_ACTIONS = ['create', 'update'] as const;

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | 'unknown' {
  return values.find((v) => v === value) ?? 'unknown';
}

function issueEvent(hook: IssueHook, confidential: boolean, meta: Meta): IssueEvent {
  const attrs = hook.object_attributes;
  const action = oneOf(ISSUE_ACTIONS, attrs.action);
  const actor = actorOf(hook.user, action === 'open' ? attrs.author_id : undefined);
  // `assignees` is left out when there are none; GitLab before 9.x sent only the first as `assignee`.
  // When neither is there but `assignee_ids` is not empty, usernames are unknown: [] (workers fetch).
  const assignees = hook.assignees?.map((u) => u.username) ?? (hook.assignee ? [hook.assignee.username] : []);
  const issue = issueOf(attrs, {
    projectId: hook.project.id,
    labels: (hook.labels ?? attrs.labels ?? []).map((l) => l.title),
    assignees,
    author: authorOf(attrs.author_id, hook.user, action === 'open'),
    confidential: attrs.confidential ?? (confidential || hook.event_type === 'confidential_issue'),
    webUrl: attrs.url,
  });
  return withUuid({ type: 'issue', action, actor, project: projectOf(hook.project), issue, ...(attrs.author_id !== undefined ? { issueAuthorId: attrs.author_id } : {}), changes: issueChanges(hook.changes) }, meta);
}

function noteEvent(hook: NoteHook, confidential: boolean, meta: Meta): NoteEvent {
  const note = hook.object_attributes;
  // The note's author is the hook's user, so its author_id stands in for a user id older versions omit.
  const actor = actorOf(hook.user, note.author_id);
  const issue = issueOf(hook.issue, {
    projectId: hook.project.id,
    labels: (hook.issue.labels ?? []).map((l) => l.title),
    // A note hook carries only `assignee_ids`, never usernames: workers fetch the issue for them.
    assignees: [],
    author: authorOf(hook.issue.author_id, hook.user, false),
    confidential: hook.issue.confidential ?? (confidential || hook.event_type === 'confidential_note'),
    webUrl: hook.issue.url ?? issueUrlFromNoteUrl(note.url),
  });
  return withUuid(
    {
      type: 'note',
      action: oneOf(NOTE_ACTIONS, note.action),
      actor,
      project: projectOf(hook.project),
      note: { id: note.id, body: note.note, url: note.url },
      issue,
      ...(hook.issue.author_id !== undefined ? { issueAuthorId: hook.issue.author_id } : {}),
    },
    meta,
  );
}

function pushEvent(hook: PushHook, meta: Meta): PushEvent {
  // Only the newest 20 commits are listed, so when total_commits_count is larger these paths are
  // incomplete and `truncated` tells consumers to assume any file may have changed.
  const paths = new Set<string>();
  for (const commit of hook.commits ?? []) {
    for (const path of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) paths.add(path);
  }
  return withUuid(
    {
      type: 'push',
      actor: { id: hook.user_id, username: hook.user_username ?? '' },
      project: projectOf(hook.project),
      ref: hook.ref,
      after: hook.after,
      paths: [...paths],
      truncated: (hook.total_commits_count ?? 0) > (hook.commits?.length ?? 0),
    },
    meta,
  );
}

interface IssueExtras {
  readonly projectId: number;
  readonly labels: readonly string[];
  readonly assignees: readonly string[];
  readonly author: string;
  readonly confidential: boolean;
  readonly webUrl: string;
}

function issueOf(attrs: IssueFields, extras: IssueExtras): Issue {
  return {
    id: attrs.id,
    iid: attrs.iid,
    projectId: extras.projectId,
    title: attrs.title,
    description: attrs.description ?? '',
    // The schema already rejected payloads where neither state nor state_id says.
    state: issueState(attrs.state, attrs.state_id) ?? 'opened',
    labels: extras.labels,
    assignees: extras.assignees,
    author: extras.author,
    confidential: extras.confidential,
    dueDate: attrs.due_date ?? null,
    webUrl: extras.webUrl,
    createdAt: attrs.created_at,
    updatedAt: attrs.updated_at,
    closedAt: attrs.closed_at ?? null,
  };
}

/**
 * Payloads name the issue's author only by `author_id`. It is the actor's username when the ids
 * match, or (for `open` from versions without a user id) when the actor opened it; otherwise ''
 * and workers that need the author fetch the issue.
 */
function authorOf(authorId: number | undefined, user: { id?: number | undefined; username: string }, opened: boolean): string {
  if (user.id !== undefined) return authorId !== undefined && authorId === user.id ? user.username : '';
  return opened ? user.username : '';
}

/** `user.id` is missing before GitLab ~12: a stand-in id known to be the same person, else 0. */
function actorOf(user: { id?: number | undefined; username: string }, sameUserId: number | undefined): Actor {
  return { id: user.id ?? sameUserId ?? 0, username: user.username };
}

function projectOf(project: { id: number; path_with_namespace: string; web_url: string }): ProjectRef {
  return { id: project.id, path: project.path_with_namespace, webUrl: project.web_url };
}

/** `.../issues/17#note_1241` → `.../issues/17`. */
function issueUrlFromNoteUrl(noteUrl: string): string {
  const at = noteUrl.lastIndexOf('#note_');
  return at === -1 ? noteUrl : noteUrl.slice(0, at);
}

function confidentialByEventType(eventType: unknown): boolean {
  return eventType === 'confidential_issue' || eventType === 'confidential_note';
}

function withUuid<T extends TrellisEvent>(event: T, meta: Meta): T {
  return meta?.eventUuid === undefined ? event : { ...event, eventUuid: meta.eventUuid };
}

function ignored(reason: string): ParseResult {
  return { kind: 'ignored', reason };
}

function invalid(problems: string[]): ParseResult {
  return { kind: 'invalid', problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
