import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { inboxBacklog, inboxKeys } from '../src/queue/event-intake.js';
import { keysStartingWith } from '../src/redis/clear-prefix.js';
import { EVENTS_QUEUE } from '../src/queue/queue-names.js';
import { machineBusy, machineCpu, ROOT } from './lib/proc.js';
import type { Child, Runner } from './lib/proc.js';
import { benchPrefix, benchRedis, deletePrefix, redisCpuMs, usedMemory } from './lib/redis.js';
import { startSimProject } from './lib/sim-project.js';
import { round, sleep, until } from './lib/stats.js';
import { startApi, startWorker, WEBHOOK_SECRET } from './lib/trellis-proc.js';

export interface ScaleResult {
  readonly events: number;
  readonly ingest_rps: number;
  readonly api_rss_mb: number;
  readonly worker_rss_mb: number;
  /** RSS right after start-up, before any load: what the peak grew from. */
  readonly api_rss_idle_mb: number;
  readonly worker_rss_idle_mb: number;
  readonly redis_bytes_per_event: number;
  /** MEMORY USAGE of the inbox stream per entry plus a sampled dedupe key: what one stored event holds. */
  readonly stored_bytes_sampled: number;
  readonly drain_rps: { readonly w1: number; readonly w2: number; readonly w4: number };
  /** Share of both cores busy (all processes on the machine) during each drain window. */
  readonly drain_cpu_busy: { readonly w1: number; readonly w2: number; readonly w4: number };
  /** Share of one core Redis used during each drain window (it runs commands on one thread). */
  readonly drain_redis_core_share: { readonly w1: number; readonly w2: number; readonly w4: number };
  readonly drain_seconds: number;
  readonly gitlab_calls_per_event: number;
  readonly failed: number;
}

const EVENTS = 100_000;
const WINDOW_SECONDS = 5;
const SENTINEL = 987_654_321;

/**
 * A GitLab 17 issue hook about an ordinary issue of the records project (no Trellis marker or title):
 * every workflow looks at it and lets it go, which is cheap but real work (the per-issue lock, the
 * event-order check in Redis, each workflow's identification). Each delivery names its own issue.
 */
