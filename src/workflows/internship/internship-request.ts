import { scopedValue } from '../../core/labels.js';
import { isGitLabUsername } from '../../core/markdown-safety.js';
import { findMarkers, hasMarker, marker, renderMarker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import type { Issue } from '../../core/gitlab-port.js';

/**
 * What an internship request is in GitLab: an issue labelled `internship-request` plus one
 * `internship::` state label, made from the "Internship request" template (which carries
 * {@link TEMPLATE_MARKER}), and the `internship-task` issues Trellis creates once it is approved.
 * Shared vocabulary of the internship plans; everything here is pure.
 */

export const REQUEST_LABEL = 'internship-request';
export const TASK_LABEL = 'internship-task';

/** The states of a request, in board order (docs/architecture.md#labels). */
export const REQUEST_STATES = ['requested', 'needs-info', 'pending-approval', 'approved', 'active', 'completed', 'declined'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** `internship::active` */
export function stateLabel(state: RequestState): string {
  return `internship::${state}`;
}

/** The state a request's labels put it in, or null when it carries no (known) `internship::` label. */
export function labelledState(labels: readonly string[]): RequestState | null {
  const value = scopedValue(labels, 'internship');
  return REQUEST_STATES.find((s) => s === value) ?? null;
}

/** The marker the issue template carries, so a request made from it is known even before its labels exist. */
export const TEMPLATE_MARKER: Marker = marker('internship', 'request');

/** Trellis's one status note on a request. */
export const STATUS_MARKER: Marker = marker('status', 'internship');

/** True when an issue is an internship request: made from the template, or labelled as one. */
export function isRequest(issue: Pick<Issue, 'description' | 'labels'>): boolean {
  return hasMarker(issue.description, TEMPLATE_MARKER) || issue.labels.includes(REQUEST_LABEL) || issue.labels.includes(stateLabel('requested'));
}

/** The tasks an approved internship can have, in the order the status note lists them. */
export const TASK_KINDS = ['on-call', 'delivery', 'pairing', 'access'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * The marker of a task issue: `internship-task:12/on-call` for request #12. It names the request, so
 * a task's close or reopen leads back to it, and it makes creating the task idempotent.
 */
export function taskMarker(requestIid: number, kind: TaskKind): Marker {
  return marker('internship-task', `${requestIid}/${kind}`);
}

/** The text every task of request #`iid` carries in its description: what a search for its tasks looks for. */
export function taskSearch(requestIid: number): string {
  return `trellis:internship-task:${requestIid}/`;
}

/** Which request a task belongs to and which task it is, from its description; null for other issues. */
export function identifyTask(issue: Pick<Issue, 'description'>): { requestIid: number; kind: TaskKind } | null {
  for (const m of findMarkers(issue.description)) {
    if (m.kind !== 'internship-task') continue;
    const [iid = '', kind = ''] = m.key.split('/');
    const found = TASK_KINDS.find((k) => k === kind);
    if (/^[1-9]\d*$/.test(iid) && found) return { requestIid: Number(iid), kind: found };
  }
  return null;
}

/** A task issue found for a request; `project` is set when it lives outside the records project. */
export interface TaskIssue {
  readonly kind: TaskKind;
  readonly issue: Issue;
  readonly project?: string;
}

/** A manager's approval, as the status note records it (GitLab keeps the record; Redis nothing). */
export interface Approval {
  readonly by: string;
  /** The on-call buddy chosen, or null when on-call shadowing was not asked for. */
  readonly buddy: string | null;
  /** ISO time of the approval. */
  readonly at: string;
  /** The internship's first and last days (`YYYY-MM-DD`), fixed at approval. */
  readonly start: string;
  readonly end: string;
  /** The engineer the intern pairs with (the proposal or the one the approval named); null when pairing was not asked for or nobody was found. */
  readonly pairing: string | null;
}

/** A manager's decline and the reason they gave. */
export interface Decline {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

/** What the status note records about decisions; both null before one is taken. */
export interface RequestRecord {
  readonly approval: Approval | null;
  readonly decline: Decline | null;
}

export const NO_RECORD: RequestRecord = Object.freeze({ approval: null, decline: null });

/** The hidden line of a status note that records an approval (the pairing engineer last and only when there is one, so records written before it read the same). */
export function approvalMarker(a: Approval): Marker {
  return marker('internship-approved', `${a.by}/${a.buddy ?? '-'}/${a.at}/${a.start}/${a.end}${a.pairing ? `/${a.pairing}` : ''}`);
}

/** The hidden line of a status note that records a decline; the reason travels base64-encoded (a marker key holds no spaces). */
export function declineMarker(d: Decline): Marker {
  return marker('internship-declined', `${d.by}/${d.at}/${Buffer.from(d.reason, 'utf8').toString('base64') || '-'}`);
}

/** The record line for a status note body. */
export function renderRecord(record: RequestRecord): string {
  if (record.decline) return renderMarker(declineMarker(record.decline));
  if (record.approval) return renderMarker(approvalMarker(record.approval));
  return '';
}

/** The decisions a status note records (read back from Trellis's own note only). */
export function parseRecord(noteBody: string | null | undefined): RequestRecord {
  let approval: Approval | null = null;
  let decline: Decline | null = null;
  for (const m of findMarkers(noteBody)) {
    if (m.kind === 'internship-approved') {
      const [by = '', buddy = '', at = '', start = '', end = '', pairing = ''] = m.key.split('/');
      if (isGitLabUsername(by) && at && /^\d{4}-\d{2}-\d{2}$/.test(start) && /^\d{4}-\d{2}-\d{2}$/.test(end)) {
        approval = { by, buddy: buddy === '-' || buddy === '' ? null : buddy, at, start, end, pairing: isGitLabUsername(pairing) ? pairing : null };
      }
    } else if (m.kind === 'internship-declined') {
      const [by = '', at = '', ...rest] = m.key.split('/');
      const encoded = rest.join('/');
      if (isGitLabUsername(by) && at) decline = { by, at, reason: encoded === '-' ? '' : Buffer.from(encoded, 'base64').toString('utf8') };
    }
  }
  return { approval, decline };
}

/** The marker of the reply to a command note: a redelivered note is answered once. */
export function commandReplyMarker(noteId: number): Marker {
  return marker('reply', `${noteId}-internship`);
}
