import type { Action } from '../../core/actions.js';
import { inlineText, mention } from '../../core/markdown-safety.js';
import { parseChecklist } from '../../core/parse-checklist.js';
import type { Checklist } from '../../core/parse-checklist.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { IssueChanges, IssueEvent } from '../../events/types.js';
import type { Issue } from '../../core/gitlab-port.js';
import { allRequiredDone, checklistState, formatTime, renderMissing, statusNoteBody } from './module-status.js';
import type { SignOff } from './module-status.js';
import type { ModuleTemplates } from './plan-create-module.js';
import { planSignOff, signOffProblem } from './plan-sign-off.js';
import { correctionMarker, labelledState, moduleName, stateLabel, statusMarker, TRAINING_LABEL } from './training-module.js';
import type { ChecklistState, ModuleKind, ModuleState, ModuleSummary } from './training-module.js';

// SRE II signs off without creating anything, so it needs no templates.
const NO_TEMPLATES: ModuleTemplates = { 'sre-i': '', 'sre-ii': '' };

/** An issue event on a module, with what the plan may need to know besides the payload. */
export interface ModuleEventInput {
  readonly kind: ModuleKind;
  readonly learner: string;
  /** The issue after the change (payload, or a fresh read when the event was stale). */
  readonly issue: Issue;
  readonly action: IssueEvent['action'];
  readonly actor: string;
  readonly changes: IssueChanges;
  readonly roster: Roster;
  readonly bot: string;
  /** Read only when a plan asks (`need-context`): rare paths, so a tick costs no read. */
  readonly extra: ModuleContext | null;
}

/** What a sign-off or its withdrawal needs beyond the payload. */
export interface ModuleContext {
  /** Every module (a sign-off of SRE I creates SRE II unless the learner has one). */
  readonly modules: readonly ModuleSummary[];
  readonly templates: ModuleTemplates;
  /** The sign-off the status note records, if any, so a withdrawal says whose sign-off ends. */
  readonly signOff: SignOff | null;
}

/** What the plan decided, for logs and tests. */
export type ModuleDecision = 'sync' | 'sign-off' | 'refuse-complete' | 'withdraw' | 'signed-off' | 'awaiting-label-event';

export type ModuleEventPlan = { readonly kind: 'plan'; readonly decision: ModuleDecision; readonly actions: Action[] } | { readonly kind: 'need-context' };

/**
 * The rules of a module's state on an issue event. The checklist decides the column (not-started,
 * in-progress, review); only the learner's manager moves it to complete, and only with every
 * required item ticked. Anything else is put back with a reply that says why. Decisions rest on the
 * issue's current labels and state, so a duplicate or late delivery plans the same actions again
 * and the executor writes nothing.
 */
