import type { Action } from '../../core/actions.js';
import { localDate, quarterOf } from '../../core/fiscal-quarter.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import type { Issue } from '../../core/gitlab-port.js';
import { inlineText } from '../../core/markdown-safety.js';
import { hasMarker } from '../../core/markers.js';
import type { Command } from '../../core/parse-command.js';
import { usernameArg } from '../../core/parse-command.js';
import { findPerson, isManagerOf } from '../../core/roster.js';
import type { Person, Roster } from '../../core/roster.js';
import type { NoteEvent } from '../../events/types.js';
import { applyToRecord, recordsOf } from '../records.js';
import type { WorkflowContext } from '../workflow.js';
import { checkpointMarker } from './checkpoint-record.js';
import type { CheckpointIdentity } from './checkpoint-record.js';
import { listCheckpoints } from './open-quarter.js';
import { agendaBody, agendaMarker } from './plan-agenda.js';

/**
 * `agenda [@user]` (thin handler; the text is plan-agenda.ts): the agenda is always written on the
 * person's checkpoint of this quarter, in their private records project, so only its readers see it.
 * Written there, that is the whole answer; written anywhere else, the reply where it was written
 * only points to the checkpoint.
 */

/** Whose agenda a note asks for, or why not: the person, their manager and the record readers may ask. */
export function decideAgenda(input: { command: Command; actor: string; roster: Roster; bot: string; ownerHere: string | null }): { kind: 'ok'; person: Person } | { kind: 'refuse'; reply: string } {
  const { command, actor, roster, bot } = input;
  const named = command.args[0];
  const target = named === undefined ? (input.ownerHere ?? actor) : usernameArg(named);
  const usage = `Use \`@${bot} agenda\` on a checkpoint, or \`@${bot} agenda @username\` for yourself or someone you manage.`;
  if (target === null) return { kind: 'refuse', reply: `“${inlineText(named ?? '', 40)}” is not a username. ${usage}` };
  const person = findPerson(roster, target);
  if (!person?.manager) return { kind: 'refuse', reply: `${inlineText(target)} has no checkpoint with a manager on the roster, so there is no 1:1 agenda to prepare. ${usage}` };
  const self = person.username.toLowerCase() === actor.toLowerCase();
  const reader = roster.recordReaders.some((r) => r.toLowerCase() === actor.toLowerCase());
  if (!self && !reader && !isManagerOf(roster, actor, person.username)) {
    return { kind: 'refuse', reply: `Only ${inlineText(person.username)}, their manager (${inlineText(person.manager)}) or a record reader can ask for ${inlineText(person.username)}'s 1:1 agenda.` };
  }
  return { kind: 'ok', person };
}

/**
 * Answers one `agenda` command. Returns the reply to write where the command was written, or null
 * when the agenda itself was written there (the command was given on the checkpoint).
 */
export async function agendaCommand(command: Command, event: NoteEvent, here: CheckpointIdentity | null, ctx: WorkflowContext): Promise<string | null> {
  const roster = await ctx.roster();
  const bot = (await ctx.bot()).username;
  const layout = recordsOf(ctx);
  const decision = decideAgenda({ command, actor: event.actor.username, roster, bot, ownerHere: here?.report ?? layout.ownerOfProject(event.project.path) });
  if (decision.kind === 'refuse') return decision.reply;
  const { person } = decision;
  const quarter = quarterOf(ctx.now(), roster);
  const onIt = here !== null && here.quarter === quarter.name && here.report.toLowerCase() === person.username.toLowerCase();
  const checkpoint = onIt ? event.issue : await currentCheckpoint(ctx, quarter, person.username);
  if (!checkpoint) return `${inlineText(person.username)} has no ${quarter.name} checkpoint yet, so there is no agenda to prepare: \`@${bot} checkpoint @${person.username}\` opens it.`;
  const project = layout.projectOf(person.username);
  const notes = await ctx.gitlab.forProject(project).listNotes(checkpoint.iid);
  const body = agendaBody({ issue: checkpoint, id: { quarter: quarter.name, report: person.username }, notes, roster, today: localDate(ctx.now(), roster.timezone), bot });
  const action: Action = { kind: 'reply', issue: { iid: checkpoint.iid }, marker: agendaMarker(event.note.id), body };
  await applyToRecord(ctx, person.username, [action], [checkpoint]);
  ctx.log.info({ report: person.username, iid: checkpoint.iid, inPlace: onIt }, 'agenda written');
  return onIt ? null : `The agenda for ${inlineText(person.username)}'s next 1:1 is on their ${quarter.name} checkpoint, ${project}#${checkpoint.iid} (private: only ${inlineText(person.username)}, their manager and the record readers can open it).`;
}

/** The person's checkpoint of `quarter`, by its marker (one search of the records group). */
async function currentCheckpoint(ctx: WorkflowContext, quarter: FiscalQuarter, report: string): Promise<Issue | null> {
  const mark = checkpointMarker(quarter.name, report);
  return (await listCheckpoints(ctx, quarter.name, { search: `trellis:checkpoint:${mark.key}` })).find((i) => hasMarker(i.description, mark)) ?? null;
}
