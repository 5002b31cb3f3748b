/** A generated department: one director, `managers` teams, each manager with `perTeam` engineers. */
export interface Department {
  readonly yaml: string;
  readonly director: string;
  readonly managers: readonly string[];
  readonly engineers: readonly string[];
  /** Everyone with a manager: who gets a quarterly checkpoint. */
  readonly reports: readonly string[];
}

/** Builds a roster as `.trellis/roster.yml` holds it; usernames are short and predictable (`m3`, `m3e7`). */
export function department(managers: number, perTeam: number): Department {
  const ms = Array.from({ length: managers }, (_, i) => `m${i + 1}`);
  const es = ms.flatMap((m) => Array.from({ length: perTeam }, (_, i) => `${m}e${i + 1}`));
  const yaml = [
    'fiscal_year_start_month: 2',
    'timezone: Europe/London',
    'teams:',
    ...ms.map((m) => `  - { id: t-${m}, name: Team ${m}, kind: sre, manager: ${m} }`),
    'people:',
    '  - { username: dir, name: Director, team: t-m1, role: senior-engineering-manager, level: director, timezone: Europe/London }',
    ...ms.map((m) => `  - { username: ${m}, name: Manager ${m}, manager: dir, team: t-${m}, role: engineering-manager, level: manager, timezone: Europe/London }`),
    ...es.map((e) => {
      const m = e.slice(0, e.indexOf('e'));
      return `  - { username: ${e}, name: Engineer ${e}, manager: ${m}, team: t-${m}, role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin }`;
    }),
  ].join('\n');
  return { yaml, director: 'dir', managers: ms, engineers: es, reports: [...ms, ...es] };
}
