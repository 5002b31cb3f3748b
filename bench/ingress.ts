import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { Queue } from 'bullmq';
import { EVENTS_QUEUE } from '../src/queue/queue-names.js';
import { ROOT, startChild, tsArgs } from './lib/proc.js';
import type { Runner } from './lib/proc.js';
import { benchPrefix, benchRedis, deletePrefix } from './lib/redis.js';
import { median, round, sleep } from './lib/stats.js';
import { startApi, WEBHOOK_SECRET } from './lib/trellis-proc.js';

/** One autocannon run, reduced to what the report needs. */
export interface LoadRun {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly bad: number;
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
  /** Jobs found in Redis afterwards over 202s answered "queued": 1 when every acknowledged event was stored. */
  readonly stored_per_ack: number;
  readonly rounds: ReadonlyArray<{ bare: number; trellis: number }>;
}

const ROUNDS = 3;
const ROUND_SECONDS = 5;
const CONNECTIONS = 50;
/** autocannon's overallRate sends each connection's share at the start of every second: 10 connections keeps that burst modest. */
const RATE_CONNECTIONS = 10;

/** The payload: a learner ticking an item of an SRE I module, as GitLab 17 sends it (5.9 KB). */
export const TICK_PAYLOAD = readFileSync(join(ROOT, 'webhooks/issue_hook_update_description.json'));

/** Requests with an Idempotency-Key of their own, so every request is a new delivery and reaches Redis. */
function load(url: string, label: string, opts: { connections: number; duration: number; overallRate?: number }): Promise<Result> {
  let n = 0;
  const headers = { 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': WEBHOOK_SECRET };
  return autocannon({
    url: `${url}/webhooks/gitlab`,
    connections: opts.connections,
    duration: opts.duration,
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

function reduce(r: Result): LoadRun {
  return { rps: r['2xx'] / r.duration, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], bad: r.non2xx + r.errors + r.timeouts };
}

/**
 * Webhooks accepted per second by Trellis's api role (auth, zod parse, dedupe, enqueue into real
 * Redis) against a bare Fastify route answering 202 to the same body, each in its own process,
 * in alternating rounds so noise on this shared machine hits both; then the latency of Trellis at
 * 1,000 requests/s.
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
    await load(bareUrl, 'warm-bare', { connections: CONNECTIONS, duration: 2 });
    const warm = reduce(await load(api.url, 'warm-trellis', { connections: CONNECTIONS, duration: 2 }));
    const rounds: Array<{ bare: LoadRun; trellis: LoadRun }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so a trend in background load favours neither.
      const order = i % 2 === 0 ? (['bare', 'trellis'] as const) : (['trellis', 'bare'] as const);
      const round: Partial<Record<'bare' | 'trellis', LoadRun>> = {};
      for (const which of order) {
        round[which] = reduce(await load(which === 'bare' ? bareUrl : api.url, `r${i}-${which}`, { connections: CONNECTIONS, duration: ROUND_SECONDS }));
        await sleep(300);
      }
      rounds.push({ bare: round.bare!, trellis: round.trellis! });
      log(`  ingress round ${i + 1}: bare ${round.bare!.rps.toFixed(0)}/s, trellis ${round.trellis!.rps.toFixed(0)}/s`);
    }
    const atRate = reduce(await load(api.url, 'rate-trellis', { connections: RATE_CONNECTIONS, duration: 10, overallRate: 1000 }));
    const bareAtRate = reduce(await load(bareUrl, 'rate-bare', { connections: RATE_CONNECTIONS, duration: 5, overallRate: 1000 }));
    log(`  at 1000/s: trellis p50 ${atRate.p50} ms p99 ${atRate.p99} ms (${atRate.rps.toFixed(0)}/s achieved); bare p99 ${bareAtRate.p99} ms`);

    const failures = [...rounds.flatMap((r) => [r.bare, r.trellis]), atRate, bareAtRate].reduce((n, r) => n + r.bad, 0);
    if (failures > 0) log(`  warning: ${failures} requests were not answered 2xx`);
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    const stored = Object.values(counts).reduce((a, b) => a + b, 0);
    const acked = warm.ok + rounds.reduce((n, r) => n + r.trellis.ok, 0) + atRate.ok;
    const t = rounds.map((r) => r.trellis);
    const b = rounds.map((r) => r.bare);
    const trellisRps = median(t.map((r) => r.rps));
    const bareRps = median(b.map((r) => r.rps));
    return {
      trellis_rps: round(trellisRps, 0),
      bare_rps: round(bareRps, 0),
      ratio: round(trellisRps / bareRps, 3),
      trellis_p50_ms: median(t.map((r) => r.p50)),
      trellis_p99_ms: median(t.map((r) => r.p99)),
      bare_p50_ms: median(b.map((r) => r.p50)),
      bare_p99_ms: median(b.map((r) => r.p99)),
      p50_ms_at_1000rps: atRate.p50,
      p99_ms_at_1000rps: atRate.p99,
      achieved_rps_at_1000rps: round(atRate.rps, 0),
      bare_p99_ms_at_1000rps: bareAtRate.p99,
      stored_per_ack: round(stored / acked, 3),
      rounds: rounds.map((r) => ({ bare: round(r.bare.rps, 0), trellis: round(r.trellis.rps, 0) })),
    };
  } finally {
    await queue.close();
    await Promise.all([api.child.stop(), bare.stop()]);
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}
