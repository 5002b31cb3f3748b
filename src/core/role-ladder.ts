import type { Person, Role, RoleLevel, Roster } from './roster.js';

/**
 * A person's place on their role's ladder: the level they are at, the one after it, and what the
 * next one asks for that theirs does not. Levels are matched without case, and `-`, `_` and spaces
 * count the same (`senior-manager` is `senior manager`).
 */

/** Where a person stands; `current` null when their level is not on the role's ladder (or the role has none). */
export interface LadderPosition {
  readonly role: Role | undefined;
  readonly current: RoleLevel | null;
  readonly next: RoleLevel | null;
}

/** The area that stands in every checkpoint and does not count towards the two or three (the handbook's implicit one). */
export const STANDING_AREA = 'Communication';

// The usual ladder of an Infrastructure department, for levels no role describes.
const USUAL_NEXT: Readonly<Record<string, string>> = {
  junior: 'intermediate',
  associate: 'intermediate',
  intermediate: 'senior',
  senior: 'staff',
  staff: 'principal',
  principal: 'distinguished',
  manager: 'senior manager',
  'senior manager': 'director',
  director: 'senior director',
};

/** A level as it is compared: lowercase, single spaces. */
export function levelKey(level: string): string {
  return level.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/** The person's role and their rung and the next one on its ladder. */
export function ladderPosition(roster: Pick<Roster, 'roles'>, person: Pick<Person, 'role' | 'level'>): LadderPosition {
  const role = Object.hasOwn(roster.roles, person.role) ? roster.roles[person.role] : undefined;
  const levels = role?.levels ?? [];
  const at = levels.findIndex((l) => levelKey(l.level) === levelKey(person.level));
  return { role, current: at < 0 ? null : levels[at]!, next: at < 0 ? null : (levels[at + 1] ?? null) };
}

/** The responsibility areas the person's checkpoint offers: their level's, else their role's. */
export function focusAreas(position: LadderPosition): readonly string[] {
  return position.current?.responsibilities ?? position.role?.responsibilities ?? [];
}

/** The next level's name: from the ladder, else the usual one, else "the next level" (the top of a ladder has none). */
export function nextLevelName(position: LadderPosition, level: string): string {
  if (position.current) return position.next?.level ?? 'the next level';
  return USUAL_NEXT[levelKey(level)] ?? 'the next level';
}

/** What the next level asks for beyond the current one: its requirements the current level does not list. */
export function nextLevelRequirements(position: LadderPosition): readonly string[] {
  if (!position.next) return [];
  const have = new Set((position.current?.requirements ?? []).map(levelKey));
  return position.next.requirements.filter((r) => !have.has(levelKey(r)));
}
