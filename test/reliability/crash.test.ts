import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startTrellis } from '../../src/main.js';
import type { Trellis } from '../../src/main.js';
import { createJobQueue } from '../../src/queue/job-queue.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { EVENTS_QUEUE, JOBS_QUEUE } from '../../src/queue/queue-names.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import type { ApiIssue } from '../helpers/e2e.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';
import { allIssues, allNotes, allRecords, asUser, BOT, countByTitle, figure, jobsInFlight, PROJECT, RECORDS_GROUP, rest, rosterPeople, SECRET, seedRecords, sleep, until } from './reliability-helpers.js';
import { expireDeadLocks, recoverStalled, startWorkerProcess } from './worker-process.js';
import type { WorkerProcess } from './worker-process.js';

/** A department of 500 reports: a director, 20 managers, 24 engineers each. */
const MANAGERS = Array.from({ length: 20 }, (_, i) => `m${String(i + 1).padStart(2, '0')}`);
const ENGINEERS = MANAGERS.flatMap((m) => Array.from({ length: 24 }, (_, i) => `${m}e${String(i + 1).padStart(2, '0')}`));
const REPORTS = [...MANAGERS, ...ENGINEERS];
const ROSTER = [
  'fiscal_year_start_month: 2',
  'timezone: Europe/London',
  'teams:',
  ...MANAGERS.map((m) => `  - { id: t-${m}, name: Team ${m}, kind: sre, manager: ${m} }`),
  'people:',
  '  - { username: dir, name: Director, team: t-m01, role: senior-engineering-manager, level: director, timezone: Europe/London }',
  ...MANAGERS.map((m) => `  - { username: ${m}, name: Manager ${m}, manager: dir, team: t-${m}, role: engineering-manager, level: manager, timezone: Europe/London }`),
  ...ENGINEERS.map((e) => `  - { username: ${e}, name: Engineer ${e}, manager: ${e.slice(0, 3)}, team: t-${e.slice(0, 3)}, role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin }`),
].join('\n');

/** A checkpoint and a big-picture conversation per report: the first quarter's fan-out creates both. */
const CREATES = REPORTS.length * 2;
/** The worker is killed once this many issue creations reached GitLab. */
const KILL_AT = Math.floor(CREATES * 0.45);

let sim: RunningSim;
let redis: Redis;
let jobs: JobQueue;
const prefix = randomPrefix('crash');
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  expect(REPORTS).toHaveLength(500);
  sim = await startSimulator({ port: 0 });
  // No setup run: Trellis makes each report's private records project when it opens their first record.
  await seedRecords(sim, ROSTER, ['dir', ...REPORTS]);
  redis = testRedis({ maxRetriesPerRequest: null });
  jobs = createJobQueue(redis, prefix);
}, 60_000);

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await jobs?.close();
  if (redis) {
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
  await sim?.close();
});

function workerEnv(s: RunningSim = sim, queuePrefix = prefix): Record<string, string> {
  return {
    GITLAB_URL: s.url,
    GITLAB_TOKEN: `tok-${BOT}`,
    GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
    REDIS_URL,
    TRELLIS_QUEUE_PREFIX: queuePrefix,
    HOST: '127.0.0.1',
    PORT: '0',
    GITLAB_API_PER_MINUTE: '0',
    GITLAB_ISSUE_CREATE_PER_MINUTE: '0',
    GITLAB_NOTE_CREATE_PER_MINUTE: '0',
    TRELLIS_WORKER_CONCURRENCY: '8',
  };
}

async function startWorker(env = workerEnv()): Promise<WorkerProcess> {
  const w = await startWorkerProcess(env);
  workers.push(w);
  return w;
}

