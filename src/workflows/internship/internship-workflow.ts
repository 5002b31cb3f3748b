import type { Action } from '../../core/actions.js';
import { parseCommands } from '../../core/parse-command.js';
import type { Roster } from '../../core/roster.js';
import type { IssueEvent, NoteEvent } from '../../events/types.js';
import type { Issue } from '../../core/gitlab-port.js';
import { listModules } from '../training/training-workflow.js';
import type { ModuleSummary } from '../training/training-module.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { identifyTask, isRequest, REQUEST_LABEL, TASK_LABEL } from './internship-request.js';
import type { TaskIssue } from './internship-request.js';
import type { RequestPlan } from './plan-approval.js';
import { internshipCommands, notARequestReply, planCommand } from './plan-commands.js';
import { planRequest } from './plan-request.js';
import type { RequestEvent } from './plan-request.js';
import { findTasks, readRequest, recordsPath } from './read-request.js';

/**
 * Internships with Infrastructure (thin handler; the rules are in the plan-*.ts files): checks each
 * request on open and on every edit, routes it to the people who decide, takes the manager's
 * approval or decline (command or label), creates the tasks and modules, and follows the task issues
 * to completion. A task's close or reopen leads back to its request through the task's marker.
 * The `reconcile` job (run by the reconcile workflow) re-derives every open request from GitLab.
 */
export function internshipWorkflow(): Workflow {
  return {
    name: 'internship',
    async onEvent(event, ctx) {
      if (event.type === 'push') return;
      const roster = await ctx.roster();
      const where = projectOf(event, ctx, roster);
      if (where === null) return;
      if (event.type === 'issue') await onIssue(event, where, ctx, roster);
      else if (where === 'records') await onNote(event, ctx, roster);
    },
    jobs: {
      async reconcile(_data, ctx) {
        await reconcile(ctx);
      },
    },
  };
}

/** Requests live in the records project; access-request tasks may live in the roster's access-requests project. */
function projectOf(event: IssueEvent | NoteEvent, ctx: WorkflowContext, roster: Roster): 'records' | 'access' | null {
  const records = ctx.config.gitlab?.project;
  if (records === undefined || records === event.project.path || records === String(event.project.id)) return 'records';
  return roster.internships.accessRequestsProject === event.project.path ? 'access' : null;
}

async function onIssue(event: IssueEvent, where: 'records' | 'access', ctx: WorkflowContext, roster: Roster): Promise<void> {
  const task = identifyTask(event.issue);
  if (task) {
    // Only opening and closing a task moves its request; edits to a task's text change nothing.
    const moved = event.action === 'close' || event.action === 'reopen' || event.changes.state !== undefined || event.action === 'unknown';
    if (!moved) return;
    const request = await ctx.gitlab.getIssue(task.requestIid);
    if (request && isRequest(request)) await sync(request, null, ctx, roster, { recheck: true });
    return;
  }
  if (where !== 'records' || !isRequest(event.issue)) return;
  await sync(event.issue, { actor: event.actor.username, action: event.action, changes: event.changes }, ctx, roster, { recheck: false });
}

/**
 * Plans and applies the rules for one request. `recheck` (after a task moved): two tasks closing at
 * once are handled side by side, and the one that listed the tasks first may write a stale state
 * last; listing them again after applying, and planning once more when they changed, settles it.
 */
async function sync(issue: Issue, event: RequestEvent | null, ctx: WorkflowContext, roster: Roster, opts: { recheck: boolean; modules?: () => Promise<readonly ModuleSummary[]> }): Promise<void> {
  let current = issue;
  for (let round = 0; round < 2; round++) {
    const input = await readRequest(current, ctx, { roster, event, ...(opts.modules ? { modules: opts.modules } : {}) });
    const plan = planRequest(input);
    await apply(plan, input.issue, ctx);
    if (!opts.recheck || !input.record.approval) return;
    const after = await findTasks(current.iid, ctx, roster, input.recordsProject);
    if (fingerprint(after) === fingerprint(input.tasks)) return;
    const fresh = await ctx.gitlab.getIssue(current.iid);
    if (!fresh) return;
    current = fresh;
  }
}

function fingerprint(tasks: readonly TaskIssue[]): string {
  return tasks
    .map((t) => `${t.kind}:${t.issue.iid}:${t.issue.state}`)
    .sort()
    .join(',');
}

async function apply(plan: RequestPlan, issue: Issue, ctx: WorkflowContext): Promise<void> {
  const first = await ctx.executor.apply(plan.actions, { known: [issue] });
  let writes = first.writes;
  if (plan.then) {
    const rest: Action[] = plan.then(first.refs);
    writes += (await ctx.executor.apply(rest, { known: [issue] })).writes;
  }
  ctx.log.info({ iid: issue.iid, decision: plan.decision, writes }, 'internship request planned');
}

async function onNote(event: NoteEvent, ctx: WorkflowContext, roster: Roster): Promise<void> {
  // Editing a note is not giving a new command: it would answer the same note twice.
  if (event.action === 'update') return;
  const bot = await ctx.bot();
  const onRequest = isRequest(event.issue);
  const [command] = internshipCommands(parseCommands(event.note.body, bot.username), onRequest);
  if (!command) return;
  if (!onRequest) {
    await ctx.executor.apply([notARequestReply(event.issue.iid, event.note.id, command, bot.username)], { known: [event.issue] });
    return;
  }
  const input = await readRequest(event.issue, ctx, { roster, event: null });
  const plan = planCommand({ ...input, command, actor: event.actor.username, noteId: event.note.id });
  await apply(plan, input.issue, ctx);
}

/**
 * Every open request planned afresh from GitLab (labels, status note, task completion), then the
 * requests of open tasks that are not open themselves (a task reopened while its webhook was lost,
 * or in a project without Trellis's webhook). Unchanged requests cost reads only.
 */
async function reconcile(ctx: WorkflowContext): Promise<void> {
  const roster = await ctx.roster();
  let cached: Promise<ModuleSummary[]> | null = null;
  const modules = () => (cached ??= listModules(ctx, roster));
  const seen = new Set<number>();
  let failed = 0;
  const run = async (issue: Issue) => {
    seen.add(issue.iid);
    try {
      await sync(issue, null, ctx, roster, { recheck: false, modules });
    } catch (err) {
      failed += 1;
      ctx.log.warn({ err, iid: issue.iid }, 'internship request not reconciled');
    }
  };
  for await (const issue of ctx.gitlab.listIssues({ labels: [REQUEST_LABEL], state: 'opened' })) await run(issue);
  const access = roster.internships.accessRequestsProject;
  const records = await recordsPath(ctx);
  const projects = [ctx.gitlab, ...(access && access !== records ? [ctx.gitlab.forProject(access)] : [])];
  for (const gitlab of projects) {
    for await (const task of gitlab.listIssues({ labels: [TASK_LABEL], state: 'opened' })) {
      const iid = identifyTask(task)?.requestIid;
      if (iid === undefined || seen.has(iid)) continue;
      const request = await ctx.gitlab.getIssue(iid);
      if (request && isRequest(request)) await run(request);
      else seen.add(iid);
    }
  }
  ctx.log.info({ requests: seen.size, failed }, 'internship requests reconciled');
}
