import { indexIssues } from '../../core/executor.js';
import { parseCommands } from '../../core/parse-command.js';
import type { Command } from '../../core/parse-command.js';
import type { NoteEvent } from '../../events/types.js';
import type { Issue } from '../../core/gitlab-port.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { findPerson } from '../../core/roster.js';
import { ensureRecordsProjectOf } from '../checkpoint/ensure-checkpoint.js';
import { listConversations } from '../checkpoint/open-quarter.js';
import { recordsOf, writtenByBot } from '../records.js';
import { CONVERSATION_TEMPLATE, identifyConversation } from './conversation-record.js';
import { conversationReplyAction, conversationStatus, planBigPicture } from './plan-conversation.js';

/**
 * Big-picture career conversations (thin handler; rules in plan-conversation.ts): answers
 * `big-picture [@user]` anywhere and `status` on a conversation. The quarter's fan-out opens one for
 * every report who has none (workflows/checkpoint).
 */
export function conversationWorkflow(): Workflow {
  return {
    name: 'conversation',
    async onEvent(event, ctx) {
      // Editing a note is not giving a new command: it would answer the same note twice.
      if (event.type !== 'note' || event.action === 'update' || !inDepartmentOrRecords(event, ctx)) return;
      const me = await ctx.bot();
      const bot = me.username;
      const onConversation = ownConversation(event, me, ctx);
      const commands = parseCommands(event.note.body, bot).filter((c) => c.name === 'big-picture' || (c.name === 'status' && onConversation !== null));
      if (commands.length === 0) return;
      const replies: string[] = [];
      for (const command of commands) replies.push(await answer(command, event, bot, ctx));
      // The reply goes where the command was written.
      await ctx.executor.apply([conversationReplyAction(event.issue.iid, event.note.id, replies.join('\n\n'))], { known: [event.issue], project: event.project.path });
      ctx.log.info({ iid: event.issue.iid, commands: commands.map((c) => c.name) }, 'conversation commands answered');
    },
  };
}

async function answer(command: Command, event: NoteEvent, bot: string, ctx: WorkflowContext): Promise<string> {
  const template = ctx.templates.render(CONVERSATION_TEMPLATE, {});
  if (command.name === 'status') {
    const person = ownConversation(event, await ctx.bot(), ctx)?.person ?? '';
    return conversationStatus(event.issue, person, template);
  }
  const roster = await ctx.roster();
  const target = command.args[0]?.replace(/^@/, '') ?? event.actor.username;
  const found = await findConversations(ctx, target);
  const existing = found.find((i) => identifyConversation(i)?.person.toLowerCase() === target.toLowerCase()) ?? null;
  const project = recordsOf(ctx).projectOf(target);
  const person = findPerson(roster, target);
  // A report added since setup ran has no records project yet: it is made first, with its two members.
  if (!existing && person?.manager && !(await ctx.gitlab.forProject(project).findProject())) await ensureRecordsProjectOf(ctx, person.username, person.manager);
  const repliesInPrivate = recordsOf(ctx).ownerOfProject(event.project.path) === target.toLowerCase();
  const plan = planBigPicture({ command, actor: event.actor.username, roster, bot, existing, template, project, repliesInPrivate });
  // Not a complete index: a conversation whose label someone removed is still found by its marker.
  const result = await ctx.executor.apply(plan.actions, { index: indexIssues(found, false), project });
  return plan.reply(result.refs, result.steps.some((s) => s.outcome === 'created'));
}

/** A person's conversation in their records project (one read of the records group), Trellis's own only. */
export async function findConversations(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'bot'>, person: string): Promise<Issue[]> {
  if (!/^[A-Za-z0-9_.-]+$/.test(person)) return [];
  return (await listConversations(ctx, { search: person })).filter((i) => identifyConversation(i)?.person.toLowerCase() === person.toLowerCase());
}

function inDepartmentOrRecords(event: NoteEvent, ctx: WorkflowContext): boolean {
  const department = ctx.config.gitlab?.project;
  if (department === undefined || department === event.project.path || department === String(event.project.id)) return true;
  return recordsOf(ctx).ownerOfProject(event.project.path) !== null;
}

/** The conversation a note is on, when Trellis wrote it in the records project of the person it names. */
function ownConversation(event: NoteEvent, bot: { id: number; username: string }, ctx: WorkflowContext): { person: string } | null {
  const id = identifyConversation(event.issue);
  if (!id || !writtenByBot(event, bot)) return null;
  return recordsOf(ctx).ownerOfProject(event.project.path) === id.person.toLowerCase() ? id : null;
}
