import { Queue } from 'bullmq';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createExecutor } from './core/executor.js';
import { AppError } from './core/errors.js';
import { createMemoryCache, createMemoryLocks } from './core/state-ports.js';
import type { Log } from './core/log.js';
import { createRenderer } from './core/render-template.js';
import type { User } from './core/gitlab-port.js';
import type { GitLabGateway } from './core/gitlab-port.js';
import { createLocalBudget, createRedisBudget } from './gitlab/api-budget.js';
import { createGitbeakerGateway } from './gitlab/gitbeaker-adapter.js';
import { adminQueuesPlugin } from './http/admin-queues.js';
import { buildOpsServer, buildServer } from './http/build-server.js';
import { createDashboardData } from './http/dashboard/dashboard-data.js';
import { dashboardPlugin } from './http/dashboard/dashboard-plugin.js';
import { parseReconcileStatus, reconcileStatusKey, saveReconcileStatus } from './http/dashboard/reconcile-status.js';
import type { ReconcileStatus } from './http/dashboard/reconcile-status.js';
import { createMetrics, metricsPlugin } from './http/metrics.js';
import type { TrellisMetrics } from './http/metrics.js';
import { createEventIntake, inboxBacklog } from './queue/event-intake.js';
import { eventMemoryShares } from './queue/byte-budget.js';
import { startEventWorker } from './queue/event-worker.js';
import { startInboxRelay } from './queue/inbox-relay.js';
import { createJobQueue, startJobWorker, watchSchedules } from './queue/job-queue.js';
import { EVENTS_QUEUE, JOBS_QUEUE } from './queue/queue-names.js';
import type { EventJobData } from './queue/queue-names.js';
import type { JobQueue } from './queue/job-queue.js';
import { clearPrefix } from './redis/clear-prefix.js';
import { connectRedis } from './redis/connect-redis.js';
import type { RedisClient } from './redis/connect-redis.js';
import { ensureRedis } from './redis/ensure-redis.js';
import { createRedisCache, stateKey } from './redis/redis-cache.js';
import { createRedisDashboardStore } from './redis/dashboard-store.js';
import { AUDIT_STATE, parseAuditStatus } from './workflows/privacy/privacy-workflow.js';
import { createRedisLocks } from './redis/redis-lock.js';
import { createRosterStore } from './roster/roster-store.js';
import type { RosterStore } from './roster/roster-store.js';
import type { Roster } from './core/roster.js';
import { loadTemplates } from './templates/load-templates.js';
import { createDispatcher } from './workflows/dispatch.js';
import { allWorkflows } from './workflows/index.js';
import type { Dispatcher } from './workflows/dispatch.js';
import type { JobSink, Workflow, WorkflowContext } from './workflows/workflow.js';

export type Role = 'api' | 'worker' | 'all';

/** A running Trellis: what tests, the CLI and demo mode hold on to. */
export interface Trellis {
  readonly app?: FastifyInstance;
  /** Where the HTTP server listens, when this role serves HTTP. */
  readonly url?: string;
  readonly dispatcher?: Dispatcher;
  readonly jobs?: JobQueue;
  readonly gitlab?: GitLabGateway;
  readonly roster?: RosterStore;
  /** This process's metrics (served at /metrics by the api role); `reconcileDrift` is for the reconcile job. */
  readonly metrics: TrellisMetrics;
  readonly redisUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly role: Role;
  readonly log: Logger;
  /** false: build everything but do not listen (tests use `app.inject`). */
  readonly listen?: boolean;
  readonly print?: (line: string) => void;
  readonly now?: () => Date;
  /** Delete everything under the queue prefix first (demo mode: its simulator starts empty, so older state is wrong). */
  readonly freshState?: boolean;
}

