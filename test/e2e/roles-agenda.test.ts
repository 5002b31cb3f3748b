import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolesCommand } from '../../src/commands/roles.js';
import { loadConfig } from '../../src/config.js';
import { BOT, PROJECT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { REDIS_URL } from '../helpers/redis.js';
import { botNotes, checkpointOf, checkpoints, DEPARTMENT, runJob, stateOf, tickAreas } from './checkpoint-helpers.js';

/**
 * Role descriptions by level and the 1:1 focus, through GitLab as people use it: the checkpoint of
 * an intermediate SRE, `.trellis/roles.yml`, `@trellis-bot agenda` and the nudge for a focus area
 * nobody noted on. FY27-Q4 runs from 2026-11-01 to 2027-01-31 (Europe/London).
 */

let e2e: E2E;
const Q = 'FY27-Q4';
const log = pino({ level: process.env.E2E_LOG ?? 'silent' });

beforeAll(async () => {
  e2e = await startE2E({ roster: DEPARTMENT, now: '2026-11-02T09:00:00.000Z', extraUsers: ['nina'] });
  await runJob(e2e, 'checkpoint:open-quarter');
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

async function putFile(path: string, content: string): Promise<void> {
  await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/repository/files/${encodeURIComponent(path)}`, { branch: 'main', content, commit_message: `update ${path}` }).catch(async () => {
    await e2e.as('root').api('POST', `/projects/${e2e.projectId}/repository/files/${encodeURIComponent(path)}`, { branch: 'main', content, commit_message: `add ${path}` });
  });
  await e2e.settle();
  // A push queues the fan-out; let it and what it queued finish.
  await e2e.settle();
}

/** Trellis's notes on a record carrying a marker of `kind`. */
async function markedNotes(issue: ApiIssue, kind: string): Promise<string[]> {
  return (await botNotes(e2e, issue)).filter((n) => n.body.includes(`<!-- trellis:${kind}:`)).map((n) => n.body);
}

async function at(iso: string): Promise<void> {
  e2e.setClock(iso);
}

describe('role descriptions by level', () => {
  it("an intermediate SRE's checkpoint lists what the senior level asks for beside the target towards it; Communication stands apart", async () => {
    const alice = (await checkpointOf(e2e, Q, 'alice')).description ?? '';
    expect(alice).toContain('Role: Site Reliability Engineer, level intermediate.');
    expect(alice).toContain('Alice Adams is at level intermediate; the next level is senior.');
    const target = alice.slice(alice.indexOf('## Target towards the next level'), alice.indexOf('## Summary of progress'));
    expect(target).toContain('What Senior Site Reliability Engineer (senior) asks for beyond Site Reliability Engineer (intermediate):');
    expect(target).toContain('- Defines service level objectives and uses error budgets to steer work');
    expect(target).toContain('- Mentors engineers and onboards new team members');
    expect(alice).toContain('Standing for everyone, and not one of the two or three: **Communication**.');
    // The focus areas are the intermediate level's; Communication is not one to tick.
    expect(alice).toContain('- [ ] Capacity planning and performance');
    expect(alice).not.toContain('- [ ] Communication');
    const bob = (await checkpointOf(e2e, Q, 'bob')).description ?? '';
    expect(bob).toContain('What Staff Site Reliability Engineer (staff) asks for beyond Senior Site Reliability Engineer (senior):');
    expect(bob).toContain('- [ ] Mentoring and onboarding engineers');
  });

  /** A department's own SRE ladder, two levels, in `.trellis/roles.yml`. */
  const SRE_LADDER = [
    'roles:',
    '  site-reliability-engineer:',
    '    levels:',
    '      - level: intermediate',
    '        title: Site Reliability Engineer',
    '        responsibilities: ["Incident management and on-call", "Capacity planning and performance"]',
    '        requirements: ["Resolves incidents independently"]',
    '      - level: senior',
    '        title: Senior Site Reliability Engineer',
    '        responsibilities: ["Incident leadership"]',
    '        requirements: ["Resolves incidents independently", "Runs a game day every quarter"]',
    '        nice_to_have: ["A talk at an SRE meetup"]',
    '',
  ].join('\n');

  it('`.trellis/roles.yml` changes the ladder; an invalid one names file, line and field, and the last valid one stays in use', async () => {
    await putFile('.trellis/roles.yml', SRE_LADDER);
    await putFile('.trellis/roles.yml', ['roles:', '  site-reliability-engineer:', '    levels:', '      - level: intermediate', '        title: Site Reliability Engineer', '        responsibilities: ["Incident management and on-call"]', '        requirements: yes', ''].join('\n'));
    const [problem] = await e2e.as('root').issues({ labels: 'trellis-config-error', state: 'opened' });
    expect(problem).toBeDefined();
    const said = (await botNotes(e2e, problem!.iid)).map((n) => n.body.replace(/\\/g, '')).join('\n');
    expect(said).toMatch(/\.trellis\/roles\.yml:7:\d+ roles\.site-reliability-engineer\.levels\[0\]\.requirements: must be a list/);

    // A roster pushed while the roles are invalid is not taken either: the last valid pair stays.
    const withNina = DEPARTMENT.replace('review_dates:', '  - { username: nina, name: Nina Novak, manager: erin, team: observability, role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin }\nreview_dates:');
    await putFile('.trellis/roster.yml', withNina);
    expect((await checkpoints(e2e, Q)).has('nina')).toBe(false);

    await putFile('.trellis/roles.yml', SRE_LADDER);
    expect((await e2e.as('root').issues({ labels: 'trellis-config-error', state: 'opened' })).length).toBe(0);
    const nina = (await checkpointOf(e2e, Q, 'nina')).description ?? '';
    const target = nina.slice(nina.indexOf('## Target towards the next level'));
    expect(target).toContain('What Senior Site Reliability Engineer (senior) asks for beyond Site Reliability Engineer (intermediate):\n\n- Runs a game day every quarter\n');
    expect(target).not.toContain('- Resolves incidents independently');
    expect(target).toContain('- A talk at an SRE meetup');
    expect(nina).toContain('- [ ] Capacity planning and performance');
    expect(nina).not.toContain('- [ ] Observability');
  });

  it('`trellis roles [role]` prints the ladders from GitLab', async () => {
    const config = loadConfig({ GITLAB_URL: e2e.sim.url, GITLAB_TOKEN: `tok-${BOT}`, GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP, REDIS_URL, LOG_LEVEL: 'silent' });
    const lines: string[] = [];
    expect(await rolesCommand(config, log, { role: 'site-reliability-engineer', print: (l) => lines.push(l) })).toBe(0);
    expect(lines.join('\n')).toContain('2. Senior Site Reliability Engineer (level: senior)');
    expect(lines.join('\n')).toContain('     - Runs a game day every quarter');
    lines.length = 0;
    expect(await rolesCommand(config, log, { print: (l) => lines.push(l) })).toBe(0);
    expect(lines).toContain('Site Reliability Engineer (intermediate) -> Senior Site Reliability Engineer (senior)');
    expect(lines.join('\n')).toContain('Engineering Manager, Infrastructure (manager) -> Senior Engineering Manager, Infrastructure (senior manager)');
  });
});

describe('1:1 focus: the agenda and the nudge', () => {
  let alice: ApiIssue;

  it('`agenda` on a checkpoint replies there with the ticked areas, their goals and targets, what was noted under each, the next-level target and the days left', async () => {
    alice = await checkpointOf(e2e, Q, 'alice');
    const planned = tickAreas(alice.description ?? '', [0, 2])
      .replace('### Incident management and on-call\n\n- Goals:\n- Targets:', '### Incident management and on-call\n\n- Goals: Lead two incident reviews\n- Targets: Both reviews published by December')
      .replace('- Target:\n', '- Target: Run the January game day\n');
    await e2e.as('alice').editIssue(alice, { description: planned });
    await e2e.settle();
    expect(stateOf(await e2e.as('alice').issue(alice))).toBe('checkpoint::in-progress');

    await at('2026-11-16T10:00:00.000Z');
    await e2e.as('carol').comment(alice, 'Incident management and on-call: shadowed the incident manager on Tuesday.');
    await e2e.as('alice').comment(alice, 'Capacity planning: drafted the Redis forecast.');
    await e2e.as('alice').comment(alice, 'Communication: wrote the weekly update for the team.');
    await e2e.as('carol').comment(alice, `@${BOT} agenda`);
    await e2e.settle();
    const [agenda, ...more] = await markedNotes(alice, 'agenda');
    expect(more).toHaveLength(0);
    expect(agenda).toContain("**Agenda for Alice Adams's next 1:1** (FY27-Q4: 76 days left, it ends on 2027-01-31).");
    expect(agenda).toContain('### Incident management and on-call');
    expect(agenda).toContain('- Goals: Lead two incident reviews');
    expect(agenda).toContain('- Targets: Both reviews published by December');
    expect(agenda).toMatch(/### Incident management and on-call[\s\S]*shadowed the incident manager[\s\S]*### Capacity planning and performance/);
    expect(agenda).toMatch(/### Capacity planning and performance[\s\S]*drafted the Redis forecast/);
    expect(agenda).toMatch(/### Communication \(standing area\)[\s\S]*wrote the weekly update/);
    expect(agenda).toMatch(/### Towards the next level \(senior\)\n\n- Target: Run the January game day/);
    // The command written on the checkpoint gets the agenda as its only answer.
    expect((await botNotes(e2e, alice)).filter((n) => n.body.includes('trellis:reply:'))).toHaveLength(0);
  });

  it('the next agenda lists only what was noted since the last one', async () => {
    await at('2026-11-23T10:00:00.000Z');
    await e2e.as('carol').comment(alice, 'Capacity planning: forecast reviewed with the database team.');
    await e2e.as('alice').comment(alice, `@${BOT} agenda`);
    await e2e.settle();
    const agendas = await markedNotes(alice, 'agenda');
    expect(agendas).toHaveLength(2);
    const latest = agendas.find((a) => a.includes('forecast reviewed'))!;
    expect(latest).toContain('Notes since the last agenda (2026-11-16):');
    expect(latest).not.toContain('shadowed the incident manager');
    expect(latest).toContain('(FY27-Q4: 69 days left');
  });

  it('`agenda @alice` elsewhere is written on her checkpoint only: the department issue gets a pointer, and only her, her manager or a record reader may ask', async () => {
    const prep = await e2e.as('carol').createIssue({ title: '1:1 prep' });
    await e2e.as('carol').comment(prep, `@${BOT} agenda @alice`);
    const other = await e2e.as('bob').createIssue({ title: 'curious' });
    await e2e.as('bob').comment(other, `@${BOT} agenda @alice`);
    await e2e.settle();
    const [pointer] = (await botNotes(e2e, prep.iid)).map((n) => n.body);
    expect(pointer).toContain(`${RECORDS_GROUP}/alice#${alice.iid}`);
    expect(pointer).not.toMatch(/Lead two incident reviews|forecast|Redis/);
    const [refused] = (await botNotes(e2e, other.iid)).map((n) => n.body);
    expect(refused).toContain("Only alice, their manager (carol) or a record reader can ask for alice's 1:1 agenda.");
    expect(await markedNotes(alice, 'agenda')).toHaveLength(3);
  });

  it('a focus area with nothing noted for four weeks gets one nudge to both, once, however often the nudge runs', async () => {
    // Incident management was last noted on 11-16, capacity planning on 11-23.
    await at('2026-12-10T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:focus-nudge');
    expect(await markedNotes(alice, 'nudge')).toHaveLength(0);

    await at('2026-12-15T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:focus-nudge');
    await Promise.all([runJob(e2e, 'checkpoint:focus-nudge'), runJob(e2e, 'checkpoint:focus-nudge')]);
    const first = await markedNotes(alice, 'nudge');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^@alice @carol: nothing has been noted under \*\*Incident management and on-call\*\* since 2026-11-16/);

    await at('2026-12-22T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:focus-nudge');
    await runJob(e2e, 'checkpoint:focus-nudge');
    const second = await markedNotes(alice, 'nudge');
    expect(second).toHaveLength(2);
    expect(second.filter((n) => n.includes('Incident management and on-call'))).toHaveLength(1);
    expect(second.filter((n) => n.includes('Capacity planning and performance'))).toHaveLength(1);

    await at('2027-01-10T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:focus-nudge');
    expect(await markedNotes(alice, 'nudge')).toHaveLength(2);
  });

  it('never nudges in the last two weeks of the quarter', async () => {
    await at('2026-12-20T10:00:00.000Z');
    const olivia = await checkpointOf(e2e, Q, 'olivia');
    await e2e.as('olivia').editIssue(olivia, { description: tickAreas(olivia.description ?? '', [1, 3]) });
    await e2e.settle();
    expect(stateOf(await e2e.as('olivia').issue(olivia))).toBe('checkpoint::in-progress');
    await at('2027-01-20T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:focus-nudge');
    expect(await markedNotes(olivia, 'nudge')).toHaveLength(0);
  });
});
