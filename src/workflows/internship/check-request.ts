import { addDays, localDate } from '../../core/fiscal-quarter.js';
import { inlineText } from '../../core/markdown-safety.js';
import { findPerson } from '../../core/roster.js';
import type { Person, Roster, Team } from '../../core/roster.js';
import { timeZoneProblem } from '../../core/roster-schema.js';
import type { RequestAnswers } from './parse-request.js';

/**
 * Whether a request's answers are right, against the roster: strict about what decides who
 * approves, who shadows whom and when (manager, time zone, dates, a learning goal, at least one way
 * of working) and about the team (a team written must be one the roster knows), lenient about the
 * rest (role and share of time are shown as written; team and role are taken from the roster when missing).
 */

export type ProblemField = 'requester' | 'team' | 'manager' | 'timezone' | 'goal' | 'start' | 'length' | 'ways' | 'buddy';

/** One thing the requester must fix; `text` is Markdown, with what they wrote made inert. */
export interface Problem {
  readonly field: ProblemField;
  readonly text: string;
}

/** A request whose answers hold, with everything resolved. */
export interface CheckedRequest {
  readonly requester: Person;
  /** The roster team the request names, else the requester's team on the roster (null when the roster has no such team). */
  readonly team: Team | null;
  /** The requester's manager on the roster, who approves. */
  readonly manager: string;
  /** IANA zone, as written (or as the roster says when the request gives none). */
  readonly timezone: string;
  readonly timezoneFromRoster: boolean;
  readonly start: string;
  /** Start plus the length: the last day, and the due date of most tasks. */
  readonly end: string;
  /** The length as Trellis read it: "6 weeks". */
  readonly length: string;
  readonly answers: RequestAnswers;
  /** An on-call buddy the requester named (valid), or null. */
  readonly buddy: string | null;
}

export interface CheckResult {
  readonly problems: readonly Problem[];
  /** Null when there are problems. */
  readonly request: CheckedRequest | null;
}

// With no time zone to judge by (the answer does not read), a start date counts as past only when it
// is past everywhere: where the calendar is furthest behind (UTC-12).
const EARLIEST_ZONE = 'Etc/GMT+12';
const ANY_DAY = '2001-01-01';

/** Checks `answers` of a request opened by `requester`; `now` judges a start date in the past. */
export function checkRequest(answers: RequestAnswers, requester: string, roster: Roster, now: Date): CheckResult {
  const problems: Problem[] = [];
  const add = (field: ProblemField, text: string) => problems.push({ field, text });
  const person = findPerson(roster, requester);
  if (!person) add('requester', `${inlineText(requester)} (who opened this request) is not on the roster, so Trellis cannot tell who approves it. Ask a manager to add you to \`.trellis/roster.yml\`.`);
  else if (!person.manager) add('requester', `The roster names no manager for ${inlineText(person.username)}, so nobody can approve this request. Ask for the roster to name one.`);

  const team = checkTeam(answers.team, person, roster);
  if (team.problem) add('team', team.problem);

  const manager = checkManager(answers.manager, person, roster);
  if (manager.problem) add('manager', manager.problem);

  const zone = checkTimezone(answers.timezone, person);
  if (zone.problem) add('timezone', zone.problem);

  if (answers.goal.trim() === '') add('goal', '**What you want to learn**: say in a few sentences what you want to be able to do at the end, so the people who decide can plan for it.');

  const start = parseDay(answers.start);
  if (answers.start === '') add('start', '**Proposed start date**: give one, as YYYY-MM-DD.');
  else if (!start) add('start', `**Proposed start date**: “${inlineText(answers.start, 40)}” is not a date Trellis can read; write it as YYYY-MM-DD.`);
  else if (start < localDate(now, zone.timezone ?? EARLIEST_ZONE)) add('start', `**Proposed start date**: ${start} is in the past; propose a new one.`);

  const length = start ? parseLength(answers.length, start) : null;
  // Whether a length reads does not depend on the start: judged even when the start does not read,
  // so both are named in one reply rather than the length only after the date is fixed.
  if (answers.length === '') add('length', '**Length**: say how long the internship lasts, for example “6 weeks” or “2 months”.');
  else if (!parseLength(answers.length, start ?? ANY_DAY)) add('length', `**Length**: “${inlineText(answers.length, 40)}” is not a length Trellis can read; write it in days, weeks or months (at most 12 months), for example “6 weeks”.`);

  const { pairing, onCall, delivery } = answers.ways;
  if (!pairing && !onCall && !delivery) add('ways', '**Ways of working**: tick at least one: pairing on an issue or OKR, shadowing on-call, or shadowing the Delivery team.');

  const buddy = checkBuddy(answers.buddy, person, roster);
  if (buddy.problem) add('buddy', buddy.problem);

  if (problems.length > 0 || !person || !manager.username || !zone.timezone || !start || !length) return { problems, request: null };
  return {
    problems,
    request: { requester: person, team: team.team, manager: manager.username, timezone: zone.timezone, timezoneFromRoster: zone.fromRoster, start, end: length.end, length: length.text, answers, buddy: buddy.username },
  };
}

