import { z } from 'zod';
import { usernameProblem } from './markdown-safety.js';

/**
 * The roster file's shape as written (snake_case YAML), checked field by field. Cross references
 * (managers, teams, roles, cycles) are checked by parse-roster.ts once every field is well formed.
 */

/** The built-in Staff+ ratios of the handbook, by team kind. */
export const DEFAULT_GEARING = Object.freeze({ sre: 1, delivery: 3, scalability: 2 });

// Building an Intl.DateTimeFormat costs about 60 µs, once per person of a roster of thousands who
// share a handful of zones. Bounded: the names come from files people write.
const zoneProblems = new Map<string, string | null>();
const ZONE_CACHE_SIZE = 1_000;

/** Why `name` is not an IANA time zone Trellis accepts, or null when it is one. */
export function timeZoneProblem(name: string): string | null {
  const known = zoneProblems.get(name);
  if (known !== undefined) return known;
  const problem = findTimeZoneProblem(name);
  if (zoneProblems.size >= ZONE_CACHE_SIZE) zoneProblems.clear();
  zoneProblems.set(name, problem);
  return problem;
}

function findTimeZoneProblem(name: string): string | null {
  // Node 24's Intl accepts UTC offsets as time zones (ECMA-402 2024); Node 20's refused them. An
  // offset knows no daylight saving time, so a roster says where people are, as an IANA name.
  if (/^[+-]\d{1,2}(?::?\d{2})?$/.test(name.trim())) {
    return `unknown time zone ${JSON.stringify(name)}: an offset from UTC, not a place (use an IANA name such as Europe/Berlin or UTC)`;
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone ${JSON.stringify(name)} (use an IANA name such as Europe/Berlin or UTC)`;
  }
  // Intl matches names case-insensitively; the file should say what every other tool will read.
  // IANA names (Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT+5, UTC) start each part in capitals.
  if (!/^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z0-9][A-Za-z0-9_+-]*)*$/.test(name)) {
    return `time zone ${JSON.stringify(name)} is not written as IANA spells it (${resolved})`;
  }
  return null;
}

const text = z.string().trim().min(1, 'must not be empty');

const username = z.string().superRefine((value, ctx) => {
  const problem = usernameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a GitLab username: ${problem}` });
});

const timeZone = z.string().superRefine((value, ctx) => {
  const problem = timeZoneProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-" (it appears in labels and links)');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const projectPath = z
  .string()
  .regex(/^(?:\d+|[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+)$/, 'must be a GitLab project path (group/project) or id');

const monthDay = z.string().superRefine((value, ctx) => {
  const m = /^(\d{2})-(\d{2})$/.exec(value);
  // 2001 is not a leap year: 02-29 would be skipped three years in four, so it is refused.
  const date = m ? new Date(Date.UTC(2001, Number(m[1]) - 1, Number(m[2]))) : null;
  if (!m || !date || date.getUTCMonth() + 1 !== Number(m[1]) || date.getUTCDate() !== Number(m[2])) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a month-day MM-DD in every year (e.g. "03-01")` });
  }
});

const ratio = z.number().positive('must be a positive number');

const team = z.strictObject({
  id,
  name: text,
  kind: z.enum(['sre', 'delivery', 'scalability', 'other'], { error: 'must be one of sre, delivery, scalability, other' }),
  manager: username,
});

const person = z.strictObject({
  username,
  name: text,
  manager: username.nullish(),
  team: text,
  role: text,
  level: text,
  timezone: timeZone,
  on_call: z.boolean().default(false),
  efw: httpUrl.nullish(),
});

const roleLevel = z.strictObject({
  level: text,
  title: text,
  responsibilities: z.array(text).min(1, 'must list at least one responsibility area'),
  requirements: z.array(text).default([]),
  nice_to_have: z.array(text).default([]),
});

const role = z.strictObject({
  title: text.optional(),
  responsibilities: z.array(text).min(1, 'must list at least one responsibility area').optional(),
  levels: z.array(roleLevel).min(1, 'must list at least one level').optional(),
});

/** A role as a roster's `roles` or `.trellis/roles.yml` writes it. */
export type RoleInput = z.infer<typeof role>;

/** `.trellis/roles.yml`: the department's role descriptions, merged over the built-in ones. */
export const rolesFileSchema = z.strictObject({ roles: z.record(id, role) });

/** The whole file. */
export const rosterFileSchema = z.strictObject({
  fiscal_year_start_month: z.number().int('must be a month number 1-12').min(1, 'must be a month number 1-12').max(12, 'must be a month number 1-12'),
  timezone: timeZone,
  teams: z.array(team).min(1, 'must list at least one team'),
  people: z.array(person).min(1, 'must list at least one person'),
  internships: z
    .strictObject({ notify: z.array(username).default([]), access_requests_project: projectPath.nullish() })
    .default({ notify: [] }),
  gearing: z
    .strictObject({ sre: ratio.optional(), delivery: ratio.optional(), scalability: ratio.optional(), other: ratio.optional() })
    .default({}),
  review_dates: z.array(monthDay).default([]),
  record_readers: z.array(username).default([]),
  roles: z.record(id, role).default({}),
  focus_nudge_weeks: z.number().int('must be a whole number of weeks').min(0, 'must be 0 (off) or more weeks').max(13, 'must be at most 13 weeks (a quarter)').default(4),
});

/** The file as zod reads it. */
export type RosterFile = z.infer<typeof rosterFileSchema>;

/** Plainer wording than zod's defaults for the issues people meet most. */
export function issueMessage(issue: { code: string; input?: unknown; expected?: string }): string | undefined {
  if (issue.code === 'invalid_key') return 'is not a valid key: use letters, digits, ".", "_" or "-"';
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' || issue.expected === 'record' ? 'a mapping' : `a ${issue.expected}`}, not ${describe(issue.input)}`;
}

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
