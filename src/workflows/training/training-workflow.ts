import type { Action } from '../../core/actions.js';
import { hasMarker } from '../../core/markers.js';
import { parseCommands } from '../../core/parse-command.js';
import type { Roster } from '../../core/roster.js';
import type { IssueEvent, NoteEvent } from '../../events/types.js';
import type { Issue } from '../../core/gitlab-port.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { planAdopt } from './plan-adopt.js';
import { commandsNeedModules, planCommands, replyAction, trainingCommands } from './plan-commands.js';
import type { ModuleTemplates } from './plan-create-module.js';
import { planModuleEvent } from './plan-module-event.js';
import type { ModuleContext, ModuleEventInput } from './plan-module-event.js';
import { parseSignOff } from './module-status.js';
import type { SignOff } from './module-status.js';
import { identifyModule, stateLabel, statusMarker, summariseModules, TRAINING_LABEL } from './training-module.js';
import type { ModuleIdentity, ModuleSummary } from './training-module.js';
import { boardLinks } from '../boards.js';

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
    jobs: {
      async reconcile(_data, ctx) {
        await reconcile(ctx);
      },
    },
  };
}

function inRecordsProject(event: IssueEvent | NoteEvent, ctx: WorkflowContext): boolean {
  const records = ctx.config.gitlab?.project;
  return records === undefined || records === event.project.path || records === String(event.project.id);
}

async function onIssue(event: IssueEvent, ctx: WorkflowContext): Promise<void> {
  await syncModule(event.issue, { action: event.action, actor: event.actor.username, changes: event.changes }, ctx);
}

/**
 * Every open module planned afresh from GitLab, as if an event with no changes had arrived: labels
 * and status notes lost with a webhook are put right, and a module nobody adopted is adopted.
 * Unchanged modules cost nothing but the listing (the executor compares, the note cache hashes).
 */
async function reconcile(ctx: WorkflowContext): Promise<void> {
  const bot = await ctx.bot();
  let modules = 0;
  for await (const issue of ctx.gitlab.listIssues({ labels: [TRAINING_LABEL], state: 'opened' })) {
    modules += 1;
    await syncModule(issue, { action: 'unknown', actor: bot.username, changes: {} }, ctx);
  }
  ctx.log.info({ modules }, 'training modules reconciled');
}

/** Plans and applies the module rules for one issue (adopting it first when it came from a template). */
async function syncModule(payload: Issue, event: Pick<ModuleEventInput, 'action' | 'actor' | 'changes'>, ctx: WorkflowContext): Promise<void> {
  const id = identifyModule(payload);
  if (!id) return;
  const [roster, bot] = await Promise.all([ctx.roster(), ctx.bot()]);
  let issue = payload;
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
  const planFor = async (e: Pick<ModuleEventInput, 'action' | 'actor' | 'changes'>) => {
    const input: ModuleEventInput = { kind: id.kind, learner, issue, ...e, roster, bot: bot.username, extra: null };
    const first = planModuleEvent(input);
    const plan = first.kind === 'need-context' ? planModuleEvent({ ...input, extra: await moduleContext(id, issue, roster, ctx) }) : first;
    if (plan.kind === 'need-context') throw new Error('training plan asked for its context twice');
    return plan;
  };
  let plan = await planFor(event);
  if (plan.decision === 'awaiting-label-event') {
    // Someone moved the card to complete and that event has not come (lost, or still on its way):
    // GitLab's label events say who did, and the move is judged as its own event would have been, on
    // the issue as GitLab has it (this event's payload is not what a sign-off may rest on).
    const complete = stateLabel(id.kind, 'complete');
    const [movedBy, fresh] = await Promise.all([whoAdded(ctx, issue.iid, complete), ctx.gitlab.getIssue(issue.iid)]);
    if (movedBy && fresh) {
      issue = fresh;
      plan = await planFor({ action: 'update', actor: movedBy, changes: { labels: { previous: issue.labels.filter((l) => l !== complete), current: issue.labels } } });
    }
  }
  await apply(ctx, [...adoption, ...plan.actions], issue, `module ${plan.decision}`);
}

/** Who last added `label` to the issue, when it was not removed since (null otherwise). */
async function whoAdded(ctx: WorkflowContext, iid: number, label: string): Promise<string | null> {
  const last = (await ctx.gitlab.listLabelEvents(iid)).filter((e) => e.label === label).at(-1);
  return last?.action === 'add' && last.user !== '' ? last.user : null;
}

