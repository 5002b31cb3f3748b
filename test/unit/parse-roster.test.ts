import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES } from '../../src/core/default-roles.js';
import { formatRosterErrors, parseRoster } from '../../src/core/parse-roster.js';
import type { RosterError } from '../../src/core/parse-roster.js';

const ROSTER = `# The Infrastructure department
fiscal_year_start_month: 2          # GitLab's fiscal year starts in February
timezone: UTC
teams:
  - id: reliability-foundations
    name: "Reliability: Foundations"
    kind: sre
    manager: carol
  - id: delivery
    name: Delivery
    kind: delivery
    manager: dave
people:
  - username: carol
    name: Carol Chen
    team: reliability-foundations
    role: engineering-manager
    level: manager
    timezone: America/New_York
  - username: alice
    name: Alice Adams
    manager: carol
    team: reliability-foundations
    role: site-reliability-engineer
    level: intermediate
    timezone: Europe/Berlin
    on_call: true
    efw: https://example.com/efw/alice
  - username: dave
    name: Dave Diaz
    manager: carol
    team: delivery
    role: engineering-manager
    level: manager
    timezone: Asia/Kolkata
internships:
  notify: [carol, dave]
  access_requests_project: infra/access-requests
gearing: { sre: 1, delivery: 2, scalability: 2 }
review_dates: ["03-01", "09-01"]
roles:
  site-reliability-engineer:
    title: Site Reliability Engineer (Infrastructure)
  release-manager:
    title: Release Manager
    responsibilities: ["Release coordination", "Deployment health"]
`;

function errorsOf(text: string): RosterError[] {
  const result = parseRoster(text, 'roster.yml');
  if (result.ok) throw new Error('expected the roster to be refused');
  return result.errors;
}

/** Replaces `from` (which must occur exactly once) with `to`. */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

/** 1-based line and column where `needle` first occurs in `text`. */
function placeOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

describe('a valid roster', () => {
  const result = parseRoster(ROSTER, 'roster.yml');
  const roster = result.ok ? result.roster : null;

  it('parses, with YAML snake_case read into the roster type', () => {
    expect(result.ok).toBe(true);
    expect(roster).toMatchObject({
      fiscalYearStartMonth: 2,
      timezone: 'UTC',
      internships: { notify: ['carol', 'dave'], accessRequestsProject: 'infra/access-requests' },
      gearing: { sre: 1, delivery: 2, scalability: 2 },
      reviewDates: ['03-01', '09-01'],
    });
    expect(roster?.teams[0]).toEqual({ id: 'reliability-foundations', name: 'Reliability: Foundations', kind: 'sre', manager: 'carol' });
    expect(roster?.people[1]).toEqual({
      username: 'alice',
      name: 'Alice Adams',
      manager: 'carol',
      team: 'reliability-foundations',
      role: 'site-reliability-engineer',
      level: 'intermediate',
      timezone: 'Europe/Berlin',
      onCall: true,
      efw: 'https://example.com/efw/alice',
    });
  });

  it('leaves out the manager of the person at the top and defaults on_call to false', () => {
    expect(roster?.people[0]).not.toHaveProperty('manager');
    expect(roster?.people[0]?.onCall).toBe(false);
  });

  it('merges its roles with the defaults: a new title keeps the default areas, a new role is added', () => {
    expect(roster?.roles['site-reliability-engineer']).toEqual({
      title: 'Site Reliability Engineer (Infrastructure)',
      responsibilities: DEFAULT_ROLES['site-reliability-engineer'].responsibilities,
      levels: DEFAULT_ROLES['site-reliability-engineer'].levels,
    });
    expect(roster?.roles['release-manager']).toEqual({ title: 'Release Manager', responsibilities: ['Release coordination', 'Deployment health'] });
    expect(roster?.roles['staff-site-reliability-engineer']).toEqual(DEFAULT_ROLES['staff-site-reliability-engineer']);
  });

  it('uses the handbook defaults for what it leaves out', () => {
    const minimal = ROSTER.split('internships:')[0] ?? '';
    const parsed = parseRoster(minimal, 'roster.yml');
    expect(parsed.ok && parsed.roster).toMatchObject({
      internships: { notify: [] },
      gearing: { sre: 1, delivery: 3, scalability: 2 },
      reviewDates: [],
      roles: DEFAULT_ROLES,
    });
  });

  it('fills in the gearing kinds it leaves out', () => {
    const parsed = parseRoster(edit(ROSTER, 'gearing: { sre: 1, delivery: 2, scalability: 2 }', 'gearing: { delivery: 2, other: 4 }'), 'roster.yml');
    expect(parsed.ok && parsed.roster.gearing).toEqual({ sre: 1, delivery: 2, scalability: 2, other: 4 });
  });

  it('lets a team manager be someone other than their own manager, and reads usernames in any case', () => {
    const parsed = parseRoster(edit(ROSTER, '    manager: dave\n', '    manager: Alice\n'), 'roster.yml');
    expect(parsed.ok).toBe(true);
  });
});

