/**
 * What the webhook route must answer, written from the rules (webhook-route.ts, docs/architecture.md, docs/gitlab/facts.md)
 * and the fields Trellis reads (README "Architecture"), independently of the zod schemas it checks:
 * 401 without the right X-Gitlab-Token, 413 above the body limit, 400 for a body that is not JSON,
 * 422 when a kind Trellis handles lacks or mistypes a field it needs, 202 for everything else
 * (queued, duplicate or ignored).
 */

type Check = (v: unknown) => boolean;

export interface Delivery {
  readonly tokenOk: boolean;
  /** X-Gitlab-Event, or undefined when the delivery has none. */
  readonly event: string | undefined;
  readonly body: string;
}

/** The status the rules give a delivery. */
export function expectedStatus(d: Delivery, bodyLimitBytes: number): number {
  if (!d.tokenOk) return 401;
  if (Buffer.byteLength(d.body, 'utf8') > bodyLimitBytes) return 413;
  let json: unknown;
  try {
    json = JSON.parse(d.body);
  } catch {
    return 400;
  }
  return valid(d.event, json) ? 202 : 422;
}

const KINDS: Readonly<Record<string, 'issue' | 'note' | 'push'>> = {
  'Issue Hook': 'issue',
  'Confidential Issue Hook': 'issue',
  'Note Hook': 'note',
  'Confidential Note Hook': 'note',
  'Push Hook': 'push',
};

/** True for a 2xx: a handled kind with what Trellis needs, or anything Trellis does not handle. */
function valid(event: string | undefined, body: unknown): boolean {
  const objectKind = isObj(body) && typeof body.object_kind === 'string' ? body.object_kind : undefined;
  // Work items (tasks, epics) come through the issue hooks: not issues, so not Trellis's.
  if (objectKind === 'work_item') return true;
  if (event === undefined) {
    if (!isObj(body)) return false;
    if (objectKind === 'issue' || objectKind === 'note' || objectKind === 'push') return validKind(objectKind, body);
    return true;
  }
  const kind = KINDS[event];
  if (!kind) return true;
  if (objectKind !== undefined && objectKind !== kind) return false;
  return validKind(kind, body);
}

function validKind(kind: 'issue' | 'note' | 'push', body: unknown): boolean {
  if (kind === 'issue') return issueHook(body);
  if (kind === 'note') return noteHook(body);
  return pushHook(body);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const has = (o: Record<string, unknown>, k: string) => Object.hasOwn(o, k);
const req = (o: Record<string, unknown>, k: string, c: Check) => has(o, k) && c(o[k]);
const opt = (o: Record<string, unknown>, k: string, c: Check) => !has(o, k) || c(o[k]);
const or = (...cs: Check[]): Check => (v) => cs.some((c) => c(v));
const isNull: Check = (v) => v === null;
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
// JSON numbers; ids must be whole and exact in a double.
const int: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v);
const arr = (c: Check): Check => (v) => Array.isArray(v) && v.every(c);
const obj = (fields: (o: Record<string, unknown>) => boolean): Check => (v) => isObj(v) && fields(v);

/** The timestamp formats GitLab has sent: ISO 8601, Ruby's `Time#to_s` (`... UTC`), or with an offset. */
const dateTime: Check = (v) =>
  typeof v === 'string' && v.length <= 48 && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?( ?(Z|UTC|[+-]\d{2}:?\d{2}))?$/.test(v) && !Number.isNaN(Date.parse(v.replace(' UTC', 'Z').replace(' ', 'T').replace(/ ?([+-]\d{2}):?(\d{2})$/, '$1:$2')));
const day: Check = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

const label = obj((o) => req(o, 'title', str));
const userRef = obj((o) => req(o, 'username', str));
const user = obj((o) => req(o, 'username', str) && opt(o, 'id', int));
const project = obj((o) => req(o, 'id', int) && req(o, 'path_with_namespace', str) && req(o, 'web_url', str));

/** `{previous, current}`, or the `[previous, current]` pair of GitLab 10. */
const change = (c: Check): Check => (v) => {
  const pair = Array.isArray(v) && v.length === 2 ? { previous: v[0], current: v[1] } : v;
  return isObj(pair) && opt(pair, 'previous', or(isNull, c)) && opt(pair, 'current', or(isNull, c));
};
const changes = obj(
  (o) =>
    opt(o, 'title', change(str)) &&
    opt(o, 'description', change(str)) &&
    opt(o, 'labels', change(arr(label))) &&
    opt(o, 'assignees', change(arr(userRef))) &&
    opt(o, 'confidential', change(bool)) &&
    opt(o, 'state_id', change(int)) &&
    opt(o, 'state', change(str)),
);

/** An issue as hook data shows it; open or closed must be readable from `state` or `state_id`. */
function issueFields(o: Record<string, unknown>, urlRequired: boolean): boolean {
  const typed =
    req(o, 'id', int) &&
    req(o, 'iid', int) &&
    req(o, 'title', str) &&
    req(o, 'description', or(str, isNull)) &&
    opt(o, 'state', str) &&
    opt(o, 'state_id', int) &&
    opt(o, 'confidential', bool) &&
    opt(o, 'author_id', int) &&
    opt(o, 'due_date', or(day, isNull)) &&
    req(o, 'created_at', dateTime) &&
    req(o, 'updated_at', dateTime) &&
    opt(o, 'closed_at', or(dateTime, isNull)) &&
    opt(o, 'labels', arr(label)) &&
    (urlRequired ? req(o, 'url', str) : opt(o, 'url', str));
  const state = o.state === 'opened' || o.state === 'reopened' || o.state === 'closed' || [1, 2, 3, 4].includes(o.state_id as number);
  return typed && state;
}

const issueHook = obj(
  (o) =>
    opt(o, 'event_type', str) &&
    req(o, 'user', user) &&
    req(o, 'project', project) &&
    req(o, 'object_attributes', obj((a) => issueFields(a, true) && opt(a, 'action', str))) &&
    opt(o, 'labels', arr(label)) &&
    opt(o, 'assignees', arr(userRef)) &&
    opt(o, 'assignee', or(userRef, isNull)) &&
    opt(o, 'changes', or(changes, isNull)),
);

/** A note on anything but an issue, and system notes, are not Trellis's: 202 whatever else they hold. */
function noteHook(v: unknown): boolean {
  if (!isObj(v) || !isObj(v.object_attributes)) return false;
  const a = v.object_attributes;
  if (!req(a, 'noteable_type', str) || !opt(a, 'system', or(bool, isNull))) return false;
  if (a.noteable_type !== 'Issue' || a.system === true) return true;
  return (
    opt(v, 'event_type', str) &&
    req(v, 'user', user) &&
    req(v, 'project', project) &&
    req(a, 'id', int) &&
    req(a, 'note', str) &&
    req(a, 'url', str) &&
    opt(a, 'action', str) &&
    opt(a, 'author_id', int) &&
    req(v, 'issue', obj((i) => issueFields(i, false)))
  );
}

const paths = or(isNull, arr(str));
const pushHook = obj(
  (o) =>
    req(o, 'ref', str) &&
    req(o, 'after', str) &&
    req(o, 'user_id', int) &&
    opt(o, 'user_username', str) &&
    req(o, 'project', project) &&
    opt(o, 'commits', or(isNull, arr(obj((c) => opt(c, 'added', paths) && opt(c, 'modified', paths) && opt(c, 'removed', paths))))) &&
    opt(o, 'total_commits_count', int),
);
