import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { RedisClient } from '../redis/connect-redis.js';
import { PermanentError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { JOBS_QUEUE } from './queue-names.js';

/** A job on the `jobs` queue: the workflow job's name (`checkpoint:open-quarter`) and its data. */
export interface JobData {
  readonly name: string;
  readonly data: Record<string, unknown>;
}

export interface JobQueue {
  /** Adds a job; with `id` given, adding the same id again while it exists is a no-op (fan-outs rely on it). */
  add(name: string, data: Record<string, unknown>, opts?: { id?: string; delayMs?: number }): Promise<void>;
  /** Many jobs in one round trip. */
  addBulk(jobs: ReadonlyArray<{ name: string; data: Record<string, unknown>; id?: string }>): Promise<void>;
  /** Makes the installed cron schedules (BullMQ job schedulers) exactly these: upserts each, removes the rest. */
  syncSchedules(schedules: ReadonlyArray<{ id: string; cron: string; tz: string; job: string; data?: Record<string, unknown> }>): Promise<void>;
  /**
   * The ids of the last `syncSchedules` (in this process) that Redis no longer has: all of them after
   * Redis restarted empty. Null when this process has not installed any yet.
   */
  missingSchedules(): Promise<string[] | null>;
  readonly queue: Queue<JobData>;
  close(): Promise<void>;
}

const JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;

/** The producer side of the `jobs` queue. */
export function createJobQueue(connection: RedisClient, prefix: string): JobQueue {
  const queue = new Queue<JobData>(JOBS_QUEUE, { connection, prefix });
  queue.on('error', () => undefined);
  let installed: string[] | null = null;
  return {
    queue,
    async add(name, data, opts = {}) {
      await queue.add(name, { name, data }, { ...JOB_OPTIONS, ...(opts.id ? { jobId: opts.id } : {}), ...(opts.delayMs ? { delay: opts.delayMs } : {}) });
    },
    async addBulk(jobs) {
      await queue.addBulk(jobs.map((j) => ({ name: j.name, data: { name: j.name, data: j.data }, opts: { ...JOB_OPTIONS, ...(j.id ? { jobId: j.id } : {}) } })));
    },
    async syncSchedules(schedules) {
      const wanted = new Set(schedules.map((s) => s.id));
      installed = [...wanted];
      for (const s of schedules) {
        await queue.upsertJobScheduler(s.id, { pattern: s.cron, tz: s.tz }, { name: s.job, data: { name: s.job, data: s.data ?? {} }, opts: JOB_OPTIONS });
      }
      for (const existing of await queue.getJobSchedulers(0, -1)) {
        if (existing.key && !wanted.has(existing.key)) await queue.removeJobScheduler(existing.key);
      }
    },
    async missingSchedules() {
      if (installed === null) return null;
      const present = new Set((await queue.getJobSchedulers(0, -1)).map((s) => s.key));
      return installed.filter((id) => !present.has(id));
    },
    async close() {
      await queue.close();
    },
  };
}

/** How often a worker process checks that its schedules are still in Redis. */
export const SCHEDULE_CHECK_MS = 30_000;

/**
 * Puts the schedules back when Redis lost them. Job schedulers live only in Redis, and are installed
 * at start and when the roster changes; a Redis that restarts empty (no append-only file, a failover
 * to an empty replica, a FLUSHALL) would otherwise leave quarter openings, reminders and reconcile
 * unscheduled until Trellis restarts. Every `everyMs` each worker process reads the scheduler list
 * (one ZRANGE and a few HGETALLs) and, when any it installed is missing (or none was ever installed,
 * as when GitLab was down at start), runs `install`, which upserts: the same idempotent path as a
 * roster change, so several workers doing it at once is harmless. Returns a stop function.
 */
export function watchSchedules(opts: { jobs: Pick<JobQueue, 'missingSchedules'>; install: () => Promise<void>; log: Log; everyMs?: number }): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    let missing: string[] | null = null;
    void (async () => {
      try {
        missing = await opts.jobs.missingSchedules();
        if (missing !== null && missing.length === 0) return;
        if (missing) opts.log.warn({ missing }, 'schedules missing from Redis (it lost its data?); installing them again');
        await opts.install();
      } catch (err) {
        // Never installed (no valid roster yet, GitLab down at start) is said once at start already: quieter.
        opts.log[missing === null ? 'debug' : 'warn']({ err }, 'could not check or install the schedules; trying again later');
      } finally {
        running = false;
      }
    })();
  }, opts.everyMs ?? SCHEDULE_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Consumes the `jobs` queue, running each job by name. */
export function startJobWorker(
  connection: RedisClient,
  opts: { prefix: string; concurrency: number; log: Log; run: (name: string, data: Record<string, unknown>, log: Log) => Promise<void> },
): Worker<JobData> {
  const worker = new Worker<JobData>(
    JOBS_QUEUE,
    async (job: Job<JobData>) => {
      const log = opts.log.child({ job: job.id, jobName: job.data.name, attempt: job.attemptsMade + 1 });
      try {
        await opts.run(job.data.name, job.data.data, log);
      } catch (err) {
        log.warn({ err }, 'job failed');
        if (err instanceof PermanentError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
        throw err;
      }
    },
    { connection, prefix: opts.prefix, concurrency: opts.concurrency },
  );
  worker.on('error', (err) => opts.log.error({ err }, 'jobs worker connection error'));
  return worker;
}
