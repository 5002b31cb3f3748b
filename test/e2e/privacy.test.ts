import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { migrateRecordsCommand } from '../../src/commands/migrate-records.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { BOT, PROJECT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, ApiNote, E2E } from '../helpers/e2e.js';
import { REDIS_URL } from '../helpers/redis.js';
import { runJob } from './checkpoint-helpers.js';

/**
 * Private by construction (docs/privacy.md), tried as the demo department would: everyone is a
 * Developer of the department project, where an earlier Trellis kept checkpoints "confidential" and
 * so readable by all of them. Setup and `trellis migrate-records` move them into private projects;
 * after that, the people who can read a report's checkpoint and conversation through GitLab's API
 * are exactly the report, their manager and the record readers.
 */

const ROSTER = readFileSync(DEMO_ROSTER, 'utf8');
const people = (parseYaml(ROSTER) as { people: Array<{ username: string; manager?: string }> }).people;
const PEOPLE = people.map((p) => p.username);
const MANAGER = new Map(people.flatMap((p) => (p.manager ? [[p.username, p.manager] as const] : [])));
const READERS = ['vera'];
const log = pino({ level: 'silent' });

let e2e: E2E;
let legacy: { checkpoint: ApiIssue; conversation: ApiIssue; note: ApiNote };

beforeAll(async () => {
  e2e = await startE2E({ roster: ROSTER, now: '2026-02-01T09:00:00.000Z' });
  // What an earlier Trellis left: alice's checkpoint and bob's conversation in the department project.
  const bot = e2e.as(BOT);
  const checkpoint = await bot.createIssue({
    title: 'FY27-Q1 career checkpoint: @alice',
    description: 'Focus areas\n\n- [x] Incident management and on-call\n\nSee #1 for context.\n\n<!-- trellis:checkpoint:FY27-Q1/alice -->',
    labels: ['career-checkpoint', 'quarter::FY27-Q1', 'checkpoint::in-progress'],
    confidential: true,
    assignees: ['alice', 'carol'],
  });
  const note = await e2e.as('carol').comment(checkpoint, 'Alice struggled with the March incident; we agreed on coaching.');
  const conversation = await bot.createIssue({
    title: 'Big picture career conversation: @bob',
    description: '## 1. What matters to you\n\nFamily first, then craft.\n\n<!-- trellis:big-picture:bob -->',
    labels: ['career-conversation'],
    confidential: true,
    assignees: ['bob', 'carol'],
  });
  legacy = { checkpoint, conversation, note };
  await e2e.settle();
}, 90_000);

afterAll(async () => {
  await e2e?.close();
});

/** Who of the roster can read an issue through GitLab's API, asking as each of them. */
async function readers(issue: ApiIssue): Promise<string[]> {
  const can: string[] = [];
  for (const who of PEOPLE) {
    try {
      await e2e.as(who).issue(issue);
      can.push(who);
    } catch (err) {
      expect(String(err)).toMatch(/: 404 /);
    }
  }
  return can.sort();
}

const config = () => loadConfig({ GITLAB_URL: e2e.sim.url, GITLAB_TOKEN: `tok-${BOT}`, GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP, REDIS_URL, TRELLIS_QUEUE_PREFIX: e2e.prefix, LOG_LEVEL: 'silent' });

