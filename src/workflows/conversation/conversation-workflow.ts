import { indexIssues } from '../../core/executor.js';
import { parseCommands } from '../../core/parse-command.js';
import type { Command } from '../../core/parse-command.js';
import type { NoteEvent } from '../../events/types.js';
import type { Issue } from '../../gitlab/port.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { CONVERSATION_LABEL, CONVERSATION_TEMPLATE, identifyConversation } from './conversation-record.js';
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
      if (event.type !== 'note' || event.action === 'update' || !inRecordsProject(event, ctx)) return;
      const bot = (await ctx.bot()).username;
      const onConversation = identifyConversation(event.issue);
      const commands = parseCommands(event.note.body, bot).filter((c) => c.name === 'big-picture' || (c.name === 'status' && onConversation !== null));
      if (commands.length === 0) return;
      const replies: string[] = [];
      for (const command of commands) replies.push(await answer(command, event, bot, ctx));
      await ctx.executor.apply([conversationReplyAction(event.issue.iid, event.note.id, replies.join('\n\n'))], { known: [event.issue] });
      ctx.log.info({ iid: event.issue.iid, commands: commands.map((c) => c.name) }, 'conversation commands answered');
    },
  };
}

async function answer(command: Command, event: NoteEvent, bot: string, ctx: WorkflowContext): Promise<string> {
  const template = ctx.templates.render(CONVERSATION_TEMPLATE, {});
  if (command.name === 'status') {
    const person = identifyConversation(event.issue)?.person ?? '';
    return conversationStatus(event.issue, person, template);
  }
  const roster = await ctx.roster();
  const target = command.args[0]?.replace(/^@/, '') ?? event.actor.username;
  const found = await findConversations(ctx, target);
  const existing = found.find((i) => identifyConversation(i)?.person.toLowerCase() === target.toLowerCase()) ?? null;
  const plan = planBigPicture({ command, actor: event.actor.username, roster, bot, existing, template });
  // Not a complete index: a conversation whose label someone removed is still found by its marker.
  const result = await ctx.executor.apply(plan.actions, { index: indexIssues(found, false) });
  return plan.reply(result.refs, result.steps.some((s) => s.outcome === 'created'));
}

/** Conversations whose title or marker names `person` (one read). */
export async function findConversations(ctx: Pick<WorkflowContext, 'gitlab'>, person: string): Promise<Issue[]> {
  const out: Issue[] = [];
  if (!/^[A-Za-z0-9_.-]+$/.test(person)) return out;
  for await (const issue of ctx.gitlab.listIssues({ labels: [CONVERSATION_LABEL], state: 'all', search: person })) out.push(issue);
  return out;
}

function inRecordsProject(event: NoteEvent, ctx: WorkflowContext): boolean {
  const records = ctx.config.gitlab?.project;
  return records === undefined || records === event.project.path || records === String(event.project.id);
}
