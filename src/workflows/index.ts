import type { RosterStore } from '../roster/roster-store.js';
import { checkpointWorkflow } from './checkpoint/checkpoint-workflow.js';
import { commandsWorkflow } from './commands/commands-workflow.js';
import { configWorkflow } from './config/config-workflow.js';
import { conversationWorkflow } from './conversation/conversation-workflow.js';
import { internshipWorkflow } from './internship/internship-workflow.js';
import { privacyWorkflow } from './privacy/privacy-workflow.js';
import { reconcileWorkflow } from './reconcile/reconcile-workflow.js';
import type { ReconcileDeps } from './reconcile/reconcile-workflow.js';
import { reportsWorkflow } from './reports/reports-workflow.js';
import { trainingWorkflow } from './training/training-workflow.js';
import type { Workflow } from './workflow.js';

/** Every workflow Trellis runs, in the order each event visits them. */
export function allWorkflows(deps: { roster: RosterStore } & Partial<Pick<ReconcileDeps, 'saveStatus' | 'onDrift'>>): Workflow[] {
  const list: Workflow[] = [
    configWorkflow(deps.roster),
    commandsWorkflow(),
    trainingWorkflow(),
    internshipWorkflow(),
    privacyWorkflow(),
    conversationWorkflow(),
    checkpointWorkflow({ roster: deps.roster }),
    reportsWorkflow(),
  ];
  list.push(reconcileWorkflow({ workflows: () => list, ...(deps.saveStatus ? { saveStatus: deps.saveStatus } : {}), ...(deps.onDrift ? { onDrift: deps.onDrift } : {}) }));
  return list;
}
