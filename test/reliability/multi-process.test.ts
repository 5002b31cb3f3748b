import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';
import { startApiProcess } from './api-process.js';
import type { ApiProcess } from './api-process.js';
import { BOT, figure, gitlabHeaders, jobsInFlight, pool, PROJECT, RECORDS_GROUP, rosterPeople, seedRecords, until } from './reliability-helpers.js';
import { startWorkerProcess } from './worker-process.js';
import type { WorkerProcess } from './worker-process.js';

/** Distinct deliveries in the burst; a tenth of them are delivered a second time, to the other api. */
const DELIVERIES = Number(process.env.RELIABILITY_MULTI_DELIVERIES ?? 10_000);
const REDELIVERED = Math.floor(DELIVERIES / 10);
const APIS = 2;
const WORKERS = 3;

let sim: RunningSim;
let redis: Redis;
const prefix = randomPrefix('multi');
const apis: ApiProcess[] = [];
const workers: WorkerProcess[] = [];
/** The job id each worker process ran, from its log (`own event skipped`, one line per run of a job). */
const ran: Array<Map<string, number>> = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  const roster = readFileSync(DEMO_ROSTER, 'utf8');
  await seedRecords(sim, roster, rosterPeople(roster));
  redis = testRedis();
}, 60_000);

afterAll(async () => {
  for (const p of [...apis, ...workers]) {
    if ('kill' in p) await p.kill('SIGKILL');
    else if (p.child.exitCode === null) p.child.kill('SIGKILL');
  }
  if (redis) {
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
  await sim?.close();
});

/**
 * An issue hook about a change the bot made (so every worker runs the job through the whole path,
 * api, inbox, relay, events queue, dispatcher, and skips it as its own, with no GitLab call): the
 * dispatcher logs each run at debug, which is what this test counts.
 */
function botHook(n: number): string {
  const hook = JSON.parse(readFileSync(path.join(REPO_ROOT, 'webhooks/issue_hook_update_description.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  hook.user = { ...hook.user, username: BOT, name: 'Trellis' };
  hook.object_attributes = { ...hook.object_attributes, iid: 100_000 + n };
  return JSON.stringify(hook);
}

/** Starts a worker process whose debug log lines of skipped own events are tallied by job id into ran[i]. */
async function startCountingWorker(i: number): Promise<WorkerProcess> {
  const counts = new Map<string, number>();
  ran[i] = counts;
  const w = await startWorkerProcess(
    {
      GITLAB_URL: sim.url,
      GITLAB_TOKEN: `tok-${BOT}`,
      GITLAB_PROJECT: PROJECT,
      TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
      REDIS_URL,
      TRELLIS_QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'debug',
      GITLAB_API_PER_MINUTE: '0',
    },
    {
      onLine: (line) => {
        if (!line.includes('"own event skipped"')) return;
        const job = /"job":"([^"]+)"/.exec(line)?.[1];
        if (job) counts.set(job, (counts.get(job) ?? 0) + 1);
      },
    },
  );
  workers.push(w);
  return w;
}

describe(`${APIS} api and ${WORKERS} worker processes on one Redis`, () => {
  it(`share a burst of ${DELIVERIES} deliveries (and ${REDELIVERED} redeliveries), processing each exactly once`, async () => {
    for (let i = 0; i < APIS; i++) apis.push(await startApiProcess(prefix));
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => startCountingWorker(i)));

    const bodies = Array.from({ length: DELIVERIES }, (_, n) => botHook(n));
    const keys = bodies.map((_, n) => `multi-${prefix}-${n}`);
    // Deliveries alternate between the two api processes; each redelivery goes to the api that did not take the first.
    const sends = [...bodies.map((_, n) => ({ n, api: n % APIS })), ...Array.from({ length: REDELIVERED }, (_, k) => ({ n: k * 10, api: (k * 10 + 1) % APIS }))];
    const started = Date.now();
    const answers = await pool(sends, 64, async ({ n, api }) => {
      const res = await fetch(`${apis[api]!.url}/webhooks/gitlab`, { method: 'POST', body: bodies[n], headers: gitlabHeaders('Issue Hook', { idempotencyKey: keys[n]! }), signal: AbortSignal.timeout(30_000) });
      const body = (await res.json()) as { status?: string; job?: string };
      return { n, api, status: res.status, outcome: body.status ?? '', job: body.job ?? '' };
    });
    const ingestSeconds = (Date.now() - started) / 1000;
    expect(answers.filter((a) => a.status !== 202).map((a) => a.status)).toEqual([]);
    const jobOf = new Map<number, string>();
    for (const a of answers.slice(0, DELIVERIES)) jobOf.set(a.n, a.job);
    const redeliveries = answers.slice(DELIVERIES);
    // A redelivery to the other api answers the job id of the first delivery: deduplicated across processes.
    expect(redeliveries.filter((a) => a.outcome !== 'duplicate' || a.job !== jobOf.get(a.n)).length).toBe(0);

    const expected = new Set(jobOf.values());
    expect(expected.size).toBe(DELIVERIES);
    const total = () => ran.reduce((s, m) => s + [...m.values()].reduce((a, b) => a + b, 0), 0);
    await until(`${DELIVERIES} jobs run`, async () => total() >= DELIVERIES && (await jobsInFlight(redis, prefix)) === 0, 240_000, 250);
    const drainSeconds = (Date.now() - started) / 1000;
    // A moment more, so a duplicate run arriving late would be counted.
    await new Promise((r) => setTimeout(r, 1000));

    const runs = new Map<string, number>();
    for (const m of ran) for (const [job, n] of m) runs.set(job, (runs.get(job) ?? 0) + n);
    const missing = [...expected].filter((j) => !runs.has(j)).length;
    const twice = [...runs.values()].filter((n) => n > 1).length;
    const unknown = [...runs.keys()].filter((j) => !expected.has(j)).length;
    const perWorker = ran.map((m) => m.size);
    const perApi = Array.from({ length: APIS }, (_, i) => answers.filter((a) => a.api === i && a.outcome === 'queued').length);
    figure(
      'multi-process',
      `${APIS} api + ${WORKERS} worker processes, ${DELIVERIES} deliveries + ${REDELIVERED} redeliveries in ${ingestSeconds.toFixed(1)} s ` +
        `(${Math.round(sends.length / ingestSeconds)}/s; queued per api ${perApi.join(' / ')}; redeliveries answered duplicate ${redeliveries.filter((a) => a.outcome === 'duplicate').length}) -> ` +
        `processed ${runs.size} (per worker ${perWorker.join(' / ')}), all done ${drainSeconds.toFixed(1)} s after the first delivery; missing ${missing}, processed twice ${twice}, unknown ${unknown}`,
    );
    expect({ missing, twice, unknown }).toEqual({ missing: 0, twice: 0, unknown: 0 });
    // Every process took a share of the work.
    expect(perApi.every((n) => n > 0)).toBe(true);
    expect(perWorker.every((n) => n > 0)).toBe(true);
  }, 400_000);
});
