import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditStatus } from '../workflows/privacy/privacy-workflow.js';
import type { ApiBudget } from '../gitlab/api-budget.js';
import type { ReconcileStatus } from './dashboard/reconcile-status.js';
import type { WebhookOutcome } from './webhook-route.js';

/**
 * Prometheus metrics of one Trellis process, on a registry of its own (tests build several apps in
 * one process; prom-client's global registry would mix them or refuse the second). Served at
 * `/metrics` by the api role, and by a worker-only process on `TRELLIS_METRICS_PORT`. Queue depths,
 * the inbox and the last reconcile are read from Redis at scrape time, so every process shows them.
 */
export interface TrellisMetrics {
  readonly registry: Registry;
  /** For `ServerDeps.onWebhook`. */
  webhook(kind: string, outcome: WebhookOutcome): void;
  /** For the gitbeaker adapter's `onCall`. */
  gitlabCall(method: string, route: string, status: number | 'error', ms: number): void;
  /** Drift a reconcile run found and put right, by what drifted (`labels`, `status-note`, `missing-issue`, ...). */
  readonly reconcileDrift: Counter<'kind'>;
  /** Adds a budget whose waits count in `trellis_gitlab_rate_limit_wait_seconds_total`. */
  trackBudget(budget: ApiBudget): void;
}

export interface MetricsOptions {
  /** The BullMQ queues whose job counts are gauged at scrape time. */
  readonly queues: () => readonly Queue[];
  /** Events in the api's inbox, not yet relayed into the events queue (see `inboxBacklog`). */
  readonly inbox?: () => Promise<number>;
  /** The last reconcile run (Redis key `${prefix}:reconcile:last`), null when none ran. */
  readonly lastReconcile?: () => Promise<ReconcileStatus | null>;
  /** The last access audit of the private records (null when none ran). */
  readonly lastAudit?: () => Promise<AuditStatus | null>;
  /** Node process metrics; off in tests that build many registries. Default true. */
  readonly processMetrics?: boolean;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'failed', 'completed'] as const;

/** `X-Gitlab-Event` values worth a label of their own; anything else (even forged) is `other`. */
const KNOWN_KINDS = new Set(['Issue Hook', 'Confidential Issue Hook', 'Note Hook', 'Confidential Note Hook', 'Push Hook', 'Tag Push Hook', 'Merge Request Hook', 'Pipeline Hook', 'Job Hook', 'System Hook', 'unknown']);

/** Creates the registry and every metric of one process. */
export function createMetrics(opts: MetricsOptions): TrellisMetrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'trellis_' });
  const budgets: ApiBudget[] = [];

  const webhooks = new Counter({ name: 'trellis_webhooks_total', help: 'Webhook deliveries received, by X-Gitlab-Event and outcome', labelNames: ['kind', 'outcome'] as const, registers: [registry] });
  const calls = new Counter({ name: 'trellis_gitlab_requests_total', help: 'GitLab API attempts by method, route class and HTTP status (error: no answer)', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const duration = new Histogram({
    name: 'trellis_gitlab_request_duration_seconds',
    help: 'GitLab API attempt duration by method and route class',
    labelNames: ['method', 'route'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const reconcileDrift = new Counter({ name: 'trellis_reconcile_drift_total', help: 'Differences between GitLab and what Trellis expects that a reconcile run found and fixed', labelNames: ['kind'] as const, registers: [registry] });

  let waitedReported = 0;
  new Counter({
    name: 'trellis_gitlab_rate_limit_wait_seconds_total',
    help: 'Time this process waited for the shared GitLab API budget (pacing and 429 pauses)',
    registers: [registry],
    collect() {
      const waited = budgets.reduce((ms, b) => ms + b.waitedMs(), 0);
      if (waited > waitedReported) this.inc((waited - waitedReported) / 1000);
      waitedReported = Math.max(waitedReported, waited);
    },
  });

  new Gauge({
    name: 'trellis_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read from Redis at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of opts.queues()) {
        const counts = await queue.getJobCounts(...JOB_STATES).catch(() => null);
        if (!counts) continue;
        for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });

  const inbox = opts.inbox;
  if (inbox) {
    new Gauge({
      name: 'trellis_inbox_events',
      help: 'Webhook events stored by the api and not yet moved into the events queue by a worker (growing: no worker runs)',
      registers: [registry],
      async collect() {
        const n = await inbox().catch(() => null);
        if (n === null) this.reset();
        else this.set(n);
      },
    });
  }

  const lastAudit = opts.lastAudit;
  if (lastAudit) {
    new Gauge({
      name: 'trellis_records_overprivileged_readers',
      help: 'People the last access audit found able to read private career records they should not (absent until an audit ran)',
      registers: [registry],
      async collect() {
        const audit = await lastAudit().catch(() => null);
        if (audit) this.set(audit.overreaders.length);
        else this.reset();
      },
    });
  }

  const lastReconcile = opts.lastReconcile;
  if (lastReconcile) {
    const read = (): Promise<ReconcileStatus | null> => lastReconcile().catch(() => null);
    new Gauge({
      name: 'trellis_reconcile_last_drift',
      help: 'Differences the last reconcile run found (0 until one ran)',
      registers: [registry],
      async collect() {
        const s = await read();
        if (s) this.set(s.drift);
        else this.reset();
      },
    });
    new Gauge({
      name: 'trellis_reconcile_last_run_timestamp_seconds',
      help: 'When the last reconcile run finished, in Unix seconds (0: none ran yet)',
      registers: [registry],
      async collect() {
        const s = await read();
        if (s) this.set(Date.parse(s.at) / 1000);
        else this.reset();
      },
    });
  }

  return {
    registry,
    webhook(kind, outcome) {
      webhooks.inc({ kind: KNOWN_KINDS.has(kind) ? kind : 'other', outcome });
    },
    gitlabCall(method, route, status, ms) {
      const cls = routeClass(route);
      calls.inc({ method, route: cls, status: String(status) });
      duration.observe({ method, route: cls }, ms / 1000);
    },
    reconcileDrift,
    trackBudget(budget) {
      budgets.push(budget);
    },
  };
}

/**
 * A route without its ids, so the label has a bounded set of values:
 * `projects/42/issues/7/notes/9` -> `projects/:id/issues/:iid/notes/:id`.
 */
export function routeClass(route: string): string {
  const parts = (route.split('?')[0] ?? '').split('/').filter(Boolean);
  return parts
    .map((part, i) => {
      const before = parts[i - 1];
      if (before === 'projects' || before === 'groups' || before === 'users') return ':id';
      if (before === 'issues' && /^\d+$/.test(part)) return ':iid';
      if (before === 'files') return ':path';
      if (before === 'labels') return ':name';
      return /^\d+$/.test(part) ? ':id' : part;
    })
    .join('/');
}

/** `GET /metrics` in Prometheus text format. */
export function metricsPlugin(metrics: TrellisMetrics): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.get('/metrics', async (_req, reply) => {
      const body = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(body);
    });
  };
}