describe('a worker killed with SIGKILL in the middle of a 500-report fan-out', () => {
  it('is restarted and leaves exactly one checkpoint and one conversation per report', async () => {
    const first = await startWorker();
    await jobs.add('checkpoint:open-quarter', {});
    await until(`${KILL_AT} of ${CREATES} issue creations`, () => sim.requests().byClass.issue_create >= KILL_AT, 120_000, 2);
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    const createsAtKill = sim.requests().byClass.issue_create;
    const inFlightAtKill = await jobs.queue.getActiveCount();
    expect(inFlightAtKill, 'jobs were running when the worker died').toBeGreaterThan(0);

    // The dead worker's locks would expire by themselves within 30 s (BullMQ lockDuration and Trellis's
    // lock TTL); a checker running BullMQ's stalled-job check every 200 ms instead of every 30 s moves
    // the jobs it held back to wait. RELIABILITY_WAIT_LOCKS=1 waits for the real expiry instead.
    if (process.env.RELIABILITY_WAIT_LOCKS !== '1') await expireDeadLocks(redis, prefix, JOBS_QUEUE);
    const recovered = await recoverStalled(redis, prefix, JOBS_QUEUE, async () => (await jobs.queue.getActiveCount()) === 0, 75_000);
    expect(recovered).toBe(inFlightAtKill);

    const second = await startWorker();
    await until('the fan-out to finish after the restart', async () => (await jobsInFlight(redis, prefix)) === 0, 240_000, 250);
    const failed = await jobs.queue.getFailed();
    expect(failed.map((j) => `${j.id}: ${j.failedReason}`), second.tail()).toEqual([]);

    // The records are in each report's private records project: every one of them, across the records group.
    const checkpoints = countByTitle(await allRecords(sim, 'career-checkpoint'));
    const conversations = countByTitle(await allRecords(sim, 'career-conversation'));
    const tally = (byTitle: Map<string, number>, title: (r: string) => string) => {
      const counts = REPORTS.map((r) => byTitle.get(title(r)) ?? 0);
      return { lost: counts.filter((n) => n === 0).length, duplicated: counts.reduce((d, n) => d + Math.max(0, n - 1), 0), total: [...byTitle.values()].reduce((a, b) => a + b, 0) };
    };
    const quarter = [...checkpoints.keys()][0]?.split(' ')[0] ?? '?';
    const cp = tally(checkpoints, (r) => `${quarter} career checkpoint: @${r}`);
    const conv = tally(conversations, (r) => `Big picture career conversation: @${r}`);
    figure(
      'crash',
      `${REPORTS.length}-report fan-out (${CREATES} issues), worker SIGKILLed after ${createsAtKill} creations with ${inFlightAtKill} jobs running, ${recovered} stalled jobs recovered, restarted -> ` +
        `${cp.total} checkpoints and ${conv.total} conversations, lost ${cp.lost + conv.lost}, duplicated ${cp.duplicated + conv.duplicated}`,
    );
    expect({ checkpoints: cp, conversations: conv }).toEqual({
      checkpoints: { lost: 0, duplicated: 0, total: REPORTS.length },
      conversations: { lost: 0, duplicated: 0, total: REPORTS.length },
    });
    expect(await second.kill('SIGTERM')).toBe('0');
  }, 300_000);
});

/** Learners of the demo department and the manager who signs them off. */
const SIGN_OFFS = [
  ['alice', 'carol', 'Carol Chen'],
  ['bob', 'carol', 'Carol Chen'],
  ['sam', 'carol', 'Carol Chen'],
  ['olivia', 'erin', 'Erin Evans'],
  ['pat', 'erin', 'Erin Evans'],
  ['ian', 'grace', 'Grace Green'],
] as const;
/** GitLab is slowed down so each step of a sign-off takes this long, and a kill lands between two steps. */
const STEP_MS = 700;

