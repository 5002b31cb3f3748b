import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { RedisClient } from '../redis/connect-redis.js';
import { PermanentError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { runWithEventUuid } from '../gitlab/request-context.js';
import type { ByteBudget } from './byte-budget.js';
import { EVENTS_QUEUE } from './queue-names.js';
import type { EventJob, EventJobData, StoredEventJobData } from './queue-names.js';
import { readStoredEvent } from './stored-event.js';

/** A large event's body outlives its failed job by as long as BullMQ keeps the job (EVENT_JOB_OPTIONS.removeOnFail), for a retry by hand. */
const FAILED_BODY_TTL_SECONDS = 7 * 24 * 3600;

export interface EventWorkerOptions {
  readonly prefix: string;
  readonly concurrency: number;
  readonly log: Log;
  readonly handle: (data: EventJobData, log: Log) => Promise<void>;
  readonly onOutcome?: (outcome: 'completed' | 'retry' | 'failed', data: EventJobData) => void;
  /**
   * Bytes of large events (those the relay kept aside) this worker reads and handles at once; a job
   * waits, holding nothing large, until its event fits. Without it, each is read as soon as its job runs.
   */
  readonly budget?: ByteBudget;
}

/**
 * Consumes the `events` queue. Each job runs with a child logger naming the job and issue, and with
 * the delivery's X-Gitlab-Event-UUID in context so GitLab suppresses the hooks our own writes would
 * fire. A PermanentError fails the job at once; anything else is retried with back-off.
 *
 * A large event's job carries only where its body is kept (StoredEventJobData): it is read once the
 * byte budget has room for it, and deleted once handled, so the memory the worker's jobs take grows
 * with the budget, not with concurrency times the largest payload GitLab sends.
 */
export function startEventWorker(connection: RedisClient, opts: EventWorkerOptions): Worker<EventJob> {
  const worker = new Worker<EventJob>(
    EVENTS_QUEUE,
    async (job: Job<EventJob>) => {
      const stored = 'stored' in job.data ? job.data.stored : undefined;
      if (!stored) return run(job, job.data as EventJobData);
      const release = await (opts.budget?.acquire(stored.bytes) ?? Promise.resolve(() => undefined));
      try {
        const data = await readStored(connection, stored, job, opts.log);
        if (data) await run(job, data);
        await connection.del(stored.key).catch(() => undefined);
      } catch (err) {
        // Kept while BullMQ keeps the failed job, so a retry by hand finds it; until then every retry needs it.
        if (err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await connection.expire(stored.key, FAILED_BODY_TTL_SECONDS).catch(() => undefined);
        throw err;
      } finally {
        release();
      }
    },
    { connection, prefix: opts.prefix, concurrency: opts.concurrency, autorun: true },
  );

  async function run(job: Job<EventJob>, data: EventJobData): Promise<void> {
    const { event } = data;
    const iid = event.type === 'push' ? undefined : event.issue.iid;
    const log = opts.log.child({ job: job.id, event: event.type, iid, attempt: job.attemptsMade + 1 });
    try {
      await runWithEventUuid(event.eventUuid, () => opts.handle(data, log));
      opts.onOutcome?.('completed', data);
    } catch (err) {
      const final = err instanceof PermanentError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log[final ? 'error' : 'warn']({ err }, final ? 'event failed for good' : 'event failed, will retry');
      opts.onOutcome?.(final ? 'failed' : 'retry', data);
      if (err instanceof PermanentError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  worker.on('error', (err) => opts.log.error({ err }, 'events worker connection error'));
  return worker;
}

/** A large body is read this much at a time (see readStored). */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * The event a large job refers to, or null when its body is gone: a run that handled it and deleted
 * the body before its completion reached Redis (so there is nothing left to do), or Redis lost it.
 * Read in 1 MB ranges into one buffer: ioredis's reply parser sizes a shared pool at three times a
 * reply it must piece together, so one GET of a 22 MB body would briefly cost 66 MB more.
 */
async function readStored(connection: RedisClient, stored: StoredEventJobData['stored'], job: Job<EventJob>, log: Log): Promise<EventJobData | null> {
  const size = await connection.strlen(stored.key);
  const body = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const part = await connection.getrangeBuffer(stored.key, read, Math.min(size, read + READ_CHUNK_BYTES) - 1);
    if (part.length === 0) break;
    part.copy(body, read);
    read += part.length;
  }
  if (size === 0 || read !== size) {
    log.warn({ job: job.id, bytes: stored.bytes }, 'large event body no longer in Redis (already handled, or Redis lost it); job completed without it');
    return null;
  }
  const text = body.toString('utf8');
  try {
    return readStoredEvent(text);
  } catch (err) {
    // Only Trellis writes these keys: unreadable means tampering. Not logged whole (career text stays out of logs).
    log.error({ err, job: job.id, bytes: text.length }, 'unreadable large event body');
    throw new UnrecoverableError('payload_invalid: unreadable large event body');
  }
}