/** A team written in the request: a roster team's id or name, case and spacing aside; empty means the requester's own. */
function checkTeam(written: string, person: Person | undefined, roster: Roster): { team: Team | null; problem: string | null } {
  const key = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  if (written === '') return { team: roster.teams.find((t) => t.id === person?.team) ?? null, problem: null };
  const found = roster.teams.find((t) => key(t.id) === key(written) || key(t.name) === key(written));
  if (found) return { team: found, problem: null };
  const known = roster.teams.map((t) => inlineText(t.name, 60)).join('; ');
  const fix = known === '' ? 'The roster lists no teams: leave it empty.' : `Write one of the teams it knows: ${known}.`;
  return { team: null, problem: `**Team**: “${inlineText(written, 60)}” is not a team on the roster. ${fix}` };
}

function checkManager(written: string, person: Person | undefined, roster: Roster): { username: string | null; problem: string | null } {
  const actual = person?.manager ?? null;
  const named = usernameIn(written, roster);
  const who = actual ? describe(actual, roster) : null;
  if (written === '') return { username: null, problem: `**Current manager**: name your manager${who ? ` (the roster says ${who})` : ''}; they approve the request.` };
  if (!named) return { username: null, problem: `**Current manager**: “${inlineText(written, 60)}” is nobody on the roster. Write their GitLab username${who ? `: the roster says ${who}` : ''}.` };
  if (!actual || named.toLowerCase() !== actual.toLowerCase()) {
    const fix = who ? `The roster says your manager is ${who}: talk to them and name them here.` : 'Ask for the roster to name your manager.';
    return { username: null, problem: `**Current manager**: ${inlineText(named)} is not your manager on the roster. ${fix}` };
  }
  return { username: actual, problem: null };
}

