import { createHmac } from 'node:crypto';
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
import { PROBOT_SECRET } from './probot-server.js';

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
  /** Trellis / bare Fastify: the median of each round's ratio. */
  readonly ratio: number;
  /** Probot's ingress (@octokit/webhooks node middleware: signature check, no-op handler, nothing stored). */
  readonly probot_rps: number;
  /** Trellis / Probot: the median of each round's ratio. */
  readonly ratio_vs_probot: number;
  readonly probot_p50_ms: number;
  readonly probot_p99_ms: number;
  readonly trellis_p50_ms: number;
  readonly trellis_p99_ms: number;
  readonly bare_p50_ms: number;
  readonly bare_p99_ms: number;
  readonly p50_ms_at_1000rps: number;
  readonly p99_ms_at_1000rps: number;
  readonly achieved_rps_at_1000rps: number;
  readonly bare_p99_ms_at_1000rps: number;
  /** CPU microseconds per accepted webhook at full load (medians over rounds). */
  readonly cpu_us_per_request: { readonly bare: number; readonly probot: number; readonly trellis: number; readonly redis_for_trellis: number };
  /** Acknowledged events missing from Redis afterwards (a 202 must mean stored): 0. */
  readonly lost: number;
  readonly non_2xx: number;
  readonly rounds: ReadonlyArray<{ readonly bare: number; readonly probot: number; readonly trellis: number; readonly ratio: number; readonly ratio_vs_probot: number }>;
}

/** Rounds of the three servers (BENCH_INGRESS_ROUNDS; 4 by default), each ROUND_SECONDS long (BENCH_INGRESS_SECONDS). */
const ROUNDS = Number(process.env.BENCH_INGRESS_ROUNDS ?? 4);
const ROUND_SECONDS = Number(process.env.BENCH_INGRESS_SECONDS ?? 5);
const CONNECTIONS = 50;
/**
 * autocannon's overallRate lets each connection send its share at the start of every second and then
 * pause, so the "1,000/s" load is a burst per second; 10 connections keep that burst's concurrency modest.
 */
const RATE_CONNECTIONS = 10;

/** The payload: a learner ticking an item of an SRE I module, as GitLab 17 sends it (5.9 KB). */
export const TICK_PAYLOAD = readFileSync(join(ROOT, 'webhooks/issue_hook_update_description.json'));

/** How a server wants its deliveries: GitLab's headers for Trellis and bare Fastify, GitHub's (signed) for Probot. */
type Dialect = 'gitlab' | 'github';

/** The payload's HMAC as GitHub signs it (`X-Hub-Signature-256`); the body never changes, so once. */
const PROBOT_SIGNATURE = `sha256=${createHmac('sha256', PROBOT_SECRET).update(TICK_PAYLOAD).digest('hex')}`;

