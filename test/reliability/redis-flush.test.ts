import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startTrellis } from '../../src/main.js';
import type { Trellis } from '../../src/main.js';
import { SCHEDULE_CHECK_MS } from '../../src/queue/job-queue.js';
import { JOBS_QUEUE } from '../../src/queue/queue-names.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { randomPrefix } from '../helpers/redis.js';
import { startPrivateRedis } from './private-redis.js';
import type { PrivateRedis } from './private-redis.js';
import { allNotes, asUser, BOT, figure, PROJECT, RECORDS_GROUP, rosterPeople, SECRET, seedRecords, until } from './reliability-helpers.js';

let sim: RunningSim;
let projectId: number;
let redis: PrivateRedis;
let admin: Redis;
let jobs: Queue;
let trellis: Trellis | undefined;
const prefix = randomPrefix('flush');

beforeAll(async () => {
  redis = await startPrivateRedis();
  admin = new Redis(redis.url, { maxRetriesPerRequest: 3 });
  jobs = new Queue(JOBS_QUEUE, { connection: admin, prefix });
  sim = await startSimulator({ port: 0 });
  const roster = readFileSync(DEMO_ROSTER, 'utf8');
  ({ projectId } = await seedRecords(sim, roster, rosterPeople(roster)));
  trellis = await startTrellis(
    loadConfig({
      GITLAB_URL: sim.url,
      GITLAB_TOKEN: `tok-${BOT}`,
      GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
      WEBHOOK_SECRET: SECRET,
      REDIS_URL: redis.url,
      TRELLIS_QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      TRELLIS_SHUTDOWN_TIMEOUT_MS: '2000',
    }),
    { role: 'all', log: pino({ level: process.env.E2E_LOG ?? 'silent' }) },
  );
  await asUser(sim, 'root')('POST', `/projects/${projectId}/hooks`, { url: `${trellis.url}/webhooks/gitlab`, token: SECRET, issues_events: true, note_events: true, confidential_issues_events: true, confidential_note_events: true });
}, 60_000);

afterAll(async () => {
  await trellis?.close();
  await jobs?.close();
  await admin?.quit();
  await sim?.close();
  await redis?.close();
});

/** The installed job schedulers with their next run, by id. */
async function schedules(): Promise<Map<string, number | undefined>> {
  return new Map((await jobs.getJobSchedulers(0, -1)).map((s) => [s.key, s.next]));
}

/** A `help` note as alice, answered by Trellis: the workers still take events. */
async function helpAnswered(title: string): Promise<void> {
  const issue = await asUser(sim, 'alice')<{ iid: number }>('POST', `/projects/${projectId}/issues`, { title });
  await asUser(sim, 'alice')('POST', `/projects/${projectId}/issues/${issue.iid}/notes`, { body: `@${BOT} help` });
  await until(`an answer on "${title}"`, async () => (await allNotes(sim, projectId, issue.iid)).some((n) => n.author.username === BOT), 60_000, 200);
}

describe('Redis loses all its data under a running Trellis', () => {
  it('gets its schedules back from the workers within a minute, and keeps taking events', async () => {
    await until('the schedules to be installed', async () => (await schedules()).size > 0, 30_000, 100);
    const before = await schedules();
    await helpAnswered('Before the flush');

    await admin.flushall();
    const flushedAt = Date.now();
    const rightAfter = (await schedules()).size;
    let after = new Map<string, number | undefined>();
    // Generous: the workers check every 30 s; the figure shows how long it took.
    await until('the schedules to come back', async () => (after = await schedules()).size >= before.size, 3 * SCHEDULE_CHECK_MS, 250);
    const backAfter = (Date.now() - flushedAt) / 1000;
    await helpAnswered('After the flush');

    const missing = [...before.keys()].filter((id) => !after.has(id));
    const withoutNextRun = [...after].filter(([, next]) => !next).map(([id]) => id);
    figure(
      'redis flush',
      `${before.size} schedules installed (${[...before.keys()].join(', ')}); FLUSHALL -> ${rightAfter} left; back after ${backAfter.toFixed(0)} s (workers check every ${SCHEDULE_CHECK_MS / 1000} s): ${after.size} of ${before.size}, missing ${missing.length}, without a next run ${withoutNextRun.length}; a command after the flush answered`,
    );
    expect(rightAfter).toBe(0);
    expect({ missing, withoutNextRun }).toEqual({ missing: [], withoutNextRun: [] });
  }, 180_000);
});
