import { localDate, previousQuarter, quarterOf } from '../../core/fiscal-quarter.js';
import { hasMarker } from '../../core/markers.js';
import { parseCommands } from '../../core/parse-command.js';
import type { Command } from '../../core/parse-command.js';
import type { IssueEvent, NoteEvent, PushEvent } from '../../events/types.js';
import type { RosterStore } from '../../roster/roster-store.js';
import { CONFIG_PATHS } from '../../roster/roster-store.js';
import { CONVERSATION_TEMPLATE } from '../conversation/conversation-record.js';
import { findConversations } from '../conversation/conversation-workflow.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { agendaCommand } from './agenda-command.js';
import { checkpointMarker, identifyCheckpoint } from './checkpoint-record.js';
import { checkpointSchedules, CLOSE_QUARTER_JOB, EVIDENCE_JOB, NUDGE_JOB, OPEN_QUARTER_JOB, REVIEW_JOB } from './checkpoint-schedules.js';
import { focusNudge } from './focus-nudge.js';
import { ensureCheckpoint } from './ensure-checkpoint.js';
import { ensureCheckpointJob, listCheckpoints, openQuarter } from './open-quarter.js';
import { syncChangedAccess } from '../privacy/privacy-workflow.js';
import { recordsOf, writtenByBot } from '../records.js';
import { planCheckpoint } from './plan-checkpoint.js';
import { checkpointCommandReply, checkpointCommands, checkpointReplyAction, checkpointStatusReply, decideCheckpointCommand } from './plan-commands.js';
import { conversationLinks, ENSURE_JOB } from './plan-quarter-open.js';
import type { PreviousLink } from './plan-create-checkpoint.js';
import { readCheckpoint } from './read-checkpoint.js';
import { closeQuarter, gatherYear, reconcileCheckpoints, reviewReminder } from './quarter-passes.js';

const local = (name: string): string => name.slice('checkpoint:'.length);

/**
 * Quarterly career checkpoints (thin handler; the rules are in the plan-*.ts files): opens one per
 * report each fiscal quarter, keeps its label and status note in step with its description and the
 * calendar, reminds before the quarter ends, settles it after, gathers the year for 360 feedback,
 * and answers `checkpoint [@user]` and `status`. A roster push re-runs the quarter's fan-out, so
 * people added mid-quarter get theirs and assignees follow the roster; the hourly reconcile
 * re-derives all of it from GitLab.
 */
export function checkpointWorkflow(deps: { roster?: RosterStore } = {}): Workflow {
  return {
    name: 'checkpoint',
    async onEvent(event, ctx) {
      if (event.type === 'push') return onPush(event, ctx);
      if (event.type === 'issue') return onIssue(event, ctx);
      if (inDepartmentProject(event, ctx) || recordsOf(ctx).ownerOfProject(event.project.path) !== null) return onNote(event, ctx);
    },
    jobs: {
      async [local(OPEN_QUARTER_JOB)](data, ctx) {
        // After a roster push, this process may hold an older roster than the one that pushed it.
        if (data.reason === 'roster') {
          await deps.roster?.reload();
          // Members first: GitLab assigns only people who can read the issue, so a new manager must
          // be in the report's records project before the fan-out assigns them.
          await syncChangedAccess(ctx);
        }
        await openQuarter(data, ctx);
      },
      [local(ENSURE_JOB)]: ensureCheckpointJob,
      [local(REVIEW_JOB)]: reviewReminder,
      [local(CLOSE_QUARTER_JOB)]: closeQuarter,
      [local(EVIDENCE_JOB)]: gatherYear,
      [local(NUDGE_JOB)]: focusNudge,
      reconcile: reconcileCheckpoints,
    },
    schedules: (roster) => checkpointSchedules(roster),
  };
}

function inDepartmentProject(event: IssueEvent | NoteEvent | PushEvent, ctx: WorkflowContext): boolean {
  const department = ctx.config.gitlab?.project;
  return department === undefined || department === event.project.path || department === String(event.project.id);
}

/**
 * The checkpoint an issue event is about, when it is one Trellis may act on: Trellis wrote it, in
 * the records project of the report it names. Anything else (a copied marker, a look-alike title
 * in another project) is not a checkpoint, whatever its text says.
 */
async function ownCheckpoint(event: IssueEvent | NoteEvent, ctx: WorkflowContext): Promise<ReturnType<typeof identifyCheckpoint>> {
  const id = identifyCheckpoint(event.issue);
  if (!id || recordsOf(ctx).ownerOfProject(event.project.path) !== id.report.toLowerCase()) return null;
  return writtenByBot(event, await ctx.bot()) ? id : null;
}

