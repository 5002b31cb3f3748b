import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
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

/**
 * The BullMQ producer for the `events` queue. A delivery is deduplicated atomically inside BullMQ's
 * own add script (throttle-mode deduplication keyed on the delivery key, kept `dedupeTtlMs`), so a
 * redelivery answers 202 without a second job and without a window where both could slip through.
 * The connection has no offline queue: while Redis is down `enqueue` fails at once (the route answers
 * 503) instead of acknowledging an event that only lives in this process's memory.
 */
export function createEventIntake(connection: Redis, opts: { prefix: string; dedupeTtlMs: number }): EventIntake {
  const queue = new Queue<EventJobData>(EVENTS_QUEUE, { connection, prefix: opts.prefix });
  queue.on('error', () => undefined);
  return {
    async enqueue(event, deliveryKey) {
      const jobId = randomUUID();
      try {
        const job = await queue.add(event.type, { event, receivedAt: Date.now(), deliveryKey }, {
          ...EVENT_JOB_OPTIONS,
          jobId,
          deduplication: { id: deliveryKey, ttl: opts.dedupeTtlMs },
        });
        return { duplicate: job.id !== jobId, jobId: job.id ?? jobId };
      } catch (err) {
        throw new TransientError('redis_unavailable', 'could not store the event in Redis', {}, { cause: err });
      }
    },
    async ping() {
      try {
        return (await connection.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await queue.close();
    },
  };
}
