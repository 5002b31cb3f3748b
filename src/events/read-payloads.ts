import { issueState, toDay, toIsoDateTime } from './gitlab-values.js';
import { arrayOf, boolean, integer, NULLABLE, object, OPTIONAL, OPTIONAL_NULLABLE, pathOf, problem, REQUIRED, string } from './read-fields.js';
import type { Json, Key, Presence, Problems } from './read-fields.js';
import type { Change, HookProject, HookUser, IssueFields, IssueHook, IssueHookChanges, LabelRef, NoteHook, NoteTarget, PushHook, UserRef } from './payload-types.js';

/*
 * Readers of the GitLab webhook payloads Trellis handles. They read only the fields Trellis uses;
 * everything else passes unchecked and is left behind, so a new GitLab version adding fields never
 * breaks them. Optional fields are the ones older versions leave out: `event_type`, `state_id`, a
 * note's `action`, `assignees`, `labels`, `changes`, a user's `id`. Each problem is one line naming
 * its JSON path; all of a payload's problems are reported at once.
 *
 * These were zod schemas; in the api role zod cost about 19 µs of CPU per webhook (a quarter of its
 * time per request, much of it garbage collection), these readers and the normalisation about 5 (the
 * `intake` row of `npm run bench`). Their problem lines are worded as zod worded them (`required`,
 * `expected number, received string`), which tests pin down.
 */

/** What a reader gives: the payload's fields, or every problem found. */
export type ReadResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: string[] };

function result<T>(p: Problems, value: T | undefined): ReadResult<T> {
  return p.list.length === 0 && value !== undefined ? { ok: true, value } : { ok: false, problems: p.list };
}

/** Reads a whole payload; `(root)` problems when it is not a JSON object at all. */
function readRoot<T>(body: unknown, read: (p: Problems, o: Json) => T | undefined): ReadResult<T> {
  const p: Problems = { list: [] };
  const root = object(p, { '(root)': body }, '(root)', '');
  return result(p, root ? read(p, root) : undefined);
}

/** A GitLab timestamp in any format GitLab has used, read as ISO 8601. */
function dateTime(p: Problems, o: Json, key: Key, at: string, presence: Presence = REQUIRED): string | null | undefined {
  const v = string(p, o, key, at, presence);
  if (typeof v !== 'string') return v;
  return toIsoDateTime(v) ?? problem(p, at, key, `expected a date and time, received ${JSON.stringify(v.slice(0, 40))}`);
}

function day(p: Problems, o: Json, key: Key, at: string): string | null | undefined {
  const v = string(p, o, key, at, OPTIONAL_NULLABLE);
  if (typeof v !== 'string') return v;
  return toDay(v) ?? problem(p, at, key, 'expected a date like 2026-04-30');
}

function labelAt(p: Problems, items: readonly unknown[], i: number, at: string): LabelRef | undefined {
  const o = object(p, items, i, at);
  if (!o) return undefined;
  const title = string(p, o, 'title', pathOf(at, i));
  return title === undefined ? undefined : { title: title! };
}

function userRefAt(p: Problems, items: readonly unknown[], i: number, at: string): UserRef | undefined {
  const o = object(p, items, i, at);
  if (!o) return undefined;
  const username = string(p, o, 'username', pathOf(at, i));
  return username === undefined ? undefined : { username: username! };
}

function userRef(p: Problems, o: Json, key: string, at: string, presence: Presence): UserRef | null | undefined {
  const v = object(p, o, key, at, presence);
  if (!v) return v;
  const username = string(p, v, 'username', pathOf(at, key));
  return username === undefined ? undefined : { username: username! };
}

function user(p: Problems, o: Json, at: string): HookUser | undefined {
  const u = object(p, o, 'user', at);
  if (!u) return undefined;
  const here = pathOf(at, 'user');
  const id = integer(p, u, 'id', here, OPTIONAL);
  const username = string(p, u, 'username', here);
  return username === undefined ? undefined : { id: id ?? undefined, username: username! };
}

function project(p: Problems, o: Json, at: string): HookProject | undefined {
  const v = object(p, o, 'project', at);
  if (!v) return undefined;
  const here = pathOf(at, 'project');
  const id = integer(p, v, 'id', here);
  const path = string(p, v, 'path_with_namespace', here);
  const webUrl = string(p, v, 'web_url', here);
  return id === undefined || path === undefined || webUrl === undefined ? undefined : { id: id!, path_with_namespace: path!, web_url: webUrl! };
}