describe('a roster with mistakes: each names the field, line and column', () => {
  it('reads like the example in the docs', () => {
    const text = edit(ROSTER, '    name: Alice Adams\n    manager: carol', '    name: Alice Adams\n    manager: zed');
    expect(formatRosterErrors(errorsOf(text))).toBe('roster.yml:22:14 people[1].manager: unknown manager "zed" (not a person in people)');
  });

  it.each([
    ['an unknown team manager', '    kind: delivery\n    manager: dave', '    kind: delivery\n    manager: erin', 'erin', 'teams[1].manager', 'unknown manager "erin" (not a person in people)'],
    ['an unknown team', '    team: delivery', '    team: deliveryy', 'deliveryy', 'people[2].team', 'unknown team "deliveryy" (teams: reliability-foundations, delivery)'],
    ['an unknown role', '    role: site-reliability-engineer', '    role: sre', 'sre\n    level: intermediate', 'people[1].role', 'unknown role "sre" (roles: '],
    ['an unknown person to notify', 'notify: [carol, dave]', 'notify: [carol, frank]', 'frank', 'internships.notify[1]', 'unknown person "frank" (not a person in people)'],
    ['a duplicate username', '  - username: dave', '  - username: Alice\n    name: Alice Again\n    team: delivery\n    role: backend-engineer\n    level: junior\n    timezone: UTC\n  - username: dave', 'Alice\n', 'people[2].username', 'duplicate username "Alice" (also people[1])'],
    ['a duplicate team id', 'people:\n', '  - id: delivery\n    name: Delivery again\n    kind: other\n    manager: dave\npeople:\n', 'delivery\n    name: Delivery again', 'teams[2].id', 'duplicate team id "delivery" (also teams[1])'],
    ['a management loop', '    level: manager\n    timezone: America/New_York', '    level: manager\n    timezone: America/New_York\n    manager: dave', 'dave\n  - username: alice', 'people[0].manager', 'management chain loops: carol -> dave -> carol'],
    ['a person managing themself', '    name: Alice Adams\n    manager: carol', '    name: Alice Adams\n    manager: alice', 'alice\n    team', 'people[1].manager', 'management chain loops: alice -> alice'],
    ['a time zone that does not exist', 'timezone: Europe/Berlin', 'timezone: Europe/Atlantis', 'Europe/Atlantis', 'people[1].timezone', 'unknown time zone "Europe/Atlantis"'],
    ['a time zone in the wrong case', 'timezone: Asia/Kolkata', 'timezone: asia/kolkata', 'asia/kolkata', 'people[2].timezone', 'not written as IANA spells it'],
    ['an offset instead of a zone', 'timezone: UTC', 'timezone: "+02:00"', '"+02:00"', 'timezone', 'unknown time zone "+02:00"'],
    ['a link that is not a URL', 'efw: https://example.com/efw/alice', 'efw: example.com/efw/alice', 'example.com', 'people[1].efw', 'must be an http:// or https:// URL'],
    ['a link with another scheme', 'efw: https://example.com/efw/alice', 'efw: "javascript:alert(1)"', '"javascript', 'people[1].efw', 'must be an http:// or https:// URL'],
    ['a username GitLab would not allow', '  - username: dave', '  - username: dave smith', 'dave smith', 'people[2].username', '"dave smith" is not a GitLab username'],
    ['a username that would notify everyone', 'notify: [carol, dave]', 'notify: [carol, all]', 'all]', 'internships.notify[1]', '@all would notify everyone'],
    ['a field in camelCase', '    on_call: true', '    onCall: true', 'onCall', 'people[1].onCall', 'unknown field "onCall" (did you mean on_call?)'],
    ['an unknown field', 'review_dates:', 'reveiw_dates: []\nreview_dates:', 'reveiw_dates', 'reveiw_dates', 'unknown field "reveiw_dates"'],
    ['a missing field', '    name: Dave Diaz\n', '', 'username: dave', 'people[2].name', 'is required'],
    ['an unknown team kind', '    kind: delivery', '    kind: release', 'release', 'teams[1].kind', 'must be one of sre, delivery, scalability, other'],
    ['a month past December', 'fiscal_year_start_month: 2', 'fiscal_year_start_month: 13', '13', 'fiscal_year_start_month', 'must be a month number 1-12'],
    ['on_call written as yes', '    on_call: true', '    on_call: yes', 'yes', 'people[1].on_call', 'must be a boolean, not string "yes"'],
    ['a review date only in leap years', '"09-01"', '"02-29"', '"02-29"', 'review_dates[1]', '"02-29" is not a month-day MM-DD in every year'],
    ['a review date that is not a date', '"09-01"', '"9/1"', '"9/1"', 'review_dates[1]', 'is not a month-day'],
    ['a new role without responsibilities', '    responsibilities: ["Release coordination", "Deployment health"]\n', '', 'release-manager', 'roles.release-manager', 'needs responsibilities or levels (release-manager is not a built-in role)'],
    ['an empty list of areas', 'responsibilities: ["Release coordination", "Deployment health"]', 'responsibilities: []', 'responsibilities: []', 'roles.release-manager.responsibilities', 'must list at least one responsibility area'],
    ['a blank name', '    name: Dave Diaz', '    name: "  "', '"  "', 'people[2].name', 'must not be empty'],
    ['a negative gearing ratio', 'delivery: 2,', 'delivery: -2,', '-2', 'gearing.delivery', 'must be a positive number'],
  ])('%s', (_, from, to, at, path, message) => {
    const text = edit(ROSTER, from, to);
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'roster.yml', path, ...placeOf(text, at) });
    expect(errors[0]?.message).toContain(message);
  });

  it('lists every field problem at once, in file order', () => {
    const text = edit(edit(ROSTER, 'timezone: UTC', 'timezone: Nowhere'), '    on_call: true', '    on_call: 1');
    expect(errorsOf(text).map((e) => [e.path, e.line])).toEqual([
      ['timezone', 3],
      ['people[1].on_call', 27],
    ]);
  });

  it('lists the cross references with the field problems, not a round later', () => {
    const text = edit(edit(ROSTER, 'timezone: Europe/Berlin', 'timezone: Europe/Atlantis'), '    name: Dave Diaz\n    manager: carol', '    name: Dave Diaz\n    manager: zed');
    expect(errorsOf(text).map((e) => [e.path, e.message])).toEqual([
      ['people[1].timezone', expect.stringContaining('unknown time zone "Europe/Atlantis"')],
      ['people[2].manager', 'unknown manager "zed" (not a person in people)'],
    ]);
  });

  it('names no unknown person on top of a username it cannot read (the reference may be theirs)', () => {
    const text = edit(ROSTER, '  - username: dave', '  - username: dave smith');
    expect(errorsOf(text).map((e) => e.path)).toEqual(['people[2].username']);
  });
});

