import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportGearingCommand } from '../../src/commands/report-gearing.js';
import { loadConfig } from '../../src/config.js';
import { silentLog } from '../../src/core/log.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { REDIS_URL } from '../helpers/redis.js';

let e2e: E2E;
const ROSTER = readFileSync(DEMO_ROSTER, 'utf8');

beforeAll(async () => {
  e2e = await startE2E({ now: '2026-03-02T09:00:00Z' });
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

const run = () => e2e.trellis.dispatcher!.runJob('reports:gearing', {}, silentLog);
const writes = () => e2e.sim.requests().byClass.write;

async function report(): Promise<{ issue: ApiIssue; status: string; changes: string[] }> {
  const [issue, ...others] = await e2e.as('root').issues({ labels: 'staff-gearing-report' });
  expect(others).toHaveLength(0);
  const notes = (await e2e.as('root').notes(issue!.iid)).filter((n) => n.author.username === 'trellis-bot');
  return {
    issue: issue!,
    status: notes.find((n) => n.body.includes('<!-- trellis:status:staff-gearing -->'))?.body ?? '',
    changes: notes.filter((n) => n.body.includes('<!-- trellis:gearing-change:')).map((n) => n.body),
  };
}

async function pushRoster(content: string): Promise<void> {
  await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/repository/files/${encodeURIComponent('.trellis/roster.yml')}`, { branch: 'main', content, commit_message: 'roster: promotion' });
  await e2e.settle();
}

describe('the Staff+ IC gearing report, end to end', () => {
  it('is scheduled every Monday at 09:00 in the roster time zone', async () => {
    const schedulers = await e2e.trellis.jobs!.queue.getJobSchedulers(0, -1);
    expect(schedulers.find((s) => s.key === 'reports:gearing-weekly')).toMatchObject({ pattern: '0 9 * * 1', tz: 'Europe/London' });
  });

  it('the first run opens one confidential report issue with the table in Trellis\'s note, and no change note', async () => {
    await run();
    const { issue, status, changes } = await report();
    expect(issue).toMatchObject({ title: 'Staff+ IC gearing report', confidential: true, state: 'opened' });
    expect(issue.description).toContain('Staff+ engineers : teams');
    expect(status).toContain('| Reliability: Foundations | SRE | sam | 3 | 1:1 | ✅ at |');
    expect(status).toContain('| Delivery | Delivery | — | 1 | 3:1 | 🔻 under |');
    expect(status).toContain('| Scalability | Scalability | sofia | 1 | 2:1 | 🔻 under |');
    expect(changes).toEqual([]);
  });

  it('a week with no change costs no write', async () => {
    e2e.setClock('2026-03-09T09:00:00Z');
    const before = writes();
    await run();
    expect(writes()).toBe(before);
  });

  it('a promotion pushed to the roster updates the table in place and adds one note saying what changed', async () => {
    await pushRoster(ROSTER.replace('team: delivery, role: backend-engineer, level: senior', 'team: delivery, role: backend-engineer, level: staff'));
    const before = writes();
    await run();
    expect(writes() - before).toBe(2);
    const { status, changes } = await report();
    expect(status).toContain('| Delivery | Delivery | dan | 1 | 3:1 | 🔻 under |');
    expect(status).toContain('Unchanged since 2026-03-09');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toContain('Delivery: dan counts as Staff+ here now (1 Staff+, under (policy 3:1)).');
  });

  it('running it again the same day, from the CLI, writes nothing and prints the table', async () => {
    const config = loadConfig({
      GITLAB_URL: e2e.sim.url,
      GITLAB_TOKEN: 'tok-trellis-bot',
      GITLAB_PROJECT: 'infra/career',
      REDIS_URL,
      TRELLIS_QUEUE_PREFIX: e2e.prefix,
      GITLAB_API_PER_MINUTE: '0',
    });
    const lines: string[] = [];
    const before = writes();
    const code = await reportGearingCommand(config, { dryRun: false, log: silentLog, print: (l) => lines.push(l), now: new Date('2026-03-09T10:00:00Z') });
    expect(code).toBe(0);
    expect(writes()).toBe(before);
    expect(lines[0]).toMatch(/^TEAM\s+KIND\s+STAFF\+\s+ICS\s+POLICY\s+STATUS\s+STAFF\+ ENGINEERS$/);
    expect(lines.join('\n')).toMatch(/^Delivery\s+delivery\s+1\s+1\s+3:1\s+under\s+dan$/m);
    // Columns line up under their headers.
    const status = lines[0]!.indexOf('STATUS');
    expect(lines.find((l) => l.startsWith('Delivery'))!.slice(status)).toMatch(/^under\b/);
    expect(lines.at(-1)).toMatch(/^0 writes: http/);
  });
});