/** The composition root: the only place that wires clients together (docs/style.md#in-trellis). */
export async function startTrellis(config: Config, opts: StartOptions): Promise<Trellis> {
  const log = opts.log;
  const redis = await ensureRedis({ url: config.redisUrl, dataDir: config.dataDir, log, ...(opts.print ? { print: opts.print } : {}) });
  const closers: Array<() => Promise<unknown>> = [];
  if (opts.freshState) {
    const admin = connectRedis(redis.url, { maxRetriesPerRequest: 1 });
    const deleted = await clearPrefix(admin, config.queuePrefix).finally(() => admin.quit());
    log.info({ prefix: config.queuePrefix, deleted }, 'cleared state left by an earlier run');
  }
  // The producer fails fast while Redis is down (503 to GitLab) instead of buffering acknowledged events in memory.
  // No auto-pipelining: the intake batches its own stores, and a pipeline around one call only costs CPU.
  const producer = connectRedis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  producer.on('error', (err) => log.debug({ err: err.message }, 'redis producer connection error'));
  // Serve once it is connected (or has failed once: Trellis still starts, and answers 503 until Redis returns).
  await producer.connect().catch(() => log.warn({}, 'Redis unreachable at start; webhooks get 503 until it returns'));
  closers.push(() => producer.quit().catch(() => producer.disconnect()));

  const intake = createEventIntake(producer, { prefix: config.queuePrefix, dedupeTtlMs: config.dedupeTtlMs });
  closers.unshift(() => intake.close());
  // Operations' own connection: queue gauges, the dashboard, the admin. It fails a command after one
  // reconnect attempt, so a scrape during a Redis outage answers instead of hanging.
  const ops = connectRedis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  ops.on('error', (err) => log.debug({ err: err.message }, 'redis ops connection error'));
  const queues = [new Queue(EVENTS_QUEUE, { connection: ops, prefix: config.queuePrefix }), new Queue(JOBS_QUEUE, { connection: ops, prefix: config.queuePrefix })];
  for (const q of queues) q.on('error', () => undefined);
  closers.push(async () => {
    for (const q of queues) await q.close();
    await ops.quit().catch(() => ops.disconnect());
  });
  const lastReconcile = async () => parseReconcileStatus(await ops.get(reconcileStatusKey(config.queuePrefix)));
  const lastAudit = async () => parseAuditStatus(await ops.get(stateKey(config.queuePrefix, AUDIT_STATE)));
  const inbox = () => inboxBacklog(ops, config.queuePrefix);
  const metrics = createMetrics({ queues: () => queues, inbox, lastReconcile, lastAudit });
  let trellis: Trellis = { redisUrl: redis.url, metrics, close: async () => undefined };

  if (opts.role !== 'api') {
    trellis = { ...trellis, ...(await startWorkers(config, log, redis.url, closers, opts, metrics)) };
  }
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (opts.role !== 'worker') {
    app = await buildServer({
      webhookSecrets: config.webhookSecrets,
      bodyLimitBytes: config.bodyLimitBytes,
      inflightBodyBytes: config.inflightBodyBytes,
      intake,
      logger: log,
      ...(trellis.gitlab ? { gitlabReady: gitlabReady(trellis.gitlab) } : {}),
      onWebhook: (kind, outcome) => metrics.webhook(kind, outcome),
      plugins: opsPlugins(config, log, trellis, { ops, queues, inbox, lastReconcile, lastAudit, metrics, now: opts.now }),
    });
    closers.unshift(() => app!.close());
    if (opts.listen !== false) url = await listen(app, config.host, config.port);
  } else if (config.metricsPort !== undefined) {
    const ops = await buildOpsServer({ logger: log, redisReady: () => intake.ping(), gitlabReady: gitlabReady(trellis.gitlab!), metrics: metricsPlugin(metrics) });
    closers.unshift(() => ops.close());
    if (opts.listen !== false) url = await listen(ops, config.host, config.metricsPort);
  }
  return {
    ...trellis,
    ...(app ? { app } : {}),
    ...(url ? { url } : {}),
    async close() {
      for (const close of closers) await close().catch((err: unknown) => log.warn({ err }, 'error while closing'));
      redis.stop?.();
    },
  };
}

