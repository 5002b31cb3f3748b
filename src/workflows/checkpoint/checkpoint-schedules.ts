import type { Roster } from '../../core/roster.js';
import type { Schedule } from '../workflow.js';

/** Jobs of the checkpoint workflow that schedules start. */
export const OPEN_QUARTER_JOB = 'checkpoint:open-quarter';
export const CLOSE_QUARTER_JOB = 'checkpoint:close-quarter';
export const REVIEW_JOB = 'checkpoint:review-reminder';
export const EVIDENCE_JOB = 'checkpoint:gather-year';
export const NUDGE_JOB = 'checkpoint:focus-nudge';

/** The months (1-12) in which fiscal quarters start, in calendar order. */
export function quarterStartMonths(fiscalYearStartMonth: number): number[] {
  return [0, 3, 6, 9].map((k) => ((fiscalYearStartMonth - 1 + k) % 12) + 1).sort((a, b) => a - b);
}

/**
 * The checkpoint calendar as BullMQ job schedulers, all at 09:00 in the roster's time zone:
 * - the first day of each fiscal quarter opens it (the fan-out) and closes the one that ended
 *   the day before (done or overdue);
 * - every day, the review reminder job looks whether the current quarter is within
 *   `reviewReminderDays` of its end; outside that window it reads nothing. A daily check follows
 *   month lengths, leap years and a changed setting without recomputing crons, and a missed day
 *   is made up the next;
 * - each of the roster's `review_dates` (MM-DD) gathers the year's checkpoints for 360 feedback;
 * - every day, unless `focus_nudge_weeks` is 0, the 1:1 nudge looks for focus areas nobody noted on.
 */
export function checkpointSchedules(roster: Roster): Schedule[] {
  const tz = roster.timezone;
  const months = quarterStartMonths(roster.fiscalYearStartMonth).join(',');
  const out: Schedule[] = [
    { id: 'checkpoint-quarter-open', cron: `0 9 1 ${months} *`, tz, job: OPEN_QUARTER_JOB },
    { id: 'checkpoint-quarter-close', cron: `0 9 1 ${months} *`, tz, job: CLOSE_QUARTER_JOB },
    { id: 'checkpoint-review-reminder', cron: '0 9 * * *', tz, job: REVIEW_JOB },
  ];
  if (roster.focusNudgeWeeks > 0) out.push({ id: 'checkpoint-focus-nudge', cron: '0 9 * * *', tz, job: NUDGE_JOB });
  for (const date of [...new Set(roster.reviewDates)].sort()) {
    const [month, day] = date.split('-').map(Number);
    out.push({ id: `checkpoint-evidence-${date}`, cron: `0 9 ${day} ${month} *`, tz, job: EVIDENCE_JOB, data: { date } });
  }
  return out;
}