/** Autocannon requests, each a new delivery (its own Idempotency-Key, or X-GitHub-Delivery), so every one reaches Redis. */
async function fire(url: string, label: string, opts: { connections: number; duration: number; overallRate?: number; dialect?: Dialect }): Promise<Result> {
  let n = 0;
  const github = opts.dialect === 'github';
  const headers: Record<string, string> = github
    ? { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-hub-signature-256': PROBOT_SIGNATURE }
    : { 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': WEBHOOK_SECRET };
  const idHeader = github ? 'x-github-delivery' : 'idempotency-key';
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
        setupRequest: (req) => ({ ...req, headers: { ...headers, [idHeader]: `${label}-${n++}` } }),
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
 * Webhooks accepted per second by Trellis's api role (auth, read the payload, dedupe, store in the
 * inbox in real Redis) against a bare Fastify route answering 202 to the same body and against
 * Probot's ingress (@octokit/webhooks' node middleware: HMAC check, parse, no-op handler, nothing
 * stored), each in its own process, in rotating rounds so noise on this shared machine hits all three;
 * then Trellis's latency at 1,000/s.
 */
export async function runIngress(runner: Runner, log: (line: string) => void): Promise<IngressResult> {
  const prefix = benchPrefix('ingress');
  const redis = benchRedis();
  const bare = startChild('bare fastify', tsArgs('bench/bare-server.ts'), {});
  const probot = startChild('probot middleware', tsArgs('bench/probot-server.ts'), {});
  const bareUrl = (await bare.waitFor(/^listening /, 30_000)).replace('listening ', '').trim();
  const probotUrl = (await probot.waitFor(/^listening /, 30_000)).replace('listening ', '').trim();
  const api = await startApi({ runner, prefix, gitlabUrl: 'http://127.0.0.1:9' });
  const queue = new Queue(EVENTS_QUEUE, { connection: redis, prefix });
  const servers = {
    bare: { child: bare, url: bareUrl, dialect: 'gitlab' },
    probot: { child: probot, url: probotUrl, dialect: 'github' },
    trellis: { child: api.child, url: api.url, dialect: 'gitlab' },
  } as const;
  type Name = keyof typeof servers;
  const load = (which: Name, label: string, duration: number) => {
    const s = servers[which];
    return measure(s.child, s.url, redis, label, { connections: CONNECTIONS, duration, dialect: s.dialect });
  };
  try {
    // Warm all three (JIT, connection pools) before anything counts.
    const runs: LoadRun[] = [await load('bare', 'warm-bare', 2), await load('probot', 'warm-probot', 2)];
    const trellisRuns: LoadRun[] = [await load('trellis', 'warm-trellis', 2)];
    const rounds: Array<Record<Name, LoadRun>> = [];
    const names: Name[] = ['bare', 'probot', 'trellis'];
    for (let i = 0; i < ROUNDS; i++) {
      // Rotate which goes first, so a trend in background load favours none.
      const order = names.map((_, k) => names[(i + k) % names.length]!);
      const got: Partial<Record<Name, LoadRun>> = {};
      for (const which of order) {
        got[which] = await load(which, `r${i}-${which}`, ROUND_SECONDS);
        await sleep(300);
      }
      const done = got as Record<Name, LoadRun>;
      rounds.push(done);
      log(`  ingress round ${i + 1}: bare ${done.bare.rps.toFixed(0)}/s, probot ${done.probot.rps.toFixed(0)}/s, trellis ${done.trellis.rps.toFixed(0)}/s`);
    }
    const atRate = await measure(api.child, api.url, redis, 'rate-trellis', { connections: RATE_CONNECTIONS, duration: 10, overallRate: 1000 });
    const bareAtRate = await measure(bare, bareUrl, redis, 'rate-bare', { connections: RATE_CONNECTIONS, duration: 5, overallRate: 1000 });
    log(`  at 1000/s: trellis p50 ${atRate.p50} ms p99 ${atRate.p99} ms (${atRate.rps.toFixed(0)}/s achieved); bare p99 ${bareAtRate.p99} ms`);
    trellisRuns.push(...rounds.map((r) => r.trellis), atRate);
    runs.push(...rounds.flatMap((r) => [r.bare, r.probot]), bareAtRate, ...trellisRuns);

    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    // No worker runs, so every accepted event is still in the inbox (or, from an earlier run's relay, a job).
    const stored = Object.values(counts).reduce((a, b) => a + b, 0) + (await inboxBacklog(redis, prefix));
    // Requests still in flight when autocannon stops are stored but not counted: only a shortfall matters.
    const acked = trellisRuns.reduce((n, r) => n + r.ok, 0);
    const of = (which: Name) => rounds.map((r) => r[which]);
    const [t, b, p] = [of('trellis'), of('bare'), of('probot')];
    return {
      trellis_rps: round(median(t.map((r) => r.rps)), 0),
      bare_rps: round(median(b.map((r) => r.rps)), 0),
      // Each round's runs went back to back, so the median of their ratios cancels slow drifts in load.
      ratio: round(median(rounds.map((r) => r.trellis.rps / r.bare.rps)), 3),
      probot_rps: round(median(p.map((r) => r.rps)), 0),
      ratio_vs_probot: round(median(rounds.map((r) => r.trellis.rps / r.probot.rps)), 3),
      probot_p50_ms: median(p.map((r) => r.p50)),
      probot_p99_ms: median(p.map((r) => r.p99)),
      trellis_p50_ms: median(t.map((r) => r.p50)),
      trellis_p99_ms: median(t.map((r) => r.p99)),
      bare_p50_ms: median(b.map((r) => r.p50)),
      bare_p99_ms: median(b.map((r) => r.p99)),
      p50_ms_at_1000rps: atRate.p50,
      p99_ms_at_1000rps: atRate.p99,
      achieved_rps_at_1000rps: round(atRate.rps, 0),
      bare_p99_ms_at_1000rps: bareAtRate.p99,
      cpu_us_per_request: {
        bare: median(b.map((r) => r.serverCpuUs)),
        probot: median(p.map((r) => r.serverCpuUs)),
        trellis: median(t.map((r) => r.serverCpuUs)),
        redis_for_trellis: median(t.map((r) => r.redisCpuUs)),
      },
      lost: Math.max(0, acked - stored),
      non_2xx: runs.reduce((n, r) => n + r.bad, 0),
      rounds: rounds.map((r) => ({
        bare: round(r.bare.rps, 0),
        probot: round(r.probot.rps, 0),
        trellis: round(r.trellis.rps, 0),
        ratio: round(r.trellis.rps / r.bare.rps, 3),
        ratio_vs_probot: round(r.trellis.rps / r.probot.rps, 3),
      })),
    };
  } finally {
    await queue.close();
    await Promise.all([api.child.stop(), bare.stop(), probot.stop()]);
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
}
