import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES } from '../../src/core/default-roles.js';
import { formatRosterErrors, parseRoster } from '../../src/core/parse-roster.js';
import { parseRolesFile } from '../../src/core/parse-roles.js';
import { focusAreas, ladderPosition, nextLevelName, nextLevelRequirements } from '../../src/core/role-ladder.js';
import { findPerson } from '../../src/core/roster.js';
import { parseConfig } from '../../src/roster/roster-store.js';
import { DEPARTMENT } from './checkpoint-fixtures.js';

const ROLES = `roles:
  site-reliability-engineer:
    title: Site Reliability Engineer
    levels:
      - level: intermediate
        title: Site Reliability Engineer
        responsibilities: ["On-call", "Observability"]
        requirements: ["Resolves incidents", "Writes runbooks"]
      - level: senior
        title: Senior Site Reliability Engineer
        responsibilities: ["Incident leadership"]
        requirements: ["Resolves incidents", "Leads incident reviews"]
        nice_to_have: ["Conference talk"]
  release-manager:
    title: Release Manager
    responsibilities: ["Release coordination"]
`;

function roster(yaml = DEPARTMENT, roles: string | null = null) {
  const result = parseConfig({ roster: { text: yaml, source: 'roster.yml' }, roles: roles === null ? null : { text: roles, source: '.trellis/roles.yml' } });
  if (!result.ok) throw new Error(formatRosterErrors(result.errors));
  return result.roster;
}

