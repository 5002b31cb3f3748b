import { z } from 'zod';
import { PermanentError } from '../../core/errors.js';
import { localDate, previousQuarter, quarterByName, quarterOf } from '../../core/fiscal-quarter.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue, IssueQuery } from '../../core/gitlab-port.js';
import { CONVERSATION_LABEL, CONVERSATION_TEMPLATE, identifyConversation } from '../conversation/conversation-record.js';
import { scopeCheckpointBoard } from '../boards.js';
import { findMarkers, renderMarker } from '../../core/markers.js';
import { applyToRecord, eachRecord, listRecords, recordsOf } from '../records.js';
import type { WorkflowContext } from '../workflow.js';
import { CHECKPOINT_LABEL, identifyCheckpoint, quarterLabel } from './checkpoint-record.js';
import { ensureCheckpoint } from './ensure-checkpoint.js';
import type { EnsureResult } from './ensure-checkpoint.js';
import { planCheckpoint } from './plan-checkpoint.js';
import { needsContext, planQuarterOpen } from './plan-quarter-open.js';
import type { EnsureCheckpointData, QuarterListings, QuarterOpenPlan } from './plan-quarter-open.js';

/** The quarter a job or command means: the one named, or the one holding today in the roster's zone. */
export function quarterFor(roster: Roster, now: Date, name?: unknown): FiscalQuarter {
  if (typeof name === 'string' && name !== '') {
    try {
      return quarterByName(name, roster);
    } catch (err) {
      throw new PermanentError('payload_invalid', err instanceof Error ? err.message : String(err), { quarter: name });
    }
  }
  return quarterOf(now, roster);
}

/** Every issue of a query, listed once (100 a page). */
export async function listAll(ctx: Pick<WorkflowContext, 'gitlab'>, query: Parameters<WorkflowContext['gitlab']['listIssues']>[0]): Promise<Issue[]> {
  const out: Issue[] = [];
  for await (const issue of ctx.gitlab.listIssues(query)) out.push(issue);
  return out;
}

type CheckpointQuery = Omit<IssueQuery, 'labels'> & { labels?: readonly string[] };

/** A quarter's checkpoints in the records group, as the listing's pages arrive: Trellis's own, each in its report's project. */
export async function* eachCheckpoint(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'bot'>, quarter: string, query: CheckpointQuery = {}): AsyncGenerator<Issue> {
  const layout = recordsOf(ctx);
  for await (const i of eachRecord(ctx, { state: 'all', ...query, labels: [CHECKPOINT_LABEL, quarterLabel(quarter), ...(query.labels ?? [])] })) {
    const report = identifyCheckpoint(i)?.report;
    if (report !== undefined && layout.ownerOfIssue(i.webUrl) === report.toLowerCase()) yield i;
  }
}

/** eachCheckpoint, collected. */
export async function listCheckpoints(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'bot'>, quarter: string, query: CheckpointQuery = {}): Promise<Issue[]> {
  const out: Issue[] = [];
  for await (const issue of eachCheckpoint(ctx, quarter, query)) out.push(issue);
  return out;
}

/**
 * A listed checkpoint as the fan-out's plan reads it: everything but the description, of which only
 * the marker that identifies it is kept (at 10,000 people the descriptions are ~40 MB of a worker's
 * heap). What is planned from the text again (a departed report's pass) reads the issue first.
 */
function planningCopy(issue: Issue): Issue {
  const own = findMarkers(issue.description).find((m) => m.kind === 'checkpoint');
  return { ...issue, description: own ? renderMarker(own) : '' };
}

/** Every big-picture conversation in the records group: Trellis's own, each in its person's project. */
export async function listConversations(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'bot'>, query: Omit<IssueQuery, 'labels'> = {}): Promise<Issue[]> {
  const layout = recordsOf(ctx);
  const found = await listRecords(ctx, { state: 'all', ...query, labels: [CONVERSATION_LABEL] });
  return found.filter((i) => {
    const person = identifyConversation(i)?.person;
    return person !== undefined && layout.ownerOfIssue(i.webUrl) === person.toLowerCase();
  });
}

/**
 * The listings the fan-out plans from: the quarter's checkpoints (one label query over the records
 * group), and only when some report has none, last quarter's checkpoints and every conversation.
 * N reports cost about N/100 reads when nothing is missing and 3N/100 when the quarter opens.
 */
export async function listQuarter(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'bot'>, roster: Roster, q: FiscalQuarter): Promise<QuarterListings> {
  const checkpoints: Issue[] = [];
  for await (const issue of eachCheckpoint(ctx, q.name)) checkpoints.push(planningCopy(issue));
  if (!needsContext(roster, q, checkpoints)) return { checkpoints, previous: null, conversations: null };
  const prev = previousQuarter(q, roster);
  const [previous, conversations] = await Promise.all([listCheckpoints(ctx, prev.name), listConversations(ctx)]);
  return { checkpoints, previous, conversations };
}

