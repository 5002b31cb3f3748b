import { createHash } from 'node:crypto';
import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import { marker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import type { Roster } from '../../core/roster.js';
import type { IssueChanges, IssueEvent } from '../../events/types.js';
import type { Issue } from '../../core/gitlab-port.js';
import type { ModuleTemplates } from '../training/plan-create-module.js';
import { correctionMarker } from '../training/training-module.js';
import type { ModuleSummary } from '../training/training-module.js';
import { approvalRefusal, approvedBuddy, approvedPairing, assessRequest } from './assess-request.js';
import type { Assessment } from './assess-request.js';
import type { Problem } from './check-request.js';
import { completion, today } from './internship-dates.js';
import { labelledState, REQUEST_LABEL, STATUS_MARKER, stateLabel, TASK_KINDS } from './internship-request.js';
import type { Approval, Decline, RequestRecord, RequestState, TaskIssue } from './internship-request.js';
import { planApproval } from './plan-approval.js';
import type { RequestPlan } from './plan-approval.js';
import { declinedNote, needsInfoNote, needsInfoReply, pendingNote, planNote, routeReply, summaryReply, taskView, who } from './request-status.js';
import { trainingStanding } from './request-training.js';
import { boardLink } from '../boards.js';

/** The issue event a plan answers; null when reconcile re-derives the request from GitLab alone. */
export interface RequestEvent {
  readonly actor: string;
  readonly action: IssueEvent['action'];
  readonly changes: IssueChanges;
}

/** Everything the rules of a request look at, all of it read from GitLab. */
export interface RequestInput {
  /** The request after the change; its author is the requester. */
  readonly issue: Issue;
  readonly roster: Roster;
  readonly bot: string;
  readonly now: Date;
  /** Path of the records project (for references from other projects). */
  readonly recordsProject: string;
  /** The decision Trellis's status note records. */
  readonly record: RequestRecord;
  /** Every training module (the requester's are found among them). */
  readonly modules: readonly ModuleSummary[];
  /** The request's task issues (read only once a decision is recorded). */
  readonly tasks: readonly TaskIssue[];
  readonly templates: ModuleTemplates;
  readonly event: RequestEvent | null;
  /** The Internships board's page, when it exists (docs/boards.md): the status note links to it. */
  readonly internshipsBoard?: string | null;
}

/**
 * How long reconcile leaves an `internship::` label nobody can explain (approved or declined with no
 * decision recorded) before putting the right one back: the label event that says who set it may
 * still be on its way.
 */
export const UNEXPLAINED_LABEL_GRACE_MS = 30 * 60_000;

/**
 * The rules of a request's state. A recorded decline or approval decides (the status note is the
 * record); before one, the description decides: needs-info while anything that matters is missing
 * or wrong, pending-approval once complete. Only the requester's manager approves (by command or by
 * moving the request to `internship::approved`); any other label set by hand is put back with a
 * reply that says why. Decisions rest on current state, so duplicates and late copies plan the same.
 */
export function planRequest(input: RequestInput): RequestPlan {
  if (input.record.decline) return planDeclined(input, input.record.decline);
  if (input.record.approval) return planApproved(input, input.record.approval);
  return planUndecided(input);
}

/** The state label a person set in this event that is still the current one (null: they removed it); undefined when the event set none. */
function setByEvent(input: RequestInput): RequestState | null | undefined {
  const labels = input.event?.changes.labels;
  if (!labels) return undefined;
  const before = labelledState(labels.previous);
  const after = labelledState(labels.current);
  if (before === after || after !== labelledState(input.issue.labels)) return undefined;
  return after;
}

function assess(input: RequestInput): Assessment {
  return assessRequest({ description: input.issue.description, requester: input.issue.author, roster: input.roster, now: input.now, modules: input.modules });
}

function planUndecided(input: RequestInput): RequestPlan {
  const { issue, event, roster, bot } = input;
  // Closed by a person before any decision: withdrawn, and left as they left it.
  if (issue.state === 'closed') return { decision: 'withdrawn', actions: [] };
  const a = assess(input);
  const set = setByEvent(input);
  if (set === 'approved' && event) {
    const refusal = approvalRefusal(a, event.actor, roster, bot);
    if (refusal === null && a.request) {
      const approval: Approval = { by: event.actor, buddy: approvedBuddy(a, roster), at: issue.updatedAt, start: a.request.start, end: a.request.end, pairing: approvedPairing(a, roster) };
      const reply = correctionMarker(issue, `approved/${event.actor}`);
      return planApproval({ iid: issue.iid, request: a.request, approval, recordsProject: input.recordsProject, roster, bot, modules: input.modules, templates: input.templates, today: today(input.now, roster.timezone), reply: (body) => ({ kind: 'reply', issue: { iid: issue.iid }, marker: reply, body }) });
    }
    return settle(input, a, { what: `approved/${event.actor}`, text: `${inlineText(event.actor)} moved this request to \`${stateLabel('approved')}\`, but: ${refusal}` });
  }
  const desired = desiredUndecided(a);
  const label = labelledState(issue.labels);
  if (set === undefined && label !== null && label !== desired && !['requested', 'needs-info', 'pending-approval'].includes(label)) {
    // Approved, active, completed or declined with no decision recorded: the event that set the label
    // names who did it and decides. Only when it never comes does reconcile put the label right.
    const unexplained = input.now.getTime() - Date.parse(issue.updatedAt) > UNEXPLAINED_LABEL_GRACE_MS;
    if (event || !unexplained) return { decision: 'awaiting-label-event', actions: [] };
    return settle(input, a, { what: `unexplained/${label}`, text: `This request was labelled \`${stateLabel(label)}\`, but Trellis has no record of its manager approving or declining it.${label === 'approved' ? ` To approve, ${who(a.request?.manager ?? findManager(input), roster)} comments \`@${bot} approve\`.` : ''}` });
  }
  const why = set !== undefined && set !== desired && set !== 'requested' && event ? correction(set, event.actor, input, a) : null;
  return settle(input, a, why === null || !event ? null : { what: `label/${String(set)}/${event.actor}`, text: why });
}

/** The request's state label before the event (its current one when there is no event or the event changed no label). */
function stateBefore(input: RequestInput): RequestState | null {
  const labels = input.event?.changes.labels;
  return labelledState(labels ? labels.previous : input.issue.labels);
}

function findManager(input: RequestInput): string {
  return input.roster.people.find((p) => p.username.toLowerCase() === input.issue.author.toLowerCase())?.manager ?? 'their manager';
}

function desiredUndecided(a: Assessment): RequestState {
  return a.request ? 'pending-approval' : 'needs-info';
}

/** Labels, status note and the replies of an undecided request. */
function settle(input: RequestInput, a: Assessment, why: { what: string; text: string } | null): RequestPlan {
  const { issue } = input;
  const target = { iid: issue.iid };
  const desired = desiredUndecided(a);
  const pending = a.request ? { request: a.request, buddies: a.buddies, chosen: a.chosen, pairing: a.pairing, standing: a.standing, roster: input.roster, bot: input.bot } : null;
  const note = pending ? pendingNote(pending) : needsInfoNote(a.problems);
  const board = boardLink(input.internshipsBoard, 'Internships board');
  const body = board ? `${note}\n\n<sub>Every request and where it stands: the ${board}.</sub>` : note;
  const actions: Action[] = [
    { kind: 'set-labels', issue: target, add: [REQUEST_LABEL, stateLabel(desired)] },
    { kind: 'upsert-note', issue: target, marker: STATUS_MARKER, body },
  ];
  if (why) actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, why.what), body: `${why.text}\n\nTrellis set \`${stateLabel(desired)}\`.` });
  if (!pending) actions.push({ kind: 'reply', issue: target, marker: needsInfoMarker(a.problems), body: needsInfoReply(a.problems) });
  // Becoming complete asks the manager in a new note, once per time it becomes complete: not when the
  // request was already pending before this event (a wrong label put back, a redelivery).
  else if (stateBefore(input) !== 'pending-approval') actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, 'routed'), body: routeReply(pending) });
  return { decision: desired, actions };
}

