import type { Action } from '../../core/actions.js';
import { parseCommands } from '../../core/parse-command.js';
import type { Roster } from '../../core/roster.js';
import type { IssueEvent, NoteEvent } from '../../events/types.js';
import type { Issue } from '../../gitlab/port.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { planAdopt } from './plan-adopt.js';
import { commandsNeedModules, planCommands, replyAction, trainingCommands } from './plan-commands.js';
import type { ModuleTemplates } from './plan-create-module.js';
import { planModuleEvent } from './plan-module-event.js';
import type { ModuleEventInput } from './plan-module-event.js';
import { identifyModule, summariseModules, TRAINING_LABEL } from './training-module.js';
import type { ModuleIdentity, ModuleSummary } from './training-module.js';

/**
 * SRE I / SRE II training modules (thin handler; the rules are in the plan-*.ts files): keeps each
 * module's state label and status note in step with its checklist, handles sign-off by board move
 * or command, adopts issues made from the templates, and answers `start`, `status` and `sign-off`.
 * A description edit is planned from the payload alone: no reads, and no writes unless progress moved.
 */
export function trainingWorkflow(): Workflow {
  return {
    name: 'training',
    async onEvent(event, ctx) {
      if (event.type === 'push' || !inRecordsProject(event, ctx)) return;
      if (event.type === 'issue') await onIssue(event, ctx);
      else await onNote(event, ctx);
    },
  };
}

function inRecordsProject(event: IssueEvent | NoteEvent, ctx: WorkflowContext): boolean {
  const records = ctx.config.gitlab?.project;
  return records === undefined || records === event.project.path || records === String(event.project.id);
}

async function onIssue(event: IssueEvent, ctx: WorkflowContext): Promise<void> {
  const id = identifyModule(event.issue);
  if (!id) return;
  const [roster, bot] = await Promise.all([ctx.roster(), ctx.bot()]);
  let issue = event.issue;
  let learner = id.learner;
  let adoption: Action[] = [];
  if (id.source === 'template') {
    // An issue someone made from a template and then closed was never a module Trellis tracked.
    if (issue.state === 'closed') return;
    issue = await withPeople(issue, ctx);
    const plan = planAdopt({ kind: id.kind, issue, roster, bot: bot.username, modules: await listModules(ctx, roster) });
    if (plan.kind === 'refuse') {
      await apply(ctx, plan.actions, issue, 'module adoption refused');
      return;
    }
    adoption = plan.actions;
    learner = plan.learner;
  }
  if (learner === null) return;
  const input: ModuleEventInput = { kind: id.kind, learner, issue, action: event.action, actor: event.actor.username, changes: event.changes, roster, bot: bot.username, extra: null };
  let plan = planModuleEvent(input);
  if (plan.kind === 'need-modules') plan = planModuleEvent({ ...input, extra: { modules: await listModules(ctx, roster), templates: templates(ctx) } });
  if (plan.kind === 'need-modules') throw new Error('training plan asked for modules twice');
  await apply(ctx, [...adoption, ...plan.actions], issue, `module ${plan.decision}`);
}

async function onNote(event: NoteEvent, ctx: WorkflowContext): Promise<void> {
  // Editing a note is not giving a new command: it would answer the same note twice.
  if (event.action === 'update') return;
  const bot = await ctx.bot();
  const id = identifyModule(event.issue);
  const commands = trainingCommands(parseCommands(event.note.body, bot.username), id !== null);
  if (commands.length === 0) return;
  const roster = await ctx.roster();
  const module = id ? await moduleOf(id, event.issue, roster, ctx) : null;
  const modules = commandsNeedModules(commands) ? await listModules(ctx, roster) : [];
  const plan = planCommands({
    commands,
    actor: event.actor.username,
    issue: event.issue,
    module,
    roster,
    bot: bot.username,
    modules,
    templates: templates(ctx),
    now: ctx.now().toISOString(),
  });
  const result = await ctx.executor.apply(plan.actions, { known: [event.issue] });
  const reply = await ctx.executor.apply([replyAction(event.issue, event.note.id, plan.reply(result.refs))], { known: [event.issue] });
  ctx.log.info({ iid: event.issue.iid, commands: commands.map((c) => c.name), writes: result.writes + reply.writes }, 'training commands answered');
}

/** The learner of a module a note is on; for one not adopted yet, read from GitLab. */
async function moduleOf(id: ModuleIdentity, issue: Issue, roster: Roster, ctx: WorkflowContext): Promise<{ kind: ModuleIdentity['kind']; learner: string } | null> {
  if (id.learner) return { kind: id.kind, learner: id.learner };
  const full = await withPeople(issue, ctx);
  const plan = planAdopt({ kind: id.kind, issue: full, roster, bot: (await ctx.bot()).username, modules: [] });
  return plan.kind === 'adopt' ? { kind: id.kind, learner: plan.learner } : null;
}

/** Payloads may lack assignees (note hooks never carry them) and the author: read them. */
async function withPeople(issue: Issue, ctx: WorkflowContext): Promise<Issue> {
  const fresh = await ctx.gitlab.getIssue(issue.iid);
  return fresh ? { ...issue, assignees: fresh.assignees, author: fresh.author } : issue;
}

async function listModules(ctx: WorkflowContext, roster: Roster): Promise<ModuleSummary[]> {
  const issues: Issue[] = [];
  for await (const issue of ctx.gitlab.listIssues({ labels: [TRAINING_LABEL], state: 'all' })) issues.push(issue);
  return summariseModules(issues, roster);
}

function templates(ctx: WorkflowContext): ModuleTemplates {
  return { 'sre-i': ctx.templates.render('sre-i', {}), 'sre-ii': ctx.templates.render('sre-ii', {}) };
}

async function apply(ctx: WorkflowContext, actions: readonly Action[], issue: Issue, what: string): Promise<void> {
  const result = await ctx.executor.apply(actions, { known: [issue] });
  ctx.log.info({ iid: issue.iid, writes: result.writes }, what);
}
