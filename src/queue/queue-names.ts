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