/** One reply per distinct list of problems: an edit that leaves the same problems asks nothing new. */
export function needsInfoMarker(problems: readonly Problem[]): Marker {
  const digest = createHash('sha1').update(problems.map((p) => p.text).join('\n')).digest('hex').slice(0, 12);
  return marker('needs-info', digest);
}

/** Why the label a person set is not the one the request's state implies. */
function correction(set: RequestState | null, actor: string, input: RequestInput, a: Assessment | null): string {
  const name = inlineText(actor);
  const approval = input.record.approval;
  if (set === null) return `${name} removed the \`internship::\` label; Trellis keeps one on every request, to show where it stands.`;
  const label = `\`${stateLabel(set)}\``;
  if (set === 'declined') {
    if (approval) return `${name} set ${label}, but ${who(approval.by, input.roster)} already approved this internship.`;
    const manager = findManager(input);
    return manager.toLowerCase() === actor.toLowerCase()
      ? `${name} set ${label}. Declining needs a reason, so ${name} can tell what to do next: comment \`@${input.bot} decline <reason>\`.`
      : `${name} set ${label}, but only ${inlineText(manager)}, the requester's manager on the roster, can decline this request.`;
  }
  if (set === 'approved' && approval) return `${name} set ${label}, but ${who(approval.by, input.roster)} already approved this internship on ${approval.at.slice(0, 10)}.`;
  if (set === 'active' || set === 'completed') return `${name} set ${label}, but Trellis sets that itself: \`${stateLabel('active')}\` once the manager approves, \`${stateLabel('completed')}\` when every task issue is closed and the start date has come.`;
  const check = a && !a.request ? ' The request still needs what the status note lists.' : '';
  return `${name} set ${label}, but Trellis sets that itself from its check of the description.${check}`;
}

