/**
 * The roster: who reports to whom, teams, roles and the department's settings. Parsed and validated
 * by core/parse-roster.ts from `.trellis/roster.yml`; this file holds the shape and lookups.
 */
export type TeamKind = 'sre' | 'delivery' | 'scalability' | 'other';

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly kind: TeamKind;
  readonly manager: string;
}

export interface Person {
  readonly username: string;
  readonly name: string;
  /** Username of the manager; absent at the top of the tree. */
  readonly manager?: string;
  readonly team: string;
  /** A key of `roles`. */
  readonly role: string;
  readonly level: string;
  /** IANA time zone. */
  readonly timezone: string;
  readonly onCall: boolean;
  /** Link to the experience-factor worksheet. */
  readonly efw?: string;
}

/** One rung of a role's ladder: what the level asks for (docs/roles-and-agenda.md). */
export interface RoleLevel {
  /** The roster's `level` this rung is for: `intermediate`, `senior`, `senior manager`, ... */
  readonly level: string;
  readonly title: string;
  /** The responsibility areas a checkpoint at this level picks two or three from. */
  readonly responsibilities: readonly string[];
  readonly requirements: readonly string[];
  readonly niceToHave: readonly string[];
}

export interface Role {
  readonly title: string;
  /** Focus areas for a person whose level is not on `levels` (and for roles without a ladder). */
  readonly responsibilities: readonly string[];
  /** The role's levels from the first to the highest; absent for a role described only by its areas. */
  readonly levels?: readonly RoleLevel[];
}

export interface Roster {
  /** 1-12; GitLab's fiscal year starts in February (2). */
  readonly fiscalYearStartMonth: number;
  /** IANA zone in which schedules fire. */
  readonly timezone: string;
  readonly teams: readonly Team[];
  readonly people: readonly Person[];
  readonly internships: { readonly notify: readonly string[]; readonly accessRequestsProject?: string };
  /** Staff+ engineers per team wanted, by team kind (e.g. sre: 1 means 1:1). */
  readonly gearing: Readonly<Partial<Record<TeamKind, number>>>;
  readonly roles: Readonly<Record<string, Role>>;
  /** Month-day dates (`MM-DD`) on which the year's checkpoints are gathered for 360 feedback and talent assessment. */
  readonly reviewDates: readonly string[];
  /**
   * GitLab users who may read every person's private records (a department head, a People partner):
   * Reporters of the records group. Skip-level managers read nothing unless listed here.
   */
  readonly recordReaders: readonly string[];
  /** Weeks a ticked focus area may go without a note before the 1:1 nudge (0: never). */
  readonly focusNudgeWeeks: number;
}

/** The person with this username (case-insensitive, `@` allowed), if on the roster. */
export function findPerson(roster: Roster, username: string): Person | undefined {
  return indexOf(roster.people).byName.get(username.replace(/^@/, '').toLowerCase());
}

/** True when `manager` is `report`'s manager in the roster. */
export function isManagerOf(roster: Roster, manager: string, report: string): boolean {
  const person = findPerson(roster, report);
  return !!person?.manager && person.manager.toLowerCase() === manager.replace(/^@/, '').toLowerCase();
}

/** The people whose manager is `manager`. */
export function reportsOf(roster: Roster, manager: string): Person[] {
  return [...(indexOf(roster.people).byManager.get(manager.replace(/^@/, '').toLowerCase()) ?? [])];
}

/** Every person who has a manager: one checkpoint each per quarter. */
export function managerReportPairs(roster: Roster): Array<{ report: Person; manager: string }> {
  return roster.people.flatMap((p) => (p.manager ? [{ report: p, manager: p.manager }] : []));
}

interface PeopleIndex {
  readonly size: number;
  readonly byName: ReadonlyMap<string, Person>;
  readonly byManager: ReadonlyMap<string, readonly Person[]>;
}

// A job looks people up once or twice in a roster of up to some 10,000: a scan each time would be
// quadratic over a quarter's fan-out. Keyed by the list itself, so a roster read again (a new list)
// gets a new index and the old one goes with it; the size guards against a list changed in place.
const indexes = new WeakMap<readonly Person[], PeopleIndex>();

function indexOf(people: readonly Person[]): PeopleIndex {
  const known = indexes.get(people);
  if (known && known.size === people.length) return known;
  const byName = new Map<string, Person>();
  const byManager = new Map<string, Person[]>();
  for (const p of people) {
    const name = p.username.toLowerCase();
    // The first of two people with the same name wins, as a scan would find them.
    if (!byName.has(name)) byName.set(name, p);
    const manager = p.manager?.toLowerCase();
    if (manager !== undefined) {
      const reports = byManager.get(manager);
      if (reports) reports.push(p);
      else byManager.set(manager, [p]);
    }
  }
  const index = { size: people.length, byName, byManager };
  indexes.set(people, index);
  return index;
}
