import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import { parseChecklist } from '../../core/parse-checklist.js';
import type { Checklist } from '../../core/parse-checklist.js';
import type { Roster } from '../../core/roster.js';
import type { IssueChanges, IssueEvent } from '../../events/types.js';
import type { Issue } from '../../gitlab/port.js';
import { allRequiredDone, checklistState, renderMissing, statusNoteBody } from './module-status.js';
import type { ModuleTemplates } from './plan-create-module.js';
import { planSignOff, signOffProblem } from './plan-sign-off.js';
import { correctionMarker, labelledState, stateLabel, statusMarker, TRAINING_LABEL } from './training-module.js';
import type { ChecklistState, ModuleKind, ModuleSummary } from './training-module.js';

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
  /** Listed only when a plan asks for them (a sign-off of SRE I creates SRE II). */
  readonly extra: { readonly modules: readonly ModuleSummary[]; readonly templates: ModuleTemplates } | null;
}

/** What the plan decided, for logs and tests. */
export type ModuleDecision = 'sync' | 'sign-off' | 'refuse-complete' | 'withdraw' | 'signed-off' | 'awaiting-label-event';

export type ModuleEventPlan = { readonly kind: 'plan'; readonly decision: ModuleDecision; readonly actions: Action[] } | { readonly kind: 'need-modules' };

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

  if (addedComplete) {
    const problem = signOffProblem({ kind, learner: input.learner, by: input.actor, checklist, roster: input.roster });
    if (problem === null) {
      if (!input.extra && kind === 'sre-i') return { kind: 'need-modules' };
      const signOff = { by: input.actor, at: issue.updatedAt };
      const actions = planSignOff({ ...input, checklist, signOff, modules: input.extra?.modules ?? [], templates: input.extra?.templates ?? { 'sre-i': '', 'sre-ii': '' } });
      return { kind: 'plan', decision: 'sign-off', actions };
    }
    const why = `${inlineText(input.actor)} moved this module to \`${complete}\`, but ${problem}`;
    return plan('refuse-complete', input, checklist, implied, { reply: `${why}\n\n${putBack(kind, implied)}` });
  }

  if (current === 'complete') {
    const closed = issue.state === 'closed';
    const reopened = input.action === 'reopen' || changes.state?.current === 'opened';
    if (closed && allRequiredDone(checklist)) return { kind: 'plan', decision: 'signed-off', actions: [] };
    if (closed) {
      const why = `Required items were unticked after the sign-off, so this module is no longer complete:\n\n${renderMissing(checklist)}`;
      return plan('withdraw', input, checklist, implied, { reply: `${why}\n\n${putBack(kind, implied)} Trellis reopened the issue.`, reopen: true });
    }
    if (reopened) {
      const why = `${inlineText(input.actor)} reopened this module after its sign-off, so the sign-off no longer stands.`;
      return plan('withdraw', input, checklist, implied, { reply: `${why} ${putBack(kind, implied)}` });
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
    const why = `${inlineText(input.actor)} took this module off \`${complete}\`, so its sign-off no longer stands.`;
    return plan('withdraw', input, checklist, implied, { reply: `${why} ${putBack(kind, implied)} Trellis reopened the issue.`, reopen: true });
  }
  return plan('sync', input, checklist, implied, { reply: handSetReply(input, implied, checklist) });
}

/** The label a checklist implies, the status note, and (when Trellis undoes what someone did) a reply. */
function plan(decision: ModuleDecision, input: ModuleEventInput, checklist: Checklist, implied: ChecklistState, opts: { reply: string | null; reopen?: boolean }): ModuleEventPlan {
  const { kind, issue, roster, bot } = input;
  const target = { iid: issue.iid };
  const closed = issue.state === 'closed' && !opts.reopen;
  const actions: Action[] = [
    { kind: 'set-labels', issue: target, add: [TRAINING_LABEL, stateLabel(kind, implied)] },
    ...(opts.reopen ? [{ kind: 'set-state', issue: target, state: 'opened' } satisfies Action] : []),
    { kind: 'upsert-note', issue: target, marker: statusMarker(kind), body: statusNoteBody({ kind, learner: input.learner, checklist, state: implied, closed, signOff: null, roster, bot }) },
  ];
  if (opts.reply) actions.push({ kind: 'reply', issue: target, marker: correctionMarker(issue, opts.reply), body: opts.reply });
  return { kind: 'plan', decision, actions };
}

/**
 * A reply when someone set (or removed) the state label by hand against the checklist: this event
 * changed the label to something the checklist does not imply. Said even when the label is already
 * back (the event came late, after another put it right), and never for the template's label on
 * open, nor for a label that merely lags the checklist (a lost webhook): that is corrected silently.
 */
function handSetReply(input: ModuleEventInput, implied: ChecklistState, checklist: Checklist): string | null {
  const { kind, changes } = input;
  if (input.action === 'open' || !changes.labels) return null;
  const set = labelledState(kind, changes.labels.current);
  if (set === labelledState(kind, changes.labels.previous) || set === implied || set === 'complete') return null;
  const counted = `${checklist.requiredDone} of ${checklist.requiredTotal} required items are ticked`;
  const what = set === null ? `removed the \`${kind}::\` state label` : `set \`${stateLabel(kind, set)}\``;
  return `${inlineText(input.actor)} ${what}, but ${counted}, so the checklist implies \`${stateLabel(kind, implied)}\` and Trellis put that back. The labels follow the checklist: tick items in the description to move this issue across the board; the mentor moves it to \`${stateLabel(kind, 'complete')}\` to sign off.`;
}

function signOffMissing(checklist: Checklist): string {
  const n = checklist.requiredTotal - checklist.requiredDone;
  return `${n} required item${n === 1 ? ' is' : 's are'} not ticked yet, and a module is complete only when its mentor signs it off with every required item ticked:\n\n${renderMissing(checklist)}`;
}

function putBack(kind: ModuleKind, implied: ChecklistState): string {
  return `Trellis set \`${stateLabel(kind, implied)}\`, which the checklist implies.`;
}