async function startWorkers(config: Config, log: Logger, redisUrl: string, closers: Array<() => Promise<unknown>>, opts: StartOptions, metrics: TrellisMetrics) {
  if (!config.gitlab) throw new Error('the worker role needs GitLab: set GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT');
  const state = connectRedis(redisUrl, { maxRetriesPerRequest: 3 });
  state.on('error', (err) => log.debug({ err: err.message }, 'redis state connection error'));
  const workerConn = connectRedis(redisUrl, { maxRetriesPerRequest: null });
  workerConn.on('error', (err) => log.debug({ err: err.message }, 'redis worker connection error'));
  closers.push(() => state.quit().catch(() => state.disconnect()), () => workerConn.quit().catch(() => workerConn.disconnect()));

  const prefix = config.queuePrefix;
  const { gitlab, locks, cache, roster, templates, bot, executor } = await buildServices(config, config.gitlab, log, state, config.dryRun, metrics);
  await bot().catch((err: unknown) => log.warn({ err }, 'GitLab unreachable at start; workers retry until it answers'));
  const jobs = createJobQueue(workerConn, prefix);
  // Every worker process also moves accepted events from the api's inbox into the events queue.
  const relayRead = connectRedis(redisUrl, { maxRetriesPerRequest: null });
  relayRead.on('error', (err) => log.debug({ err: err.message }, 'redis relay connection error'));
  const eventsQueue = new Queue<EventJobData>(EVENTS_QUEUE, { connection: workerConn, prefix });
  eventsQueue.on('error', () => undefined);
  // What the relay and the event jobs hold at once is bounded in bytes, so acknowledged large events fit the heap.
  const eventMemory = eventMemoryShares(config.workerEventBytes);
  const relay = startInboxRelay({ redis: state, blocking: relayRead, queue: eventsQueue, prefix, log: log as Log, batchBytes: eventMemory.relayBatchBytes });
  const ctx: WorkflowContext = {
    config,
    gitlab,
    executor,
    cache,
    templates,
    roster: () => roster.current(),
    bot,
    now: opts.now ?? (() => new Date()),
    log: log as Log,
    jobs,
  };
  const workflows: Workflow[] = allWorkflows({
    roster,
    saveStatus: async (summary) => void (await state.set(reconcileStatusKey(prefix), JSON.stringify({ at: summary.at, drift: summary.drift }))),
    onDrift: (kind, n) => metrics.reconcileDrift.inc({ kind }, n),
  });
  const syncSchedules = async (current: Roster) => {
    const schedules = workflows.flatMap((wf) => wf.schedules?.(current, config) ?? []);
    await jobs.syncSchedules(schedules);
    log.info({ schedules: schedules.map((s) => `${s.id} ${s.cron} ${s.tz}`) }, 'schedules installed');
  };
  roster.onValid(syncSchedules);
  // Schedules live only in Redis: put them back within a minute if it comes back empty.
  const stopScheduleWatch = watchSchedules({ jobs, log: log as Log, install: async () => syncSchedules(await roster.current()) });
  // Load the roster now, so the last valid one is known before any push could replace it with a bad one.
  await roster
    .reload()
    .then((r) => (r.ok ? log.info({ source: r.source, people: r.roster.people.length }, 'roster loaded') : log.warn({ source: r.source, problems: r.message }, 'roster invalid at start; using the last valid one if any')))
    .catch((err: unknown) => log.warn({ err }, 'roster not readable at start; will retry when needed'));
  const dispatcher = createDispatcher(workflows, ctx, locks);
  const workers: Worker[] = [
    startEventWorker(workerConn, { prefix, concurrency: config.workerConcurrency, log, budget: eventMemory.jobs, handle: async (data, jobLog) => void (await dispatcher.handleEvent(data.event, jobLog)) }),
    startJobWorker(workerConn, { prefix, concurrency: config.workerConcurrency, log, run: (name, data, jobLog) => dispatcher.runJob(name, data, jobLog) }),
  ];
  // Workers close first (letting running jobs finish within the bound), then their connections.
  closers.unshift(async () => {
    stopScheduleWatch();
    await relay.close();
    await eventsQueue.close();
    const timeout = new Promise((r) => setTimeout(r, config.shutdownTimeoutMs).unref());
    // A worker closed while its blocking connection still starts up leaves BullMQ's start-up commands
    // rejected with nobody awaiting them (bullmq redis-connection.ts close(): disconnect while
    // initializing): let the start-up finish first, within the same bound.
    await Promise.race([Promise.all(workers.map((w) => w.waitUntilReady().catch(() => undefined))), timeout]);
    await Promise.race([Promise.all(workers.map((w) => w.close())), timeout]);
    await Promise.all(workers.map((w) => w.close(true)));
    await jobs.close();
  });
  return { dispatcher, jobs, gitlab, roster };
}

