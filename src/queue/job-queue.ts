import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
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
export function createJobQueue(connection: Redis, prefix: string): JobQueue {
  const queue = new Queue<JobData>(JOBS_QUEUE, { connection, prefix });
  queue.on('error', () => undefined);
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
      for (const s of schedules) {
        await queue.upsertJobScheduler(s.id, { pattern: s.cron, tz: s.tz }, { name: s.job, data: { name: s.job, data: s.data ?? {} }, opts: JOB_OPTIONS });
      }
      for (const existing of await queue.getJobSchedulers(0, -1)) {
        if (existing.key && !wanted.has(existing.key)) await queue.removeJobScheduler(existing.key);
      }
    },
    async close() {
      await queue.close();
    },
  };
}

/** Consumes the `jobs` queue, running each job by name. */
export function startJobWorker(
  connection: Redis,
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
