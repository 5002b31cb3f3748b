import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { inboxBacklog } from '../src/queue/event-intake.js';
import { EVENTS_QUEUE } from '../src/queue/queue-names.js';
import { ROOT, startChild, tsArgs } from './lib/proc.js';
import type { Child, Runner } from './lib/proc.js';
import { benchPrefix, benchRedis, deletePrefix, redisCpuMs } from './lib/redis.js';
import { median, round, sleep } from './lib/stats.js';
import { startApi, WEBHOOK_SECRET } from './lib/trellis-proc.js';

/** One autocannon run, reduced to what the report needs. */
interface LoadRun {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly bad: number;
  /** CPU time per 2xx answer, in microseconds: of the server process, and of Redis. */
  readonly serverCpuUs: number;
  readonly redisCpuUs: number;
}

export interface IngressResult {
  readonly trellis_rps: number;
  readonly bare_rps: number;
  readonly ratio: number;
  readonly trellis_p50_ms: number;
  readonly trellis_p99_ms: number;
  readonly bare_p50_ms: number;
  readonly bare_p99_ms: number;
  readonly p50_ms_at_1000rps: number;
  readonly p99_ms_at_1000rps: number;
  readonly achieved_rps_at_1000rps: number;
  readonly bare_p99_ms_at_1000rps: number;
  /** CPU microseconds per accepted webhook at full load (medians over rounds). */
  readonly cpu_us_per_request: { readonly bare: number; readonly trellis: number; readonly redis_for_trellis: number };
  /** Acknowledged events missing from Redis afterwards (a 202 must mean stored): 0. */
  readonly lost: number;
  readonly non_2xx: number;
  readonly rounds: ReadonlyArray<{ readonly bare: number; readonly trellis: number; readonly ratio: number }>;
}

const ROUNDS = 4;
const ROUND_SECONDS = 5;
const CONNECTIONS = 50;
/**
 * autocannon's overallRate lets each connection send its share at the start of every second and then
 * pause, so the "1,000/s" load is a burst per second; 10 connections keep that burst's concurrency modest.
 */
const RATE_CONNECTIONS = 10;

/** The payload: a learner ticking an item of an SRE I module, as GitLab 17 sends it (5.9 KB). */
export const TICK_PAYLOAD = readFileSync(join(ROOT, 'webhooks/issue_hook_update_description.json'));