/** `@carol`, `carol`, `[@carol](…)`, or a full name on the roster (`Carol Chen`). */
function usernameIn(written: string, roster: Roster): string | null {
  const at = /@([A-Za-z0-9_.][A-Za-z0-9_.-]*)/.exec(written)?.[1]?.replace(/\.+$/, '');
  if (at) return findPerson(roster, at)?.username ?? at;
  const bare = written.replace(/[[\]()*_`]/g, ' ').trim();
  const byUsername = findPerson(roster, bare);
  if (byUsername) return byUsername.username;
  const byName = roster.people.find((p) => p.name.toLowerCase() === bare.toLowerCase());
  return byName?.username ?? null;
}

function describe(username: string, roster: Roster): string {
  const p = findPerson(roster, username);
  return p ? `${inlineText(p.name, 60)} (${inlineText(p.username)})` : inlineText(username);
}

/**
 * An IANA zone in what was written ("Europe/Berlin", "europe/berlin (CET)"). Abbreviations such as
 * CET or EST are refused even though Intl knows them: EST never observes daylight saving, so a New
 * Yorker who wrote it would be matched an hour off half the year.
 */
export function readTimezone(written: string): string | null {
  const candidates = [written.trim(), ...written.split(/[\s,;()]+/)].filter((c) => c !== '');
  for (const c of candidates) {
    if (!c.includes('/') && !/^(?:UTC|GMT)$/i.test(c)) continue;
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: c }).resolvedOptions().timeZone;
      return timeZoneProblem(c) === null ? c : resolved;
    } catch {
      // not a zone; try the next word
    }
  }
  return null;
}

function checkTimezone(written: string, person: Person | undefined): { timezone: string | null; fromRoster: boolean; problem: string | null } {
  if (written === '') {
    if (person) return { timezone: person.timezone, fromRoster: true, problem: null };
    return { timezone: null, fromRoster: false, problem: '**Timezone**: give yours as an IANA name such as Europe/Berlin, so Trellis can find on-call buddies near it.' };
  }
  const zone = readTimezone(written);
  if (zone) return { timezone: zone, fromRoster: false, problem: null };
  return { timezone: null, fromRoster: false, problem: `**Timezone**: “${inlineText(written, 40)}” is not a time zone Trellis knows. Write an IANA name such as Europe/Berlin, America/New_York or Asia/Kolkata.` };
}

function checkBuddy(written: string, person: Person | undefined, roster: Roster): { username: string | null; problem: string | null } {
  if (written === '') return { username: null, problem: null };
  const problem = buddyProblem(written, person?.username ?? '', roster);
  if (problem) return { username: null, problem: `**On-call buddy**: ${problem} Leave it empty and Trellis proposes on-call SREs near your time zone.` };
  return { username: personNamed(written, roster)?.username ?? null, problem: null };
}

/** The roster person a buddy answer or argument names (`@bob`, `bob`, `Bob (@bob)`). */
export function personNamed(written: string, roster: Roster): Person | undefined {
  const name = /@?([A-Za-z0-9_.][A-Za-z0-9_.-]*)/.exec(written.includes('@') ? written.slice(written.indexOf('@')) : written)?.[1] ?? '';
  return name ? findPerson(roster, name) : undefined;
}

/** Why `written` cannot be an on-call buddy for `requester`, or null when they can. */
export function buddyProblem(written: string, requester: string, roster: Roster): string | null {
  const p = personNamed(written, roster);
  if (!p) return `“${inlineText(written, 40)}” is not on the roster.`;
  if (p.username.toLowerCase() === requester.toLowerCase()) return 'you cannot shadow yourself.';
  if (!p.onCall) return `${inlineText(p.username)} is not on call, according to the roster.`;
  return null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `2026-05-04`, `2026/05/04`, `4 May 2026`, `May 4, 2026` as `YYYY-MM-DD`; null when it is not a real date. */
export function parseDay(text: string): string | null {
  const t = text.replace(/\([^)]*\)/g, ' ').replace(/(\d)(?:st|nd|rd|th)\b/g, '$1').trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/.exec(t);
  const dayFirst = /^(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})\b/.exec(t);
  const monthFirst = /^([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})\b/.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dayFirst) [y, m, d] = [Number(dayFirst[3]), monthOf(dayFirst[2] ?? ''), Number(dayFirst[1])];
  else if (monthFirst) [y, m, d] = [Number(monthFirst[3]), monthOf(monthFirst[1] ?? ''), Number(monthFirst[2])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function monthOf(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

const WORDS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, a: 1, an: 1 };

/** "6 weeks", "6w", "two months", "30 days" from `start`: the end date and the length as read; null when unreadable or over 12 months. */
export function parseLength(text: string, start: string): { end: string; text: string } | null {
  const m = /^(?:about\s+|around\s+|~\s*)?(\d+(?:[.,]\d+)?|[a-z]+)\s*(d|days?|w|wks?|weeks?|m|mos?|months?)\b/i.exec(text.trim());
  if (!m) return null;
  const n = Number((m[1] ?? '').replace(',', '.')) || WORDS[(m[1] ?? '').toLowerCase()] || 0;
  const unit = (m[2] ?? '').toLowerCase();
  if (n <= 0) return null;
  const plural = (word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (unit.startsWith('m')) {
    if (!Number.isInteger(n) || n > 12) return null;
    return { end: addMonths(start, n), text: plural('month') };
  }
  const days = Math.round(unit.startsWith('w') ? n * 7 : n);
  if (days < 1 || days > 366) return null;
  return { end: addDays(start, days), text: unit.startsWith('w') ? plural('week') : plural('day') };
}

/** `start` plus `n` calendar months, kept within the month (Jan 31 + 1 month = Feb 28). */
function addMonths(start: string, n: number): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))).toISOString().slice(0, 10);
}
