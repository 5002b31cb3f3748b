/**
 * The fiscal calendar. A fiscal year starts in `fiscalYearStartMonth` and is named by the calendar
 * year in which it ends: with GitLab's February start, FY27 runs from February 2026 to January 2027,
 * FY27-Q1 is February-April 2026 and FY27-Q4 is November 2026-January 2027. Dates are plain
 * `YYYY-MM-DD` strings in the department's time zone; nothing here reads the clock.
 */

/** One fiscal quarter; `start` and `end` are its first and last days, inclusive. */
export type FiscalQuarter = {
  readonly name: string;
  readonly fiscalYear: number;
  readonly quarter: 1 | 2 | 3 | 4;
  readonly start: string;
  readonly end: string;
};

/** What the calendar needs from the roster. */
export type FiscalCalendar = { readonly fiscalYearStartMonth: number; readonly timezone: string };

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})$/;
const QUARTER_NAME = /^FY(\d{2}|\d{4})-Q([1-4])$/i;

/** The quarter holding `date`, judged by the local date in `cfg.timezone`. */
export function quarterOf(date: Date, cfg: FiscalCalendar): FiscalQuarter {
  const startMonth = checkStartMonth(cfg.fiscalYearStartMonth);
  const [year, month] = parseDate(localDate(date, cfg.timezone));
  const monthsIn = (month - startMonth + 12) % 12;
  const startYear = month >= startMonth ? year : year - 1;
  const quarter = toQuarter(Math.floor(monthsIn / 3) + 1);
  return fiscalQuarter(fiscalYearOf(startYear, startMonth), quarter, cfg);
}

/** The quarter called `name` (`FY27-Q4`). Throws RangeError for anything else; see {@link parseQuarterName}. */
export function quarterByName(name: string, cfg: Pick<FiscalCalendar, 'fiscalYearStartMonth'>): FiscalQuarter {
  const parsed = parseQuarterName(name);
  if (!parsed) throw new RangeError(`${JSON.stringify(name)} is not a fiscal quarter such as FY27-Q4`);
  return fiscalQuarter(parsed.fiscalYear, parsed.quarter, cfg);
}

/** Quarter `quarter` of fiscal year `fiscalYear` (e.g. 2027, 4). */
export function fiscalQuarter(fiscalYear: number, quarter: 1 | 2 | 3 | 4, cfg: Pick<FiscalCalendar, 'fiscalYearStartMonth'>): FiscalQuarter {
  const startMonth = checkStartMonth(cfg.fiscalYearStartMonth);
  if (!Number.isInteger(fiscalYear)) throw new RangeError(`fiscal year must be an integer, got ${fiscalYear}`);
  // Months counted from year 0, so that adding months carries into years by plain division.
  const startYear = startMonth === 1 ? fiscalYear : fiscalYear - 1;
  const first = startYear * 12 + (startMonth - 1) + 3 * (quarter - 1);
  const start = formatDate(Math.floor(first / 12), (first % 12) + 1, 1);
  const end = addDays(formatDate(Math.floor((first + 3) / 12), ((first + 3) % 12) + 1, 1), -1);
  return { name: quarterName(fiscalYear, quarter), fiscalYear, quarter, start, end };
}

/** The quarter after `q`. */
export function nextQuarter(q: FiscalQuarter, cfg: Pick<FiscalCalendar, 'fiscalYearStartMonth'>): FiscalQuarter {
  return q.quarter === 4 ? fiscalQuarter(q.fiscalYear + 1, 1, cfg) : fiscalQuarter(q.fiscalYear, toQuarter(q.quarter + 1), cfg);
}

/** The quarter before `q`. */
export function previousQuarter(q: FiscalQuarter, cfg: Pick<FiscalCalendar, 'fiscalYearStartMonth'>): FiscalQuarter {
  return q.quarter === 1 ? fiscalQuarter(q.fiscalYear - 1, 4, cfg) : fiscalQuarter(q.fiscalYear, toQuarter(q.quarter - 1), cfg);
}