export function planModuleEvent(input: ModuleEventInput): ModuleEventPlan {
  const { kind, issue, changes } = input;
  const checklist = parseChecklist(issue.description);
  const implied = checklistState(checklist);
  const current = labelledState(kind, issue.labels);
  const complete = stateLabel(kind, 'complete');
  const addedComplete = !!changes.labels && !changes.labels.previous.includes(complete) && changes.labels.current.includes(complete) && current === 'complete';

  // Signed off and still whole: nothing to do, whatever this event was. Checked first so that a late
  // copy of an old event (someone's refused move to complete, the sign-off itself) changes nothing.
  // Labels and state alone do not say so: a learner may close a module at review before anyone moves
  // it to complete, so only the sign-off the status note records counts (a read, on closed modules only).
  if (current === 'complete' && issue.state === 'closed' && allRequiredDone(checklist)) {
    if (!input.extra) return { kind: 'need-context' };
    if (input.extra.signOff) return { kind: 'plan', decision: 'signed-off', actions: [] };
    // Closed and complete with no sign-off recorded, and not by this event: the event that moved it
    // (and names who) decides, as for an open module below.
    if (!addedComplete) return { kind: 'plan', decision: 'awaiting-label-event', actions: [] };
  }

  if (addedComplete) {
    const problem = signOffProblem({ kind, learner: input.learner, by: input.actor, checklist, roster: input.roster });
    if (problem === null) {
      if (!input.extra && kind === 'sre-i') return { kind: 'need-context' };
      const signOff = { by: input.actor, at: issue.updatedAt };
      const actions = planSignOff({ ...input, checklist, signOff, modules: input.extra?.modules ?? [], templates: input.extra?.templates ?? NO_TEMPLATES });
      return { kind: 'plan', decision: 'sign-off', actions };
    }
    const why = `${inlineText(input.actor)} moved this module to \`${complete}\`, but ${problem}`;
    return plan('refuse-complete', input, checklist, implied, { reply: `${why}\n\n${putBack(kind, implied)}` });
  }

  if (current === 'complete') {
    const closed = issue.state === 'closed';
    const reopened = input.action === 'reopen' || changes.state?.current === 'opened';
    if (closed || reopened) {
      if (!input.extra) return { kind: 'need-context' };
      const ended = signOffEnded(input.extra.signOff, input.roster);
      const why = closed
        ? `Required items were unticked after the sign-off, so ${ended}:\n\n${renderMissing(checklist)}\n\n${putBack(kind, implied)} Trellis reopened the issue.`
        : `${inlineText(input.actor)} reopened this module after its sign-off, so ${ended}. ${putBack(kind, implied)}`;
      return plan('withdraw', input, checklist, implied, { reply: why, reopen: closed });
    }
    if (!allRequiredDone(checklist)) {
      const why = `This module is labelled \`${complete}\`, but ${signOffMissing(checklist)}`;
      return plan('refuse-complete', input, checklist, implied, { reply: `${why}\n\n${putBack(kind, implied)}` });
    }
    // Labelled complete, open, nothing missing, and this event did not add the label: the event that
    // did (and names who) decides, whether it is late or being retried.
    return { kind: 'plan', decision: 'awaiting-label-event', actions: [] };
  }

  const removedComplete = !!changes.labels?.previous.includes(complete) && !changes.labels.current.includes(complete);
  if (removedComplete && issue.state === 'closed') {
    if (!input.extra) return { kind: 'need-context' };
    const why = `${inlineText(input.actor)} took this module off \`${complete}\`, so ${signOffEnded(input.extra.signOff, input.roster)}.`;
    return plan('withdraw', input, checklist, implied, { reply: `${why} ${putBack(kind, implied)} Trellis reopened the issue.`, reopen: true });
  }
  return plan('sync', input, checklist, implied, { reply: correctionReply(input, current, implied, checklist), asks: asks(input, implied, checklist) });
}

/**
 * New notes that ask someone to act, written once per change that calls for them. A status note is
 * edited in place, and GitLab emails nobody about a mention added by an edit (docs/gitlab/facts.md#mentions),
 * so a module that reaches review asks its mentor in a reply, and closing a module without a sign-off
 * is answered in one: at review the mentor can still sign off, before it the learner reopens.
 */
function asks(input: ModuleEventInput, implied: ChecklistState, checklist: Checklist): Ask[] {
  const { kind, issue, changes } = input;
  const manager = findPerson(input.roster, input.learner)?.manager;
  const signOffHow = `move this issue to \`${stateLabel(kind, 'complete')}\` or comment \`@${input.bot} sign-off\``;
  const out: Ask[] = [];
  const closedNow = issue.state === 'closed' && (input.action === 'close' || changes.state?.current === 'closed');
  if (closedNow) {
    const who = inlineText(input.actor);
    const body =
      implied === 'review' && manager
        ? `${who} closed this module at review, before its sign-off. ${mention(manager)}: as ${inlineText(input.learner)}'s mentor you can still sign it off closed: ${signOffHow}.`
        : `${who} closed this module without a sign-off: ${checklist.requiredDone} of ${checklist.requiredTotal} required items are ticked. Reopen it to carry on; the labels keep following the checklist.`;
    out.push({ what: 'closed', body });
  } else if (implied === 'review' && stateBefore(input) !== 'review' && issue.state === 'opened' && manager) {
    out.push({ what: 'review', body: `${mention(manager)}: ${inlineText(input.learner)} ticked every required item of ${moduleName(kind)} and asks for your sign-off. Please review the work with them, then ${signOffHow}.` });
  }
  return out;
}