function payloadParts(projectId: number): { before: string; after: string } {
  const hook = JSON.parse(readFileSync(join(ROOT, 'webhooks/issue_hook_open.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  hook.user = { id: 3, name: 'm1e1', username: 'm1e1', avatar_url: null, email: '[REDACTED]' };
  hook.project = { ...hook.project, id: projectId, name: 'career', path_with_namespace: 'infra/career', web_url: 'http://127.0.0.1/infra/career' };
  hook.object_attributes = {
    ...hook.object_attributes,
    iid: SENTINEL,
    project_id: projectId,
    title: 'Rotate the staging TLS certificate',
    description: 'The staging certificate expires next week; rotate it and update the runbook.',
    labels: [],
    updated_at: '2026-03-12T08:03:51Z',
  };
  hook.labels = [] as unknown as Record<string, unknown>;
  hook.changes = {};
  const [before, after] = JSON.stringify(hook).split(String(SENTINEL));
  if (before === undefined || after === undefined) throw new Error('payload template');
  return { before, after };
}

/** Events accepted and not yet taken by a worker: still in the inbox, or waiting in the events queue. */
async function waiting(redis: Redis, queue: Queue, prefix: string): Promise<number> {
  const [inbox, c] = await Promise.all([inboxBacklog(redis, prefix), queue.getJobCounts('waiting', 'prioritized')]);
  return inbox + (c.waiting ?? 0) + (c.prioritized ?? 0);
}

/** Events taken off the queue per second by the workers running now, over a window after they warmed up. */
async function drainRate(redis: Redis, queue: Queue, prefix: string, log: (line: string) => void, label: string): Promise<{ rate: number; busy: number; redis: number }> {
  // Every worker said it started; a second more for its JIT and connections to warm.
  await sleep(1000);
  const busy0 = machineCpu();
  const redis0 = await redisCpuMs(redis);
  const w0 = await waiting(redis, queue, prefix);
  const t0 = performance.now();
  let w1 = w0;
  while (performance.now() - t0 < WINDOW_SECONDS * 1000 && w1 > 0) {
    await sleep(250);
    w1 = await waiting(redis, queue, prefix);
  }
  const ms = performance.now() - t0;
  const rate = (w0 - w1) / (ms / 1000);
  const busy = machineBusy(busy0);
  // Redis runs commands on one thread: near 1.0 here, it is what limits the drain.
  const redisShare = ((await redisCpuMs(redis)) - redis0) / ms;
  log(`  drain with ${label}: ${rate.toFixed(0)} events/s (${w1} left; both cores ${(busy * 100).toFixed(0)}% busy, Redis ${(redisShare * 100).toFixed(0)}% of a core)`);
  return { rate, busy, redis: redisShare };
}

/**
 * 100,000 webhooks into a `trellis serve --role api` process with no worker running, then drained
 * by `--role worker` processes: one for a window, two for the next, four until the queue is empty.
 * Peak RSS (VmHWM) of each process, Redis memory per queued event (INFO used_memory before and after
 * ingest; other clients of this Redis add noise, so a sample of MEMORY USAGE is reported beside it),
 * and the drain rates.
 */
export async function runScale(runner: Runner, log: (line: string) => void): Promise<ScaleResult> {
  const prefix = benchPrefix('scale');
  const redis = benchRedis();
  const { sim, projectId } = await startSimProject();
  const target = { runner, prefix, gitlabUrl: sim.url, env: { TRELLIS_WORKER_CONCURRENCY: '8' } };
  const api = await startApi(target);
  const apiIdle = api.child.memory().rssMb;
  const workers: Child[] = [];
  let workerIdle = 0;
  const queue = new Queue(EVENTS_QUEUE, { connection: redis, prefix });
  try {
    const { before, after } = payloadParts(projectId);
    const memBefore = await usedMemory(redis);
    let n = 0;
    const started = performance.now();
    const r = await autocannon({
      url: `${api.url}/webhooks/gitlab`,
      connections: 50,
      amount: EVENTS,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            n += 1;
            return { ...req, body: before + String(n) + after, headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': WEBHOOK_SECRET, 'idempotency-key': `scale-${n}` } };
          },
        },
      ],
    });
    const ingestSeconds = (performance.now() - started) / 1000;
    const queued = await waiting(redis, queue, prefix);
    const memAfter = await usedMemory(redis);
    const storedBytes = await sampleStoredBytes(redis, prefix);
    const apiRss = api.child.memory().hwmMb;
    log(`  ingest: ${r['2xx']} accepted (${r.non2xx + r.errors + r.timeouts} not) in ${ingestSeconds.toFixed(1)} s; ${queued} queued; api peak RSS ${apiRss.toFixed(0)} MB; Redis +${((memAfter - memBefore) / queued).toFixed(0)} B/event`);

    sim.resetRequests();
    const drainStart = performance.now();
    const rates: Array<{ rate: number; busy: number; redis: number }> = [];
    for (const count of [1, 2, 4]) {
      const adding: Array<Promise<Child>> = [];
      for (let i = workers.length; i < count; i++) adding.push(startWorker(target, `worker ${i + 1}`));
      const added = await Promise.all(adding);
      if (workers.length === 0) workerIdle = added[0]?.memory().rssMb ?? 0;
      workers.push(...added);
      rates.push(await drainRate(redis, queue, prefix, log, `${count} worker${count > 1 ? 's' : ''}`));
    }
    await until('queue drained', async () => {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
      return (await inboxBacklog(redis, prefix)) + (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    }, 300_000, 250);
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const failed = await queue.getFailedCount();
    const calls = sim.requests().total;
    const workerRss = Math.max(...workers.map((w) => w.memory().hwmMb));
    log(`  drained in ${drainSeconds.toFixed(1)} s; worker peak RSS ${workerRss.toFixed(0)} MB; ${failed} failed; ${calls} GitLab calls`);
    return {
      events: queued,
      ingest_rps: round(r['2xx'] / ingestSeconds, 0),
      api_rss_mb: round(apiRss, 1),
      worker_rss_mb: round(workerRss, 1),
      api_rss_idle_mb: round(apiIdle, 1),
      worker_rss_idle_mb: round(workerIdle, 1),
      redis_bytes_per_event: round((memAfter - memBefore) / queued, 0),
      stored_bytes_sampled: storedBytes,
      drain_rps: { w1: round(rates[0]!.rate, 0), w2: round(rates[1]!.rate, 0), w4: round(rates[2]!.rate, 0) },
      drain_cpu_busy: { w1: round(rates[0]!.busy, 2), w2: round(rates[1]!.busy, 2), w4: round(rates[2]!.busy, 2) },
      drain_redis_core_share: { w1: round(rates[0]!.redis, 2), w2: round(rates[1]!.redis, 2), w4: round(rates[2]!.redis, 2) },
      drain_seconds: round(drainSeconds, 1),
      gitlab_calls_per_event: round(calls / queued, 4),
      failed,
    };
  } finally {
    await Promise.all([api.child.stop(), ...workers.map((w) => w.stop())]);
    await queue.close();
    await sim.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}

/** MEMORY USAGE of the inbox stream per entry, plus the average of up to 200 dedupe keys. */
async function sampleStoredBytes(redis: Redis, prefix: string): Promise<number> {
  const keys = inboxKeys(prefix);
  const entries = await redis.xlen(keys.stream);
  if (entries === 0) return 0;
  const stream = Number(await redis.call('MEMORY', 'USAGE', keys.stream, 'SAMPLES', '0'));
  const [, seen] = await redis.scan('0', 'MATCH', keysStartingWith(keys.seen), 'COUNT', 2000);
  let total = 0;
  for (const key of seen.slice(0, 200)) total += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  return round(stream / entries + (seen.length > 0 ? total / Math.min(200, seen.length) : 0), 0);
}
