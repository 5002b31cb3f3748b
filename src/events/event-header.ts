/**
 * The `X-Gitlab-Event` header: which kinds Trellis handles, and the header a stored payload would
 * have been delivered with (for `trellis replay`, whose files carry no headers).
 */

/** The payload kinds Trellis turns into events. */
export type HookKind = 'issue' | 'note' | 'push';

const KIND_BY_HEADER: ReadonlyMap<string, HookKind> = new Map([
  ['Issue Hook', 'issue'],
  ['Confidential Issue Hook', 'issue'],
  ['Note Hook', 'note'],
  ['Confidential Note Hook', 'note'],
  ['Push Hook', 'push'],
]);

/** The `X-Gitlab-Event` values Trellis handles; every other value is ignored. */
export const HANDLED_EVENTS: readonly string[] = Object.freeze([...KIND_BY_HEADER.keys()]);

/** The kind a handled header announces (exact, as GitLab sends it), or undefined for any other header. */
export function kindForHeader(header: string): HookKind | undefined {
  return KIND_BY_HEADER.get(header);
}

/** `object_kind` of each kind, which must agree with the header when present. */
export const OBJECT_KIND: Readonly<Record<HookKind, string>> = { issue: 'issue', note: 'note', push: 'push' };

/** Headers by `object_kind`, from GitLab's webhook_events.md. */
const HEADER_BY_OBJECT_KIND: ReadonlyMap<string, string> = new Map([
  ['issue', 'Issue Hook'],
  // Tasks, epics, OKRs and other work items come through the issue hooks too (GitLab 17.2+).
  ['work_item', 'Issue Hook'],
  ['note', 'Note Hook'],
  ['push', 'Push Hook'],
  ['tag_push', 'Tag Push Hook'],
  ['merge_request', 'Merge Request Hook'],
  ['wiki_page', 'Wiki Page Hook'],
  ['pipeline', 'Pipeline Hook'],
  ['build', 'Job Hook'],
  ['deployment', 'Deployment Hook'],
  ['feature_flag', 'Feature Flag Hook'],
  ['release', 'Release Hook'],
  ['milestone', 'Milestone Hook'],
  ['emoji', 'Emoji Hook'],
  ['access_token', 'Resource Access Token Hook'],
  ['vulnerability', 'Vulnerability Hook'],
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `X-Gitlab-Event` GitLab sends with this payload, derived from `object_kind` and `event_type`;
 * undefined when the payload does not say. Payloads older than `event_type` (GitLab 10 and before)
 * are confidential when the issue says so.
 */
export function eventHeaderFor(body: unknown): string | undefined {
  if (!isRecord(body) || typeof body.object_kind !== 'string') return undefined;
  const kind = body.object_kind;
  const eventType = body.event_type;
  if (kind === 'issue' || kind === 'work_item') {
    const attrs = isRecord(body.object_attributes) ? body.object_attributes : {};
    const confidential = eventType === undefined ? attrs.confidential === true : eventType === 'confidential_issue';
    return confidential ? 'Confidential Issue Hook' : 'Issue Hook';
  }
  if (kind === 'note') {
    const issue = isRecord(body.issue) ? body.issue : {};
    const confidential = eventType === undefined ? issue.confidential === true : eventType === 'confidential_note';
    return confidential ? 'Confidential Note Hook' : 'Note Hook';
  }
  return HEADER_BY_OBJECT_KIND.get(kind);
}
