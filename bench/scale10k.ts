import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseRoster } from '../src/core/parse-roster.js';
import { createJobQueue } from '../src/queue/job-queue.js';
import { stateKey } from '../src/redis/redis-cache.js';
import { MARK_STATE } from '../src/workflows/reconcile/reconcile-mark.js';
import type { JobData } from '../src/queue/job-queue.js';
import { JOBS_QUEUE } from '../src/queue/queue-names.js';
import { startSimulator } from '../src/sim/index.js';
import type { RunningSim } from '../src/sim/index.js';
import { RECORDS_GROUP, seedRecords } from '../test/helpers/e2e.js';
import { jobsInFlight } from '../test/reliability/reliability-helpers.js';
import { expireDeadLocks, recoverStalled } from '../test/reliability/worker-process.js';
import { runsPerHour } from './lib/cron-runs.js';
import { largeDepartment } from './lib/large-department.js';
import type { Child, Runner } from './lib/proc.js';
import { benchPrefix, benchRedis, deletePrefix, REDIS_URL } from './lib/redis.js';
import { median, quantile, round, sleep, until } from './lib/stats.js';
import { startApi, startWorker } from './lib/trellis-proc.js';

export interface Scale10kResult {
  readonly reports: number;
  /** Generating aside, parsing and validating the roster file (median of 3, in the bench's process). */
  readonly roster_load_ms: number;
  /** Peak RSS (VmHWM) of the worker processes through the fan-out, a full reconcile and the hour at rest, and of the api serving the dashboard. */
  readonly worker_rss_mb: number;
  /** The workers' peak through the fan-out alone (worker_rss_mb adds the full reconcile and the hour at rest). */
  readonly worker_rss_fanout_mb: number;
  readonly api_rss_mb: number;
  readonly fanout_limit_per_minute: number;
  readonly fanout_creations: number;
  /** Creations a minute over the limit while a worker ran (the gap between the kill and the restart left out). */
  readonly fanout_utilization: number;
  /** The same over the whole run, the gap included. */
  readonly fanout_utilization_overall: number;
  readonly fanout_seconds: number;
  readonly fanout_killed_after_creations: number;
  readonly fanout_duplicates: number;
  readonly fanout_missing: number;
  readonly reconcile_calls: number;
  readonly reconcile_s: number;
  /** API calls an hour at rest (each schedule's run once, times its runs an hour), over GitLab.com's 2,000 a minute. */
  readonly rest_api_calls_per_hour: number;
  readonly rest_api_share_per_hour: number;
  readonly rest_schedules: ReadonlyArray<{ readonly job: string; readonly cron: string; readonly runs_per_hour: number; readonly calls: number }>;
  /** Each dashboard page's first (uncached) answer, and the p95 of later answers from the cache. */
  readonly dashboard_cold_ms: Readonly<Record<string, number>>;
  readonly dashboard_p95_ms: number;
}

/** BENCH_SCALE10K_REPORTS: the department's size (10,000 by default; smaller to try the scenario quickly). */
const REPORTS = Number(process.env.BENCH_SCALE10K_REPORTS ?? 10_000);
/**
 * Issue creations a minute in the simulator and in Trellis's budget (BENCH_SCALE10K_LIMIT), raised
 * from GitLab.com's 200 so the run is short. 6,010 rather than 6,000: the budget paces in whole
 * milliseconds (src/gitlab/api-budget.ts `paceFor`: ceil(60,000 / (limit - burst of 10))), so a limit
 * whose interval is not a whole number of ms is capped below itself (6,000/min paces at 11 ms, 0.909 of
 * it; 12,000/min at 6 ms, 0.833); 6,010 paces at exactly 10 ms, 6,000 a minute.
 */
const LIMIT = Number(process.env.BENCH_SCALE10K_LIMIT ?? 6_010);
/** BENCH_SCALE10K_CONCURRENCY: jobs each worker process runs at once (TRELLIS_WORKER_CONCURRENCY; 8 by default, as in production). */
const CONCURRENCY = Number(process.env.BENCH_SCALE10K_CONCURRENCY ?? 8);
const API_PER_HOUR = 2_000 * 60;
const DASHBOARD_TOKEN = 'bench-dashboard-token';
const PAGES = ['/dashboard', '/dashboard/training', '/dashboard/checkpoints', '/dashboard/internships', '/dashboard/gearing', '/dashboard/roles'];

/**
 * A department of 10,000 reports on the simulator: the roster's load time; the quarter's fan-out
 * (each report's private records project, checkpoint and big-picture conversation) at the raised
 * issue-creation limit, with the worker SIGKILLed halfway and a new one started; one reconcile; an
 * hour at rest (every installed schedule run once, weighted by its runs an hour); the dashboard.
 */
