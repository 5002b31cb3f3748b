import { hasMarker } from '../../core/markers.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import type { ModuleTemplates } from '../training/plan-create-module.js';
import { listModules } from '../training/training-workflow.js';
import type { ModuleSummary } from '../training/training-module.js';
import type { WorkflowContext } from '../workflow.js';
import { identifyTask, NO_RECORD, parseRecord, STATUS_MARKER, taskSearch } from './internship-request.js';
import type { RequestRecord, TaskIssue } from './internship-request.js';
import type { RequestInput } from './plan-request.js';
import { boardLinks } from '../boards.js';

/**
 * Reading what a request's rules look at from GitLab (the handler's I/O, kept apart from the rules):
 * the request with its author, the decision in Trellis's status note, the task issues, the modules.
 */

/** The request with its author: payloads may lack it (note hooks, and issue hooks whose actor is not the author). */
export async function withAuthor(issue: Issue, ctx: WorkflowContext): Promise<Issue> {
  if (issue.author !== '') return issue;
  const fresh = await ctx.gitlab.getIssue(issue.iid);
  return fresh ? { ...issue, author: fresh.author } : issue;
}

/** The decision Trellis's own status note records (notes by anyone else are never believed). */
export async function readRecord(iid: number, ctx: WorkflowContext): Promise<RequestRecord> {
  const [notes, bot] = await Promise.all([ctx.gitlab.listNotes(iid), ctx.bot()]);
  const status = notes.find((n) => n.author === bot.username && hasMarker(n.body, STATUS_MARKER));
  return status ? parseRecord(status.body) : NO_RECORD;
}

/**
 * The task issues of request #`iid`, found by their markers in the records project and in the
 * roster's access-requests project, made by Trellis. If a task exists twice (it should not), the older one counts.
 */
export async function findTasks(iid: number, ctx: WorkflowContext, roster: Roster, records: string): Promise<TaskIssue[]> {
  const found = new Map<string, TaskIssue>();
  const bot = (await ctx.bot()).username;
  const collect = async (project: string | undefined) => {
    const gitlab = project ? ctx.gitlab.forProject(project) : ctx.gitlab;
    for await (const issue of gitlab.listIssues({ search: taskSearch(iid), state: 'all' })) {
      const task = identifyTask(issue);
      // Only issues Trellis made are tasks: a marker copied into someone's issue moves nothing.
      if (!task || task.requestIid !== iid || issue.author !== bot) continue;
      const earlier = found.get(task.kind);
      if (!earlier || earlier.issue.iid > issue.iid) found.set(task.kind, { kind: task.kind, issue, ...(project ? { project } : {}) });
    }
  };
  await collect(undefined);
  const access = roster.internships.accessRequestsProject;
  if (access && access !== records) await collect(access);
  return [...found.values()];
}

/** The path of the records project (GITLAB_PROJECT may be an id, and references need the path). */
export async function recordsPath(ctx: WorkflowContext): Promise<string> {
  const configured = ctx.config.gitlab?.project;
  if (configured && configured.includes('/')) return configured;
  return (await ctx.gitlab.project()).path;
}

/** The module templates as Trellis renders them, for modules an approval opens. */
export function moduleTemplates(ctx: WorkflowContext): ModuleTemplates {
  return { 'sre-i': ctx.templates.render('sre-i', {}), 'sre-ii': ctx.templates.render('sre-ii', {}) };
}

/** Reads everything a plan of request `issue` needs; `modules` may be shared across requests (reconcile). */
export async function readRequest(
  issue: Issue,
  ctx: WorkflowContext,
  opts: { roster: Roster; event: RequestInput['event']; modules?: () => Promise<readonly ModuleSummary[]> },
): Promise<RequestInput> {
  const { roster } = opts;
  const [full, record, modules, bot, records] = await Promise.all([
    withAuthor(issue, ctx),
    readRecord(issue.iid, ctx),
    opts.modules ? opts.modules() : listModules(ctx, roster),
    ctx.bot(),
    recordsPath(ctx),
  ]);
  const tasks = record.approval ? await findTasks(issue.iid, ctx, roster, records) : [];
  const boards = await boardLinks(ctx);
  return { issue: full, roster, bot: bot.username, now: ctx.now(), recordsProject: records, record, modules, tasks, templates: { ...moduleTemplates(ctx), boardUrl: boards.training }, event: opts.event, internshipsBoard: boards.internships };
}
