import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { PermanentError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { runWithEventUuid } from '../gitlab/request-context.js';
import { EVENTS_QUEUE } from './queue-names.js';
import type { EventJobData } from './queue-names.js';

export interface EventWorkerOptions {
  readonly prefix: string;
  readonly concurrency: number;
  readonly log: Log;
  readonly handle: (data: EventJobData, log: Log) => Promise<void>;
  readonly onOutcome?: (outcome: 'completed' | 'retry' | 'failed', data: EventJobData) => void;
}

/**
 * Consumes the `events` queue. Each job runs with a child logger naming the job and issue, and with
 * the delivery's X-Gitlab-Event-UUID in context so GitLab suppresses the hooks our own writes would
 * fire. A PermanentError fails the job at once; anything else is retried with back-off.
 */
export function startEventWorker(connection: Redis, opts: EventWorkerOptions): Worker<EventJobData> {
  const worker = new Worker<EventJobData>(
    EVENTS_QUEUE,
    async (job: Job<EventJobData>) => {
      const { event } = job.data;
      const iid = event.type === 'push' ? undefined : event.issue.iid;
      const log = opts.log.child({ job: job.id, event: event.type, iid, attempt: job.attemptsMade + 1 });
      try {
        await runWithEventUuid(event.eventUuid, () => opts.handle(job.data, log));
        opts.onOutcome?.('completed', job.data);
      } catch (err) {
        const final = err instanceof PermanentError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        log[final ? 'error' : 'warn']({ err }, final ? 'event failed for good' : 'event failed, will retry');
        opts.onOutcome?.(final ? 'failed' : 'retry', job.data);
        if (err instanceof PermanentError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
        throw err;
      }
    },
    { connection, prefix: opts.prefix, concurrency: opts.concurrency, autorun: true },
  );
  worker.on('error', (err) => opts.log.error({ err }, 'events worker connection error'));
  return worker;
}
