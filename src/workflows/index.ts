import type { RosterStore } from '../roster/roster-store.js';
import { checkpointWorkflow } from './checkpoint/checkpoint-workflow.js';
import { commandsWorkflow } from './commands/commands-workflow.js';
import { configWorkflow } from './config/config-workflow.js';
import { conversationWorkflow } from './conversation/conversation-workflow.js';
import { reportsWorkflow } from './reports/reports-workflow.js';
import { trainingWorkflow } from './training/training-workflow.js';
import type { Workflow } from './workflow.js';

/** Every workflow Trellis runs, in the order each event visits them. */
export function allWorkflows(deps: { roster: RosterStore }): Workflow[] {
  return [
    configWorkflow(deps.roster),
    commandsWorkflow(),
    trainingWorkflow(),
    conversationWorkflow(),
    checkpointWorkflow({ roster: deps.roster }),
    reportsWorkflow(),
  ];
}
