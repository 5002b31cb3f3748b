import { silentLog } from '../src/core/log.js';
import { renderMarker } from '../src/core/markers.js';
import { createRenderer } from '../src/core/render-template.js';
import { loadTemplates } from '../src/templates/load-templates.js';
import { CONVERSATION_LABEL, CONVERSATION_TEMPLATE, conversationMarker, conversationTitle } from '../src/workflows/conversation/conversation-record.js';
import { BOT, RECORDS_GROUP, startE2E } from '../test/helpers/e2e.js';
import type { ApiIssue, E2E } from '../test/helpers/e2e.js';
import { department } from './lib/department.js';
import type { Department } from './lib/department.js';
import { round, sleep } from './lib/stats.js';

export interface FanoutResult {
  readonly reports: number;
  readonly limit_per_minute: number;
  readonly seconds: number;
  readonly creates_per_minute: number;
  readonly utilization: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly rate_limited: number;
  readonly creates_per_report: number;
  readonly reads_per_report: number;
  readonly writes_per_report: number;
}

const MANAGERS = 30;
const PER_TEAM = 9;
/** Issue creations a minute, the same for the simulator (GitLab) and for Trellis's shared budget. */
const LIMIT = 600;
const QUARTER = 'FY27-Q1';

/**
 * A quarter opening for 300 reports (30 managers, 270 engineers) with issue creation limited to 600
 * a minute on both sides, so it takes about 30 s. Big-picture conversations, which the fan-out also
 * opens for anyone without one, are created beforehand (by the bench, as the bot, which Trellis
 * ignores as its own events) so the run measures checkpoints alone: one creation per report.
 * The clock starts when `checkpoint:open-quarter` is run, as its schedule would, and stops at the
 * last creation the simulator counts (sampled every 50 ms).
 */
export async function runFanout(log: (line: string) => void): Promise<FanoutResult> {
  const dept = department(MANAGERS, PER_TEAM);
  const e2e = await startE2E({
    roster: dept.yaml,
    now: '2026-02-02T09:00:00.000Z',
    env: { GITLAB_ISSUE_CREATE_PER_MINUTE: String(LIMIT), TRELLIS_WORKER_CONCURRENCY: '8' },
  });
  try {
    await seedConversations(e2e, dept);
    await e2e.settle(60_000);
    e2e.sim.setLimits({ issue_create_per_minute: LIMIT });
    e2e.sim.resetRequests();
    const started = performance.now();
    let lastCreateAt = started;
    let seen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const n = e2e.sim.requests().byClass.issue_create;
        if (n !== seen) {
          seen = n;
          lastCreateAt = performance.now();
        }
        await sleep(50);
      }
    })();
    await e2e.trellis.dispatcher!.runJob('checkpoint:open-quarter', {}, silentLog);
    await e2e.settle(180_000);
    sampling = false;
    await sampler;
    const counts = e2e.sim.requests();
    const seconds = (lastCreateAt - started) / 1000;
    const created = counts.byClass.issue_create;
    const { duplicates, missing } = await checkpointsByReport(e2e, dept);
    const n = dept.reports.length;
    const perMinute = (created / seconds) * 60;
    log(`  fan-out: ${created} creations for ${n} reports in ${seconds.toFixed(1)} s (${perMinute.toFixed(0)}/min, limit ${LIMIT}); ${duplicates} duplicates, ${missing} missing`);
    return {
      reports: n,
      limit_per_minute: LIMIT,
      seconds: round(seconds, 1),
      creates_per_minute: round(perMinute, 0),
      utilization: round(perMinute / LIMIT, 3),
      duplicates,
      missing,
      rate_limited: counts.rateLimited,
      creates_per_report: round(created / n, 3),
      reads_per_report: round(counts.byClass.read / n, 3),
      writes_per_report: round(counts.byClass.write / n, 3),
    };
  } finally {
    await e2e.close();
  }
}

/** Every report's big-picture conversation, as Trellis would write it in their private records project, created through the API as the bot. */
async function seedConversations(e2e: E2E, dept: Department): Promise<void> {
  const template = createRenderer(await loadTemplates()).render(CONVERSATION_TEMPLATE, {}).trim();
  const manager = (u: string) => (dept.managers.includes(u) ? dept.director : u.slice(0, u.indexOf('e')));
  const bot = e2e.as(BOT);
  for (let i = 0; i < dept.reports.length; i += 25) {
    await Promise.all(
      dept.reports.slice(i, i + 25).map((u) =>
        bot.api('POST', `/projects/${encodeURIComponent(`${RECORDS_GROUP}/${u}`)}/issues`, {
          title: conversationTitle(u),
          description: `For ${u} (${u}), with ${manager(u)} (${manager(u)}), their manager.\n\n${template}\n\n${renderMarker(conversationMarker(u))}\n`,
          labels: CONVERSATION_LABEL,
          confidential: true,
          assignee_ids: [e2e.users[u], e2e.users[manager(u)]],
        }),
      ),
    );
  }
}

/** Checkpoints of the quarter per report, as root sees them. */
async function checkpointsByReport(e2e: E2E, dept: Department): Promise<{ duplicates: number; missing: number }> {
  const per = new Map<string, number>();
  for (let page = 1; ; page++) {
    const batch = await e2e.as('root').api<ApiIssue[]>('GET', `/groups/${encodeURIComponent(RECORDS_GROUP)}/issues?labels=quarter::${QUARTER}&state=all&per_page=100&page=${page}`);
    for (const issue of batch) {
      const who = /career checkpoint: @(\S+)$/.exec(issue.title)?.[1] ?? '?';
      per.set(who, (per.get(who) ?? 0) + 1);
    }
    if (batch.length < 100) break;
  }
  const duplicates = [...per.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const missing = dept.reports.filter((r) => !per.has(r)).length;
  return { duplicates, missing };
}
