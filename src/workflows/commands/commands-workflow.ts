import { parseCommands } from '../../core/parse-command.js';
import type { Workflow } from '../workflow.js';
import { planCommands } from './plan-commands.js';

/** Answers `help`, unknown commands, and `status` where no record owns the issue. */
export function commandsWorkflow(): Workflow {
  return {
    name: 'commands',
    async onEvent(event, ctx) {
      if (event.type !== 'note' || event.action === 'update') return;
      const bot = (await ctx.bot()).username;
      const commands = parseCommands(event.note.body, bot);
      if (commands.length === 0) return;
      const actions = planCommands({ commands, noteId: event.note.id, iid: event.issue.iid, labels: event.issue.labels, bot });
      // The reply goes where the command was written, whichever project that is.
      await ctx.executor.apply(actions, { known: [event.issue], project: event.project.path });
    },
  };
}