/** The state the module was in before this event: the checklist it had when the event edited it, else its label. */
function stateBefore(input: ModuleEventInput): ModuleState | null {
  const previous = input.changes.description?.previous;
  if (typeof previous === 'string') return checklistState(parseChecklist(previous));
  return labelledState(input.kind, input.changes.labels?.previous ?? input.issue.labels);
}

interface Ask {
  readonly what: string;
  readonly body: string;
}

/** The label a checklist implies, the status note, and (when Trellis undoes what someone did) a reply. */
function plan(decision: ModuleDecision, input: ModuleEventInput, checklist: Checklist, implied: ChecklistState, opts: { reply: string | null; reopen?: boolean; asks?: readonly Ask[] }): ModuleEventPlan {
  const { kind, issue, roster, bot } = input;
  const target = { iid: issue.iid };
  const closed = issue.state === 'closed' && !opts.reopen;
  const actions: Action[] = [
    { kind: 'set-labels', issue: target, add: [TRAINING_LABEL, stateLabel(kind, implied)] },
    ...(opts.reopen ? [{ kind: 'set-state', issue: target, state: 'opened' } satisfies Action] : []),
    { kind: 'upsert-note', issue: target, marker: statusMarker(kind), body: statusNoteBody({ kind, learner: input.learner, checklist, state: implied, closed, signOff: null, roster, bot }) },
  ];
  if (opts.reply) actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, `${decision}/${input.action}/${input.actor}`), body: opts.reply });
  for (const ask of opts.asks ?? []) actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, ask.what), body: ask.body });
  return { kind: 'plan', decision, actions };
}

/**
 * A reply when the state label contradicts the checklist for a reason other than this edit of it.
 * Someone set (or removed) it by hand in this event: the reply names them. Otherwise, when the label
 * matched the checklist neither before nor after this event (a hand-set label whose own event comes
 * later, or a lost webhook), a neutral reply says what was wrong. Nothing for the template's label
 * on open, and nothing once the label is right again (a late duplicate finds nothing to explain).
 */
function correctionReply(input: ModuleEventInput, current: ModuleState | null, implied: ChecklistState, checklist: Checklist): string | null {
  const { kind, changes } = input;
  if (input.action === 'open' || current === implied) return null;
  const counted = `${checklist.requiredDone} of ${checklist.requiredTotal} required items are ticked, so the checklist implies \`${stateLabel(kind, implied)}\` and Trellis put that back`;
  const how = `The labels follow the checklist: tick items in the description to move this issue across the board; the mentor moves it to \`${stateLabel(kind, 'complete')}\` to sign off.`;
  const set = changes.labels ? labelledState(kind, changes.labels.current) : undefined;
  if (changes.labels && set === current && set !== labelledState(kind, changes.labels.previous)) {
    const what = current === null ? `removed the \`${kind}::\` state label` : `set \`${stateLabel(kind, current)}\``;
    return `${inlineText(input.actor)} ${what}, but ${counted}. ${how}`;
  }
  const previous = changes.description?.previous;
  const before = typeof previous === 'string' ? checklistState(parseChecklist(previous)) : implied;
  if (current === null || current === before) return null;
  return `This issue was labelled \`${stateLabel(kind, current)}\`, which does not match its checklist: ${counted}. ${how}`;
}

/** "the sign-off by Carol Chen (carol) on 2026-03-09 14:41 UTC no longer stands", as the status note recorded it. */
function signOffEnded(signOff: SignOff | null, roster: Roster): string {
  if (!signOff) return 'its sign-off no longer stands';
  const by = findPerson(roster, signOff.by);
  const who = by ? `${inlineText(by.name, 60)} (${inlineText(by.username)})` : inlineText(signOff.by);
  return `the sign-off by ${who} on ${formatTime(signOff.at)} no longer stands`;
}

function signOffMissing(checklist: Checklist): string {
  const n = checklist.requiredTotal - checklist.requiredDone;
  return `${n} required item${n === 1 ? ' is' : 's are'} not ticked yet, and a module is complete only when its mentor signs it off with every required item ticked:\n\n${renderMissing(checklist)}`;
}

function putBack(kind: ModuleKind, implied: ChecklistState): string {
  return `Trellis set \`${stateLabel(kind, implied)}\`, which the checklist implies.`;
}