describe('a file that is not a roster', () => {
  it.each([
    ['broken YAML', 'teams: [one, two\npeople: []\n', 2, 1, 'Flow sequence'],
    ['a tab as indentation', 'teams:\n\t- id: x\n', 2, 1, 'Tabs are not allowed'],
    ['a key given twice', 'timezone: UTC\ntimezone: UTC\n', 2, 1, 'Map keys must be unique'],
    ['two documents', 'timezone: UTC\n---\ntimezone: UTC\n', 2, 1, 'a roster is a single YAML document'],
  ])('reports %s with its place', (_, text, line, column, message) => {
    const errors = errorsOf(text);
    expect(errors[0]).toMatchObject({ line, column, path: '' });
    expect(errors[0]?.message).toContain(message);
  });

  it.each([
    ['an empty file', '', 'roster.yml the roster is empty'],
    ['a list', '- alice\n', 'roster.yml:1:1 the roster must be a mapping, not a list'],
    ['an alias to nothing', 'timezone: *zone\n', 'roster.yml:1:1 cannot read the YAML: Unresolved alias'],
  ])('explains %s', (_, text, expected) => {
    expect(formatRosterErrors(errorsOf(text))).toContain(expected);
  });

  it('points a missing top-level field at the first field of the file', () => {
    expect(formatRosterErrors(errorsOf(ROSTER.replace('timezone: UTC\n', '')))).toBe('roster.yml:2:1 timezone: is required');
  });
});

describe('formatRosterErrors', () => {
  it('writes one line per error, leaving out what is unknown', () => {
    expect(
      formatRosterErrors([
        { file: 'roster.yml', line: 14, column: 5, path: 'people[2].manager', message: 'unknown manager "zed" (not a person in people)' },
        { file: 'roster.yml', line: null, column: null, path: '', message: 'the roster is empty' },
        { file: 'r.yml', line: 3, column: 1, path: 'roles["a b"]', message: 'is not a valid key' },
      ]),
    ).toBe(
      [
        'roster.yml:14:5 people[2].manager: unknown manager "zed" (not a person in people)',
        'roster.yml the roster is empty',
        'r.yml:3:1 roles["a b"]: is not a valid key',
      ].join('\n'),
    );
  });
});