export async function runScale10k(runner: Runner, log: (line: string) => void): Promise<Scale10kResult> {
  const dept = largeDepartment(REPORTS);
  const rosterMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const parsed = parseRoster(dept.yaml, 'roster.yml');
    rosterMs.push(performance.now() - t);
    if (!parsed.ok) throw new Error(`generated roster invalid: ${parsed.errors[0]?.message}`);
  }
  log(`  roster of ${dept.reports.length + 1} people (${(dept.yaml.length / 1e6).toFixed(1)} MB): ${rosterMs.map((m) => m.toFixed(0)).join(' / ')} ms`);

  const sim = await startSimulator({ port: 0 });
  const prefix = benchPrefix('scale10k');
  const redis = benchRedis();
  const children: Child[] = [];
  const jobs = createJobQueue(benchRedis(), prefix);
  try {
    await seedRecords(sim, dept.yaml, ['dir', ...dept.reports]);
    sim.setLimits({ issue_create_per_minute: LIMIT });
    const target = {
      runner,
      prefix,
      gitlabUrl: sim.url,
      env: { TRELLIS_RECORDS_GROUP: RECORDS_GROUP, GITLAB_ISSUE_CREATE_PER_MINUTE: String(LIMIT), GITLAB_API_PER_MINUTE: '0', GITLAB_NOTE_CREATE_PER_MINUTE: '0', TRELLIS_WORKER_CONCURRENCY: String(CONCURRENCY) },
    };
    const worker = async (name: string) => {
      const w = await startWorker(target, name);
      children.push(w);
      return w;
    };
    const fanout = await runFanout(sim, jobs, redis, prefix, () => worker('worker 1'), () => worker('worker 2'), dept.reports, log);
    const fanoutRss = Math.max(...children.map((c) => c.memory().hwmMb), fanout.firstWorkerHwm);

    sim.resetRequests();
    let t = performance.now();
    // A first run, so a full one (a scheduled run during the fan-out, at :17, would leave a mark that
    // makes this one re-derive only what changed), leaving the mark the hour at rest lists from.
    await redis.del(stateKey(prefix, MARK_STATE));
    await jobs.add('reconcile:run', {});
    await settled(redis, prefix, 1_800_000);
    const reconcileCalls = sim.requests().total;
    const reconcileS = (performance.now() - t) / 1000;
    log(`  reconcile: ${reconcileCalls} API calls in ${reconcileS.toFixed(1)} s`);

    const rest = await restHour(sim, jobs, redis, prefix, log);
    // The workers' peak through the fan-out, the full reconcile and the hour at rest.
    const workerRss = Math.max(...children.map((c) => c.memory().hwmMb), fanout.firstWorkerHwm);

    t = performance.now();
    const api = await startApi({ ...target, env: { ...target.env, DASHBOARD_TOKEN } });
    children.push(api.child);
    const dashboard = await dashboardTimes(api.url);
    log(`  dashboard: cold ${Object.entries(dashboard.cold).map(([p, ms]) => `${p} ${ms} ms`).join(', ')}; cached p95 ${dashboard.p95} ms`);
    return {
      reports: dept.reports.length,
      roster_load_ms: round(median(rosterMs), 0),
      worker_rss_mb: round(workerRss, 1),
      worker_rss_fanout_mb: round(fanoutRss, 1),
      api_rss_mb: round(api.child.memory().hwmMb, 1),
      fanout_limit_per_minute: LIMIT,
      fanout_creations: fanout.created,
      fanout_utilization: round(fanout.utilization, 3),
      fanout_utilization_overall: round(fanout.overall, 3),
      fanout_seconds: round(fanout.seconds, 1),
      fanout_killed_after_creations: fanout.killedAt,
      fanout_duplicates: fanout.duplicates,
      fanout_missing: fanout.missing,
      reconcile_calls: reconcileCalls,
      reconcile_s: round(reconcileS, 1),
      rest_api_calls_per_hour: round(rest.callsPerHour, 0),
      rest_api_share_per_hour: round(rest.callsPerHour / API_PER_HOUR, 4),
      rest_schedules: rest.schedules,
      dashboard_cold_ms: dashboard.cold,
      dashboard_p95_ms: dashboard.p95,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await jobs.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
    await sim.close();
  }
}

/** Waits until no event or job is queued, running or retrying. */
async function settled(redis: ReturnType<typeof benchRedis>, prefix: string, timeoutMs: number): Promise<void> {
  let quiet = 0;
  await until('Trellis to settle', async () => {
    quiet = (await jobsInFlight(redis, prefix)) === 0 ? quiet + 1 : 0;
    return quiet >= 3;
  }, timeoutMs, 200);
}

/**
 * `checkpoint:open-quarter`, as its schedule runs it; the first worker is SIGKILLed once half the
 * creations reached GitLab, its locks expired and its stalled jobs moved back (what Redis and BullMQ
 * do by themselves within 30 s), and a second worker finishes. Records are then counted per report.
 */
