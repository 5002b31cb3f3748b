import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import { parseRoster } from '../../src/core/parse-roster.js';
import type { Roster } from '../../src/core/roster.js';
import { gearingChanges, gearingStatus, gearingTable, isStaffPlusLevel } from '../../src/workflows/reports/gearing.js';
import { GEARING_LABEL, GEARING_STATUS_MARKER, GEARING_TITLE, planGearingReport, readSnapshot } from '../../src/workflows/reports/plan-gearing.js';
import type { GearingSnapshot } from '../../src/workflows/reports/plan-gearing.js';
import { reportsWorkflow } from '../../src/workflows/reports/reports-workflow.js';
import type { Config } from '../../src/config.js';

function demoRoster(): Roster {
  const r = parseRoster(readFileSync(new URL('../../demo/roster.yml', import.meta.url), 'utf8'), 'demo/roster.yml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.roster;
}

/** A roster of teams `{ id: kind }` and people `[username, team, level, manager?]`. */
function roster(teams: Record<string, 'sre' | 'delivery' | 'scalability' | 'other'>, people: Array<[string, string, string, string?]>, gearing?: Record<string, number>): Roster {
  const yaml = [
    'fiscal_year_start_month: 2',
    'timezone: Europe/London',
    'teams:',
    ...Object.entries(teams).map(([id, kind]) => `  - { id: ${id}, name: "Team ${id}", kind: ${kind}, manager: boss }`),
    'people:',
    '  - { username: boss, name: Boss, team: ' + Object.keys(teams)[0] + ', role: engineering-manager, level: manager, timezone: UTC }',
    ...people.map(([u, team, level, manager]) => `  - { username: ${u}, name: ${u}, team: ${team}, role: site-reliability-engineer, level: "${level}", timezone: UTC, manager: ${manager ?? 'boss'} }`),
    ...(gearing ? [`gearing: { ${Object.entries(gearing).map(([k, v]) => `${k}: ${v}`).join(', ')} }`] : []),
  ].join('\n');
  const r = parseRoster(yaml, 'roster.yml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.roster;
}

describe('who counts as Staff+', () => {
  it.each([
    ['staff', true],
    ['Staff', true],
    ['senior staff', true],
    ['principal', true],
    ['senior_principal', true],
    ['distinguished', true],
    ['fellow', true],
    ['staff-engineer', true],
    ['senior', false],
    ['intermediate', false],
    ['manager', false],
    ['director', false],
    ['staffing', false],
  ])('level %s: %s', (level, staff) => {
    expect(isStaffPlusLevel(level)).toBe(staff);
  });

  it('a Staff-level person who manages others is not counted: gearing is about individual contributors', () => {
    const r = roster({ a: 'sre' }, [['lead', 'a', 'staff'], ['x', 'a', 'intermediate', 'lead']]);
    expect(gearingTable(r).teams[0]).toMatchObject({ staff: [], engineers: 1, status: 'under' });
  });
});

describe('the policy ratio is Staff+ engineers per team of a kind', () => {
  it.each([
    [0, 1, 'under'],
    [1, 1, 'at'],
    [2, 1, 'over'],
    [2, 3, 'under'],
    [3, 3, 'at'],
    [1, 0.5, 'over'],
    [3, 1.5 * 2, 'at'],
    [0, null, 'no-policy'],
  ] as const)('%s Staff+ against %s wanted is %s', (have, wanted, status) => {
    expect(gearingStatus(have, wanted)).toBe(status);
  });

  it('on the demo department: SRE teams at 1:1, Delivery under 3:1, Scalability under 2:1, Verify without a policy', () => {
    const t = gearingTable(demoRoster());
    expect(t.teams.map((x) => [x.id, x.staff, x.ratio, x.status])).toEqual([
      ['reliability-foundations', ['sam'], 1, 'at'],
      ['reliability-observability', ['pat'], 1, 'at'],
      ['delivery', [], 3, 'under'],
      ['scalability', ['sofia'], 2, 'under'],
      ['verify', [], null, 'no-policy'],
    ]);
    expect(t.kinds.map((k) => [k.kind, k.teams, k.staff, k.wanted, k.status])).toEqual([
      ['sre', 2, 2, 2, 'at'],
      ['delivery', 1, 0, 3, 'under'],
      ['scalability', 1, 1, 2, 'under'],
    ]);
  });

  it("Delivery's expected move to 2:1 is a roster change: with 2 Staff+ it is then at policy", () => {
    const r = roster({ d: 'delivery' }, [['s1', 'd', 'staff'], ['s2', 'd', 'principal'], ['e', 'd', 'senior']], { delivery: 2 });
    expect(gearingTable(r).teams[0]).toMatchObject({ staff: ['s1', 's2'], engineers: 3, ratio: 2, status: 'at' });
  });

  it('a fractional ratio (one Staff+ per two teams) is judged over all teams of the kind', () => {
    const r = roster({ a: 'sre', b: 'sre' }, [['s', 'a', 'staff'], ['e', 'b', 'senior']], { sre: 0.5 });
    const t = gearingTable(r);
    expect(t.kinds[0]).toMatchObject({ wanted: 1, staff: 1, status: 'at' });
    expect(t.teams.map((x) => x.status)).toEqual(['at', 'at']);
  });
});

describe('what changed, in words', () => {
  const before = roster({ a: 'sre', b: 'delivery' }, [['sam', 'a', 'staff'], ['dan', 'b', 'senior']]);
  it.each([
    ['a promotion to Staff', roster({ a: 'sre', b: 'delivery' }, [['sam', 'a', 'staff'], ['dan', 'b', 'staff']]), ['Team b: dan counts as Staff+ here now (1 Staff+, under (policy 3:1)).']],
    ['a Staff+ engineer moving team', roster({ a: 'sre', b: 'delivery' }, [['sam', 'b', 'staff'], ['dan', 'b', 'senior']]), ['Team a: sam no longer counts as Staff+ here; at -> under (0 Staff+, under (policy 1:1)).', 'Team b: sam counts as Staff+ here now (1 Staff+, under (policy 3:1)).']],
    ['a policy change', roster({ a: 'sre', b: 'delivery' }, [['sam', 'a', 'staff'], ['dan', 'b', 'senior']], { sre: 2 }), ['Team a: policy 1:1 -> 2:1; at -> under (1 Staff+, under (policy 2:1)).']],
    ['a new team', roster({ a: 'sre', b: 'delivery', c: 'scalability' }, [['sam', 'a', 'staff'], ['dan', 'b', 'senior']]), ['New team Team c: 0 Staff+, under (policy 2:1).']],
    ['a team removed', roster({ a: 'sre' }, [['sam', 'a', 'staff']]), ['Team Team b left the roster.']],
    ['a new junior engineer (not a gearing change)', roster({ a: 'sre', b: 'delivery' }, [['sam', 'a', 'staff'], ['dan', 'b', 'senior'], ['ann', 'b', 'junior']]), []],
  ])('%s', (_, after, expected) => {
    expect(gearingChanges(gearingTable(before), gearingTable(after))).toEqual(expected);
  });
});

describe('planning the report', () => {
  const r = demoRoster();
  const first = planGearingReport({ roster: r, previous: null, today: '2026-03-02', schedule: 'Mondays at 09:00 Europe/London' });
  const noteOf = (plan: ReturnType<typeof planGearingReport>) => {
    const a = plan.actions.find((x) => x.kind === 'upsert-note');
    if (a?.kind !== 'upsert-note') throw new Error('no status note');
    return a.body;
  };

  it('the first run ensures one confidential issue with its label and writes the table into the status note, with no change note', () => {
    expect(first.actions.map((a) => a.kind)).toEqual(['ensure-issue', 'set-labels', 'upsert-note']);
    const ensure = first.actions[0];
    expect(ensure).toMatchObject({ kind: 'ensure-issue', draft: { title: GEARING_TITLE, labels: [GEARING_LABEL], confidential: true } });
    expect(first.actions[2]).toMatchObject({ marker: GEARING_STATUS_MARKER });
    const body = noteOf(first);
    expect(body).toContain('| Delivery | Delivery | — | 1 | 3:1 | 🔻 under |');
    expect(body).toContain('Unchanged since 2026-03-02');
    expect(first.changes).toEqual([]);
  });

  it('the description explains what the ratio means, once', () => {
    const ensure = first.actions[0];
    if (ensure?.kind !== 'ensure-issue') throw new Error('no ensure-issue');
    expect(ensure.draft.description).toContain('Staff+ engineers : teams');
    expect(ensure.draft.description).toContain('SRE 1:1, Delivery 3:1, Scalability 2:1');
  });

  it('the table rides along in the note, and a week later with nothing changed the note is the same text', () => {
    const snapshot = readSnapshot(noteOf(first));
    expect(snapshot).toEqual(first.snapshot);
    const later = planGearingReport({ roster: r, previous: snapshot, today: '2026-03-09', schedule: 'Mondays at 09:00 Europe/London' });
    expect(noteOf(later)).toBe(noteOf(first));
    expect(later.actions.map((a) => a.kind)).not.toContain('reply');
  });

  it('a change updates the note and adds one note saying what changed, keyed by day so a re-run adds nothing', () => {
    const promoted = parseRoster(readFileSync(new URL('../../demo/roster.yml', import.meta.url), 'utf8').replace('username: dan, name: Dan Dorsey, manager: dave, team: delivery, role: backend-engineer, level: senior', 'username: dan, name: Dan Dorsey, manager: dave, team: delivery, role: backend-engineer, level: staff'), 'r');
    if (!promoted.ok) throw new Error('roster');
    const previous: GearingSnapshot = first.snapshot;
    const plan = planGearingReport({ roster: promoted.roster, previous, today: '2026-03-09', schedule: 'x' });
    const reply = plan.actions.find((a) => a.kind === 'reply');
    expect(reply?.kind === 'reply' && reply.body).toBe('**Staff+ gearing changed** (2026-03-09):\n\n- Delivery: dan counts as Staff+ here now (1 Staff+, under (policy 3:1)).');
    expect(noteOf(plan)).toContain('Unchanged since 2026-03-09');
    const again = planGearingReport({ roster: promoted.roster, previous, today: '2026-03-09', schedule: 'x' });
    expect(again.actions).toEqual(plan.actions);
  });

  it('names people and teams wrote can neither mention anyone nor run a quick action', () => {
    const yaml = readFileSync(new URL('../../demo/roster.yml', import.meta.url), 'utf8').replace('name: "Reliability: Foundations"', 'name: "@all\\n/close | <b>x</b>"');
    const parsed = parseRoster(yaml, 'r');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const body = noteOf(planGearingReport({ roster: parsed.roster, previous: null, today: '2026-03-02', schedule: 'x' }));
    expect(body).not.toMatch(/@all\b/);
    expect(body).not.toContain('<b>');
    expect(containsQuickAction(body)).toBe(false);
  });

  it.each([
    ['no snapshot', 'just text'],
    ['garbage', '<!-- trellis-gearing-snapshot !!!! -->'],
    ['the wrong shape', `<!-- trellis-gearing-snapshot ${Buffer.from('{"since":1}').toString('base64url')} -->`],
  ])('a status note with %s is read as no previous table', (_, body) => {
    expect(readSnapshot(body)).toBeNull();
  });

  it('runs every Monday at 09:00 in the roster time zone', () => {
    expect(reportsWorkflow().schedules?.(r, {} as Config)).toEqual([{ id: 'reports:gearing-weekly', cron: '0 9 * * 1', tz: 'Europe/London', job: 'reports:gearing' }]);
  });
});