/**
 * One entry of `changes`: `{ previous, current }` since GitLab 11, or `[previous, current]` (what
 * ActiveRecord's `previous_changes` gives) in GitLab 10 and before. A pair is read as the object, so
 * problems name `previous`/`current` either way.
 */
function change<T>(p: Problems, o: Json, key: string, at: string, side: (p: Problems, o: Json, key: string, at: string) => T | null | undefined): Change<T> | undefined {
  const raw = o[key];
  if (raw === undefined) return undefined;
  const pair = Array.isArray(raw) && raw.length === 2 ? { previous: raw[0] as unknown, current: raw[1] as unknown } : raw;
  const v = object(p, { [key]: pair }, key, at);
  if (!v) return undefined;
  const here = pathOf(at, key);
  const before = p.list.length;
  const previous = side(p, v, 'previous', here);
  const current = side(p, v, 'current', here);
  return p.list.length === before ? { previous, current } : undefined;
}

const stringSide = (p: Problems, o: Json, key: string, at: string) => string(p, o, key, at, OPTIONAL_NULLABLE);
const booleanSide = (p: Problems, o: Json, key: string, at: string) => boolean(p, o, key, at, OPTIONAL_NULLABLE);
const integerSide = (p: Problems, o: Json, key: string, at: string) => integer(p, o, key, at, OPTIONAL_NULLABLE);
const labelsSide = (p: Problems, o: Json, key: string, at: string) => arrayOf(p, o, key, at, OPTIONAL_NULLABLE, labelAt);
const usersSide = (p: Problems, o: Json, key: string, at: string) => arrayOf(p, o, key, at, OPTIONAL_NULLABLE, userRefAt);

function issueChanges(p: Problems, o: Json, at: string): IssueHookChanges | null | undefined {
  const c = object(p, o, 'changes', at, OPTIONAL_NULLABLE);
  if (!c) return c;
  const here = pathOf(at, 'changes');
  const before = p.list.length;
  const out: IssueHookChanges = {
    title: change(p, c, 'title', here, stringSide),
    description: change(p, c, 'description', here, stringSide),
    labels: change(p, c, 'labels', here, labelsSide),
    assignees: change(p, c, 'assignees', here, usersSide),
    confidential: change(p, c, 'confidential', here, booleanSide),
    state_id: change(p, c, 'state_id', here, integerSide),
    state: change(p, c, 'state', here, stringSide),
  };
  return p.list.length === before ? out : undefined;
}

/** The issue fields; `requireState` checks them once the rest of their object is read. */
function issueFields(p: Problems, a: Json, at: string, urlPresence: Presence): IssueFields {
  return {
    id: integer(p, a, 'id', at)!,
    iid: integer(p, a, 'iid', at)!,
    title: string(p, a, 'title', at)!,
    description: string(p, a, 'description', at, NULLABLE)!,
    state: string(p, a, 'state', at, OPTIONAL) ?? undefined,
    state_id: integer(p, a, 'state_id', at, OPTIONAL) ?? undefined,
    confidential: boolean(p, a, 'confidential', at, OPTIONAL) ?? undefined,
    author_id: integer(p, a, 'author_id', at, OPTIONAL) ?? undefined,
    due_date: day(p, a, 'due_date', at),
    created_at: dateTime(p, a, 'created_at', at)!,
    updated_at: dateTime(p, a, 'updated_at', at)!,
    closed_at: dateTime(p, a, 'closed_at', at, OPTIONAL_NULLABLE),
    labels: arrayOf(p, a, 'labels', at, OPTIONAL, labelAt) ?? undefined,
    url: string(p, a, 'url', at, urlPresence) ?? undefined,
  };
}

/**
 * Whether `state` or `state_id` says if the issue is open. Checked only when the issue's object read
 * without problems since `before` (as zod's refinement was), so one mistake gives one line.
 */
function requireState<T extends IssueFields>(p: Problems, fields: T, at: string, before: number): T | undefined {
  if (p.list.length !== before) return undefined;
  if (issueState(fields.state, fields.state_id) !== null) return fields;
  const message =
    fields.state === undefined && fields.state_id === undefined
      ? 'required (state or state_id)'
      : `expected opened or closed, received ${JSON.stringify(fields.state ?? fields.state_id)}`;
  return problem(p, at, 'state', message);
}

/** What issue and note hooks start with, read in their order so problems are listed in it. */
function hookHead(p: Problems, o: Json): { eventType: string | undefined; user: HookUser | undefined; project: HookProject | undefined; attributes: Json | null | undefined } {
  const eventType = string(p, o, 'event_type', '', OPTIONAL) ?? undefined;
  return { eventType, user: user(p, o, ''), project: project(p, o, ''), attributes: object(p, o, 'object_attributes', '') };
}