async function runFanout(
  sim: RunningSim,
  jobs: ReturnType<typeof createJobQueue>,
  redis: ReturnType<typeof benchRedis>,
  prefix: string,
  first: () => Promise<Child>,
  second: () => Promise<Child>,
  reports: readonly string[],
  log: (line: string) => void,
) {
  const w1 = await first();
  sim.resetRequests();
  const started = performance.now();
  await jobs.add('checkpoint:open-quarter', {});
  const creates = () => sim.requests().byClass.issue_create;
  const half = reports.length;
  await until('half the fan-out', () => creates() >= half, 1_800_000, 20);
  const killedAt = creates();
  const firstWorkerHwm = w1.memory().hwmMb;
  const killed = performance.now();
  process.kill(w1.pid, 'SIGKILL');
  await expireDeadLocks(redis, prefix, JOBS_QUEUE);
  // A BullMQ worker (the stalled-job checker) wants a connection that never gives up on a command.
  const checker = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await recoverStalled(checker, prefix, JOBS_QUEUE, async () => (await jobs.queue.getActiveCount()) === 0, 120_000).finally(() => checker.quit());
  const restarted = performance.now();
  await second();
  let last = performance.now();
  let seen = creates();
  let quiet = 0;
  while (quiet < 5) {
    await sleep(200);
    const n = creates();
    if (n !== seen) {
      seen = n;
      last = performance.now();
    }
    quiet = n === seen && (await jobsInFlight(redis, prefix)) === 0 ? quiet + 1 : 0;
  }
  const created = sim.requests().byClass.issue_create;
  const running = (killed - started + (last - restarted)) / 60_000;
  const { duplicates, missing } = await recordsPerReport(sim, reports);
  const seconds = (last - started) / 1000;
  log(`  fan-out: ${created} creations for ${reports.length} reports in ${seconds.toFixed(1)} s (worker killed after ${killedAt}, ${((restarted - killed) / 1000).toFixed(1)} s to recover); ${duplicates} duplicates, ${missing} missing`);
  return { created, utilization: created / running / LIMIT, overall: created / (seconds / 60) / LIMIT, seconds, killedAt, duplicates, missing, firstWorkerHwm };
}

/** Checkpoints and big-picture conversations per report, across the records group, as root sees them. */
async function recordsPerReport(sim: RunningSim, reports: readonly string[]): Promise<{ duplicates: number; missing: number }> {
  const per = new Map<string, number>();
  for (const label of ['career-checkpoint', 'career-conversation']) {
    for (let page = 1; ; page++) {
      const res = await fetch(`${sim.url}/api/v4/groups/${encodeURIComponent(RECORDS_GROUP)}/issues?labels=${label}&state=all&per_page=100&page=${page}`, { headers: { 'private-token': sim.rootToken } });
      const batch = (await res.json()) as Array<{ title: string }>;
      for (const issue of batch) {
        const who = /: @(\S+)$/.exec(issue.title)?.[1] ?? '?';
        per.set(`${label} ${who}`, (per.get(`${label} ${who}`) ?? 0) + 1);
      }
      if (batch.length < 100) break;
    }
  }
  const duplicates = [...per.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const missing = reports.flatMap((r) => ['career-checkpoint', 'career-conversation'].map((l) => `${l} ${r}`)).filter((k) => !per.has(k)).length;
  return { duplicates, missing };
}

/**
 * An hour of rest, computed rather than waited for: every job scheduler the worker installed runs
 * once, its API calls weighted by how often its cron fires in an hour on average over a year. The
 * reconcile runs again here: the run measured before is the first after the fan-out, which also does
 * what only a first reconcile does (the privacy workflow's first full access audit and first access
 * sync, two reads per report, once per install), not what an hour at rest costs.
 */
async function restHour(sim: RunningSim, jobs: ReturnType<typeof createJobQueue>, redis: ReturnType<typeof benchRedis>, prefix: string, log: (line: string) => void) {
  const queue = new Queue<JobData>(JOBS_QUEUE, { connection: redis, prefix });
  const schedulers = await queue.getJobSchedulers(0, -1);
  await queue.close();
  const schedules: Array<{ job: string; cron: string; runs_per_hour: number; calls: number }> = [];
  for (const s of schedulers) {
    const job = s.name;
    const cron = s.pattern ?? '';
    sim.resetRequests();
    const data = (s.template?.data as JobData | undefined)?.data ?? {};
    await jobs.add(job, data);
    await settled(redis, prefix, 600_000);
    const calls = sim.requests().total;
    schedules.push({ job, cron, runs_per_hour: round(runsPerHour(cron), 5), calls });
  }
  const callsPerHour = schedules.reduce((n, s) => n + s.calls * s.runs_per_hour, 0);
  log(`  at rest: ${callsPerHour.toFixed(0)} API calls an hour (${schedules.map((s) => `${s.job} ${s.calls} x ${s.runs_per_hour}/h`).join(', ')})`);
  return { callsPerHour, schedules };
}

/** Each page once (filling the dashboard's cache), then 20 rounds over all of them within the cache's 30 s. */
async function dashboardTimes(url: string): Promise<{ cold: Record<string, number>; p95: number }> {
  const get = async (page: string) => {
    const t = performance.now();
    const res = await fetch(`${url}${page}`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    await res.text();
    if (!res.ok) throw new Error(`GET ${page}: ${res.status}`);
    return performance.now() - t;
  };
  const cold: Record<string, number> = {};
  for (const page of PAGES) cold[page] = round(await get(page), 0);
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) for (const page of PAGES) warm.push(await get(page));
  return { cold, p95: round(quantile(warm, 0.95), 1) };
}
