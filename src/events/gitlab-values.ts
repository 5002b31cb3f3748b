/**
 * Scalar values as GitLab writes them in webhook payloads, read the same way whatever the version.
 * Kept apart from the schemas so each rule has one home and a unit test reaches it directly.
 */

/**
 * `2013-12-03T17:15:43Z`, `2019-06-05T14:32:20.211Z`, `2015-05-17 17:06:40 UTC` (Ruby's `Time#to_s`,
 * which is what most versions send because hook data passes through Sidekiq) or an explicit offset
 * (`2021-04-28 21:50:00 +0200`). No nested quantifiers, and inputs are length-checked first, so a
 * hostile string costs linear time.
 */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(?: ?(Z|UTC|[+-]\d{2}:?\d{2}))?$/;
const LONGEST_DATE_TIME = 48;

/** A GitLab timestamp as ISO 8601 in UTC with milliseconds (`2015-05-17T17:06:40.000Z`), or null if unreadable. */
export function toIsoDateTime(value: string): string | null {
  if (value.length > LONGEST_DATE_TIME) return null;
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const [, day = '', time = '', fraction = '', zone = 'Z'] = m;
  if (toDay(day) === null || !validTime(time)) return null;
  // GitLab stores UTC, so a missing zone means UTC; JavaScript wants at most milliseconds.
  // Every webhook carries two or three timestamps in UTC: those need no Date (a third of the cost of reading an issue hook).
  if (zone === 'Z' || zone === 'UTC') return `${day}T${time}${fraction === '' ? '.000' : fraction.slice(0, 4).padEnd(4, '0')}Z`;
  const date = new Date(`${day}T${time}${fraction.slice(0, 4)}${zone.slice(0, 3)}:${zone.slice(-2)}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `HH:MM:SS` within a day (no leap second: JavaScript has none). */
function validTime(time: string): boolean {
  return Number(time.slice(0, 2)) < 24 && Number(time.slice(3, 5)) < 60 && Number(time.slice(6, 8)) < 60;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A due date (`2026-04-30`, Ruby's `Date#to_s`), or null if it is not one (2026-02-30 is not). */
export function toDay(value: string): string | null {
  const m = DAY.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0) ? value : null;
}

export type IssueState = 'opened' | 'closed';

/**
 * An issue's state from `state` or `state_id`. `reopened` is what GitLab before 12.x called an issue
 * opened again; `state_id` is 1 opened, 2 closed, 3 merged and 4 locked (the last two belong to merge
 * requests, read as closed and opened). Null when neither says.
 */
export function issueState(state: string | null | undefined, stateId: number | null | undefined): IssueState | null {
  if (state === 'opened' || state === 'reopened') return 'opened';
  if (state === 'closed') return 'closed';
  return stateFromId(stateId);
}

/** `state_id` as a state, null for values GitLab does not use. */
export function stateFromId(stateId: number | null | undefined): IssueState | null {
  if (stateId === 1 || stateId === 4) return 'opened';
  if (stateId === 2 || stateId === 3) return 'closed';
  return null;
}