describe('a worker killed with SIGKILL in the middle of sign-offs', () => {
  const signPrefix = randomPrefix('crash-sign');
  let s: RunningSim;
  let project: number;
  let api: Trellis;

  beforeAll(async () => {
    s = await startSimulator({ port: 0 });
    const roster = readFileSync(DEMO_ROSTER, 'utf8');
    ({ projectId: project } = await seedRecords(s, roster, rosterPeople(roster)));
    api = await startTrellis(
      loadConfig({ REDIS_URL, TRELLIS_QUEUE_PREFIX: signPrefix, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' }),
      { role: 'api', log: pino({ level: 'silent' }) },
    );
    await asUser(s, 'root')('POST', `/projects/${project}/hooks`, { url: `${api.url}/webhooks/gitlab`, token: SECRET, issues_events: true, note_events: true, confidential_issues_events: true, confidential_note_events: true });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await deletePrefix(redis, signPrefix);
    await s?.close();
  });

  const settled = async () => {
    await until('Trellis to settle', async () => {
      await s.idle();
      return (await jobsInFlight(redis, signPrefix)) === 0;
    }, 120_000, 100);
  };
  const moduleOf = async (learner: string, kind = 'SRE I'): Promise<ApiIssue[]> =>
    (await allIssues(s, project, 'training-module')).filter((i) => i.title === `${kind} training: @${learner}`);

  it('leaves every interrupted sign-off complete: module closed and signed off, one SRE II, linked', async () => {
    const first = await startWorker(workerEnv(s, signPrefix));
    // Every learner starts SRE I and ticks every required item: each module waits in review for its manager.
    for (const [learner] of SIGN_OFFS) {
      const asking = await asUser(s, learner)<{ iid: number }>('POST', `/projects/${project}/issues`, { title: `${learner} asks` });
      await asUser(s, learner)('POST', `/projects/${project}/issues/${asking.iid}/notes`, { body: `@${BOT} start sre-i` });
    }
    await settled();
    for (const [learner] of SIGN_OFFS) {
      const [module] = await moduleOf(learner);
      const ticked = (module!.description ?? '').split('\n').map((l) => (/^\s*- \[ \] /.test(l) && !/\(optional\)/i.test(l) ? l.replace('- [ ]', '- [x]') : l)).join('\n');
      await asUser(s, learner)('PUT', `/projects/${project}/issues/${module!.iid}`, { description: ticked });
    }
    await settled();

    // The managers move the modules to complete one step apart, so when the worker dies each sign-off is at another step.
    s.setFaults({ latency_ms: STEP_MS });
    const moves = SIGN_OFFS.map(async ([learner, manager], i) => {
      await sleep(i * STEP_MS);
      const [module] = await moduleOf(learner);
      await asUser(s, manager)('PUT', `/projects/${project}/issues/${module!.iid}`, { add_labels: 'sre-i::complete', remove_labels: 'sre-i::review' });
    });
    await Promise.all(moves);
    await sleep(3 * STEP_MS);
    const eventsQueue = new Queue(EVENTS_QUEUE, { connection: redis, prefix: signPrefix });
    const running = await eventsQueue.getActiveCount();
    await first.kill('SIGKILL');
    s.setFaults({ latency_ms: 0 });
    expect(running, 'sign-offs were running when the worker died').toBeGreaterThan(0);

    if (process.env.RELIABILITY_WAIT_LOCKS !== '1') await expireDeadLocks(redis, signPrefix, EVENTS_QUEUE);
    const recovered = await recoverStalled(redis, signPrefix, EVENTS_QUEUE, async () => (await eventsQueue.getActiveCount()) === 0, 75_000);
    await eventsQueue.close();
    await startWorker(workerEnv(s, signPrefix));
    await settled();

    const wrong: string[] = [];
    for (const [learner, , managerName] of SIGN_OFFS) {
      const [module, ...copies] = await moduleOf(learner);
      const next = await moduleOf(learner, 'SRE II');
      if (!module || copies.length > 0) wrong.push(`${learner}: ${copies.length + (module ? 1 : 0)} SRE I modules`);
      if (module && (module.state !== 'closed' || !module.labels.includes('sre-i::complete'))) wrong.push(`${learner}: SRE I ${module.state}, ${module.labels.join(', ')}`);
      const status = module ? (await allNotes(s, project, module.iid)).filter((n) => n.author.username === BOT && n.body.includes('<!-- trellis:status:sre-i -->')) : [];
      if (status.length !== 1 || !status[0]!.body.includes(`**Signed off** by ${managerName}`)) wrong.push(`${learner}: sign-off not recorded in one status note`);
      if (next.length !== 1) wrong.push(`${learner}: ${next.length} SRE II modules`);
      const links = module ? await rest<Array<{ iid: number }>>(s, `/projects/${project}/issues/${module.iid}/links`) : [];
      if (next.length === 1 && !links.some((l) => l.iid === next[0]!.iid)) wrong.push(`${learner}: SRE I not linked to SRE II`);
    }
    figure('crash (sign-offs)', `${SIGN_OFFS.length} sign-offs one GitLab step apart, worker SIGKILLed with ${running} running, ${recovered} stalled jobs recovered, restarted -> ${SIGN_OFFS.length - new Set(wrong.map((w) => w.split(':')[0])).size} complete (closed, signed off, one SRE II, linked), wrong ${wrong.length}`);
    expect(wrong).toEqual([]);
  }, 240_000);
});
