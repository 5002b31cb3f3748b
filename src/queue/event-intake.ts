import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { TransientError } from '../core/errors.js';
import type { TrellisEvent } from '../events/types.js';
import { EVENTS_QUEUE } from './queue-names.js';
import type { EventJobData } from './queue-names.js';

export interface EnqueueResult {
  readonly duplicate: boolean;
  readonly jobId: string;
}

/** Where the webhook route puts events: durable in Redis once `enqueue` resolves. */
export interface EventIntake {
  enqueue(event: TrellisEvent, deliveryKey: string): Promise<EnqueueResult>;
  /** True when Redis answers a PING now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Retries of a failed event job: 8 attempts over about four minutes, then kept as failed for a week. */
export const EVENT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Most adds sent in one pipeline; a busier moment simply makes several. */
const MAX_BATCH = 128;

interface PendingAdd {
  readonly job: { name: string; data: EventJobData; opts: JobsOptions & { jobId: string } };
  readonly resolve: (result: EnqueueResult) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The BullMQ producer for the `events` queue. A delivery is deduplicated atomically inside BullMQ's
 * own add script (throttle-mode deduplication keyed on the delivery key, kept `dedupeTtlMs`), so a
 * redelivery answers 202 without a second job and without a window where both could slip through.
 * The connection has no offline queue: while Redis is down `enqueue` fails at once (the route answers
 * 503) instead of acknowledging an event that only lives in this process's memory.
 *
 * Adds requested in the same turn of the event loop go to Redis as one `addBulk` pipeline (flushed
 * on `setImmediate`, so nothing waits on a timer): under load this saves Redis a read and a reply
 * per event. Each caller still resolves only once its own job is stored. When the pipeline fails,
 * every caller of the batch is told "not stored" — some may have been, which is safe, because
 * GitLab's resend carries the same delivery key and is deduplicated.
 */
export function createEventIntake(connection: Redis, opts: { prefix: string; dedupeTtlMs: number }): EventIntake {
  const queue = new Queue<EventJobData>(EVENTS_QUEUE, { connection, prefix: opts.prefix });
  queue.on('error', () => undefined);
  let pending: PendingAdd[] = [];
  const inFlight = new Set<Promise<void>>();

  function flush(): void {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const stored = store(batch).finally(() => inFlight.delete(stored));
    inFlight.add(stored);
  }

  async function store(batch: readonly PendingAdd[]): Promise<void> {
    try {
      const jobs = await queue.addBulk(batch.map((p) => p.job));
      batch.forEach((p, i) => {
        // BullMQ answers a deduplicated add with the id of the job that already holds the key.
        const id = jobs[i]?.id ?? p.job.opts.jobId;
        p.resolve({ duplicate: id !== p.job.opts.jobId, jobId: id });
      });
    } catch (err) {
      const error = new TransientError('redis_unavailable', 'could not store the event in Redis', {}, { cause: err });
      for (const p of batch) p.reject(error);
    }
  }

  return {
    enqueue(event, deliveryKey) {
      const jobId = randomUUID();
      return new Promise<EnqueueResult>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({
          job: { name: event.type, data: { event, receivedAt: Date.now(), deliveryKey }, opts: { ...EVENT_JOB_OPTIONS, jobId, deduplication: { id: deliveryKey, ttl: opts.dedupeTtlMs } } },
          resolve,
          reject,
        });
        if (pending.length >= MAX_BATCH) flush();
      });
    },
    async ping() {
      try {
        return (await connection.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      flush();
      await Promise.all(inFlight);
      await queue.close();
    },
  };
}
