import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLocalBudget } from '../../src/gitlab/api-budget.js';
import { reconcileStatusKey } from '../../src/http/dashboard/reconcile-status.js';
import { createMetrics, routeClass } from '../../src/http/metrics.js';
import { startTrellis } from '../../src/main.js';
import { BOT, PROJECT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';

/** `/metrics` of a whole Trellis on the simulator, after real webhooks and GitLab calls. */

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  const issue = await e2e.as('alice').createIssue({ title: 'metrics' });
  await e2e.as('alice').comment(issue.iid, '@trellis-bot help');
  await e2e.settle();
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${e2e.trellis.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample line, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('counts the webhooks received, by kind and outcome', async () => {
    const text = await scrape();
    expect(sample(text, 'trellis_webhooks_total{kind="Issue Hook",outcome="queued"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'trellis_webhooks_total{kind="Note Hook",outcome="queued"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts GitLab calls by method, route class and status, with no ids in the labels', async () => {
    const text = await scrape();
    const calls = text.split('\n').filter((l) => l.startsWith('trellis_gitlab_requests_total{'));
    expect(calls.length).toBeGreaterThan(0);
    expect(sample(text, 'trellis_gitlab_requests_total{method="POST",route="projects/:id/issues/:iid/notes",status="201"}')).toBeGreaterThanOrEqual(1);
    for (const line of calls) expect(line).not.toMatch(/route="[^"]*\/\d+/);
    expect(text).toContain('trellis_gitlab_request_duration_seconds_bucket{le="0.05",method="POST",route="projects/:id/issues/:iid/notes"}');
  });

  it('gauges the jobs of both queues by state, read from Redis at scrape time', async () => {
    const text = await scrape();
    expect(sample(text, 'trellis_queue_jobs{queue="events",state="completed"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'trellis_queue_jobs{queue="events",state="waiting"}')).toBe(0);
    expect(sample(text, 'trellis_queue_jobs{queue="jobs",state="failed"}')).toBe(0);
  });

  it('gauges the events stored by the api and not yet relayed to the workers', async () => {
    expect(sample(await scrape(), 'trellis_inbox_events')).toBe(0);
    // An api-only moment: events stored while no worker's relay takes them.
    const standalone = createMetrics({ queues: () => [], inbox: async () => 7, processMetrics: false });
    expect(await standalone.registry.metrics()).toContain('trellis_inbox_events 7');
  });

  it('shows the last reconcile once the reconcile job has recorded one, and counts drift', async () => {
    expect(sample(await scrape(), 'trellis_reconcile_last_run_timestamp_seconds')).toBe(0);
    const redis = testRedis();
    await redis.set(reconcileStatusKey(e2e.prefix), JSON.stringify({ at: '2026-03-02T10:17:00.000Z', drift: 3 }));
    await redis.quit();
    e2e.trellis.metrics.reconcileDrift.inc({ kind: 'labels' }, 3);
    const text = await scrape();
    expect(sample(text, 'trellis_reconcile_last_drift')).toBe(3);
    expect(sample(text, 'trellis_reconcile_last_run_timestamp_seconds')).toBe(Date.parse('2026-03-02T10:17:00.000Z') / 1000);
    expect(sample(text, 'trellis_reconcile_drift_total{kind="labels"}')).toBe(3);
  });

  it('includes Node process metrics', async () => {
    const text = await scrape();
    expect(text).toContain('trellis_process_resident_memory_bytes');
    expect(text).toContain('trellis_nodejs_eventloop_lag_seconds');
  });
});

describe('rate-limit waits', () => {
  it('count the time a process waited for the shared API budget', async () => {
    let now = 0;
    const budget = createLocalBudget({ api: 60, issue_create: 0, note_create: 0 }, { clock: () => now, sleep: async (ms) => void (now += ms) });
    const metrics = createMetrics({ queues: () => [], processMetrics: false });
    metrics.trackBudget(budget);
    for (let i = 0; i < 4; i += 1) await budget.take('api');
    expect(budget.waitedMs()).toBeGreaterThan(0);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'trellis_gitlab_rate_limit_wait_seconds_total')).toBe(budget.waitedMs() / 1000);
  });
});

describe('route classes', () => {
  it.each([
    ['projects/42/issues/7/notes/9', 'projects/:id/issues/:iid/notes/:id'],
    ['projects/infra%2Fcareer', 'projects/:id'],
    ['projects/42/repository/files/.gitlab%2Fissue_templates%2FSRE%20I.md/raw', 'projects/:id/repository/files/:path/raw'],
    ['projects/42/labels/sre-i%3A%3Areview', 'projects/:id/labels/:name'],
    ['projects/42/hooks/3/events', 'projects/:id/hooks/:id/events'],
    ['users/5', 'users/:id'],
    ['user', 'user'],
  ])('%s -> %s', (route, cls) => {
    expect(routeClass(route)).toBe(cls);
  });
});

describe('a worker-only process with TRELLIS_METRICS_PORT', () => {
  it('serves its own /metrics, /healthz and /readyz, and no webhook route', async () => {
    const prefix = randomPrefix('worker-metrics');
    const worker = await startTrellis(
      loadConfig({ GITLAB_URL: e2e.sim.url, GITLAB_TOKEN: `tok-${BOT}`, GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP, TRELLIS_QUEUE_PREFIX: prefix, REDIS_URL, HOST: '127.0.0.1', TRELLIS_METRICS_PORT: '0', LOG_LEVEL: 'silent' }),
      { role: 'worker', log: pino({ level: 'silent' }) },
    );
    const redis = testRedis();
    try {
      expect(worker.url).toBeDefined();
      expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${worker.url}/readyz`)).json()).toEqual({ status: 'ready', redis: 'ok', gitlab: 'ok' });
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      // At start it asked GitLab who it is and read the roster: its own calls, not the api's.
      expect(text.split('\n').some((l) => l.startsWith('trellis_gitlab_requests_total{') && l.includes('status="200"'))).toBe(true);
      expect(text).toContain('trellis_process_resident_memory_bytes');
      expect((await fetch(`${worker.url}/webhooks/gitlab`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(404);
    } finally {
      await worker.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('serves no HTTP without it', async () => {
    const prefix = randomPrefix('worker-quiet');
    const worker = await startTrellis(
      loadConfig({ GITLAB_URL: e2e.sim.url, GITLAB_TOKEN: `tok-${BOT}`, GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP, TRELLIS_QUEUE_PREFIX: prefix, REDIS_URL, HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
      { role: 'worker', log: pino({ level: 'silent' }) },
    );
    const redis = testRedis();
    expect(worker.url).toBeUndefined();
    await worker.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });
});
