import { createHash } from 'node:crypto';
import type { Action } from '../../core/actions.js';
import { addDays, quarterByName } from '../../core/fiscal-quarter.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { marker } from '../../core/markers.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { CHECKPOINT_LABEL, labelledState, OVERDUE_MARKER, quarterLabel, REVIEW_ASK_MARKER, STATUS_MARKER, stateLabel } from './checkpoint-record.js';
import type { CheckpointIdentity, CheckpointState } from './checkpoint-record.js';
import { CONFIDENTIAL_REPLY, closedEmptyReply, labelPutBackReply, overdueReminder, reviewAsk, statusNoteBody, tooManyAreasReply } from './checkpoint-status.js';
import type { People } from './checkpoint-status.js';
import { readCheckpoint } from './read-checkpoint.js';
import type { CheckpointReading } from './read-checkpoint.js';

/**
 * The rhythm of a quarter, as a pure function of the checkpoint's description, its open/closed
 * state and the date: planning until two or three focus areas are ticked, then in progress; in
 * review from `reviewDays` before the quarter ends; done once a summary is written and the issue
 * closed (Trellis closes it at quarter end); overdue when the quarter ended without a summary.
 * Every event, schedule and re-run plans from here, so they all agree.
 */

/** Where the calendar is for a quarter on a given day. */
export type Phase = 'quarter' | 'review' | 'ended';

/** The phase of `quarter` on `today` (YYYY-MM-DD in the roster's time zone). */
export function phaseOf(quarter: FiscalQuarter, today: string, reviewDays: number): Phase {
  if (today > quarter.end) return 'ended';
  return today >= reviewDate(quarter, reviewDays) ? 'review' : 'quarter';
}

/** The day the review reminder comes: `reviewDays` before the quarter's last day. */
export function reviewDate(quarter: FiscalQuarter, reviewDays: number): string {
  return addDays(quarter.end, -Math.max(0, Math.floor(reviewDays)));
}

/** The state the rules give; the label Trellis keeps. */
export function checkpointState(reading: CheckpointReading, closed: boolean, phase: Phase): CheckpointState {
  if (reading.summary !== '') return closed || phase === 'ended' ? 'done' : 'review';
  if (phase === 'ended') return 'overdue';
  if (closed || phase === 'review') return 'review';
  const n = reading.chosen.length;
  return n >= 2 && n <= 3 ? 'in-progress' : 'planning';
}

/**
 * What woke the plan: a person's change to the issue (from a webhook; `actor` and the label change,
 * when the event has them, so a state label set by hand can be answered), or a schedule or re-run.
 */
export type Trigger =
  | {
      readonly kind: 'event';
      readonly action: 'open' | 'close' | 'reopen' | 'update' | 'unknown';
      readonly actor?: string;
      readonly labels?: { readonly previous: readonly string[]; readonly current: readonly string[] };
    }
  | { readonly kind: 'pass' };

/** One checkpoint as GitLab shows it now, and the day it is planned for. */
export interface CheckpointInput {
  readonly issue: Issue;
  readonly id: CheckpointIdentity;
  readonly roster: Roster;
  /** Today in the roster's time zone. */
  readonly today: string;
  readonly reviewDays: number;
  readonly trigger: Trigger;
}

/**
 * Labels, state, status note and replies for one checkpoint. Applying it twice writes nothing:
 * labels and state are compared, the note is edited only when its text changes, and each reply
 * has a marker that names what it answers.
 */
export function planCheckpoint(input: CheckpointInput): Action[] {
  const { issue, id, roster } = input;
  const quarter = quarterByName(id.quarter, roster);
  const phase = phaseOf(quarter, input.today, input.reviewDays);
  const reading = readCheckpoint(issue.description);
  const closed = issue.state === 'closed';
  const state = checkpointState(reading, closed, phase);
  const people = peopleOf(roster, id.report);
  const ref = { iid: issue.iid };
  const actions: Action[] = [{ kind: 'set-labels', issue: ref, add: [CHECKPOINT_LABEL, quarterLabel(quarter.name), stateLabel(state)] }];
  if (!closed && state === 'done') actions.push({ kind: 'set-state', issue: ref, state: 'closed' });
  if (!issue.confidential) {
    actions.push({ kind: 'update-issue', issue: ref, confidential: true });
    actions.push({ kind: 'reply', issue: ref, marker: marker('confidential', stamp(issue.updatedAt)), body: CONFIDENTIAL_REPLY });
  }
  const set = setByHand(input.trigger, issue.labels);
  if (set !== null && set !== state && input.trigger.kind === 'event' && input.trigger.actor) {
    // docs/architecture.md#principles, principle 6: a label Trellis puts back is explained, once per change (a redelivery finds the reply).
    actions.push({ kind: 'reply', issue: ref, marker: marker('label', `${set}/${input.trigger.actor}/${stamp(issue.updatedAt)}`), body: labelPutBackReply(input.trigger.actor, set, state) });
  }
  if (state === 'planning' && reading.chosen.length > 3) {
    actions.push({ kind: 'reply', issue: ref, marker: marker('too-many-areas', areasKey(reading.chosen)), body: tooManyAreasReply(reading.chosen) });
  }
  if (closed && reading.summary === '' && input.trigger.kind === 'event' && input.trigger.action === 'close') {
    actions.push({ kind: 'reply', issue: ref, marker: marker('closed-empty', stamp(issue.closedAt ?? issue.updatedAt)), body: closedEmptyReply(state, quarter) });
  }
  if (state === 'review' && !closed && reading.summary === '' && people.report && people.manager) {
    actions.push({ kind: 'reply', issue: ref, marker: REVIEW_ASK_MARKER, body: reviewAsk({ report: people.report, manager: people.manager }, quarter) });
  }
  if (state === 'overdue' && people.report && people.manager) {
    actions.push({ kind: 'reply', issue: ref, marker: OVERDUE_MARKER, body: overdueReminder(people, quarter) });
  }
  const body = statusNoteBody({ state, quarter, reviewOn: reviewDate(quarter, input.reviewDays), reading, closed: closed || state === 'done', people });
  actions.push({ kind: 'upsert-note', issue: ref, marker: STATUS_MARKER, body });
  return actions;
}

/** The `checkpoint::` state a person set in this event and that is still on the issue, else null. */
function setByHand(trigger: Trigger, labels: readonly string[]): CheckpointState | null {
  if (trigger.kind !== 'event' || !trigger.labels) return null;
  const after = labelledState(trigger.labels.current);
  if (after === null || after === labelledState(trigger.labels.previous) || after !== labelledState(labels)) return null;
  return after;
}

/** The report and their manager as the roster says now (the report undefined after they left). */
export function peopleOf(roster: Roster, username: string): People {
  const report = findPerson(roster, username);
  const manager = report?.manager ? findPerson(roster, report.manager) : undefined;
  return { report, manager, username };
}

/** A marker key from a GitLab time (`2026-03-09T14:41:05.000Z` keeps its characters; others dropped). */
function stamp(time: string): string {
  return time.replace(/[^A-Za-z0-9._:+-]/g, '') || 'unknown';
}

/** A short key for a set of ticked areas: the same choice is answered once, a new one again. */
function areasKey(chosen: readonly string[]): string {
  const text = [...chosen].map((a) => a.toLowerCase().replace(/\s+/g, ' ').trim()).sort().join('\n');
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}
