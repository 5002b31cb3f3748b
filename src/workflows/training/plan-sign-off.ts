import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import type { Checklist } from '../../core/parse-checklist.js';
import { findPerson, isManagerOf } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { allRequiredDone, missingItems, renderMissing, statusNoteBody } from './module-status.js';
import type { SignOff } from './module-status.js';
import { planCreateModule } from './plan-create-module.js';
import type { ModuleTemplates } from './plan-create-module.js';
import { liveModules, moduleName, nextAttempt, stateLabel, statusMarker, TRAINING_LABEL } from './training-module.js';
import type { ModuleKind, ModuleSummary } from './training-module.js';

/** The `ref` of the SRE II module a sign-off of SRE I creates. */
export const NEXT_MODULE_REF = 'next-module';

/**
 * Why `by` cannot sign off now, or null when they may: only the learner's manager signs off, and only
 * with every required item ticked. The text says every reason that applies and lists what is missing.
 */
export function signOffProblem(args: { kind: ModuleKind; learner: string; by: string; checklist: Checklist; roster: Roster }): string | null {
  const { kind, learner, by, checklist, roster } = args;
  const manager = findPerson(roster, learner)?.manager;
  const who = !manager
    ? `${inlineText(learner)} has no manager on the roster, so nobody can sign off this ${moduleName(kind)} module until the roster names one`
    : isManagerOf(roster, by, learner)
      ? null
      : `only ${inlineText(manager)}, ${inlineText(learner)}'s manager, can sign off this ${moduleName(kind)} module`;
  const n = missingItems(checklist).length;
  const missing = allRequiredDone(checklist) ? null : `${n} required item${n === 1 ? ' is' : 's are'} not ticked yet`;
  if (who === null && missing === null) return null;
  if (missing === null) return `${who}.`;
  const list = renderMissing(checklist);
  return who === null ? `${missing}:

${list}` : `${who}; besides, ${missing}:

${list}`;
}

/**
 * A valid sign-off: the status note records who and when (the record GitLab keeps, read back by
 * parseSignOff), for SRE I the learner's SRE II module is created unless one is open or signed off,
 * and linked, then the label goes to complete and the issue closes. The note comes first so that a
 * crash after it leaves a record a retry completes, never a closed module without one; the close
 * comes last so that the retry still sees a sign-off to finish.
 */
export function planSignOff(args: {
  readonly kind: ModuleKind;
  readonly learner: string;
  readonly issue: Pick<Issue, 'iid'>;
  readonly checklist: Checklist;
  readonly signOff: SignOff;
  readonly roster: Roster;
  readonly bot: string;
  readonly modules: readonly ModuleSummary[];
  readonly templates: ModuleTemplates;
}): Action[] {
  const { kind, learner, checklist, roster, bot } = args;
  const issue = { iid: args.issue.iid };
  const note: Action = {
    kind: 'upsert-note',
    issue,
    marker: statusMarker(kind),
    body: statusNoteBody({ kind, learner, checklist, state: 'complete', closed: true, signOff: args.signOff, roster, bot }),
  };
  // Closing comes last: a module closed and complete is "signed off, nothing to do" to every later
  // plan, so a retry after a failure (or a crash) past the close would never create or link SRE II.
  const done: Action[] = [
    { kind: 'set-labels', issue, add: [TRAINING_LABEL, stateLabel(kind, 'complete')] },
    { kind: 'set-state', issue, state: 'closed' },
  ];
  if (kind !== 'sre-i') return [note, ...done];
  const next = liveModules(args.modules, 'sre-ii', learner)[0];
  if (next) return [note, { kind: 'link-issues', issue, target: { iid: next.iid } }, ...done];
  return [
    note,
    ...planCreateModule({ ref: NEXT_MODULE_REF, kind: 'sre-ii', learner, attempt: nextAttempt(args.modules, 'sre-ii', learner), templates: args.templates, roster, bot }),
    { kind: 'link-issues', issue, target: { ref: NEXT_MODULE_REF } },
    ...done,
  ];
}

/** The sentence about the next module in a sign-off reply, once the plan ran (`created` is the new SRE II, if any). */
export function nextModuleText(kind: ModuleKind, learner: string, modules: readonly ModuleSummary[], created: Pick<Issue, 'iid'> | undefined): string {
  if (kind !== 'sre-i') return '';
  const existing = liveModules(modules, 'sre-ii', learner)[0];
  if (existing) return ` ${inlineText(learner)}'s SRE II module is #${existing.iid}; the two are linked.`;
  return created ? ` ${inlineText(learner)}'s SRE II module is started: #${created.iid}.` : '';
}