/** A push that changed the roster on the default branch re-runs the fan-out (keyed by commit, so once). */
async function onPush(event: PushEvent, ctx: WorkflowContext): Promise<void> {
  if (!inDepartmentProject(event, ctx) || !(event.truncated || CONFIG_PATHS.some((p) => event.paths.includes(p)))) return;
  const project = await ctx.gitlab.project();
  if (event.ref !== `refs/heads/${project.defaultBranch}`) return;
  await ctx.jobs.add(OPEN_QUARTER_JOB, { reason: 'roster' }, { id: `checkpoint-roster-${event.after.slice(0, 12)}` });
}

/** A change to a checkpoint: its labels, state and status note planned from the payload alone. */
async function onIssue(event: IssueEvent, ctx: WorkflowContext): Promise<void> {
  const id = await ownCheckpoint(event, ctx);
  if (!id) return;
  const roster = await ctx.roster();
  const today = localDate(ctx.now(), roster.timezone);
  const actions = planCheckpoint({ issue: event.issue, id, roster, today, reviewDays: ctx.config.reviewReminderDays, trigger: { kind: 'event', action: event.action, actor: event.actor.username, ...(event.changes.labels ? { labels: event.changes.labels } : {}) } });
  const result = await ctx.executor.apply(actions, { known: [event.issue], project: event.project.path });
  ctx.log.info({ iid: event.issue.iid, quarter: id.quarter, writes: result.writes }, 'checkpoint updated');
}

async function onNote(event: NoteEvent, ctx: WorkflowContext): Promise<void> {
  // Editing a note is not giving a new command: it would answer the same note twice.
  if (event.action === 'update') return;
  const bot = (await ctx.bot()).username;
  const id = await ownCheckpoint(event, ctx);
  const commands = checkpointCommands(parseCommands(event.note.body, bot), id !== null);
  if (commands.length === 0) return;
  const replies: string[] = [];
  for (const command of commands) {
    if (command.name === 'agenda') {
      const reply = await agendaCommand(command, event, id, ctx);
      if (reply !== null) replies.push(reply);
    } else if (command.name === 'status' && id) {
      const roster = await ctx.roster();
      replies.push(checkpointStatusReply({ issue: event.issue, id, roster, today: localDate(ctx.now(), roster.timezone), reviewDays: ctx.config.reviewReminderDays }));
    } else replies.push(await checkpointCommand(command, event, bot, ctx));
  }
  // The reply goes where the command was written (an agenda written on its checkpoint needs none).
  if (replies.length > 0) await ctx.executor.apply([checkpointReplyAction(event.issue.iid, event.note.id, replies.join('\n\n'))], { known: [event.issue], project: event.project.path });
  ctx.log.info({ iid: event.issue.iid, commands: commands.map((c) => c.name) }, 'checkpoint commands answered');
}

/** `checkpoint [@user]`: finds what the new checkpoint links to (a few reads), then ensures it. */
async function checkpointCommand(command: Command, event: NoteEvent, bot: string, ctx: WorkflowContext): Promise<string> {
  const roster = await ctx.roster();
  const decision = decideCheckpointCommand({ command, actor: event.actor.username, roster, bot, quarter: quarterOf(ctx.now(), roster) });
  if (decision.kind === 'refuse') return decision.reply;
  const { person, manager, quarter } = decision;
  const template = ctx.templates.render(CONVERSATION_TEMPLATE, {});
  const conversation = conversationLinks(await findConversations(ctx, person.username), template).get(person.username.toLowerCase()) ?? null;
  const previous = await findPrevious(ctx, previousQuarter(quarter, roster).name, person.username);
  const result = await ensureCheckpoint(ctx, { quarter, report: person, manager, roster, checkpoint: null, conversation, previous, listed: false });
  const repliesInPrivate = recordsOf(ctx).ownerOfProject(event.project.path) === person.username.toLowerCase();
  return checkpointCommandReply({ person, manager, quarter, project: recordsOf(ctx).projectOf(person.username), iid: result.checkpoint.iid, created: result.checkpoint.created, conversation: result.conversation, repliesInPrivate });
}

/** Last quarter's checkpoint of a report, by its marker (one search). */
async function findPrevious(ctx: WorkflowContext, quarter: string, report: string): Promise<PreviousLink | null> {
  const mark = checkpointMarker(quarter, report);
  const found = (await listCheckpoints(ctx, quarter, { search: `trellis:checkpoint:${mark.key}` })).find((i) => hasMarker(i.description, mark));
  if (!found) return null;
  const reading = readCheckpoint(found.description);
  return { iid: found.iid, quarter, chosen: reading.chosen, unfinished: reading.unfinished };
}
