import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planQuarterCommand } from '../../src/commands/plan-quarter.js';
import { runQuarterCommand } from '../../src/commands/run-quarter.js';
import { loadConfig } from '../../src/config.js';
import type { JobData } from '../../src/queue/job-queue.js';
import { BOT, PROJECT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { REDIS_URL } from '../helpers/redis.js';
import { checkpoints, conversations, runJob } from './checkpoint-helpers.js';

/** A department of 60 reports: a director, six managers, nine engineers each. */
const MANAGERS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
const ENGINEERS = MANAGERS.flatMap((m) => Array.from({ length: 9 }, (_, i) => `${m}e${i + 1}`));
const REPORTS = [...MANAGERS, ...ENGINEERS];
const DEPARTMENT = [
  'fiscal_year_start_month: 2',
  'timezone: Europe/London',
  'teams:',
  ...MANAGERS.map((m) => `  - { id: t-${m}, name: Team ${m}, kind: sre, manager: ${m} }`),
  'people:',
  '  - { username: dir, name: Director, team: t-m1, role: senior-engineering-manager, level: director, timezone: Europe/London }',
  ...MANAGERS.map((m) => `  - { username: ${m}, name: Manager ${m}, manager: dir, team: t-${m}, role: engineering-manager, level: manager, timezone: Europe/London }`),
  ...ENGINEERS.map((e) => `  - { username: ${e}, name: Engineer ${e}, manager: ${e.slice(0, 2)}, team: t-${e.slice(0, 2)}, role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin }`),
].join('\n');

/** Issue creations a minute, the same for GitLab (the simulator) and for Trellis's budget. */
const CREATE_LIMIT = 1200;
const log = pino({ level: process.env.E2E_LOG ?? 'silent' });

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E({ roster: DEPARTMENT, now: '2026-02-01T09:00:00.000Z', env: { GITLAB_ISSUE_CREATE_PER_MINUTE: String(CREATE_LIMIT), TRELLIS_WORKER_CONCURRENCY: '8' } });
  e2e.sim.setLimits({ issue_create_per_minute: CREATE_LIMIT });
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

function perReport(counts: ReturnType<E2E['sim']['requests']>) {
  return { creates: counts.byClass.issue_create / REPORTS.length, reads: counts.byClass.read / REPORTS.length, limited: counts.rateLimited };
}

describe('the quarter fan-out for a department of 60 on the API budget', () => {
  it('the first quarter opens a checkpoint and a conversation per report, never above the creation limit', async () => {
    e2e.sim.resetRequests();
    await runJob(e2e, 'checkpoint:open-quarter');
    const counts = perReport(e2e.sim.requests());
    console.info(`first quarter (fresh process, user ids not yet known): ${JSON.stringify(counts)} per report`);
    expect((await checkpoints(e2e, 'FY27-Q1')).size).toBe(60);
    expect((await conversations(e2e)).size).toBe(60);
    expect(counts).toMatchObject({ creates: 2, limited: 0 });
  }, 60_000);

  it('the next quarter costs one creation per report and at most 0.1 reads (a fixed handful: listings and the boards), at the creation limit', async () => {
    e2e.setClock('2026-05-01T08:00:00.000Z');
    e2e.sim.resetRequests();
    const started = Date.now();
    await runJob(e2e, 'checkpoint:open-quarter');
    const seconds = (Date.now() - started) / 1000;
    const counts = perReport(e2e.sim.requests());
    console.info(`second quarter: ${JSON.stringify(counts)} per report; ${REPORTS.length} creations in ${seconds.toFixed(1)} s (limit ${CREATE_LIMIT}/min)`);
    expect((await checkpoints(e2e, 'FY27-Q2')).size).toBe(60);
    expect(counts.creates).toBe(1);
    expect(counts.reads).toBeLessThanOrEqual(0.1);
    expect(counts.limited).toBe(0);
    // The budget allows a burst of 10, then one creation every 60000/(limit-10) ms: not faster
    // than that (never above the limit), and not much slower (workers keep up with the pace).
    const floor = ((REPORTS.length - 10) * 60) / (CREATE_LIMIT - 10);
    expect(seconds).toBeGreaterThanOrEqual(floor * 0.9);
    expect(seconds).toBeLessThan(floor * 2.5 + 2);
  }, 60_000);

  it('a fan-out that crashed halfway, re-run, creates only what is missing: one checkpoint per report', async () => {
    e2e.setClock('2026-08-01T08:00:00.000Z');
    const queue = e2e.trellis.jobs!.queue;
    await queue.pause();
    await e2e.trellis.dispatcher!.runJob('checkpoint:open-quarter', {}, log);
    const queued = (await queue.getJobs(['waiting', 'paused'])).filter((j) => j.name === 'checkpoint:ensure-checkpoint');
    expect(queued).toHaveLength(60);
    // Half the per-report jobs ran; then the process died and the queue lost the rest.
    const data = (j: (typeof queued)[number]): JobData['data'] => j.data.data;
    await Promise.all(queued.slice(0, 30).map((j) => e2e.trellis.dispatcher!.runJob(j.name, data(j), log)));
    await queue.drain();
    await queue.resume();
    expect((await checkpoints(e2e, 'FY27-Q3')).size).toBe(30);
    e2e.sim.resetRequests();
    await runJob(e2e, 'checkpoint:open-quarter');
    expect((await checkpoints(e2e, 'FY27-Q3')).size).toBe(60);
    expect(e2e.sim.requests().byClass.issue_create).toBe(30);
  }, 60_000);

  it('the same per-report job run three times at once (two workers and a retry) creates one checkpoint', async () => {
    e2e.setClock('2026-11-01T09:00:00.000Z');
    const job = { quarter: 'FY27-Q4', report: 'm1e1', checkpoint: null, conversation: { iid: 1, values: null, lighthouse: null, filledIn: false }, previous: null };
    await Promise.all([1, 2, 3].map(() => e2e.trellis.dispatcher!.runJob('checkpoint:ensure-checkpoint', job, log)));
    await e2e.settle();
    expect([...(await checkpoints(e2e, 'FY27-Q4')).keys()]).toEqual(['m1e1']);
  });
});

describe('`trellis plan quarter` and `trellis run-quarter`', () => {
  const config = () =>
    loadConfig({
      GITLAB_URL: e2e.sim.url,
      GITLAB_TOKEN: `tok-${BOT}`,
      GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
      REDIS_URL,
      TRELLIS_QUEUE_PREFIX: e2e.prefix,
      GITLAB_ISSUE_CREATE_PER_MINUTE: String(CREATE_LIMIT),
      LOG_LEVEL: 'silent',
    });

  it('plan prints what the fan-out would create and writes nothing', async () => {
    e2e.sim.resetRequests();
    const lines: string[] = [];
    expect(await planQuarterCommand(config(), log, { quarter: 'FY27-Q4', print: (l) => lines.push(l) })).toBe(0);
    expect(e2e.sim.requests().byClass.write).toBe(0);
    expect(lines[0]).toBe('FY27-Q4 (2026-11-01 to 2027-01-31): 60 reports');
    expect(lines).toContainEqual(expect.stringMatching(/^m1e1 +m1 +#\d+ exists +#\d+ exists$/));
    expect(lines).toContainEqual(expect.stringMatching(/^m1e2 +m1 +create +#\d+ exists$/));
    expect(lines.at(-1)).toBe('would create 59 checkpoints and 0 big-picture conversations, update 0, leave 1 as they are. Nothing was written.');
  });

  it('run-quarter creates the missing checkpoints now with a progress bar, and a second run finds them all in place', async () => {
    const lines: string[] = [];
    const progress: string[] = [];
    const opts = { quarter: 'FY27-Q4', print: (l: string) => lines.push(l), progress: (t: string) => progress.push(t) };
    expect(await runQuarterCommand(config(), log, opts)).toBe(0);
    expect(lines[0]).toBe('FY27-Q4: 60 reports; 59 checkpoints and 0 big-picture conversations created, 0 updated, 1 already in place, 0 failed.');
    expect(progress[0]).toMatch(/^\[░+\] {3}0% 0\/59 reports/);
    expect(progress.at(-1)).toMatch(/^\[█+\] 100% 59\/59 reports, 59 created, 0 failed$/);
    expect((await checkpoints(e2e, 'FY27-Q4')).size).toBe(60);
    lines.length = 0;
    expect(await runQuarterCommand(config(), log, opts)).toBe(0);
    expect(lines[0]).toBe('FY27-Q4: 60 reports; 0 checkpoints and 0 big-picture conversations created, 0 updated, 60 already in place, 0 failed.');
  }, 60_000);
});
