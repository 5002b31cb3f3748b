import type { Role, RoleLevel } from './roster.js';

/**
 * The department's roles grouped by ladder, as `trellis roles` prints them and the dashboard shows
 * them: roles that share a ladder (the per-level keys of earlier rosters) are listed together.
 */

/** One ladder and the role keys that use it. */
export interface LadderView {
  readonly roles: ReadonlyArray<{ readonly key: string; readonly title: string }>;
  readonly levels: readonly RoleLevel[];
}

/** Every role: ladders first (by first role key), then roles described only by their areas. */
export function rolesByLadder(roles: Readonly<Record<string, Role>>): { ladders: LadderView[]; flat: Array<{ key: string; title: string; responsibilities: readonly string[] }> } {
  const ladders = new Map<string, { roles: Array<{ key: string; title: string }>; levels: readonly RoleLevel[] }>();
  const flat: Array<{ key: string; title: string; responsibilities: readonly string[] }> = [];
  for (const key of Object.keys(roles).sort()) {
    const role = roles[key]!;
    if (!role.levels) {
      flat.push({ key, title: role.title, responsibilities: role.responsibilities });
      continue;
    }
    const id = JSON.stringify(role.levels);
    const ladder = ladders.get(id) ?? { roles: [], levels: role.levels };
    ladder.roles.push({ key, title: role.title });
    ladders.set(id, ladder);
  }
  return { ladders: [...ladders.values()], flat };
}

/** A role's ladder as plain text, one level after another (for `trellis roles <role>`). */
export function ladderText(key: string, role: Role): string {
  const lines = [`${role.title} (${key})`];
  if (!role.levels) {
    lines.push('', 'No levels: focus areas for everyone in this role:', ...role.responsibilities.map((r) => `  - ${r}`));
    return lines.join('\n');
  }
  role.levels.forEach((level, i) => {
    lines.push('', `${i + 1}. ${level.title} (level: ${level.level})`);
    lines.push('   Responsibilities:', ...level.responsibilities.map((r) => `     - ${r}`));
    if (level.requirements.length > 0) lines.push('   Requirements:', ...level.requirements.map((r) => `     - ${r}`));
    if (level.niceToHave.length > 0) lines.push('   Nice to have:', ...level.niceToHave.map((r) => `     - ${r}`));
  });
  return lines.join('\n');
}
