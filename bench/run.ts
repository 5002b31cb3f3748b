/**
 * `npm run bench`: every benchmark of Trellis in one run on this machine, printed as a table and
 * written to bench/results/latest.json. `npm run bench -- --only ingress,fanout` runs some scenarios
 * and writes bench/results/only.json.tmp instead, so latest.json always holds one whole run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runE2eLatency } from './e2e-latency.js';
import type { E2eResult } from './e2e-latency.js';
import { runEconomy } from './economy.js';
import type { EconomyResult } from './economy.js';
import { runFanout } from './fanout.js';
import type { FanoutResult } from './fanout.js';
import { runIngress } from './ingress.js';
import type { IngressResult } from './ingress.js';
import { runIntakeBreakdown } from './intake-breakdown.js';
import type { IntakeBreakdown } from './intake-breakdown.js';
import { runInternship } from './internship.js';
import type { InternshipResult } from './internship.js';
import { ensureBuild, productionNodeFlags, ROOT, stopAllChildren } from './lib/proc.js';
import { round } from './lib/stats.js';
import { formatTable } from './lib/table.js';
import type { Row } from './lib/table.js';
import { startTrainingFixture } from './lib/training-fixture.js';
import { runScale } from './scale.js';
import type { ScaleResult } from './scale.js';
import { runScale10k } from './scale10k.js';
import type { Scale10kResult } from './scale10k.js';

const SCENARIOS = ['ingress', 'intake', 'training', 'internship', 'fanout', 'scale', 'scale10k'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Results {
  ingress?: IngressResult;
  intake?: IntakeBreakdown;
  e2e?: E2eResult;
  economy?: EconomyResult;
  internship?: InternshipResult;
  fanout?: FanoutResult;
  scale?: ScaleResult;
  scale10k?: Scale10kResult;
}

/** How long the whole run may take on the 2-core CI machine; a scenario past it is a bug to fix. */
const BUDGET_SECONDS = 600;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function chosen(): readonly Scenario[] {
  const at = process.argv.indexOf('--only');
  if (at < 0) return SCENARIOS;
  const names = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  const bad = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) throw new Error(`--only takes a comma-separated list of: ${SCENARIOS.join(', ')}`);
  return names as Scenario[];
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const scenarios = chosen();
  const started = Date.now();
  const load = loadavg().map((l) => round(l, 2));
  log(`trellis bench: ${scenarios.join(', ')} on ${cpus().length} CPUs, load average ${load.join(' ')}`);
  const runner = scenarios.some((s) => s === 'ingress' || s === 'scale' || s === 'scale10k') ? await ensureBuild(log) : 'dist';
  const results: Results = {};
  const errors: Record<string, string> = {};
  const step = async (name: Scenario, fn: () => Promise<void>) => {
    if (!scenarios.includes(name)) return;
    const t = Date.now();
    log(`${name}...`);
    try {
      await fn();
    } catch (err) {
      errors[name] = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`  ${name} failed: ${errors[name]}`);
      await stopAllChildren();
    }
    log(`  (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  };

  // Ingress first, while nothing else of the bench runs: it is the figure most sensitive to noise.
  await step('ingress', async () => void (results.ingress = await runIngress(runner, log)));
  await step('intake', async () => void (results.intake = await runIntakeBreakdown()));
  await step('training', async () => {
    const fx = await startTrainingFixture(40);
    try {
      results.e2e = await runE2eLatency(fx, log);
      results.economy = await runEconomy(fx, log);
    } finally {
      await fx.close();
    }
  });
  await step('internship', async () => void (results.internship = await runInternship(log)));
  await step('fanout', async () => void (results.fanout = await runFanout(log)));
  await step('scale', async () => void (results.scale = await runScale(runner, log)));
  await step('scale10k', async () => void (results.scale10k = await runScale10k(runner, log)));

  const seconds = round((Date.now() - started) / 1000, 0);
  const report = {
    meta: {
      date: new Date(started).toISOString(),
      commit: git(['rev-parse', '--short', 'HEAD']),
      uncommitted_changes: git(['status', '--porcelain']).length > 0,
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      load_average_start: load,
      load_average_end: loadavg().map((l) => round(l, 2)),
      children_run: runner,
      // The V8 flags npm start runs Trellis with (package.json), which the children run with too.
      child_node_flags: { api: productionNodeFlags('api').join(' '), worker: productionNodeFlags('worker').join(' ') },
      child_node_options: process.env.BENCH_NODE_OPTIONS ?? '',
      seconds,
      scenarios,
    },
    ...shape(results),
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  };
  const table = formatTable(rows(results));
  process.stdout.write(`\n${table}\n\n${scenarios.length} scenarios in ${seconds} s (load average ${report.meta.load_average_start.join(' ')} at start, ${report.meta.load_average_end.join(' ')} at end)\n`);
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = scenarios.length === SCENARIOS.length ? 'latest.json' : 'only.json.tmp';
  writeFileSync(join(dir, file), `${JSON.stringify(report, null, 2)}\n`);
  log(`written: bench/results/${file}`);
  if (seconds > BUDGET_SECONDS) log(`warning: the run took ${seconds} s, over the ${BUDGET_SECONDS} s budget`);
  return Object.keys(errors).length > 0 ? 1 : 0;
}

/** The JSON's sections; the keys the issue names are flat numbers at the top of each. */
function shape(r: Results) {
  const e = r.economy;
  return {
    ...(r.ingress ? { ingress: r.ingress } : {}),
    ...(r.intake ? { intake: r.intake } : {}),
    ...(r.e2e ? { e2e: r.e2e } : {}),
    ...(e || r.fanout || r.internship
      ? {
          economy: {
            ...(e
              ? {
                  noop_writes: e.noop.writes,
                  noop_reads: e.noop.reads,
                  // The costliest tick: one that moves the module to another column (label + status note).
                  tick_writes: e.tick_column.writes,
                  tick_reads: Math.max(e.tick_column.reads, e.tick_progress.reads),
                  tick_label_writes: e.tick_column.label_writes,
                  tick_note_edits: e.tick_column.note_edits,
                  tick_in_column_writes: e.tick_progress.writes,
                }
              : {}),
            ...(r.internship ? { internship_writes: r.internship.writes, internship_reads: r.internship.reads } : {}),
            ...(r.fanout ? { fanout_creates_per_report: r.fanout.creates_per_report, fanout_reads_per_report: r.fanout.reads_per_report } : {}),
            ...(e ? { detail: e } : {}),
            ...(r.internship ? { internship: r.internship } : {}),
          },
        }
      : {}),
    ...(r.fanout ? { fanout: r.fanout } : {}),
    ...(r.scale ? { scale: r.scale } : {}),
    ...(r.scale10k ? { scale10k: r.scale10k } : {}),
  };
}

function rows(r: Results): Row[] {
  const out: Row[] = [];
  const add = (figure: string, value: string, target = '', met: boolean | null = null) => out.push({ figure, value, target, met });
  if (r.ingress) {
    const i = r.ingress;
    add('ingress: Trellis webhooks accepted /s', `${i.trellis_rps} (p50 ${i.trellis_p50_ms} ms, p99 ${i.trellis_p99_ms} ms)`);
    add('ingress: bare Fastify 202 /s', `${i.bare_rps} (p50 ${i.bare_p50_ms} ms, p99 ${i.bare_p99_ms} ms)`);
    add('ingress: Probot middleware 200 /s', `${i.probot_rps} (p50 ${i.probot_p50_ms} ms, p99 ${i.probot_p99_ms} ms)`);
    add('ingress: ratio Trellis / bare', i.ratio.toFixed(2), '>= 0.8', i.ratio >= 0.8);
    add('ingress: ratio Trellis / Probot', i.ratio_vs_probot.toFixed(2), '>= 1.0', i.ratio_vs_probot >= 1);
    add('ingress: at 1,000/s, p50 / p99', `${i.p50_ms_at_1000rps} / ${i.p99_ms_at_1000rps} ms (${i.achieved_rps_at_1000rps}/s; bare p99 ${i.bare_p99_ms_at_1000rps} ms)`, 'p99 < 20 ms', i.p99_ms_at_1000rps < 20);
    add('ingress: CPU per webhook, bare / Probot / Trellis / Redis', `${i.cpu_us_per_request.bare} / ${i.cpu_us_per_request.probot} / ${i.cpu_us_per_request.trellis} / ${i.cpu_us_per_request.redis_for_trellis} us`);
    add('ingress: acknowledged but not stored', String(i.lost), '0', i.lost === 0);
  }
  if (r.intake) {
    const b = r.intake;
    add('intake: JSON.parse / read and normalise per webhook', `${b.json_parse_us} / ${b.validate_us} us`);
    add('intake: store in the inbox, node / Redis', `${b.enqueue_node_us} / ${b.enqueue_redis_us} us (BullMQ addBulk, as the relay does: ${b.bullmq_add_node_us} / ${b.bullmq_add_redis_us} us)`);
  }
  if (r.e2e) {
    const e = r.e2e;
    add('e2e: edit to label, p50 / p95', `${e.p50_ms} / ${e.p95_ms} ms (${e.events} events at ${e.rate_per_s}/s, ${e.timeouts} lost)`, 'p50 < 50 ms', e.p50_ms < 50 && e.timeouts === 0);
  }
  if (r.economy) {
    const { noop, tick_progress: p, tick_column: c } = r.economy;
    add('economy: edit changing nothing, writes / reads', `${noop.writes} / ${noop.reads}`, '0 writes', noop.writes === 0);
    add('economy: tick within a column, writes / reads', `${p.writes} (${p.label_writes} label, ${p.note_edits} note) / ${p.reads}`, '<= 1 label, 1 note, 0 reads', p.label_writes <= 1 && p.note_edits <= 1 && p.writes <= 2 && p.reads === 0);
    add('economy: tick into next column, writes / reads', `${c.writes} (${c.label_writes} label, ${c.note_edits} note) / ${c.reads}`, '<= 1 label, 1 note, 0 reads', c.label_writes <= 1 && c.note_edits <= 1 && c.writes <= 2 && c.reads === 0);
  }
  if (r.internship) {
    const a = r.internship;
    add('economy: internship approval, writes / reads', `${a.writes} (${a.issue_creates} issues, ${a.note_creates} notes) / ${a.reads}; ${a.state ?? 'no state'}`);
  }
  if (r.fanout) {
    const f = r.fanout;
    add('economy: fan-out per report, creates / reads', `${f.creates_per_report} / ${f.reads_per_report}`, '1 / < 0.1', f.creates_per_report === 1 && f.reads_per_report < 0.1);
    add(`fanout: ${f.reports} reports at ${f.limit_per_minute}/min, utilization`, `${f.utilization} (${f.creates_per_minute}/min over ${f.seconds} s, ${f.rate_limited} 429s)`, '>= 0.9', f.utilization >= 0.9);
    add('fanout: duplicates / missing', `${f.duplicates} / ${f.missing}`, '0 / 0', f.duplicates === 0 && f.missing === 0);
  }
  if (r.scale) {
    const s = r.scale;
    add(`scale: ${s.events} webhooks ingested /s`, String(s.ingest_rps));
    add('scale: api peak RSS', `${s.api_rss_mb} MB (${s.api_rss_idle_mb} MB idle)`, '< 200 MB', s.api_rss_mb < 200);
    add('scale: worker peak RSS', `${s.worker_rss_mb} MB (${s.worker_rss_idle_mb} MB idle)`, '< 200 MB', s.worker_rss_mb < 200);
    add('scale: Redis memory per queued event', `${s.redis_bytes_per_event} B (inbox entry + dedupe key sampled: ${s.stored_bytes_sampled} B)`);
    add('scale: drain /s with 1 / 2 / 4 workers', `${s.drain_rps.w1} / ${s.drain_rps.w2} / ${s.drain_rps.w4} (CPU busy ${s.drain_cpu_busy.w1} / ${s.drain_cpu_busy.w2} / ${s.drain_cpu_busy.w4}; Redis ${s.drain_redis_core_share.w1} / ${s.drain_redis_core_share.w2} / ${s.drain_redis_core_share.w4} core)`);
    add('scale: drain, failed jobs / GitLab calls per event', `${s.failed} / ${s.gitlab_calls_per_event} (all drained in ${s.drain_seconds} s)`, '0 failed', s.failed === 0);
  }
  if (r.scale10k) {
    const k = r.scale10k;
    add(`scale10k: roster of ${k.reports} reports, load and validate`, `${k.roster_load_ms} ms`, '< 1000 ms', k.roster_load_ms < 1000);
    add('scale10k: worker / api peak RSS', `${k.worker_rss_mb} / ${k.api_rss_mb} MB (worker through the fan-out alone: ${k.worker_rss_fanout_mb} MB)`, '< 200 MB', k.worker_rss_mb < 200 && k.api_rss_mb < 200);
    add(`scale10k: fan-out at ${k.fanout_limit_per_minute}/min, utilization`, `${k.fanout_utilization} (${k.fanout_creations} creations in ${k.fanout_seconds} s; ${k.fanout_utilization_overall} with the restart gap)`, '>= 0.95', k.fanout_utilization >= 0.95);
    add('scale10k: fan-out, worker killed halfway: duplicates / missing', `${k.fanout_duplicates} / ${k.fanout_missing} (killed after ${k.fanout_killed_after_creations})`, '0 / 0', k.fanout_duplicates === 0 && k.fanout_missing === 0);
    add('scale10k: at rest, share of the API budget an hour', `${(k.rest_api_share_per_hour * 100).toFixed(2)}% (${k.rest_api_calls_per_hour} calls)`, '<= 1%', k.rest_api_share_per_hour <= 0.01);
    add('scale10k: one reconcile, API calls / duration', `${k.reconcile_calls} / ${k.reconcile_s} s`);
    add('scale10k: dashboard page from cache, p95', `${k.dashboard_p95_ms} ms`, '< 300 ms', k.dashboard_p95_ms < 300);
  }
  return out;
}

// Ctrl-C or a CI timeout stops the children this bench started (by pid), not just the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAllChildren().finally(() => process.exit(130)));
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAllChildren();
    process.exit(1);
  },
);
