import { DEFAULT_ROLES } from './default-roles.js';
import { mergeRoles, rawRoles } from './parse-roles.js';
import { DEFAULT_GEARING, issueMessage, rosterFileSchema } from './roster-schema.js';
import type { RosterFile } from './roster-schema.js';
import type { Person, Role, Roster, Team, TeamKind } from './roster.js';
import { readYaml } from './yaml-document.js';
import type { FileError, Located } from './yaml-document.js';
import { formatPath } from './yaml-location.js';

/**
 * Reading `.trellis/roster.yml`: YAML syntax, then every field (zod), then the cross references.
 * Every error names the file, the line and column of the offending node, and the field path as
 * written in the YAML (`people[2].manager`), so the person fixing it finds it at once.
 */

/** One problem in a roster file. `line`/`column` are 1-based, null when no place in the file fits. */
export type RosterError = FileError;

/** A parsed roster, or every problem found. */
export type RosterResult = { ok: true; roster: Roster } | { ok: false; errors: RosterError[] };

const TEAM_KINDS = ['sre', 'delivery', 'scalability', 'other'] as const satisfies readonly TeamKind[];

// Field names people carry over from the Roster type or other tools.
const SNAKE_HINTS: Readonly<Record<string, string>> = {
  fiscalYearStartMonth: 'fiscal_year_start_month',
  onCall: 'on_call',
  accessRequestsProject: 'access_requests_project',
  reviewDates: 'review_dates',
  recordReaders: 'record_readers',
  focusNudgeWeeks: 'focus_nudge_weeks',
  niceToHave: 'nice_to_have',
};

/**
 * Parses and validates a roster file's text; `file` names it in errors. `baseRoles` are the roles
 * its `roles` merge over and its people may name: the built-in ones, or those of `.trellis/roles.yml`.
 */
export function parseRoster(text: string, file: string, baseRoles: Readonly<Record<string, Role>> = DEFAULT_ROLES): RosterResult {
  const read = readYaml(text, file, 'a roster');
  if (!read.ok) return read;
  const fail = (found: Located[]): RosterResult => ({ ok: false, errors: read.place(found) });
  const data = read.data;
  if (data === null || data === undefined) return fail([{ path: [], message: 'the roster is empty' }]);

  const parsed = rosterFileSchema.safeParse(data, { error: issueMessage });
  if (!parsed.success) {
    // The cross references are checked too, on whatever reads as a reference: otherwise an unknown
    // manager would surface only after a bad time zone elsewhere is fixed. A field the schema already
    // faults gets no second message.
    const faulted = new Set(parsed.error.issues.map((issue) => formatPath(issue.path.map(pathPart))));
    const roles = mergeRoles(rawRoles(data), baseRoles);
    // A username the schema refuses may be the very person a reference names: no "unknown" on top.
    const namesKnown = ![...faulted].some((path) => /^people\[\d+\]\.username$/.test(path));
    const references = [...roles.problems, ...crossCheck(readableReferences(data), roles.roles, namesKnown)].filter((p) => !faulted.has(formatPath(p.path)));
    return fail([
      ...parsed.error.issues.flatMap((issue): Located[] =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              path: [...issue.path.map(pathPart), key],
              message: `unknown field ${JSON.stringify(key)}${SNAKE_HINTS[key] ? ` (did you mean ${SNAKE_HINTS[key]}?)` : ''}`,
              onKey: true,
            }))
          : [{ path: issue.path.map(pathPart), message: issue.message }],
      ),
      ...references,
    ]);
  }
  const rosterFile = parsed.data;
  const roles = mergeRoles(rosterFile.roles, baseRoles);
  const problems = [...roles.problems, ...crossCheck(referencesOf(rosterFile), roles.roles)];
  if (problems.length > 0) return fail(problems);
  return { ok: true, roster: toRoster(rosterFile, roles.roles) };
}

/** One line per error: `roster.yml:14:5 people[2].manager: unknown manager "zed" (not a person in people)`. */
export function formatRosterErrors(errors: readonly RosterError[]): string {
  return errors
    .map((e) => {
      const where = e.line === null ? e.file : `${e.file}:${e.line}:${e.column ?? 1}`;
      return e.path ? `${where} ${e.path}: ${e.message}` : `${where} ${e.message}`;
    })
    .join('\n');
}

/** What the cross check reads: names that refer to people, teams and roles, by their index in the file. */
interface References {
  readonly teams: ReadonlyArray<{ readonly id?: string | undefined; readonly manager?: string | undefined }>;
  readonly people: ReadonlyArray<{ readonly username?: string | undefined; readonly manager?: string | null | undefined; readonly team?: string | undefined; readonly role?: string | undefined }>;
  readonly notify: ReadonlyArray<string | undefined>;
}

function referencesOf(file: RosterFile): References {
  return { teams: file.teams, people: file.people, notify: file.internships.notify };
}