describe('the built-in ladders', () => {
  it.each([
    ['site-reliability-engineer', ['junior', 'intermediate', 'senior', 'staff', 'principal']],
    ['backend-engineer', ['intermediate', 'senior', 'staff']],
    ['engineering-manager', ['manager', 'senior manager', 'director']],
  ])('%s climbs %j, each level with responsibilities and requirements', (key, levels) => {
    const role = DEFAULT_ROLES[key as keyof typeof DEFAULT_ROLES];
    expect(role.levels?.map((l) => l.level)).toEqual(levels);
    for (const level of role.levels ?? []) {
      expect(level.responsibilities.length).toBeGreaterThanOrEqual(5);
      expect(level.requirements.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('an intermediate SRE gets the intermediate areas and what the senior level asks for beyond them', () => {
    const r = roster();
    const alice = ladderPosition(r, findPerson(r, 'alice')!);
    expect(focusAreas(alice)).toEqual(DEFAULT_ROLES['site-reliability-engineer'].responsibilities);
    expect(nextLevelName(alice, 'intermediate')).toBe('senior');
    expect(nextLevelRequirements(alice)).toContain('Defines service level objectives and uses error budgets to steer work');
  });

  it('the per-level role keys of older rosters share the ladder, so a senior SRE sees the staff level', () => {
    const r = roster();
    const bob = ladderPosition(r, findPerson(r, 'bob')!);
    expect(bob.current?.level).toBe('senior');
    expect(bob.next?.title).toBe('Staff Site Reliability Engineer');
  });

  it('a level off the ladder keeps the role’s own areas and the usual next level', () => {
    const r = roster(DEPARTMENT.replace('role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin, efw', 'role: site-reliability-engineer, level: L3, timezone: Europe/Berlin, efw'));
    const alice = ladderPosition(r, findPerson(r, 'alice')!);
    expect([alice.current, alice.next]).toEqual([null, null]);
    expect(focusAreas(alice)).toEqual(DEFAULT_ROLES['site-reliability-engineer'].responsibilities);
    expect(nextLevelName(alice, 'L3')).toBe('the next level');
    expect(nextLevelRequirements(alice)).toEqual([]);
  });

  it('levels match whatever the case or separator: senior-manager is senior manager', () => {
    const position = ladderPosition({ roles: DEFAULT_ROLES }, { role: 'engineering-manager', level: 'Senior-Manager' });
    expect(position.current?.level).toBe('senior manager');
    expect(position.next?.level).toBe('director');
  });
});

describe('a roles file in .trellis/', () => {
  it('replaces a ladder by key; the next level lists only the requirements the current one lacks', () => {
    const r = roster(DEPARTMENT, ROLES);
    const alice = ladderPosition(r, findPerson(r, 'alice')!);
    expect(focusAreas(alice)).toEqual(['On-call', 'Observability']);
    expect(nextLevelRequirements(alice)).toEqual(['Leads incident reviews']);
    expect(alice.next?.niceToHave).toEqual(['Conference talk']);
    expect(r.roles['release-manager']).toEqual({ title: 'Release Manager', responsibilities: ['Release coordination'] });
    // Roles it leaves out keep the built-in ladders.
    expect(r.roles['backend-engineer']).toEqual(DEFAULT_ROLES['backend-engineer']);
  });

  it('the roster may name roles only the roles file defines', () => {
    const yaml = DEPARTMENT.replace('role: site-reliability-engineer, level: intermediate, timezone: America/Toronto', 'role: release-manager, level: intermediate, timezone: America/Toronto');
    expect(parseRoster(yaml, 'roster.yml').ok).toBe(false);
    expect(findPerson(roster(yaml, ROLES), 'olivia')?.role).toBe('release-manager');
  });

  it('new areas for a built-in role keep its ladder’s requirements, with those areas at every level (older rosters keep working)', () => {
    const r = roster(`${DEPARTMENT}roles:\n  site-reliability-engineer:\n    responsibilities: ["A", "B"]\n`);
    const alice = ladderPosition(r, findPerson(r, 'alice')!);
    expect(focusAreas(alice)).toEqual(['A', 'B']);
    expect(nextLevelRequirements(alice).length).toBeGreaterThan(0);
  });

  it.each([
    ['a list where a list belongs', 'requirements: ["Resolves incidents", "Writes runbooks"]', 'requirements: yes', 8, 'roles.site-reliability-engineer.levels[0].requirements', 'must be a list, not string "yes"'],
    ['a level without a title', '        title: Senior Site Reliability Engineer\n', '', 9, 'roles.site-reliability-engineer.levels[1].title', 'is required'],
    ['the same level twice', 'level: senior', 'level: Intermediate', 9, 'roles.site-reliability-engineer.levels[1].level', 'duplicate level "Intermediate" (also levels[0])'],
    ['a camelCase field', 'nice_to_have:', 'niceToHave:', 13, 'roles.site-reliability-engineer.levels[1].niceToHave', 'unknown field "niceToHave" (did you mean nice_to_have?)'],
    ['a new role with neither areas nor levels', '    responsibilities: ["Release coordination"]\n', '', 14, 'roles.release-manager', 'needs responsibilities or levels (release-manager is not a built-in role)'],
  ])('%s is an error naming the file, line and field', (_, from, to, line, path, message) => {
    const result = parseRolesFile(ROLES.replace(from, to), '.trellis/roles.yml');
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: '.trellis/roles.yml', line, path });
    expect(errors[0]?.message).toContain(message);
  });

  it('an invalid roles file fails the roster with it, so the last valid pair stays in use', () => {
    const result = parseConfig({ roster: { text: DEPARTMENT, source: 'roster.yml' }, roles: { text: 'roles: [x]', source: '.trellis/roles.yml' } });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : formatRosterErrors(result.errors)).toMatch(/^\.trellis\/roles\.yml:1:\d+ roles: must be a mapping/);
  });
});

describe('the roster’s 1:1 nudge setting', () => {
  it('defaults to four weeks; 0 turns it off', () => {
    expect(roster().focusNudgeWeeks).toBe(4);
    expect(roster(`${DEPARTMENT}focus_nudge_weeks: 0\n`).focusNudgeWeeks).toBe(0);
  });

  it.each([
    ['focus_nudge_weeks: -1', 'must be 0 (off) or more weeks'],
    ['focus_nudge_weeks: 2.5', 'must be a whole number of weeks'],
    ['focusNudgeWeeks: 3', 'unknown field "focusNudgeWeeks" (did you mean focus_nudge_weeks?)'],
  ])('%s is refused: %s', (line, message) => {
    const result = parseRoster(`${DEPARTMENT}${line}\n`, 'roster.yml');
    expect(result.ok ? '' : formatRosterErrors(result.errors)).toContain(message);
  });
});