/** What every GitLab-facing role is built from; `state` null keeps locks, caches and the budget in this process. */
async function buildServices(config: Config, gl: NonNullable<Config['gitlab']>, log: Logger, state: RedisClient | null, dryRun: boolean, metrics?: TrellisMetrics) {
  const prefix = config.queuePrefix;
  const budget = state ? createRedisBudget(state, { prefix: `${prefix}:budget`, limits: config.limits, log }) : createLocalBudget(config.limits);
  metrics?.trackBudget(budget);
  const gitlab = createGitbeakerGateway({ url: gl.url, token: gl.token, project: gl.project, budget, log, fetchTimeoutMs: config.gitlabTimeoutMs, ...(metrics ? { onCall: metrics.gitlabCall } : {}) });
  const locks = state ? createRedisLocks(state, prefix) : createMemoryLocks();
  const cache = state ? createRedisCache(state, prefix) : createMemoryCache();
  const roster = createRosterStore({ ...(config.rosterFile ? { file: config.rosterFile } : {}), gitlab, ...(state ? { redis: state } : {}), prefix, log });
  const templates = createRenderer(await loadTemplates());
  const bot = memoizeUser(() => gitlab.currentUser());
  const executor = createExecutor({ gitlab, locks, cache, log, botUsername: async () => (await bot()).username, recordsProject: gl.project, dryRun });
  return { gitlab, locks, cache, roster, templates, bot, executor };
}

/**
 * A gateway for a one-shot command (`trellis setup`, `trellis report gearing`): its API budget lives in
 * this process, so the command needs no Redis.
 */
export function createLocalGateway(config: Config, gl: NonNullable<Config['gitlab']>, log: Log): GitLabGateway {
  return createGitbeakerGateway({ url: gl.url, token: gl.token, project: gl.project, budget: createLocalBudget(config.limits), log, fetchTimeoutMs: config.gitlabTimeoutMs });
}