/** The references of a file the schema refused: each string where one belongs, indexes kept, anything else left out. */
function readableReferences(data: unknown): References {
  const root = record(data);
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  return {
    teams: list(root.teams).map((t) => ({ id: str(record(t).id), manager: str(record(t).manager) })),
    people: list(root.people).map((raw) => {
      const p = record(raw);
      return { username: str(p.username), manager: str(p.manager), team: str(p.team), role: str(p.role) };
    }),
    notify: list(record(root.internships).notify).map(str),
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `namesKnown` false: some username is unreadable, so a name not found may be that person's and is not reported. */
function crossCheck(file: References, roles: Readonly<Record<string, Role>>, namesKnown = true): Located[] {
  const problems: Located[] = [];
  const people = new Map<string, number>();
  file.people.forEach((p, i) => {
    if (p.username === undefined) return;
    const key = p.username.toLowerCase();
    const first = people.get(key);
    if (first === undefined) people.set(key, i);
    else problems.push({ path: ['people', i, 'username'], message: `duplicate username ${JSON.stringify(p.username)} (also people[${first}])` });
  });
  const teams = new Map<string, number>();
  file.teams.forEach((t, i) => {
    if (t.id === undefined) return;
    const first = teams.get(t.id);
    if (first === undefined) teams.set(t.id, i);
    else problems.push({ path: ['teams', i, 'id'], message: `duplicate team id ${JSON.stringify(t.id)} (also teams[${first}])` });
  });
  const unknownPerson = (name: string, what: string): string => `unknown ${what} ${JSON.stringify(name)} (not a person in people)`;
  const known = (name: string): boolean => !namesKnown || people.has(name.toLowerCase());
  file.teams.forEach((t, i) => {
    if (t.manager !== undefined && !known(t.manager)) problems.push({ path: ['teams', i, 'manager'], message: unknownPerson(t.manager, 'manager') });
  });
  file.people.forEach((p, i) => {
    if (p.manager && !known(p.manager)) {
      problems.push({ path: ['people', i, 'manager'], message: unknownPerson(p.manager, 'manager') });
    }
    if (p.team !== undefined && !teams.has(p.team)) problems.push({ path: ['people', i, 'team'], message: `unknown team ${JSON.stringify(p.team)} (teams: ${[...teams.keys()].join(', ')})` });
    if (p.role !== undefined && !Object.hasOwn(roles, p.role)) {
      problems.push({ path: ['people', i, 'role'], message: `unknown role ${JSON.stringify(p.role)} (roles: ${Object.keys(roles).sort().join(', ')})` });
    }
  });
  file.notify.forEach((name, i) => {
    if (name !== undefined && !known(name)) problems.push({ path: ['internships', 'notify', i], message: unknownPerson(name, 'person') });
  });
  return [...problems, ...managementCycles(file, people)];
}

/** Each loop in the management chain once, reported on the manager field of its first person in the file. */
function managementCycles(file: References, people: ReadonlyMap<string, number>): Located[] {
  const managerOf = (i: number): number | undefined => {
    const manager = file.people[i]?.manager;
    return manager ? people.get(manager.toLowerCase()) : undefined;
  };
  const settled = new Set<number>();
  const problems: Located[] = [];
  file.people.forEach((_, start) => {
    const chain: number[] = [];
    let i: number | undefined = start;
    while (i !== undefined && !settled.has(i) && !chain.includes(i)) {
      chain.push(i);
      i = managerOf(i);
    }
    if (i !== undefined && !settled.has(i)) {
      const loop = chain.slice(chain.indexOf(i));
      const first = Math.min(...loop);
      const order = [...loop.slice(loop.indexOf(first)), ...loop.slice(0, loop.indexOf(first)), first];
      const names = order.map((n) => file.people[n]?.username ?? '?');
      problems.push({ path: ['people', first, 'manager'], message: `management chain loops: ${names.join(' -> ')}` });
    }
    chain.forEach((n) => settled.add(n));
  });
  return problems;
}

function toRoster(file: RosterFile, roles: Readonly<Record<string, Role>>): Roster {
  const teams = file.teams.map((t): Team => ({ id: t.id, name: t.name, kind: t.kind, manager: t.manager }));
  const people = file.people.map(
    (p): Person => ({
      username: p.username,
      name: p.name,
      ...(p.manager ? { manager: p.manager } : {}),
      team: p.team,
      role: p.role,
      level: p.level,
      timezone: p.timezone,
      onCall: p.on_call,
      ...(p.efw ? { efw: p.efw } : {}),
    }),
  );
  const { access_requests_project: project, notify } = file.internships;
  return {
    fiscalYearStartMonth: file.fiscal_year_start_month,
    timezone: file.timezone,
    teams,
    people,
    internships: { notify, ...(project ? { accessRequestsProject: project } : {}) },
    gearing: mergeGearing(file.gearing),
    roles,
    reviewDates: file.review_dates,
    recordReaders: file.record_readers,
    focusNudgeWeeks: file.focus_nudge_weeks,
  };
}

/** The file's ratios over the handbook's; kinds the file leaves out keep the default. */
function mergeGearing(given: RosterFile['gearing']): Partial<Record<TeamKind, number>> {
  const gearing: Partial<Record<TeamKind, number>> = { ...DEFAULT_GEARING };
  for (const kind of TEAM_KINDS) {
    const ratio = given[kind];
    if (ratio !== undefined) gearing[kind] = ratio;
  }
  return gearing;
}

function pathPart(part: PropertyKey): string | number {
  return typeof part === 'number' ? part : String(part);
}
