import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Log } from '../core/log.js';
import { inboxKeys } from './event-intake.js';
import type { EventJobData } from './queue-names.js';

/** Retries of a failed event job: 8 attempts over about four minutes, then kept as failed for a week. */
export const EVENT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** The consumer group every relay reads the inbox stream in. */
const GROUP = 'relay';
/** A consumer that has held nothing for this long belongs to a process that is gone: forgotten. */
const FORGET_CONSUMER_MS = 3_600_000;

export interface InboxRelayOptions {
  /** For acknowledging, claiming and group upkeep. */
  readonly redis: Redis;
  /** Only for the blocking read; the relay disconnects it on close. */
  readonly blocking: Redis;
  /** The BullMQ `events` queue the inbox empties into. */
  readonly queue: Queue<EventJobData>;
  readonly prefix: string;
  readonly log: Log;
  /** Entries moved per round trip. */
  readonly batchSize?: number;
  /**
   * The relay waits while the events queue has this many jobs waiting: a backlog stays in the inbox
   * (half the Redis memory of a job) and the worker's CPU goes to processing, not to moving events.
   */
  readonly maxWaiting?: number;
  readonly blockMs?: number;
  /** An entry read by a relay that has not acknowledged it for this long is taken over. */
  readonly reclaimIdleMs?: number;
  readonly reclaimEveryMs?: number;
}

export interface InboxRelay {
  /** Stops reading; resolves once the batch in hand is in the events queue (or left for another relay). */
  close(): Promise<void>;
}

type StreamEntry = [id: string, fields: string[] | null];

let relaysStarted = 0;

/**
 * Moves events from the inbox stream (where the api role stores them, see event-intake.ts) into the
 * BullMQ `events` queue, in arrival order, in batches. Every worker process runs one; they share the
 * stream through a consumer group, so each entry goes to one relay. An entry is deleted only after its
 * job is in the queue, so a relay killed in between leaves it pending: its successor with the same name
 * (a restarted container: same host name, same pid) reads it back at once, and any relay takes it over
 * after `reclaimIdleMs`. Adding it again is harmless: the job id was fixed when the event was stored,
 * and BullMQ adds an existing job id only once.
 */
export function startInboxRelay(opts: InboxRelayOptions): InboxRelay {
  const { stream } = inboxKeys(opts.prefix);
  const batchSize = opts.batchSize ?? 200;
  const blockMs = opts.blockMs ?? 5_000;
  const reclaimIdleMs = opts.reclaimIdleMs ?? 30_000;
  const reclaimEveryMs = opts.reclaimEveryMs ?? 15_000;
  const maxWaiting = opts.maxWaiting ?? 1_000;
  const consumer = `${hostname()}:${process.pid}:${relaysStarted++}`;
  let closing = false;
  let wake: (() => void) | undefined;

  async function ensureGroup(): Promise<void> {
    try {
      // From the stream's start: events the api stored before any worker ran are relayed too.
      await opts.redis.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('BUSYGROUP')) throw err;
    }
  }

  async function read(id: '0' | '>'): Promise<StreamEntry[]> {
    const reply = (await opts.blocking.xreadgroup('GROUP', GROUP, consumer, 'COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', stream, id)) as Array<[string, StreamEntry[]]> | null;
    return reply?.[0]?.[1] ?? [];
  }

  async function relay(entries: readonly StreamEntry[]): Promise<void> {
    const jobs: Parameters<Queue<EventJobData>['addBulk']>[0] = [];
    for (const [id, fields] of entries) {
      // A pending entry deleted meanwhile (relayed by a relay that then lost its acknowledgement) reads as null.
      if (!fields) continue;
      const f = fieldsOf(fields);
      try {
        jobs.push({ name: f.n ?? 'event', data: JSON.parse(f.d ?? '') as EventJobData, opts: { ...EVENT_JOB_OPTIONS, jobId: f.j ?? id } });
      } catch (err) {
        // Only Trellis writes the inbox; an unreadable entry means tampering. Not retried forever, and not
        // logged whole: events carry confidential career text, which stays out of logs.
        opts.log.error({ err, entry: id, bytes: fields.join('').length }, 'unreadable inbox entry dropped');
      }
    }
    if (jobs.length > 0) await opts.queue.addBulk(jobs);
    const ids = entries.map(([id]) => id);
    const results = await opts.redis.multi().xack(stream, GROUP, ...ids).xdel(stream, ...ids).exec();
    const failed = results?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  /** Takes over what stopped relays had read, and forgets consumers long gone. */
  async function reclaim(): Promise<void> {
    let start = '0-0';
    do {
      const [next, entries] = (await opts.redis.xautoclaim(stream, GROUP, consumer, reclaimIdleMs, start, 'COUNT', batchSize)) as [string, StreamEntry[]];
      if (entries.length > 0) {
        opts.log.info({ events: entries.length }, 'inbox relay took over events a stopped relay had read');
        await relay(entries);
      }
      start = next;
    } while (start !== '0-0' && !closing);
    const consumers = (await opts.redis.xinfo('CONSUMERS', stream, GROUP)) as string[][];
    for (const c of consumers) {
      const info = fieldsOf(c.map(String));
      if (info.name !== consumer && info.pending === '0' && Number(info.idle) > FORGET_CONSUMER_MS) {
        await opts.redis.xgroup('DELCONSUMER', stream, GROUP, info.name ?? '');
      }
    }
  }

  async function run(): Promise<void> {
    let groupReady = false;
    // First what this consumer name already holds: a restarted container reads back its own batch.
    let own = true;
    let nextReclaim = 0;
    let failures = 0;
    while (!closing) {
      try {
        if (!groupReady) {
          await ensureGroup();
          groupReady = true;
        }
        if (Date.now() >= nextReclaim) {
          await reclaim();
          nextReclaim = Date.now() + reclaimEveryMs;
        }
        if ((await opts.queue.getWaitingCount()) >= maxWaiting) {
          await pause(50);
          continue;
        }
        const entries = await read(own ? '0' : '>');
        if (own && entries.length < batchSize) own = false;
        if (entries.length > 0) await relay(entries);
        failures = 0;
      } catch (err) {
        if (closing) break;
        // The stream was deleted (and its group with it): recreate both.
        if (err instanceof Error && err.message.startsWith('NOGROUP')) groupReady = false;
        own = true;
        failures++;
        opts.log.warn({ err, failures }, 'inbox relay failed; retrying');
        await pause(Math.min(5_000, 50 * 2 ** failures));
      }
    }
  }

  /** A wait that close() cuts short. */
  function pause(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      wake = r;
      setTimeout(r, ms);
    });
  }

  const running = run();
  return {
    async close() {
      closing = true;
      wake?.();
      // Ends a blocking read at once; a batch being relayed finishes on the other connections. While
      // Redis is down that could wait for its return: after 5 s the batch is left to a successor,
      // which takes it over (nothing is deleted before it is queued).
      opts.blocking.disconnect();
      await Promise.race([running, new Promise((r) => setTimeout(r, 5_000).unref())]);
    },
  };
}

/** A Redis field list `[k1, v1, k2, v2, ...]` as a record. */
function fieldsOf(list: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1];
  return out;
}
