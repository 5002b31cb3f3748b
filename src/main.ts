import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createExecutor } from './core/executor.js';
import type { Log } from './core/log.js';
import { createRenderer } from './core/render-template.js';
import type { User } from './gitlab/port.js';
import type { GitLabGateway } from './gitlab/port.js';
import { createRedisBudget } from './gitlab/api-budget.js';
import { createGitbeakerGateway } from './gitlab/gitbeaker-adapter.js';
import { buildServer } from './http/build-server.js';
import { createEventIntake } from './queue/event-intake.js';
import { startEventWorker } from './queue/event-worker.js';
import { createJobQueue, startJobWorker } from './queue/job-queue.js';
import type { JobQueue } from './queue/job-queue.js';
import { ensureRedis } from './redis/ensure-redis.js';
import { createRedisCache } from './redis/redis-cache.js';
import { createRedisLocks } from './redis/redis-lock.js';
import { createRosterStore } from './roster/roster-store.js';
import type { RosterStore } from './roster/roster-store.js';
import type { Roster } from './core/roster.js';
import { loadTemplates } from './templates/load-templates.js';
import { createDispatcher } from './workflows/dispatch.js';
import { allWorkflows } from './workflows/index.js';
import type { Dispatcher } from './workflows/dispatch.js';
import type { Workflow, WorkflowContext } from './workflows/workflow.js';

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
}

/** The composition root: the only place that wires clients together (STYLE.md). */
export async function startTrellis(config: Config, opts: StartOptions): Promise<Trellis> {
  const log = opts.log;
  const redis = await ensureRedis({ url: config.redisUrl, dataDir: config.dataDir, log, ...(opts.print ? { print: opts.print } : {}) });
  const closers: Array<() => Promise<unknown>> = [];
  // The producer fails fast while Redis is down (503 to GitLab) instead of buffering acknowledged events in memory.
  const producer = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true, lazyConnect: true });
  producer.on('error', (err) => log.debug({ err: err.message }, 'redis producer connection error'));
  producer.connect().catch(() => log.warn({}, 'Redis unreachable at start; webhooks get 503 until it returns'));
  closers.push(() => producer.quit().catch(() => producer.disconnect()));

  const intake = createEventIntake(producer, { prefix: config.queuePrefix, dedupeTtlMs: config.dedupeTtlMs });
  closers.unshift(() => intake.close());
  let trellis: Trellis = { redisUrl: redis.url, close: async () => undefined };

  if (opts.role !== 'api') {
    trellis = { ...trellis, ...(await startWorkers(config, log, redis.url, closers, opts)) };
  }
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (opts.role !== 'worker') {
    app = await buildServer({
      webhookSecrets: config.webhookSecrets,
      bodyLimitBytes: config.bodyLimitBytes,
      intake,
      logger: log,
      ...(trellis.gitlab ? { gitlabReady: gitlabReady(trellis.gitlab) } : {}),
    });
    closers.unshift(() => app!.close());
    if (opts.listen !== false) {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    }
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

async function startWorkers(config: Config, log: Logger, redisUrl: string, closers: Array<() => Promise<unknown>>, opts: StartOptions) {
  if (!config.gitlab) throw new Error('the worker role needs GitLab: set GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT');
  const state = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  state.on('error', (err) => log.debug({ err: err.message }, 'redis state connection error'));
  const workerConn = new Redis(redisUrl, { maxRetriesPerRequest: null });
  workerConn.on('error', (err) => log.debug({ err: err.message }, 'redis worker connection error'));
  closers.push(() => state.quit().catch(() => state.disconnect()), () => workerConn.quit().catch(() => workerConn.disconnect()));

  const prefix = config.queuePrefix;
  const budget = createRedisBudget(state, { prefix: `${prefix}:budget`, limits: config.limits, log });
  const gitlab = createGitbeakerGateway({ url: config.gitlab.url, token: config.gitlab.token, project: config.gitlab.project, budget, log, fetchTimeoutMs: config.gitlabTimeoutMs });
  const locks = createRedisLocks(state, prefix);
  const cache = createRedisCache(state, prefix);
  const roster = createRosterStore({ ...(config.rosterFile ? { file: config.rosterFile } : {}), gitlab, redis: state, prefix, log });
  const templates = createRenderer(await loadTemplates());
  const bot = memoizeUser(() => gitlab.currentUser());
  await bot().catch((err: unknown) => log.warn({ err }, 'GitLab unreachable at start; workers retry until it answers'));
  const executor = createExecutor({ gitlab, locks, cache, log, botUsername: async () => (await bot()).username, recordsProject: config.gitlab.project, dryRun: config.dryRun });
  const jobs = createJobQueue(workerConn, prefix);
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
  const workflows: Workflow[] = allWorkflows({ roster });
  const syncSchedules = async (current: Roster) => {
    const schedules = workflows.flatMap((wf) => wf.schedules?.(current, config) ?? []);
    await jobs.syncSchedules(schedules);
    log.info({ schedules: schedules.map((s) => `${s.id} ${s.cron} ${s.tz}`) }, 'schedules installed');
  };
  roster.onValid(syncSchedules);
  // Load the roster now, so the last valid one is known before any push could replace it with a bad one.
  await roster
    .reload()
    .then((r) => (r.ok ? log.info({ source: r.source, people: r.roster.people.length }, 'roster loaded') : log.warn({ source: r.source, problems: r.message }, 'roster invalid at start; using the last valid one if any')))
    .catch((err: unknown) => log.warn({ err }, 'roster not readable at start; will retry when needed'));
  const dispatcher = createDispatcher(workflows, ctx, locks);
  const workers: Worker[] = [
    startEventWorker(workerConn, { prefix, concurrency: config.workerConcurrency, log, handle: async (data, jobLog) => void (await dispatcher.handleEvent(data.event, jobLog)) }),
    startJobWorker(workerConn, { prefix, concurrency: config.workerConcurrency, log, run: (name, data, jobLog) => dispatcher.runJob(name, data, jobLog) }),
  ];
  // Workers close first (letting running jobs finish within the bound), then their connections.
  closers.unshift(async () => {
    const timeout = new Promise((r) => setTimeout(r, config.shutdownTimeoutMs).unref());
    await Promise.race([Promise.all(workers.map((w) => w.close())), timeout]);
    await Promise.all(workers.map((w) => w.close(true)));
    await jobs.close();
  });
  return { dispatcher, jobs, gitlab, roster };
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
