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

export interface Role {
  readonly title: string;
  readonly responsibilities: readonly string[];
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
}

/** The person with this username (case-insensitive, `@` allowed), if on the roster. */
export function findPerson(roster: Roster, username: string): Person | undefined {
  const name = username.replace(/^@/, '').toLowerCase();
  return roster.people.find((p) => p.username.toLowerCase() === name);
}

/** True when `manager` is `report`'s manager in the roster. */
export function isManagerOf(roster: Roster, manager: string, report: string): boolean {
  const person = findPerson(roster, report);
  return !!person?.manager && person.manager.toLowerCase() === manager.replace(/^@/, '').toLowerCase();
}

/** The people whose manager is `manager`. */
export function reportsOf(roster: Roster, manager: string): Person[] {
  const name = manager.replace(/^@/, '').toLowerCase();
  return roster.people.filter((p) => p.manager?.toLowerCase() === name);
}

/** Every person who has a manager: one checkpoint each per quarter. */
export function managerReportPairs(roster: Roster): Array<{ report: Person; manager: string }> {
  return roster.people.flatMap((p) => (p.manager ? [{ report: p, manager: p.manager }] : []));
}
