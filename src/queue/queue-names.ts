import type { TrellisEvent } from '../events/types.js';

/** Queue names; the prefix (config `queuePrefix`, default `{trellis}`) is a Redis Cluster hash tag. */
export const EVENTS_QUEUE = 'events';
export const JOBS_QUEUE = 'jobs';

/** What an events-queue job carries: the normalised event and when it was accepted. */
export interface EventJobData {
  readonly event: TrellisEvent;
  readonly receivedAt: number;
  /** The dedupe key (Idempotency-Key or body hash), for logs. */
  readonly deliveryKey: string;
}

/**
 * An events-queue job whose event was too large to carry (over the relay's `largeEventBytes`): its
 * stored form (an EventJobData as JSON) waits in its own Redis key, and a worker reads it only once
 * its byte budget has room (src/queue/event-worker.ts).
 */
export interface StoredEventJobData {
  readonly stored: { readonly key: string; readonly bytes: number };
}

/** What an events-queue job carries: the event itself, or where a large one is kept. */
export type EventJob = EventJobData | StoredEventJobData;
