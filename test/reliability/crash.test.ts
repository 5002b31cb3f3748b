import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue } from '../../src/queue/job-queue.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { JOBS_QUEUE } from '../../src/queue/queue-names.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';
import { allIssues, BOT, countByTitle, figure, jobsInFlight, PROJECT, seedRecords, until } from './reliability-helpers.js';
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
let projectId: number;
let redis: Redis;
let jobs: JobQueue;
const prefix = randomPrefix('crash');
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  expect(REPORTS).toHaveLength(500);
  sim = await startSimulator({ port: 0 });
  ({ projectId } = await seedRecords(sim, ROSTER, ['dir', ...REPORTS]));
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

function workerEnv(): Record<string, string> {
  return {
    GITLAB_URL: sim.url,
    GITLAB_TOKEN: `tok-${BOT}`,
    GITLAB_PROJECT: PROJECT,
    REDIS_URL,
    TRELLIS_QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    GITLAB_API_PER_MINUTE: '0',
    GITLAB_ISSUE_CREATE_PER_MINUTE: '0',
    GITLAB_NOTE_CREATE_PER_MINUTE: '0',
    TRELLIS_WORKER_CONCURRENCY: '8',
  };
}

async function startWorker(): Promise<WorkerProcess> {
  const w = await startWorkerProcess(workerEnv());
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

    const checkpoints = countByTitle(await allIssues(sim, projectId, 'career-checkpoint'));
    const conversations = countByTitle(await allIssues(sim, projectId, 'career-conversation'));
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