/** A one-shot context for CLI commands (`trellis plan quarter`, `trellis run-quarter`): no workers, no HTTP. */
export interface GitlabContext {
  readonly ctx: WorkflowContext;
  /** Runs workflow jobs in this process. */
  readonly dispatcher: Dispatcher;
  readonly workflows: readonly Workflow[];
  /** Records a reconcile run for the dashboard and /metrics; absent without Redis (nowhere they read). */
  readonly saveStatus?: (summary: ReconcileStatus) => Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the gateway, executor and workflows without starting workers. With `redis: true` it shares
 * the running service's API budget, locks and caches (so it never races the workers); without,
 * everything stays in this process and Redis is not needed. `jobs` receives fanned-out work.
 */
export async function createGitlabContext(config: Config, log: Logger, opts: { redis: boolean; dryRun?: boolean; jobs: JobSink; now?: () => Date }): Promise<GitlabContext> {
  if (!config.gitlab) throw new AppError('config_invalid', 'this command needs GitLab: set GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT');
  const redis = opts.redis ? await ensureRedis({ url: config.redisUrl, dataDir: config.dataDir, log }) : null;
  const state = redis ? connectRedis(redis.url, { maxRetriesPerRequest: 3 }) : null;
  state?.on('error', (err) => log.debug({ err: err.message }, 'redis state connection error'));
  const dryRun = opts.dryRun ?? config.dryRun;
  const s = await buildServices(config, config.gitlab, log, state, dryRun);
  const ctx: WorkflowContext = {
    // Workflows read the dry-run switch from their config: a command's --dry-run reaches them too.
    config: dryRun === config.dryRun ? config : { ...config, dryRun },
    gitlab: s.gitlab,
    executor: s.executor,
    cache: s.cache,
    templates: s.templates,
    roster: () => s.roster.current(),
    bot: s.bot,
    now: opts.now ?? (() => new Date()),
    log: log as Log,
    jobs: opts.jobs,
  };
  const saveStatus = state ? (summary: ReconcileStatus) => saveReconcileStatus(state, config.queuePrefix, summary) : undefined;
  const workflows = allWorkflows({ roster: s.roster, ...(saveStatus ? { saveStatus } : {}) });
  const dispatcher = createDispatcher(workflows, ctx, s.locks);
  return {
    ctx,
    dispatcher,
    workflows,
    ...(saveStatus ? { saveStatus } : {}),
    async close() {
      await state?.quit().catch(() => state.disconnect());
      redis?.stop?.();
    },
  };
}

/**
 * `/metrics`, `/dashboard` and `/admin/queues` for the api role. The dashboard reads GitLab through the
 * workers' gateway when this process has one; an api-only process builds its own on first use, so it
 * starts and takes webhooks without GitLab.
 */
function opsPlugins(
  config: Config,
  log: Logger,
  trellis: Trellis,
  deps: {
    ops: RedisClient;
    queues: readonly Queue[];
    inbox: () => Promise<number>;
    lastReconcile: () => Promise<ReturnType<typeof parseReconcileStatus>>;
    lastAudit: () => Promise<ReturnType<typeof parseAuditStatus>>;
    metrics: TrellisMetrics;
    now: (() => Date) | undefined;
  },
): Array<(app: FastifyInstance) => Promise<void>> {
  const gl = config.gitlab;
  let own: { gitlab: GitLabGateway; roster: RosterStore } | undefined;
  const services = (): { gitlab: GitLabGateway; roster: RosterStore } | null => {
    if (trellis.gitlab && trellis.roster) return { gitlab: trellis.gitlab, roster: trellis.roster };
    if (!gl) return null;
    if (!own) {
      const budget = createRedisBudget(deps.ops, { prefix: `${config.queuePrefix}:budget`, limits: config.limits, log });
      deps.metrics.trackBudget(budget);
      const gitlab = createGitbeakerGateway({ url: gl.url, token: gl.token, project: gl.project, budget, log, fetchTimeoutMs: config.gitlabTimeoutMs, onCall: deps.metrics.gitlabCall });
      own = { gitlab, roster: createRosterStore({ ...(config.rosterFile ? { file: config.rosterFile } : {}), gitlab, redis: deps.ops, prefix: config.queuePrefix, log }) };
    }
    return own;
  };
  const ttlMs = 30_000;
  const data = createDashboardData({
    gitlab: () => services()?.gitlab ?? null,
    roster: async () => {
      const s = services();
      if (!s) throw new Error('GitLab is not configured, so there is no roster');
      return s.roster.current();
    },
    queues: () => deps.queues,
    inbox: deps.inbox,
    lastReconcile: deps.lastReconcile,
    lastAudit: deps.lastAudit,
    ...(gl ? { recordsGroup: gl.recordsGroup } : {}),
    publicUrl: config.publicUrl,
    now: deps.now ?? (() => new Date()),
    ttlMs,
    onListingError: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'dashboard: bringing a GitLab listing up to date failed; the page shows the last one'),
  });
  // One store for both: sign-outs and wrong-token counts hold across the dashboard, the queue admin and every api process.
  const store = createRedisDashboardStore(deps.ops, config.queuePrefix);
  return [metricsPlugin(deps.metrics), dashboardPlugin({ token: config.dashboardToken, store, data, ttlSeconds: ttlMs / 1000 }), adminQueuesPlugin({ token: config.dashboardToken, store, queues: deps.queues })];
}

/** Listens, and says where, in a form a client on this host can use. */
async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
}

function gitlabReady(gitlab: GitLabGateway): () => Promise<boolean> {
  return async () => {
    await gitlab.currentUser();
    return true;
  };
}

/** Caches the bot user once GitLab has answered; failures are not cached. */
function memoizeUser(load: () => Promise<User>): () => Promise<User> {
  let user: Promise<User> | undefined;
  return () => {
    user ??= load().catch((err: unknown) => {
      user = undefined;
      throw err;
    });
    return user;
  };
}