/** Autocannon requests with an Idempotency-Key each, so every request is a new delivery and reaches Redis. */
async function fire(url: string, label: string, opts: { connections: number; duration: number; overallRate?: number }): Promise<Result> {
  let n = 0;
  const headers = { 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': WEBHOOK_SECRET };
  return await autocannon({
    url: `${url}/webhooks/gitlab`,
    connections: opts.connections,
    duration: opts.duration,
    // autocannon's coordinated-omission correction assumes an interval of ceil(1/rate) ms, i.e. 1 ms,
    // and pads every slower answer with made-up faster ones; raw answer times are the honest figure.
    ...(opts.overallRate ? { overallRate: opts.overallRate, ignoreCoordinatedOmission: true } : {}),
    requests: [
      {
        method: 'POST',
        body: TICK_PAYLOAD,
        setupRequest: (req) => ({ ...req, headers: { ...headers, 'idempotency-key': `${label}-${n++}` } }),
      },
    ],
  });
}

/** Runs a load against one server and charges the CPU it and Redis used to the answers it gave. */
async function measure(server: Child, url: string, redis: Redis, label: string, opts: Parameters<typeof fire>[2]): Promise<LoadRun> {
  const cpu0 = server.cpuMs();
  const redis0 = await redisCpuMs(redis);
  const r = await fire(url, label, opts);
  const ok = r['2xx'];
  const perOk = (ms: number) => (ok > 0 ? round((ms * 1000) / ok, 0) : 0);
  return {
    rps: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok,
    bad: r.non2xx + r.errors + r.timeouts,
    serverCpuUs: perOk(server.cpuMs() - cpu0),
    redisCpuUs: perOk((await redisCpuMs(redis)) - redis0),
  };
}

/**
 * Webhooks accepted per second by Trellis's api role (auth, zod parse, dedupe, store in the inbox in
 * real Redis) against a bare Fastify route answering 202 to the same body, each in its own process, in
 * alternating rounds so noise on this shared machine hits both; then Trellis's latency at 1,000/s.
 */
export async function runIngress(runner: Runner, log: (line: string) => void): Promise<IngressResult> {
  const prefix = benchPrefix('ingress');
  const redis = benchRedis();
  const bare = startChild('bare fastify', tsArgs('bench/bare-server.ts'), {});
  const bareUrl = (await bare.waitFor(/^listening /, 30_000)).replace('listening ', '').trim();
  const api = await startApi({ runner, prefix, gitlabUrl: 'http://127.0.0.1:9' });
  const queue = new Queue(EVENTS_QUEUE, { connection: redis, prefix });
  try {
    // Warm both (JIT, connection pools) before anything counts.
    const runs: LoadRun[] = [await measure(bare, bareUrl, redis, 'warm-bare', { connections: CONNECTIONS, duration: 2 })];
    const trellisRuns: LoadRun[] = [await measure(api.child, api.url, redis, 'warm-trellis', { connections: CONNECTIONS, duration: 2 })];
    const rounds: Array<{ bare: LoadRun; trellis: LoadRun }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so a trend in background load favours neither.
      const order = i % 2 === 0 ? (['bare', 'trellis'] as const) : (['trellis', 'bare'] as const);
      const got: Partial<Record<'bare' | 'trellis', LoadRun>> = {};
      for (const which of order) {
        got[which] = which === 'bare'
          ? await measure(bare, bareUrl, redis, `r${i}-bare`, { connections: CONNECTIONS, duration: ROUND_SECONDS })
          : await measure(api.child, api.url, redis, `r${i}-trellis`, { connections: CONNECTIONS, duration: ROUND_SECONDS });
        await sleep(300);
      }
      rounds.push({ bare: got.bare!, trellis: got.trellis! });
      log(`  ingress round ${i + 1}: bare ${got.bare!.rps.toFixed(0)}/s, trellis ${got.trellis!.rps.toFixed(0)}/s`);
    }
    const atRate = await measure(api.child, api.url, redis, 'rate-trellis', { connections: RATE_CONNECTIONS, duration: 10, overallRate: 1000 });
    const bareAtRate = await measure(bare, bareUrl, redis, 'rate-bare', { connections: RATE_CONNECTIONS, duration: 5, overallRate: 1000 });
    log(`  at 1000/s: trellis p50 ${atRate.p50} ms p99 ${atRate.p99} ms (${atRate.rps.toFixed(0)}/s achieved); bare p99 ${bareAtRate.p99} ms`);
    trellisRuns.push(...rounds.map((r) => r.trellis), atRate);
    runs.push(...rounds.map((r) => r.bare), bareAtRate, ...trellisRuns);

    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    // No worker runs, so every accepted event is still in the inbox (or, from an earlier run's relay, a job).
    const stored = Object.values(counts).reduce((a, b) => a + b, 0) + (await inboxBacklog(redis, prefix));
    // Requests still in flight when autocannon stops are stored but not counted: only a shortfall matters.
    const acked = trellisRuns.reduce((n, r) => n + r.ok, 0);
    const t = rounds.map((r) => r.trellis);
    const b = rounds.map((r) => r.bare);
    const trellisRps = median(t.map((r) => r.rps));
    const bareRps = median(b.map((r) => r.rps));
    return {
      trellis_rps: round(trellisRps, 0),
      bare_rps: round(bareRps, 0),
      // Each round's pair ran back to back, so the median of their ratios cancels slow drifts in load.
      ratio: round(median(rounds.map((r) => r.trellis.rps / r.bare.rps)), 3),
      trellis_p50_ms: median(t.map((r) => r.p50)),
      trellis_p99_ms: median(t.map((r) => r.p99)),
      bare_p50_ms: median(b.map((r) => r.p50)),
      bare_p99_ms: median(b.map((r) => r.p99)),
      p50_ms_at_1000rps: atRate.p50,
      p99_ms_at_1000rps: atRate.p99,
      achieved_rps_at_1000rps: round(atRate.rps, 0),
      bare_p99_ms_at_1000rps: bareAtRate.p99,
      cpu_us_per_request: { bare: median(b.map((r) => r.serverCpuUs)), trellis: median(t.map((r) => r.serverCpuUs)), redis_for_trellis: median(t.map((r) => r.redisCpuUs)) },
      lost: Math.max(0, acked - stored),
      non_2xx: runs.reduce((n, r) => n + r.bad, 0),
      rounds: rounds.map((r) => ({ bare: round(r.bare.rps, 0), trellis: round(r.trellis.rps, 0), ratio: round(r.trellis.rps / r.bare.rps, 3) })),
    };
  } finally {
    await queue.close();
    await Promise.all([api.child.stop(), bare.stop()]);
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}
