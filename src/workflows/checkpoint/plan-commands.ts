import type { Action } from '../../core/actions.js';
import { quarterByName } from '../../core/fiscal-quarter.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { inlineText } from '../../core/markdown-safety.js';
import { marker } from '../../core/markers.js';
import type { Command } from '../../core/parse-command.js';
import type { Person, Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { commandTarget, privateRecordReply } from '../conversation/command-target.js';
import type { CheckpointIdentity } from './checkpoint-record.js';
import { stateLabel } from './checkpoint-record.js';
import { areaList } from './checkpoint-status.js';
import { checkpointState, phaseOf, reviewDate } from './plan-checkpoint.js';
import { readCheckpoint } from './read-checkpoint.js';

/** The commands of a note that are this workflow's: `checkpoint` and `agenda` anywhere, `status` on a checkpoint. */
export function checkpointCommands(commands: readonly Command[], onCheckpoint: boolean): Command[] {
  return commands.filter((c) => c.name === 'checkpoint' || c.name === 'agenda' || (onCheckpoint && c.name === 'status'));
}

/** The one reply to a note's checkpoint commands (`reply:<note id>-checkpoint`): redeliveries never reply twice. */
export function checkpointReplyAction(iid: number, noteId: number, body: string): Action {
  return { kind: 'reply', issue: { iid }, marker: marker('reply', `${noteId}-checkpoint`), body };
}

/** What `checkpoint [@user]` decides before anything is read: for whom, or why not. */
export type CheckpointCommandDecision =
  | { readonly kind: 'refuse'; readonly reply: string }
  | { readonly kind: 'ensure'; readonly person: Person; readonly manager: Person; readonly quarter: FiscalQuarter };

/** `checkpoint [@user]`: this quarter's checkpoint, for oneself or, from a manager, for a report. */
export function decideCheckpointCommand(input: { command: Command; actor: string; roster: Roster; bot: string; quarter: FiscalQuarter }): CheckpointCommandDecision {
  const usage = `Use \`@${input.bot} checkpoint\` for yourself, or \`@${input.bot} checkpoint @username\` for someone you manage.`;
  const target = commandTarget({ ...input, record: `a ${input.quarter.name} career checkpoint`, usage });
  if (target.kind === 'refuse') return target;
  return { kind: 'ensure', person: target.person, manager: target.manager, quarter: input.quarter };
}

/**
 * The reply once the checkpoint was ensured: created now, or already there. It names the record only
 * when written in the person's own records project (`repliesInPrivate`); elsewhere others may read it.
 */
export function checkpointCommandReply(args: { person: Person; manager: Person; quarter: FiscalQuarter; project: string; iid: number; created: boolean; conversation: { iid: number; created: boolean } | null; repliesInPrivate: boolean }): string {
  const who = inlineText(args.person.username);
  const q = args.quarter;
  if (!args.repliesInPrivate) return privateRecordReply(args.person, args.manager, `${q.name} career checkpoint`);
  // A full reference: the reply may stand in another project, where `#12` would name another issue.
  const ref = (iid: number): string => `${args.project}#${iid}`;
  const talk = args.conversation?.created ? ` Trellis also opened ${who}'s big-picture career conversation, ${ref(args.conversation.iid)}, which the checkpoint builds on.` : '';
  if (!args.created) return `${who}'s ${q.name} career checkpoint is ${ref(args.iid)}; Trellis did not open another.${talk}`;
  return `Opened ${who}'s ${q.name} career checkpoint: ${ref(args.iid)} in ${who}'s private records project, assigned to ${who} and ${inlineText(args.manager.username)}, due ${q.end}. At your first 1:1 of the quarter, tick two or three focus areas.${talk}`;
}

/** `status` on a checkpoint: where it stands, mentioning nobody. */
export function checkpointStatusReply(input: { issue: Issue; id: CheckpointIdentity; roster: Roster; today: string; reviewDays: number }): string {
  const q = quarterByName(input.id.quarter, input.roster);
  const reading = readCheckpoint(input.issue.description);
  const state = checkpointState(reading, input.issue.state === 'closed', phaseOf(q, input.today, input.reviewDays));
  const areas = reading.chosen.length > 0 ? `Focus areas: ${areaList(reading.chosen)}.` : 'No focus areas are ticked yet.';
  const summary = reading.summary === '' ? 'The summary of progress is not written yet.' : 'The summary of progress is written.';
  return [
    `${inlineText(input.id.report)}'s ${q.name} checkpoint is **${state.replace('-', ' ')}** (\`${stateLabel(state)}\`).`,
    '',
    `${areas} ${summary} The review reminder comes on ${reviewDate(q, input.reviewDays)}; ${q.name} ends on ${q.end}.`,
  ].join('\n');
}
