import { localDate, previousQuarter, quarterOf } from '../../core/fiscal-quarter.js';
import { issueFingerprint } from '../../core/issue-fingerprint.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import type { WorkflowContext } from '../workflow.js';
import { applyToRecord, recordsOf } from '../records.js';
import { identifyCheckpoint, stateLabel } from './checkpoint-record.js';
import { eachCheckpoint, listCheckpoints, openQuarter, quarterFor } from './open-quarter.js';
import { phaseOf, planCheckpoint } from './plan-checkpoint.js';
import { planEvidence } from './plan-evidence.js';

/**
 * The scheduled passes over a quarter's checkpoints: the review reminder, the quarter close and
 * the yearly gathering for 360 feedback. Each lists what still needs it (label filters leave out
 * what an earlier run settled, so a re-run reads one page and writes nothing) and applies the same
 * per-checkpoint plan as webhook events.
 */

/**
 * `checkpoint:review-reminder` (daily): within `reviewReminderDays` of the quarter's end, open
 * checkpoints not yet in review move there and their status note asks both people for the
 * summary. Outside that window it reads nothing.
 */
export async function reviewReminder(data: Record<string, unknown>, ctx: WorkflowContext): Promise<void> {
  const roster = await ctx.roster();
  const now = ctx.now();
  const q = quarterFor(roster, now, data.quarter);
  const today = localDate(now, roster.timezone);
  if (phaseOf(q, today, ctx.config.reviewReminderDays) !== 'review') {
    ctx.log.debug({ quarter: q.name, today }, 'not in the review window');
    return;
  }
  const issues = await listCheckpoints(ctx, q.name, { notLabels: [stateLabel('review')], state: 'opened' });
  for (const issue of issues) await pass(ctx, issue, roster, today);
  ctx.log.info({ quarter: q.name, checkpoints: issues.length }, 'review reminders sent');
}

/**
 * `checkpoint:close-quarter` (first day of each quarter): the quarter that ended yesterday is
 * settled: closed with a summary is done, open with a summary is closed as done, no summary is
 * overdue with one reminder to the manager.
 */
export async function closeQuarter(data: Record<string, unknown>, ctx: WorkflowContext): Promise<void> {
  const roster = await ctx.roster();
  const now = ctx.now();
  const q: FiscalQuarter = typeof data.quarter === 'string' ? quarterFor(roster, now, data.quarter) : previousQuarter(quarterOf(now, roster), roster);
  const today = localDate(now, roster.timezone);
  if (today <= q.end) {
    ctx.log.info({ quarter: q.name, today }, 'quarter has not ended; nothing to close');
    return;
  }
  const issues = await listCheckpoints(ctx, q.name, { notLabels: [stateLabel('done'), stateLabel('overdue')], state: 'all' });
  for (const issue of issues) await pass(ctx, issue, roster, today);
  ctx.log.info({ quarter: q.name, checkpoints: issues.length }, 'quarter closed');
}

/**
 * `checkpoint:gather-year` (on each of the roster's review dates): every report's latest checkpoint
 * gets one note with the last four quarters' checkpoints, focus areas and summaries.
 */
export async function gatherYear(data: Record<string, unknown>, ctx: WorkflowContext): Promise<void> {
  const roster = await ctx.roster();
  const now = ctx.now();
  const today = localDate(now, roster.timezone);
  const date = reviewDay(today, data.date);
  const quarters = [quarterOf(now, roster)];
  while (quarters.length < 4) quarters.unshift(previousQuarter(quarters[0]!, roster));
  const checkpoints: Issue[] = [];
  for (const q of quarters) checkpoints.push(...(await listCheckpoints(ctx, q.name)));
  const notes = planEvidence({ date, roster, quarters, checkpoints });
  let writes = 0;
  for (const note of notes) writes += (await applyToRecord(ctx, note.report, note.actions, [note.issue])).writes;
  ctx.log.info({ date, reports: notes.length, writes }, 'checkpoints gathered for 360 feedback');
}

/**
 * `checkpoint:reconcile` (the hourly reconcile): everything above, re-derived from GitLab as if
 * every webhook had been lost. The fan-out queues only what is missing; every open checkpoint of
 * the quarter is planned afresh (unchanged ones cost nothing but the listing: labels are compared,
 * notes hashed); the review and close passes read nothing or one page once settled.
 */
export async function reconcileCheckpoints(_data: Record<string, unknown>, ctx: WorkflowContext): Promise<void> {
  await openQuarter({}, ctx);
  const roster = await ctx.roster();
  const now = ctx.now();
  const q = quarterOf(now, roster);
  const today = localDate(now, roster.timezone);
  // Planned as the listing's pages arrive, so that a department of 10,000 never holds every
  // checkpoint's text at once. A pass of this quarter changes labels and notes, never what the
  // listing filters on (the two labels, open): only a checkpoint someone closes meanwhile can shift
  // GitLab's offset pages and make this run miss one, and that change moves its `updated_at`, so the
  // next scheduled run is a full one again (reconcile-mark.ts).
  let open = 0;
  for await (const issue of eachCheckpoint(ctx, q.name, { state: 'opened' })) {
    await pass(ctx, issue, roster, today);
    open++;
  }
  await reviewReminder({}, ctx);
  await closeQuarter({}, ctx);
  ctx.log.info({ quarter: q.name, open }, 'checkpoints reconciled');
}

/** The review date a run stands for: the scheduled MM-DD in this year (last year's, if the run is late across New Year), or today. */
export function reviewDay(today: string, monthDay: unknown): string {
  if (typeof monthDay !== 'string' || !/^\d{2}-\d{2}$/.test(monthDay)) return today;
  const year = Number(today.slice(0, 4));
  return monthDay <= today.slice(5) ? `${year}-${monthDay}` : `${year - 1}-${monthDay}`;
}

/** One checkpoint planned as of today; read again only if a webhook showed a newer version than the listing. */
async function pass(ctx: WorkflowContext, listed: Issue, roster: Roster, today: string): Promise<void> {
  const id = identifyCheckpoint(listed);
  if (!id) return;
  let issue = listed;
  if ((await ctx.cache.observeIssue(String(listed.projectId), listed.iid, listed.updatedAt, issueFingerprint(listed))) === 'stale') {
    issue = (await ctx.gitlab.forProject(recordsOf(ctx).projectOf(id.report)).getIssue(listed.iid)) ?? listed;
  }
  const actions = planCheckpoint({ issue, id, roster, today, reviewDays: ctx.config.reviewReminderDays, trigger: { kind: 'pass' } });
  await applyToRecord(ctx, id.report, actions, [issue]);
}