/** Lists and plans the fan-out of a quarter without writing anything (`trellis plan quarter` uses it too). */
export async function planQuarter(ctx: WorkflowContext, quarterName?: string): Promise<QuarterOpenPlan> {
  const roster = await ctx.roster();
  const q = quarterFor(roster, ctx.now(), quarterName);
  const listings = await listQuarter(ctx, roster, q);
  return planQuarterOpen({ roster, quarter: q, listings, template: ctx.templates.render(CONVERSATION_TEMPLATE, {}) });
}

/** BullMQ's addBulk is one round trip; very large departments are sent in slices. */
const BULK = 500;

/**
 * `checkpoint:open-quarter`: plans from the listings and queues one `ensure-checkpoint` job per
 * report that needs one, keyed `checkpoint:FY27-Q4:alice` so re-running (or a second worker
 * running it at the same time) queues nothing twice. Checkpoints of people who left are kept and
 * their status note says so.
 */
export async function openQuarter(data: Record<string, unknown>, ctx: WorkflowContext): Promise<QuarterOpenPlan> {
  const plan = await planQuarter(ctx, typeof data.quarter === 'string' ? data.quarter : undefined);
  for (let i = 0; i < plan.jobs.length; i += BULK) {
    await ctx.jobs.addBulk(plan.jobs.slice(i, i + BULK).map((j) => ({ name: j.name, id: j.id, data: { ...j.data } })));
  }
  if (plan.departed.length > 0) {
    const roster = await ctx.roster();
    const today = localDate(ctx.now(), roster.timezone);
    for (const listed of plan.departed) {
      const id = identifyCheckpoint(listed);
      // The plan holds listings without their text (planningCopy): the pass plans from the issue itself.
      const issue = id && (await ctx.gitlab.forProject(recordsOf(ctx).projectOf(id.report)).getIssue(listed.iid));
      if (!id || !issue) continue;
      await applyToRecord(ctx, id.report, planCheckpoint({ issue, id, roster, today, reviewDays: ctx.config.reviewReminderDays, trigger: { kind: 'pass' } }), [issue]);
    }
  }
  // The checkpoints board follows the quarter (its scope, on Premium); a board problem never stops the fan-out.
  await scopeCheckpointBoard(ctx, plan.quarter).catch((err: unknown) => ctx.log.warn({ err }, 'checkpoints board scope not updated'));
  ctx.log.info({ quarter: plan.quarter.name, reports: plan.rows.length, queued: plan.jobs.length, departed: plan.departed.length }, 'quarter fan-out planned');
  return plan;
}

const listedCheckpoint = z.object({ iid: z.number(), assignees: z.array(z.string()), confidential: z.boolean(), dueDate: z.string().nullable() });
const ensureData = z.object({
  quarter: z.string(),
  report: z.string(),
  checkpoint: listedCheckpoint.nullable(),
  conversation: z.object({ iid: z.number(), values: z.string().nullable(), lighthouse: z.string().nullable(), filledIn: z.boolean() }).nullable(),
  previous: z.object({ iid: z.number(), quarter: z.string(), chosen: z.array(z.string()), unfinished: z.array(z.string()) }).nullable(),
}) satisfies z.ZodType<EnsureCheckpointData>;

/**
 * `checkpoint:ensure-checkpoint`: one report's quarter, from what the fan-out listed. The roster is
 * read again, so a report who left or changed manager since the listing is handled as now.
 */
export async function ensureCheckpointJob(raw: Record<string, unknown>, ctx: WorkflowContext): Promise<void> {
  await ensureFromJob(raw, ctx);
}

/** What `ensure-checkpoint` did, or null when the report has left the roster since the fan-out. */
export async function ensureFromJob(raw: Record<string, unknown>, ctx: WorkflowContext): Promise<EnsureResult | null> {
  const parsed = ensureData.safeParse(raw);
  if (!parsed.success) throw new PermanentError('payload_invalid', `ensure-checkpoint job data: ${parsed.error.message}`);
  const data = parsed.data;
  const roster = await ctx.roster();
  const report = findPerson(roster, data.report);
  const manager = report?.manager ? findPerson(roster, report.manager) : undefined;
  if (!report || !manager) {
    ctx.log.info({ report: data.report }, 'report left the roster or has no manager since the fan-out; nothing to do');
    return null;
  }
  const result = await ensureCheckpoint(ctx, { ...data, quarter: quarterFor(roster, ctx.now(), data.quarter), report, manager, roster, listed: true });
  ctx.log.info({ report: report.username, iid: result.checkpoint.iid, created: result.checkpoint.created, writes: result.writes }, 'checkpoint ensured');
  return result;
}