/** `Issue Hook` and `Confidential Issue Hook`. */
export function readIssueHook(body: unknown): ReadResult<IssueHook> {
  return readRoot(body, (p, o) => {
    const { eventType, user: u, project: proj, attributes: a } = hookHead(p, o);
    let attrs: IssueHook['object_attributes'] | undefined;
    if (a) {
      const before = p.list.length;
      const fields = issueFields(p, a, 'object_attributes', REQUIRED);
      const action = string(p, a, 'action', 'object_attributes', OPTIONAL);
      attrs = requireState(p, { ...fields, url: fields.url!, action: action ?? undefined }, 'object_attributes', before);
    }
    const labels = arrayOf(p, o, 'labels', '', OPTIONAL, labelAt);
    const assignees = arrayOf(p, o, 'assignees', '', OPTIONAL, userRefAt);
    const assignee = userRef(p, o, 'assignee', '', OPTIONAL_NULLABLE);
    const changes = issueChanges(p, o, '');
    if (p.list.length > 0 || !u || !proj || !attrs) return undefined;
    return { event_type: eventType, user: u, project: proj, object_attributes: attrs, labels: labels ?? undefined, assignees: assignees ?? undefined, assignee, changes };
  });
}

/** The first look at a note hook. */
export function readNoteTarget(body: unknown): ReadResult<NoteTarget> {
  return readRoot(body, (p, o) => {
    const a = object(p, o, 'object_attributes', '');
    if (!a) return undefined;
    const noteableType = string(p, a, 'noteable_type', 'object_attributes');
    const system = boolean(p, a, 'system', 'object_attributes', OPTIONAL_NULLABLE);
    return noteableType == null ? undefined : { noteable_type: noteableType, system };
  });
}

/** `Note Hook` and `Confidential Note Hook` for a note on an issue. */
export function readNoteHook(body: unknown): ReadResult<NoteHook> {
  return readRoot(body, (p, o) => {
    const { eventType, user: u, project: proj, attributes: a } = hookHead(p, o);
    let note: NoteHook['object_attributes'] | undefined;
    if (a) {
      const at = 'object_attributes';
      const id = integer(p, a, 'id', at);
      const text = string(p, a, 'note', at);
      const url = string(p, a, 'url', at);
      const action = string(p, a, 'action', at, OPTIONAL);
      const authorId = integer(p, a, 'author_id', at, OPTIONAL);
      if (id !== undefined && text !== undefined && url !== undefined) note = { id: id!, note: text!, url: url!, action: action ?? undefined, author_id: authorId ?? undefined };
    }
    const i = object(p, o, 'issue', '');
    const before = p.list.length;
    const issue = i ? requireState(p, issueFields(p, i, 'issue', OPTIONAL), 'issue', before) : undefined;
    if (p.list.length > 0 || !u || !proj || !note || !issue) return undefined;
    return { event_type: eventType, user: u, project: proj, object_attributes: note, issue };
  });
}

const pathsAt = (p: Problems, o: Json, key: string, at: string) => arrayOf(p, o, key, at, OPTIONAL_NULLABLE, (p2, items, i, here) => string(p2, items, i, here) ?? undefined);

/** `Push Hook`. */
export function readPushHook(body: unknown): ReadResult<PushHook> {
  return readRoot(body, (p, o) => {
    const ref = string(p, o, 'ref', '');
    const after = string(p, o, 'after', '');
    const userId = integer(p, o, 'user_id', '');
    const username = string(p, o, 'user_username', '', OPTIONAL);
    const proj = project(p, o, '');
    const commits = arrayOf(p, o, 'commits', '', OPTIONAL_NULLABLE, (p2, items, i, at) => {
      const c = object(p2, items, i, at);
      if (!c) return undefined;
      const here = pathOf(at, i);
      const before = p2.list.length;
      const commit = { added: pathsAt(p2, c, 'added', here), modified: pathsAt(p2, c, 'modified', here), removed: pathsAt(p2, c, 'removed', here) };
      return p2.list.length === before ? commit : undefined;
    });
    const total = integer(p, o, 'total_commits_count', '', OPTIONAL);
    if (p.list.length > 0 || !proj) return undefined;
    return { ref: ref!, after: after!, user_id: userId!, user_username: username ?? undefined, project: proj, commits, total_commits_count: total ?? undefined };
  });
}
