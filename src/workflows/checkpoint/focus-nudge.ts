import { daysBetween, localDate } from '../../core/fiscal-quarter.js';
import type { WorkflowContext } from '../workflow.js';
import { applyToRecord, recordsOf } from '../records.js';
import { identifyCheckpoint, stateLabel } from './checkpoint-record.js';
import { listCheckpoints, quarterFor } from './open-quarter.js';
import { nudgeDay, planNudges } from './plan-nudge.js';

/**
 * `checkpoint:focus-nudge` (daily): the 1:1 nudges of plan-nudge.ts for the quarter's checkpoints in
 * progress. Reads nothing while nudges are off, in the quiet days at the quarter's end, or before
 * `focus_nudge_weeks` of the quarter have passed; then, per checkpoint in progress that old, its
 * notes and label events (to know since when its areas were chosen).
 */
export async function focusNudge(data: Record<string, unknown>, ctx: WorkflowContext): Promise<void> {
  const roster = await ctx.roster();
  const now = ctx.now();
  const q = quarterFor(roster, now, data.quarter);
  const today = localDate(now, roster.timezone);
  const reviewDays = ctx.config.reviewReminderDays;
  if (!nudgeDay(roster, q, today, reviewDays) || daysBetween(q.start, today) < roster.focusNudgeWeeks * 7) {
    ctx.log.debug({ quarter: q.name, today }, 'no focus nudges today');
    return;
  }
  const bot = (await ctx.bot()).username;
  const oldest = new Date(now.getTime() - roster.focusNudgeWeeks * 7 * 86_400_000).toISOString();
  const issues = await listCheckpoints(ctx, q.name, { labels: [stateLabel('in-progress')], state: 'opened' });
  let nudges = 0;
  for (const issue of issues) {
    const id = identifyCheckpoint(issue);
    if (!id || issue.createdAt > oldest) continue;
    const gw = ctx.gitlab.forProject(recordsOf(ctx).projectOf(id.report));
    const [notes, events] = await Promise.all([gw.listNotes(issue.iid), gw.listLabelEvents(issue.iid)]);
    const moved = events.filter((e) => e.action === 'add' && e.label === stateLabel('in-progress')).at(-1)?.createdAt;
    const actions = planNudges({ issue, id, quarter: q, notes, since: moved ?? issue.createdAt, roster, now, today, reviewDays, bot });
    if (actions.length === 0) continue;
    nudges += (await applyToRecord(ctx, id.report, actions, [issue])).writes;
  }
  ctx.log.info({ quarter: q.name, checkpoints: issues.length, nudges }, 'focus nudges checked');
}
