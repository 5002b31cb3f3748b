import type { Action } from '../../core/actions.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import type { ModuleTemplates } from '../training/plan-create-module.js';
import { MODULE_KINDS, summariseModules } from '../training/training-module.js';
import type { ModuleSummary } from '../training/training-module.js';
import type { CheckedRequest } from './check-request.js';
import { REQUEST_LABEL, STATUS_MARKER, stateLabel } from './internship-request.js';
import type { Approval, TaskIssue } from './internship-request.js';
import { moduleRef, planTasks, taskRef, tasksWanted } from './plan-tasks.js';
import { planNote, TASK_NAMES, taskView, who } from './request-status.js';
import { trainingStanding } from './request-training.js';

/**
 * A plan in two phases: `actions` first, then `then(refs)` with the issues they created or found.
 * An approval needs this: the status note links task issues whose iids exist only once created.
 */
export interface RequestPlan {
  readonly decision: string;
  readonly actions: Action[];
  readonly then?: (refs: ReadonlyMap<string, Issue>) => Action[];
}

export interface ApprovalInput {
  readonly iid: number;
  readonly request: CheckedRequest;
  readonly approval: Approval;
  readonly recordsProject: string;
  readonly roster: Roster;
  readonly bot: string;
  readonly modules: readonly ModuleSummary[];
  readonly templates: ModuleTemplates;
  /** Today in the roster's time zone (`YYYY-MM-DD`). */
  readonly today: string;
  /** The reply that announces the approval (to the command's note, or explaining a label). */
  readonly reply: (text: string) => Action;
}

/**
 * An approval: tasks, modules and links first (each found by its marker on a retry), then the status
 * note that records the approval and lists the plan, then `internship::active`. Until the note is
 * written nothing records the approval, so a crash in between leaves the request pending and a
 * retry (or a second approval) finds the issues already made instead of making them twice.
 */
export function planApproval(input: ApprovalInput): RequestPlan {
  const { iid, request, approval, roster } = input;
  const learner = request.requester.username;
  return {
    decision: 'approve',
    actions: planTasks({ requestIid: iid, request, buddy: approval.buddy, pairing: approval.pairing, today: input.today, recordsProject: input.recordsProject, roster, bot: input.bot, modules: input.modules, templates: input.templates }),
    then(refs) {
      const accessProject = roster.internships.accessRequestsProject;
      const tasks: TaskIssue[] = tasksWanted(request).flatMap((kind) => {
        const issue = refs.get(taskRef(kind));
        return issue ? [{ kind, issue, ...(kind === 'access' && accessProject ? { project: accessProject } : {}) }] : [];
      });
      const created = summariseModules(MODULE_KINDS.flatMap((k) => refs.get(moduleRef(k)) ?? []), roster);
      const standing = trainingStanding([...input.modules, ...created], learner);
      const views = tasks.map(taskView);
      const list = views.map((t) => `- ${TASK_NAMES[t.kind]}: ${t.reference}, due ${t.dueDate ?? 'none'}`);
      const opened = created.map((m) => `#${m.iid}`);
      const due = refs.get(moduleRef('sre-i'))?.dueDate ?? refs.get(moduleRef('sre-ii'))?.dueDate ?? null;
      return [
        { kind: 'upsert-note', issue: { iid }, marker: STATUS_MARKER, body: planNote({ approval, tasks: views, standing, requester: learner, roster, completed: false }) },
        { kind: 'set-labels', issue: { iid }, add: [REQUEST_LABEL, stateLabel('active')] },
        input.reply(
          [
            `**Approved** by ${who(approval.by, roster)}: ${who(learner, roster)} interns with Reliability Engineering from ${approval.start} to ${approval.end}.${approval.buddy ? ` On-call buddy: ${who(approval.buddy, roster)}.` : ''}${approval.pairing ? ` Pairing engineer: ${who(approval.pairing, roster)}.` : ''}`,
            '',
            ...list,
            ...(opened.length > 0 ? ['', `Training modules opened: ${opened.join(', ')}${due ? `, due ${due}` : ''} (completing them before the start is recommended).`] : []),
            '',
            'The request is now `internship::active`; the status note above tracks the tasks.',
          ].join('\n'),
        ),
      ];
    },
  };
}