async function onNote(event: NoteEvent, ctx: WorkflowContext): Promise<void> {
  // Editing a note is not giving a new command: it would answer the same note twice.
  if (event.action === 'update') return;
  const bot = await ctx.bot();
  const id = identifyModule(event.issue);
  const written = parseCommands(event.note.body, bot.username);
  if (trainingCommands(written, id !== null).length === 0) return;
  const roster = await ctx.roster();
  const module = id ? await moduleOf(id, event.issue, roster, ctx) : null;
  const commands = trainingCommands(written, module !== null);
  if (commands.length === 0) return;
  const modules = commandsNeedModules(commands) ? await listModules(ctx, roster) : [];
  const signOff = module && commands.some((c) => c.name === 'sign-off') ? await recordedSignOff(module.kind, event.issue.iid, ctx) : null;
  const plan = planCommands({
    commands,
    actor: event.actor.username,
    issue: event.issue,
    module,
    roster,
    bot: bot.username,
    modules,
    templates: await templates(ctx),
    now: ctx.now().toISOString(),
    signOff,
  });
  const result = await ctx.executor.apply(plan.actions, { known: [event.issue] });
  const text = plan.reply(result.refs);
  const reply = text === '' ? { writes: 0 } : await ctx.executor.apply([replyAction(event.issue, event.note.id, text)], { known: [event.issue] });
  ctx.log.info({ iid: event.issue.iid, commands: commands.map((c) => c.name), writes: result.writes + reply.writes }, 'training commands answered');
}

/** The learner of a module a note is on; for one not adopted yet, read from GitLab. */
async function moduleOf(id: ModuleIdentity, issue: Issue, roster: Roster, ctx: WorkflowContext): Promise<{ kind: ModuleIdentity['kind']; learner: string } | null> {
  if (id.learner) return { kind: id.kind, learner: id.learner };
  if (issue.state === 'closed') return null; // as for events: a closed template issue was never tracked
  const full = await withPeople(issue, ctx);
  const plan = planAdopt({ kind: id.kind, issue: full, roster, bot: (await ctx.bot()).username, modules: [] });
  return plan.kind === 'adopt' ? { kind: id.kind, learner: plan.learner } : null;
}

/** What sign-offs and withdrawals need: the modules, the templates, and the sign-off the status note records. */
async function moduleContext(id: ModuleIdentity, issue: Issue, roster: Roster, ctx: WorkflowContext): Promise<ModuleContext> {
  const [modules, signOff] = await Promise.all([listModules(ctx, roster), recordedSignOff(id.kind, issue.iid, ctx)]);
  return { modules, templates: await templates(ctx), signOff };
}

/** The sign-off a module's status note records: the one record of who signed it off and when. */
async function recordedSignOff(kind: ModuleIdentity['kind'], iid: number, ctx: WorkflowContext): Promise<SignOff | null> {
  const [notes, bot] = await Promise.all([ctx.gitlab.listNotes(iid), ctx.bot()]);
  const status = notes.find((n) => n.author === bot.username && hasMarker(n.body, statusMarker(kind)));
  return status ? parseSignOff(status.body) : null;
}

/** Payloads may lack assignees (note hooks never carry them) and the author: read them. */
async function withPeople(issue: Issue, ctx: WorkflowContext): Promise<Issue> {
  const fresh = await ctx.gitlab.getIssue(issue.iid);
  return fresh ? { ...issue, assignees: fresh.assignees, author: fresh.author } : issue;
}

/** Every module of the records project, summarised (one listing; the internship workflow reads a requester's modules from it). */
export async function listModules(ctx: Pick<WorkflowContext, 'gitlab'>, roster: Roster): Promise<ModuleSummary[]> {
  const issues: Issue[] = [];
  for await (const issue of ctx.gitlab.listIssues({ labels: [TRAINING_LABEL], state: 'all' })) issues.push(issue);
  return summariseModules(issues, roster);
}

/** The module templates, and the Training board's page that new modules' welcome links to. */
async function templates(ctx: WorkflowContext): Promise<ModuleTemplates> {
  return { 'sre-i': ctx.templates.render('sre-i', {}), 'sre-ii': ctx.templates.render('sre-ii', {}), boardUrl: (await boardLinks(ctx)).training };
}

async function apply(ctx: WorkflowContext, actions: readonly Action[], issue: Issue, what: string): Promise<void> {
  const result = await ctx.executor.apply(actions, { known: [issue] });
  ctx.log.info({ iid: issue.iid, writes: result.writes }, what);
}
