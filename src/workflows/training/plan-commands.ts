import type { Action } from '../../core/actions.js';
import { marker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import { inlineText } from '../../core/markdown-safety.js';
import type { Command } from '../../core/parse-command.js';
import { parseChecklist } from '../../core/parse-checklist.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { checklistState, nextStep, progressBar, progressTable, renderMissing } from './module-status.js';
import type { SignOff } from './module-status.js';
import type { ModuleTemplates } from './plan-create-module.js';
import { NEXT_MODULE_REF, nextModuleText, planSignOff, signOffProblem } from './plan-sign-off.js';
import { planStart, replyOnly } from './plan-start.js';
import type { CommandPlan } from './plan-start.js';
import { labelledState, moduleName, stateLabel } from './training-module.js';
import type { ModuleKind, ModuleSummary } from './training-module.js';

/** The commands this workflow answers: `start` on any issue, `status` and `sign-off` on a module. */
export const TRAINING_COMMANDS = ['start', 'status', 'sign-off'] as const;

/** The commands of a note that are the training workflow's, given whether the note is on a module. */
export function trainingCommands(commands: readonly Command[], onModule: boolean): Command[] {
  return commands.filter((c) => c.name === 'start' || (onModule && (c.name === 'status' || c.name === 'sign-off')));
}

/** A note's commands with what they need; `module` is set when the note is on a module issue. */
export interface CommandsInput {
  readonly commands: readonly Command[];
  readonly actor: string;
  /** The issue the note is on, as the note payload shows it. */
  readonly issue: Issue;
  readonly module: { readonly kind: ModuleKind; readonly learner: string } | null;
  readonly roster: Roster;
  readonly bot: string;
  readonly modules: readonly ModuleSummary[];
  readonly templates: ModuleTemplates;
  /** When the command is handled (ISO): the time a sign-off records. */
  readonly now: string;
  /** The sign-off the module's status note records (read for `sign-off` only), or null. */
  readonly signOff: SignOff | null;
}

/** True when the commands need the project's modules listed (start and sign-off do). */
export function commandsNeedModules(commands: readonly Command[]): boolean {
  return commands.some((c) => c.name === 'start' || c.name === 'sign-off');
}

/**
 * The actions of every training command in a note, in order, and the one reply that answers them
 * all (GitLab gets one reply per note: marker `reply:<note id>`).
 */
export function planCommands(input: CommandsInput): CommandPlan {
  const plans = input.commands.map((command, i) => planCommand(input, command, i));
  return {
    actions: plans.flatMap((p) => p.actions),
    reply: (refs) => plans.map((p) => p.reply(refs)).filter((text) => text !== '').join('\n\n'),
  };
}

/** The marker of the reply to a note: a redelivered note never gets a second reply. */
export function replyMarker(noteId: number): Marker {
  return marker('reply', String(noteId));
}

/** The reply action once the plan ran. */
export function replyAction(issue: Pick<Issue, 'iid'>, noteId: number, body: string): Action {
  return { kind: 'reply', issue: { iid: issue.iid }, marker: replyMarker(noteId), body };
}

function planCommand(input: CommandsInput, command: Command, index: number): CommandPlan {
  if (command.name === 'start') return planStart({ ...input, command, ref: `start-${index}` });
  if (!input.module) return replyOnly('');
  if (command.name === 'status') return planStatus(input, input.module.kind, input.module.learner);
  return planSignOffCommand(input, input.module.kind, input.module.learner);
}

/** `status`: the module's progress, and the next few required items by name. */
function planStatus(input: CommandsInput, kind: ModuleKind, learner: string): CommandPlan {
  const c = parseChecklist(input.issue.description);
  const label = labelledState(kind, input.issue.labels);
  const state = label === 'complete' ? 'complete' : checklistState(c);
  const lines = [
    `${inlineText(learner)}'s ${moduleName(kind)} training is **${state.replace('-', ' ')}**: ${c.requiredDone} of ${c.requiredTotal} required items ticked \`${progressBar(c.requiredDone, c.requiredTotal)}\`${c.optionalTotal > 0 ? `, and ${c.optionalDone} of ${c.optionalTotal} optional ones` : ''}.`,
    '',
    progressTable(c),
  ];
  if (c.requiredDone < c.requiredTotal) lines.push('', `Next: ${nextStep(c)}`, '', renderMissing(c, 5));
  return replyOnly(lines.join('\n'));
}

/** `sign-off`: the manager signs off a module whose required items are all ticked. */
function planSignOffCommand(input: CommandsInput, kind: ModuleKind, learner: string): CommandPlan {
  const { issue, roster, bot, actor, modules } = input;
  // Only a recorded sign-off is one: a module the learner closed at review and someone then labelled
  // complete looks the same, and its manager must still be able to sign it off.
  if (input.signOff && labelledState(kind, issue.labels) === 'complete' && issue.state === 'closed') {
    return replyOnly(`This ${moduleName(kind)} module is already signed off (\`${stateLabel(kind, 'complete')}\`); the status note says by whom and when.`);
  }
  const checklist = parseChecklist(issue.description);
  const problem = signOffProblem({ kind, learner, by: actor, checklist, roster });
  if (problem !== null) return replyOnly(`Trellis cannot sign off this module: ${problem}`);
  const actions = planSignOff({ kind, learner, issue, checklist, signOff: { by: actor, at: input.now }, roster, bot, modules, templates: input.templates });
  return {
    actions,
    reply: (refs) => `Signed off: ${inlineText(learner)}'s ${moduleName(kind)} training module is complete, signed off by ${inlineText(actor)}.${nextModuleText(kind, learner, modules, refs.get(NEXT_MODULE_REF))}`,
  };
}
