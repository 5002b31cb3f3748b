import type { Action } from '../../core/actions.js';
import { AppError } from '../../core/errors.js';
import { syncOptions } from '../privacy/privacy-workflow.js';
import { emptyAccessReport, syncRecordsProject } from '../privacy/records-access.js';
import { applyToRecord, recordsOf } from '../records.js';
import { indexIssues } from '../../core/executor.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { markerId } from '../../core/markers.js';
import type { Person, Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { CONVERSATION_TEMPLATE, readConversation } from '../conversation/conversation-record.js';
import { CONVERSATION_REF, planEnsureConversation } from '../conversation/plan-conversation.js';
import type { WorkflowContext } from '../workflow.js';
import { checkpointMarker, identifyCheckpoint, STATUS_MARKER } from './checkpoint-record.js';
import { planCheckpoint } from './plan-checkpoint.js';
import { localDate } from '../../core/fiscal-quarter.js';
import { planCreateCheckpoint } from './plan-create-checkpoint.js';
import type { ConversationLink, PreviousLink } from './plan-create-checkpoint.js';
import type { ListedCheckpoint } from './plan-quarter-open.js';
import { boardLinks } from '../boards.js';

/** What ensuring a report's records did. */
export interface EnsureResult {
  readonly checkpoint: { readonly iid: number; readonly created: boolean };
  readonly conversation: { readonly iid: number; readonly created: boolean } | null;
  readonly writes: number;
}

/** One report's quarter as the fan-out (or a command) found it. */
export interface EnsureArgs {
  readonly quarter: FiscalQuarter;
  readonly report: Person;
  readonly manager: Person;
  readonly roster: Roster;
  /** Null: no checkpoint as of the listing (or the search). */
  readonly checkpoint: ListedCheckpoint | null;
  /** Null: no conversation as of the listing; it is opened first, so the checkpoint links it. */
  readonly conversation: ConversationLink | null;
  readonly previous: PreviousLink | null;
  /**
   * True when `null` above comes from a complete listing: the executor then creates without
   * searching GitLab (its lock and the Redis cache still stop a second creator).
   */
  readonly listed: boolean;
}

const CHECKPOINT_REF = 'checkpoint';

/**
 * Makes a report's quarter right: opens the big-picture conversation if they have none, opens the
 * checkpoint if it is missing, or brings an existing one in line with the roster (assignees,
 * confidentiality, due date). A thin handler over the plans; each step is idempotent.
 */
export async function ensureCheckpoint(ctx: WorkflowContext, args: EnsureArgs): Promise<EnsureResult> {
  const guard = guardKey(args.quarter.name, args.report.username);
  const project = recordsOf(ctx).projectOf(args.report.username);
  // Any earlier attempt makes the listing unsure: GitLab may have created the issue while the answer
  // was lost, or while the process died (SIGKILL, OOM) before the cache recorded it. The mark is set
  // before the first create, not when an error is caught, because a killed process catches nothing;
  // on the retry the executor searches instead of trusting "absent".
  const trusted = args.listed && (await ctx.cache.issueFor(project, guard)) === null;
  if (args.listed) await ctx.cache.rememberIssue(project, guard, 0);
  try {
    return await ensure(ctx, args, trusted);
  } catch (err) {
    // The person's records project is made by setup and on roster changes; one missing (a report
    // added since, a project deleted by hand) is made here, with its two members, and the work redone.
    if (!(err instanceof AppError && err.code === 'gitlab_not_found') || (await ctx.gitlab.forProject(project).findProject())) throw err;
    // A dry run writes nothing: the project, the checkpoint and the conversation would all be new.
    if (ctx.config.dryRun) return { checkpoint: { iid: 0, created: true }, conversation: { iid: 0, created: true }, writes: 0 };
    await ensureRecordsProjectOf(ctx, args.report.username, args.manager.username);
    return ensure(ctx, args, false);
  }
}

/** Creates a person's records project with the person and manager as its members. */
export async function ensureRecordsProjectOf(ctx: WorkflowContext, person: string, manager: string): Promise<void> {
  const layout = recordsOf(ctx);
  const roster = await ctx.roster();
  const report = emptyAccessReport();
  await syncRecordsProject(await syncOptions(ctx, roster), { person, manager, project: layout.projectOf(person) }, report);
  ctx.log.info({ project: layout.projectOf(person), created: report.projectsCreated.length, members: report.membersSet.length }, 'records project ensured');
}

async function ensure(ctx: WorkflowContext, args: EnsureArgs, trusted: boolean): Promise<EnsureResult> {
  const { quarter: q, report, manager, roster } = args;
  const index = indexIssues([], trusted);
  let writes = 0;
  let conversation = args.conversation;
  let opened: EnsureResult['conversation'] = conversation ? { iid: conversation.iid, created: false } : null;
  if (!conversation) {
    const template = ctx.templates.render(CONVERSATION_TEMPLATE, {});
    const result = await applyIndexed(ctx, report.username, [planEnsureConversation({ ref: CONVERSATION_REF, person: report, manager, template })], index);
    const issue = result.refs.get(CONVERSATION_REF);
    writes += result.writes;
    if (issue) {
      const reading = readConversation(issue.description, template);
      conversation = { iid: issue.iid, values: reading.values, lighthouse: reading.lighthouse, filledIn: reading.filledIn };
      opened = { iid: issue.iid, created: result.steps[0]?.outcome === 'created' };
    }
  }
  if (args.checkpoint) {
    const listed = args.checkpoint;
    const sync: Action = { kind: 'update-issue', issue: { iid: listed.iid }, assignees: [report.username, manager.username], confidential: true, dueDate: q.end };
    const result = await applyToRecord(ctx, report.username, [sync], [asKnown(listed)]);
    return { checkpoint: { iid: listed.iid, created: false }, conversation: opened, writes: writes + result.writes };
  }
  const actions = planCreateCheckpoint({
    ref: CHECKPOINT_REF,
    quarter: q,
    report,
    manager,
    roster,
    conversation,
    previous: args.previous,
    reviewDays: ctx.config.reviewReminderDays,
    bot: (await ctx.bot()).username,
    templates: ctx.templates,
    boardUrl: (await boardLinks(ctx)).checkpoints,
  });
  const result = await applyIndexed(ctx, report.username, actions, index);
  const issue = result.refs.get(CHECKPOINT_REF);
  // A dry run (TRELLIS_DRY_RUN) logs the plan and creates nothing: there is no iid to report.
  if (!issue && result.steps[0]?.outcome === 'would-change') return { checkpoint: { iid: 0, created: true }, conversation: opened, writes };
  if (!issue) throw new Error(`checkpoint ${q.name} of ${report.username} was neither found nor created`);
  const created = result.steps[0]?.outcome === 'created';
  if (created) await baselineStatus(ctx, issue, roster);
  return { checkpoint: { iid: issue.iid, created }, conversation: opened, writes: writes + result.writes };
}

/**
 * A new checkpoint's description already says what its status note would (planning, choose two or
 * three areas), so the note is not written now — a fan-out stays at GitLab's issue creation limit
 * instead of its much lower note limit — but its text is recorded, so a later pass (reconcile) finds
 * nothing to do until the checkpoint changes.
 */
async function baselineStatus(ctx: WorkflowContext, issue: Issue, roster: Roster): Promise<void> {
  const id = identifyCheckpoint(issue);
  if (!id) return;
  const today = localDate(ctx.now(), roster.timezone);
  const plan = planCheckpoint({ issue, id, roster, today, reviewDays: ctx.config.reviewReminderDays, trigger: { kind: 'pass' } });
  const baseline = plan.flatMap((a): Action[] => (a.kind === 'upsert-note' && markerId(a.marker) === markerId(STATUS_MARKER) ? [{ ...a, kind: 'baseline-note' }] : []));
  await applyToRecord(ctx, id.report, baseline, [issue]);
}

function applyIndexed(ctx: WorkflowContext, person: string, actions: readonly Action[], index: ReturnType<typeof indexIssues>) {
  return ctx.executor.apply(actions, { index, project: recordsOf(ctx).projectOf(person) });
}

/** The Redis key (through the record cache) that says a create for this checkpoint failed once. */
function guardKey(quarter: string, report: string): string {
  return `guard:${markerId(checkpointMarker(quarter, report))}`;
}

/** A listed checkpoint as the executor's `known` issue: enough for comparing assignees, confidentiality and due date. */
function asKnown(listed: ListedCheckpoint): Issue {
  return {
    id: 0,
    iid: listed.iid,
    projectId: 0,
    title: '',
    description: '',
    state: 'opened',
    labels: [],
    assignees: listed.assignees,
    author: '',
    confidential: listed.confidential,
    dueDate: listed.dueDate,
    webUrl: '',
    createdAt: '',
    updatedAt: '',
    closedAt: null,
  };
}
