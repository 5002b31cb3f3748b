import type { Department } from './department.js';

/** Engineers' roles and the level each names, taken in turn, so the roster exercises every ladder. */
const ENGINEER_ROLES = [
  ['associate-site-reliability-engineer', 'junior'],
  ['site-reliability-engineer', 'intermediate'],
  ['site-reliability-engineer', 'intermediate'],
  ['senior-site-reliability-engineer', 'senior'],
  ['staff-site-reliability-engineer', 'staff'],
  ['backend-engineer', 'intermediate'],
  ['senior-backend-engineer', 'senior'],
  ['staff-backend-engineer', 'staff'],
  ['principal-site-reliability-engineer', 'principal'],
] as const;
const TEAM_KINDS = ['sre', 'delivery', 'scalability', 'other'] as const;
const TIME_ZONES = ['Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo'];

/**
 * A department of `reports` people with a manager (plus the director): teams of ten (a manager and
 * nine engineers) under one director, team kinds, roles, levels and time zones varied in turn, and a
 * senior manager for every ten teams. Usernames as `department()` makes them (`m3`, `m3e7`).
 */
export function largeDepartment(reports: number): Department {
  const managers = Math.max(1, Math.round(reports / 10));
  const perTeam = Math.max(1, Math.floor((reports - managers) / managers));
  const ms = Array.from({ length: managers }, (_, i) => `m${i + 1}`);
  const es = ms.flatMap((m, t) => Array.from({ length: perTeam + (t < reports - managers - perTeam * managers ? 1 : 0) }, (_, i) => `${m}e${i + 1}`));
  const lines = ['fiscal_year_start_month: 2', 'timezone: Europe/London', 'teams:'];
  ms.forEach((m, i) => lines.push(`  - { id: t-${m}, name: Team ${m}, kind: ${TEAM_KINDS[i % TEAM_KINDS.length]}, manager: ${m} }`));
  lines.push('people:');
  lines.push('  - { username: dir, name: Director, team: t-m1, role: senior-engineering-manager, level: director, timezone: Europe/London }');
  ms.forEach((m, i) => {
    const role = i % 10 === 0 ? 'senior-engineering-manager' : 'engineering-manager';
    lines.push(`  - { username: ${m}, name: Manager ${m}, manager: dir, team: t-${m}, role: ${role}, level: manager, timezone: ${TIME_ZONES[i % TIME_ZONES.length]} }`);
  });
  es.forEach((e, i) => {
    const m = e.slice(0, e.indexOf('e'));
    const [role, level] = ENGINEER_ROLES[i % ENGINEER_ROLES.length]!;
    const onCall = i % 3 === 0 ? ', on_call: true' : '';
    lines.push(`  - { username: ${e}, name: Engineer ${e}, manager: ${m}, team: t-${m}, role: ${role}, level: ${level}, timezone: ${TIME_ZONES[(i * 7) % TIME_ZONES.length]}${onCall} }`);
  });
  return { yaml: `${lines.join('\n')}\n`, director: 'dir', managers: ms, engineers: es, reports: [...ms, ...es] };
}