/**
 * An approved internship: active while any task is open, completed (and closed) when all are closed
 * and its start date has come in the roster's time zone. Tasks all closed before the start leave it
 * active, its note saying it completes on the start date, when reconcile's hourly run completes it.
 */
function planApproved(input: RequestInput, approval: Approval): RequestPlan {
  const { issue, event, roster } = input;
  const label = labelledState(issue.labels);
  // Closed by a person while active: they ended it; Trellis reopens only what it closed itself.
  if (issue.state === 'closed' && label !== 'completed') return { decision: 'ended-by-person', actions: [] };
  const tasks = [...input.tasks].sort((x, y) => TASK_KINDS.indexOf(x.kind) - TASK_KINDS.indexOf(y.kind)).map(taskView);
  const stands = completion(approval.start, tasks.map((t) => t.closed), input.now, roster.timezone);
  const done = stands === 'completed';
  const standing = trainingStanding(input.modules, issue.author);
  const desired: RequestState = done ? 'completed' : 'active';
  const target = { iid: issue.iid };
  const actions: Action[] = [
    { kind: 'set-labels', issue: target, add: [REQUEST_LABEL, stateLabel(desired)] },
    { kind: 'upsert-note', issue: target, marker: STATUS_MARKER, body: planNote({ approval, tasks, standing, requester: issue.author, roster, completed: done, waiting: stands === 'waiting' }) },
  ];
  const set = setByEvent(input);
  const fromApprover = set === 'approved' && event?.actor.toLowerCase() === approval.by.toLowerCase();
  if (event && set !== undefined && set !== desired && !fromApprover) {
    actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, `label/${String(set)}/${event.actor}`), body: `${correction(set, event.actor, input, null)}\n\nTrellis set \`${stateLabel(desired)}\`.` });
  }
  if (done) {
    const reopened = issue.state === 'opened' && event !== null && (event.action === 'reopen' || event.changes.state?.current === 'opened');
    if (reopened) actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, `reopened/${event.actor}`), body: `${inlineText(event.actor)} reopened this request, but every task issue is closed, so the internship stays completed and Trellis closed it again. To carry on, reopen a task issue.` });
    // One summary per completion: a task reopened and closed again completes the internship anew.
    const last = tasks.map((t) => t.closedAt ?? '').sort().at(-1)?.replace(/[^0-9]/g, '') || 'done';
    actions.push({ kind: 'reply', issue: target, marker: marker('internship-summary', last), body: summaryReply({ approval, tasks, standing, requester: issue.author, roster }) });
    actions.push({ kind: 'set-state', issue: target, state: 'closed' });
  } else if (issue.state === 'closed') {
    actions.push({ kind: 'set-state', issue: target, state: 'opened' });
  }
  return { decision: desired, actions };
}

/** A declined request stays declined and closed; `quiet` when a command's reply explains instead. */
export function planDeclined(input: RequestInput, decline: Decline, quiet = false): RequestPlan {
  const { issue, event, roster } = input;
  const target = { iid: issue.iid };
  const actions: Action[] = [
    { kind: 'upsert-note', issue: target, marker: STATUS_MARKER, body: declinedNote(decline, roster) },
    { kind: 'set-labels', issue: target, add: [REQUEST_LABEL, stateLabel('declined')] },
  ];
  const set = setByEvent(input);
  if (event && set !== undefined && set !== 'declined') {
    actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, `label/${String(set)}/${event.actor}`), body: `${inlineText(event.actor)} set ${set ? `\`${stateLabel(set)}\`` : 'no `internship::` label'}, but ${who(decline.by, roster)} declined this request on ${decline.at.slice(0, 10)}. Trellis set \`${stateLabel('declined')}\`; open a new request when the time is right.` });
  }
  if (issue.state === 'opened') {
    if (event && !quiet) actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, `reopened-declined/${event.actor}`), body: `${who(decline.by, roster)} declined this request on ${decline.at.slice(0, 10)}, so Trellis closed it again. Talk to them and open a new request when the time is right.` });
    actions.push({ kind: 'set-state', issue: target, state: 'closed' });
  }
  return { decision: 'declined', actions };
}
