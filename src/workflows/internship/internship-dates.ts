import { addDays, localDate } from '../../core/fiscal-quarter.js';

/**
 * The dates an internship keeps, judged in the roster's time zone (the department's calendar, the
 * one its schedules fire in): when it may complete, and when what must be ready before day one is due.
 */

/**
 * Working days before the start that access and training are due. Access requests go through the
 * system owners and often take a few days, and the intern should log in once before day one; three
 * working days leaves room for both without asking for it weeks ahead of need.
 */
export const PREPARE_WORKING_DAYS = 3;

/** Today's date (`YYYY-MM-DD`) in `timezone`. */
export function today(now: Date, timezone: string): string {
  return localDate(now, timezone);
}

/** True once the internship's first day has come in `timezone`: before it, it cannot be complete. */
export function hasStarted(start: string, now: Date, timezone: string): boolean {
  return localDate(now, timezone) >= start;
}

/**
 * The due date of what must be ready before the start (the access request, the training modules):
 * {@link PREPARE_WORKING_DAYS} working days (Monday to Friday) before `start`, never before `today`
 * (a due date already past would only show as overdue the moment the issue is made).
 */
export function prepareBy(start: string, todayDate: string): string {
  let day = start;
  for (let left = PREPARE_WORKING_DAYS; left > 0; ) {
    day = addDays(day, -1);
    if (!isWeekend(day)) left -= 1;
  }
  return day < todayDate ? todayDate : day;
}

function isWeekend(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * Where an approved internship stands from its tasks and the date: `completed` once every task is
 * closed and the start date has come; `waiting` when every task is closed before then (tasks closed
 * early do not end an internship that has not begun; the hourly reconcile completes it on the day);
 * otherwise `active`.
 */
export function completion(start: string, closed: readonly boolean[], now: Date, timezone: string): 'active' | 'waiting' | 'completed' {
  if (closed.length === 0 || closed.some((c) => !c)) return 'active';
  return hasStarted(start, now, timezone) ? 'completed' : 'waiting';
}
