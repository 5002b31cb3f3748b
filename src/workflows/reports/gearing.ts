import { inlineText } from '../../core/markdown-safety.js';
import { reportsOf } from '../../core/roster.js';
import type { Person, Roster, TeamKind } from '../../core/roster.js';

/**
 * Staff+ IC gearing, from the roster alone (pure). The handbook's "Staff engineers per team: 1:1 for
 * SRE teams, 3:1 for Delivery (expected to fall to 2:1), 2:1 for Scalability" reads as Staff+
 * engineers : teams. The other reading, engineers per Staff+, would make "1:1 for SRE teams" mean
 * every SRE is Staff+, which no department intends. So roster `gearing: { sre: 1, delivery: 3 }` is
 * the number of Staff+ engineers each team of that kind should have; a fraction such as 0.5 means one
 * Staff+ engineer per two teams and is judged over all teams of the kind together.
 */

/** Where a team (or a kind of team) stands against its policy. */
export type GearingStatus = 'under' | 'at' | 'over' | 'no-policy';

export interface TeamGearing {
  readonly id: string;
  readonly name: string;
  readonly kind: TeamKind;
  /** Usernames of the team's Staff+ individual contributors, sorted. */
  readonly staff: readonly string[];
  /** Individual contributors in the team (people who manage no one), Staff+ included. */
  readonly engineers: number;
  /** Staff+ engineers wanted by the policy for this kind; null when the roster sets none. */
  readonly ratio: number | null;
  readonly status: GearingStatus;
}

export interface KindGearing {
  readonly kind: TeamKind;
  readonly teams: number;
  readonly staff: number;
  /** ratio × teams. */
  readonly wanted: number;
  readonly ratio: number;
  readonly status: GearingStatus;
}

export interface GearingTable {
  readonly teams: readonly TeamGearing[];
  /** One row per kind that has a policy and at least one team. */
  readonly kinds: readonly KindGearing[];
}

/** Levels that count as Staff+ (after lowercasing and turning spaces and `_` into `-`). */
const STAFF_PLUS = /^(senior-)?(staff|principal|distinguished)(-engineer)?$|^fellow$/;

/** True for a level of Staff or above (`staff`, `senior staff`, `principal`, `distinguished`, `fellow`). */
export function isStaffPlusLevel(level: string): boolean {
  return STAFF_PLUS.test(level.trim().toLowerCase().replace(/[\s_]+/g, '-'));
}

/** Under, at or over: `have` Staff+ engineers against `wanted`. */
export function gearingStatus(have: number, wanted: number | null): GearingStatus {
  if (wanted === null) return 'no-policy';
  // Ratios are people counts times small decimals; compare at a resolution that ignores float noise.
  const diff = Math.round((have - wanted) * 1000);
  return diff < 0 ? 'under' : diff === 0 ? 'at' : 'over';
}

/** The gearing of every team of the roster, in roster order, and per kind. */
export function gearingTable(roster: Roster): GearingTable {
  const managers = new Set(roster.teams.map((t) => t.manager.toLowerCase()));
  const manages = (p: Person): boolean => managers.has(p.username.toLowerCase()) || reportsOf(roster, p.username).length > 0;
  const teams = roster.teams.map((team): TeamGearing => {
    const ics = roster.people.filter((p) => p.team === team.id && !manages(p));
    const staff = ics.filter((p) => isStaffPlusLevel(p.level)).map((p) => p.username).sort();
    const ratio = roster.gearing[team.kind] ?? null;
    // A fractional ratio has no meaning for one team; its kind's row says where things stand.
    const perTeam = ratio !== null && Number.isInteger(ratio) ? ratio : null;
    return { id: team.id, name: team.name, kind: team.kind, staff, engineers: ics.length, ratio, status: ratio === null ? 'no-policy' : perTeam === null ? 'at' : gearingStatus(staff.length, perTeam) };
  });
  const kinds: KindGearing[] = [];
  for (const kind of ['sre', 'delivery', 'scalability', 'other'] as const) {
    const ratio = roster.gearing[kind];
    const ofKind = teams.filter((t) => t.kind === kind);
    if (ratio === undefined || ofKind.length === 0) continue;
    const staff = ofKind.reduce((n, t) => n + t.staff.length, 0);
    const wanted = ratio * ofKind.length;
    kinds.push({ kind, teams: ofKind.length, staff, wanted, ratio, status: gearingStatus(staff, wanted) });
  }
  return { teams: fixFractional(teams, kinds), kinds };
}

/** Teams of a fractional-ratio kind take their kind's status. */
function fixFractional(teams: TeamGearing[], kinds: readonly KindGearing[]): TeamGearing[] {
  return teams.map((t) => {
    if (t.ratio === null || Number.isInteger(t.ratio)) return t;
    return { ...t, status: kinds.find((k) => k.kind === t.kind)?.status ?? 'no-policy' };
  });
}

/** What changed between two tables, as Markdown-safe sentences: Staff+ joining or leaving, policies, statuses, teams. */
export function gearingChanges(before: GearingTable, after: GearingTable): string[] {
  const out: string[] = [];
  const old = new Map(before.teams.map((t) => [t.id, t]));
  for (const t of after.teams) {
    const was = old.get(t.id);
    if (!was) {
      out.push(`New team ${inlineText(t.name)}: ${staffText(t)}, ${statusText(t)}.`);
      continue;
    }
    const joined = t.staff.filter((u) => !was.staff.includes(u));
    const left = was.staff.filter((u) => !t.staff.includes(u));
    const parts = [
      ...joined.map((u) => `${inlineText(u)} counts as Staff+ here now`),
      ...left.map((u) => `${inlineText(u)} no longer counts as Staff+ here`),
      ...(was.ratio !== t.ratio ? [`policy ${ratioText(was.ratio)} -> ${ratioText(t.ratio)}`] : []),
      ...(was.status !== t.status ? [`${was.status} -> ${t.status}`] : []),
    ];
    if (parts.length > 0) out.push(`${inlineText(t.name)}: ${parts.join('; ')} (${staffText(t)}, ${statusText(t)}).`);
  }
  for (const was of before.teams) if (!after.teams.some((t) => t.id === was.id)) out.push(`Team ${inlineText(was.name)} left the roster.`);
  return out;
}

function staffText(t: TeamGearing): string {
  return `${t.staff.length} Staff+`;
}

function statusText(t: TeamGearing): string {
  return t.ratio === null ? 'no policy' : `${t.status} (policy ${ratioText(t.ratio)})`;
}

/** `1:1`, `3:1`, `0.5:1`: Staff+ engineers to one team. */
export function ratioText(ratio: number | null): string {
  return ratio === null ? 'none' : `${ratio}:1`;
}