/** `FY27-Q4` (or `FY2027-Q4`, any case) as numbers; null for anything else. Two digits mean 20xx. */
export function parseQuarterName(name: string): { fiscalYear: number; quarter: 1 | 2 | 3 | 4 } | null {
  const m = QUARTER_NAME.exec(name);
  if (!m?.[1] || !m[2]) return null;
  const year = Number(m[1]);
  return { fiscalYear: m[1].length === 2 ? 2000 + year : year, quarter: toQuarter(Number(m[2])) };
}

/** The label form of a quarter: `FY27-Q4`. */
export function quarterName(fiscalYear: number, quarter: 1 | 2 | 3 | 4): string {
  return `FY${String(fiscalYear % 100).padStart(2, '0')}-Q${quarter}`;
}

/** The calendar date (`YYYY-MM-DD`) of `date` in `timezone`. */
export function localDate(date: Date, timezone: string): string {
  const p = wallClock(date.getTime(), timezone);
  return formatDate(p.year, p.month, p.day);
}

/**
 * The instant at which clocks in `timezone` show `time` on `dateStr`. A time skipped by a DST change
 * (02:30 on a spring-forward night) moves forward by the gap; a time that happens twice (autumn) is
 * the earlier one, as JavaScript's Temporal does by default.
 */
export function zonedTime(dateStr: string, time: string, timezone: string): Date {
  const [year, month, day] = parseDate(dateStr);
  const t = TIME.exec(time);
  const hour = Number(t?.[1]);
  const minute = Number(t?.[2]);
  if (!t || hour > 23 || minute > 59) throw new RangeError(`${JSON.stringify(time)} is not a time HH:MM`);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Offsets a day either side bracket any transition near this wall time.
  const candidates = [wall - offsetAt(wall - DAY_MS, timezone), wall - offsetAt(wall + DAY_MS, timezone)];
  const exact = candidates.filter((c) => wall === c + offsetAt(c, timezone)).sort((a, b) => a - b);
  return new Date(exact[0] ?? candidates[0] ?? wall);
}

/** Days from `a` to `b` (`YYYY-MM-DD`): positive when `b` is later. */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayNumber(b) - dayNumber(a)) / DAY_MS);
}

/** `d` (`YYYY-MM-DD`) plus `n` days. */
export function addDays(d: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`days must be an integer, got ${n}`);
  const t = new Date(dayNumber(d) + n * DAY_MS);
  return formatDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

function fiscalYearOf(startYear: number, startMonth: number): number {
  return startMonth === 1 ? startYear : startYear + 1;
}

function toQuarter(n: number): 1 | 2 | 3 | 4 {
  if (n === 1 || n === 2 || n === 3 || n === 4) return n;
  throw new RangeError(`quarter must be 1-4, got ${n}`);
}

function checkStartMonth(month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`fiscalYearStartMonth must be 1-12, got ${month}`);
  }
  return month;
}

function parseDate(d: string): [number, number, number] {
  const m = DATE.exec(d);
  const [year, month, day] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
  if (!m || formatDate(year, month, day) !== utcDate(Date.UTC(year, month - 1, day))) {
    throw new RangeError(`${JSON.stringify(d)} is not a date YYYY-MM-DD`);
  }
  return [year, month, day];
}

function dayNumber(d: string): number {
  const [year, month, day] = parseDate(d);
  return Date.UTC(year, month - 1, day);
}

function utcDate(ms: number): string {
  const t = new Date(ms);
  return formatDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Milliseconds that `timezone`'s clocks are ahead of UTC at instant `ms`. */
function offsetAt(ms: number, timezone: string): number {
  const p = wallClock(ms, timezone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallClock(ms: number, timezone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? NaN, month: parts.month ?? NaN, day: parts.day ?? NaN, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

// Building an Intl.DateTimeFormat costs far more than using one; a cache of immutable formatters,
// keyed by zone, holds no state anyone can observe.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}