describe('private career records', () => {
  it('before: a "confidential" checkpoint in the department project is read by every Developer there', async () => {
    expect(await readers(legacy.checkpoint)).toEqual([...PEOPLE].sort());
  });

  it('migrate-records --dry-run lists what would move and writes nothing', async () => {
    e2e.sim.resetRequests();
    const lines: string[] = [];
    expect(await migrateRecordsCommand(config(), log, { dryRun: true, print: (l) => lines.push(l) })).toBe(0);
    expect(e2e.sim.requests().byClass.write).toBe(0);
    const rows = lines.flatMap((l) => l.split('\n'));
    expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^${PROJECT}#${legacy.checkpoint.iid} +alice +${RECORDS_GROUP}/alice +1 +would move`)));
    expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^${PROJECT}#${legacy.conversation.iid} +bob +${RECORDS_GROUP}/bob +0 +would move`)));
    expect(lines.at(-1)).toBe('2 would move, 0 already moved, 0 left, 0 failed');
  });

  it('migrate-records moves them into the private projects, nothing lost, and leaves nothing private behind', async () => {
    const lines: string[] = [];
    expect(await migrateRecordsCommand(config(), log, { dryRun: false, print: (l) => lines.push(l) })).toBe(0);
    await e2e.settle();
    const moved = await e2e.as('root').recordIssues({ search: 'FY27-Q1 career checkpoint' });
    expect(moved).toHaveLength(1);
    const copy = moved[0]!;
    expect(copy.web_url).toContain(`/${RECORDS_GROUP}/alice/-/issues/`);
    expect(copy.description).toContain('- [x] Incident management and on-call');
    // `#1` named an issue of the department project; in the private project it keeps naming it.
    expect(copy.description).toContain(`See ${PROJECT}#1 for context.`);
    const copiedNotes = (await e2e.as('root').notes(copy)).map((n) => n.body);
    expect(copiedNotes).toContainEqual(expect.stringContaining('Alice struggled with the March incident'));
    expect(copiedNotes).toContainEqual(expect.stringMatching(/^carol wrote on \d{4}-\d{2}-\d{2}:/));
    // The original is emptied: no text, no notes, and it says where the record went.
    const old = await e2e.as('root').issue(legacy.checkpoint.iid);
    expect(old.description).not.toContain('Incident management');
    expect(old.description).toContain(`moved to ${RECORDS_GROUP}/alice#${copy.iid}`);
    expect(old.state).toBe('closed');
    expect((await e2e.as('root').notes(legacy.checkpoint.iid)).filter((n) => !n.system).map((n) => n.body)).toEqual([]);
    // A second run moves nothing twice.
    lines.length = 0;
    expect(await migrateRecordsCommand(config(), log, { dryRun: false, print: (l) => lines.push(l) })).toBe(0);
    expect(lines.at(-1)).toBe('0 moved, 0 already moved, 0 left, 0 failed');
    expect(await e2e.as('root').recordIssues({ search: 'FY27-Q1 career checkpoint' })).toHaveLength(1);
  });

  it("after the quarter opens, each report's checkpoint and conversation are read by exactly the report, their manager and the record readers", async () => {
    await runJob(e2e, 'checkpoint:open-quarter');
    const records = await e2e.as('root').recordIssues();
    const reports = [...MANAGER.keys()];
    for (const report of reports) {
      const mine = records.filter((i) => i.title.endsWith(`: @${report}`) && i.state === 'opened');
      expect(mine.map((i) => i.title).sort(), report).toEqual(['Big picture career conversation: @' + report, `FY27-Q1 career checkpoint: @${report}`]);
      const expected = [...new Set([report, MANAGER.get(report)!, ...READERS])].sort();
      for (const issue of mine) expect(await readers(issue), issue.title).toEqual(expected);
    }
  }, 120_000);

  it('people find their records among the issues assigned to them', async () => {
    const mine = await e2e.as('alice').api<ApiIssue[]>('GET', '/issues?scope=assigned_to_me&state=opened&per_page=100');
    expect(mine.map((i) => i.title).sort()).toEqual(['Big picture career conversation: @alice', 'FY27-Q1 career checkpoint: @alice']);
    const carol = await e2e.as('carol').api<ApiIssue[]>('GET', '/issues?scope=assigned_to_me&state=opened&per_page=100');
    expect(carol.map((i) => i.title)).toContain('FY27-Q1 career checkpoint: @bob');
  });

  it('a change of manager moves the open records to the new manager, and the old one reads them no more', async () => {
    const roster = ROSTER.replace(/(username: ian, name: Ian Ito, )manager: grace,/, '$1manager: dave,');
    expect(roster).not.toBe(ROSTER);
    await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/repository/files/${encodeURIComponent('.trellis/roster.yml')}`, { branch: 'main', content: roster, commit_message: 'ian moves to dave' });
    await e2e.settle();
    await e2e.settle();
    const ian = (await e2e.as('root').recordIssues()).filter((i) => i.title.endsWith(': @ian') && i.state === 'opened');
    expect(ian).toHaveLength(2);
    for (const issue of ian) {
      expect(await readers(issue), issue.title).toEqual(['dave', 'ian', 'vera']);
      const now = await e2e.as('root').issue(issue);
      expect(now.assignees.map((a) => a.username).sort(), issue.title).toEqual(['dave', 'ian']);
      // The record's text names the new manager too, and nothing names grace any more.
      expect(now.description, issue.title).toContain('with Dave Diaz (dave), their manager');
      expect(now.description, issue.title).not.toMatch(/\bgrace\b|Grace/);
    }
    // The checkpoint's privacy line says who can read it now.
    const checkpoint = ian.find((i) => i.title.includes('checkpoint'))!;
    expect((await e2e.as('root').issue(checkpoint)).description).toContain('dave (their current manager)');
    // A second push of the same roster writes nothing.
    e2e.sim.resetRequests();
    await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/repository/files/${encodeURIComponent('.trellis/roster.yml')}`, { branch: 'main', content: `${roster}\n# again\n`, commit_message: 'no change' });
    await e2e.settle();
    expect(e2e.sim.requests().byClass.write).toBe(1);
  }, 60_000);

  it('the audit removes a member added by hand, and /metrics then counts no over-privileged reader', async () => {
    const project = encodeURIComponent(`${RECORDS_GROUP}/alice`);
    await e2e.as('root').api('POST', `/projects/${project}/members`, { user_id: e2e.users.bob, access_level: 30 });
    await runJob(e2e, 'privacy:audit');
    const members = await e2e.as('root').api<Array<{ username: string }>>('GET', `/projects/${project}/members`);
    expect(members.map((m) => m.username)).not.toContain('bob');
    const metrics = await (await fetch(`${e2e.trellis.url}/metrics`)).text();
    expect(metrics).toMatch(/^trellis_records_overprivileged_readers 0$/m);
  });

  it('a reconcile of the private layout, once settled, writes nothing and reads listings only, nothing per person', async () => {
    await runJob(e2e, 'reconcile:run');
    e2e.sim.resetRequests();
    await runJob(e2e, 'reconcile:run');
    const counts = e2e.sim.requests();
    const reports = MANAGER.size;
    console.log(`privacy e2e: a settled reconcile of ${reports} reports: ${counts.byClass.read} reads, ${counts.byClass.write} writes`);
    expect(counts.byClass.write).toBe(0);
    // Listings (the department project's and the records group's, and the hooks' logs), and an issue
    // read again only where a listing was older than an event: no project, member list or issue is
    // read once per person, so the cost grows with the department by a page per 100 records.
    const listings = ['GET /groups/:id/issues', 'GET /groups/:id/hooks', 'GET /groups/:id/hooks/:hook_id/events', 'GET /projects/:id/hooks', 'GET /projects/:id/hooks/:hook_id/events', 'GET /projects/:id/issues'];
    expect(Object.keys(counts.byRoute).filter((r) => !listings.includes(r) && r !== 'GET /projects/:id/issues/:issue_iid')).toEqual([]);
    expect(counts.byRoute['GET /projects/:id/issues/:issue_iid'] ?? 0).toBeLessThan(reports / 4);
  });
});
