import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../redis/connect-redis.js';
import type { Log } from '../core/log.js';
import { inboxKeys } from './event-intake.js';
import type { EventJob, EventJobData } from './queue-names.js';
import { readStoredEvent } from './stored-event.js';

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
/** Events larger than this (stored JSON) are kept aside and carried by reference (see READ_SCRIPT). */
export const LARGE_EVENT_BYTES = 64 * 1024;

/**
 * Takes entries for this relay, one at a time, until `count` entries or `max bytes` of event data
 * are in hand (at least one entry): from the group's new entries (`new`), this consumer's own pending
 * ones after `cursor` (`own`), or those other relays left idle (`claim`, XAUTOCLAIM from `cursor`).
 * An entry whose data is over `large bytes` is not returned whole: its data is copied, inside Redis,
 * to `body prefix`..job id (unless that job is already queued, so its body was kept before), and the
 * entry comes back with `d` empty plus `r` (that key) and `s` (its size). So what a relay holds per
 * batch is bounded in bytes whatever the api accepted, and the largest events cross the network once.
 * Returns {cursor, entries}; cursor `0-0` when the source has nothing more now.
 * KEYS[1]: stream. ARGV: group, consumer, mode, cursor, count, max bytes, large bytes, body prefix,
 * job key prefix, min idle ms (claim).
 */
const READ_SCRIPT = `
local stream, group, consumer, mode = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local cursor = ARGV[4]
local count, maxBytes, large = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local out, bytes, rounds = {}, 0, 0
local function take(id, fields)
  if not fields then
    out[#out + 1] = { id, false }
    return
  end
  local d, j
  for i = 1, #fields, 2 do
    if fields[i] == 'd' then d = i + 1 elseif fields[i] == 'j' then j = fields[i + 1] end
  end
  local size = d and #fields[d] or 0
  if size > large then
    local job = j or id
    local key = ARGV[8] .. job
    if redis.call('EXISTS', ARGV[9] .. job) == 0 then redis.call('SET', key, fields[d]) end
    fields[d] = ''
    fields[#fields + 1] = 'r'
    fields[#fields + 1] = key
    fields[#fields + 1] = 's'
    fields[#fields + 1] = tostring(size)
  else
    bytes = bytes + size
  end
  out[#out + 1] = { id, fields }
end
while #out < count and bytes < maxBytes and rounds < count * 10 do
  rounds = rounds + 1
  if mode == 'claim' then
    local r = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[10], cursor, 'COUNT', 1)
    cursor = r[1]
    for _, e in ipairs(r[2]) do take(e[1], e[2]) end
    if cursor == '0-0' then break end
  else
    local r = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1, 'STREAMS', stream, mode == 'own' and cursor or '>')
    local e = r and r[1][2][1]
    if not e then
      cursor = '0-0'
      break
    end
    cursor = e[1]
    take(e[1], e[2])
  end
end
return { cursor, out }
`;
const READ_SHA = createHash('sha1').update(READ_SCRIPT).digest('hex');

export interface InboxRelayOptions {
  /** For reading, acknowledging, claiming and group upkeep. */
  readonly redis: RedisClient;
  /** Only for waiting on the wake list while the inbox is empty; the relay disconnects it on close. */
  readonly blocking: RedisClient;
  /** The BullMQ `events` queue the inbox empties into. */
  readonly queue: Queue<EventJobData> | Queue<EventJob>;
  readonly prefix: string;
  readonly log: Log;
  /** Most entries moved per round trip. */
  readonly batchSize?: number;
  /**
   * Most bytes of event data (as stored) in hand per round trip; a batch stops at the entry that
   * reaches it, and one entry always goes. Events over LARGE_EVENT_BYTES count nothing here: the
   * relay never holds them (see READ_SCRIPT). Default 4 MB.
   */
  readonly batchBytes?: number;
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
type Mode = 'new' | 'own' | 'claim';

let relaysStarted = 0;

/**
 * Moves events from the inbox stream (where the api role stores them, see event-intake.ts) into the
 * BullMQ `events` queue, in arrival order, in batches bounded in entries and in bytes. Every worker
 * process runs one; they share the stream through a consumer group, so each entry goes to one relay.
 * An entry is deleted only after its job is in the queue, so a relay killed in between leaves it
 * pending: its successor with the same name (a restarted container: same host name, same pid) reads
 * it back at once, and any relay takes it over after `reclaimIdleMs`. Adding it again is harmless: the
 * job id was fixed when the event was stored, and BullMQ adds an existing job id only once.
 * An event over LARGE_EVENT_BYTES becomes a job carrying only where its body is kept (StoredEventJobData),
 * so neither the relay nor a worker fetching jobs holds it until the worker's byte budget has room.
 */
export function startInboxRelay(opts: InboxRelayOptions): InboxRelay {
  const { stream, wake: wakeList, body } = inboxKeys(opts.prefix);
  const queue = opts.queue as Queue<EventJob>;
  const jobKeyPrefix = queue.toKey('');
  const batchSize = opts.batchSize ?? 200;
  const batchBytes = opts.batchBytes ?? 4 * 1024 * 1024;
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

  /** One bounded batch (READ_SCRIPT); `next` is `0-0` when the source had nothing more. */
  async function read(mode: Mode, cursor: string): Promise<{ next: string; entries: StreamEntry[] }> {
    const args = [GROUP, consumer, mode, cursor, batchSize, batchBytes, LARGE_EVENT_BYTES, body, jobKeyPrefix, reclaimIdleMs];
    let reply: [string, StreamEntry[]];
    try {
      reply = (await opts.redis.evalsha(READ_SHA, 1, stream, ...args)) as [string, StreamEntry[]];
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      reply = (await opts.redis.eval(READ_SCRIPT, 1, stream, ...args)) as [string, StreamEntry[]];
    }
    return { next: reply[0], entries: reply[1] };
  }

  async function relay(entries: readonly StreamEntry[]): Promise<void> {
    const jobs: Parameters<Queue<EventJob>['addBulk']>[0] = [];
    for (const [id, fields] of entries) {
      // A pending entry deleted meanwhile (relayed by a relay that then lost its acknowledgement) reads as null.
      if (!fields) continue;
      const f = fieldsOf(fields);
      const jobId = f.j ?? id;
      if (f.r) {
        jobs.push({ name: f.n ?? 'event', data: { stored: { key: f.r, bytes: Number(f.s) || 0 } }, opts: { ...EVENT_JOB_OPTIONS, jobId } });
        continue;
      }
      try {
        jobs.push({ name: f.n ?? 'event', data: readStoredEvent(f.d ?? ''), opts: { ...EVENT_JOB_OPTIONS, jobId } });
      } catch (err) {
        // Only Trellis writes the inbox; an unreadable entry means tampering. Not retried forever, and not
        // logged whole: events carry confidential career text, which stays out of logs.
        opts.log.error({ err, entry: id, bytes: fields.join('').length }, 'unreadable inbox entry dropped');
      }
    }
    if (jobs.length > 0) await queue.addBulk(jobs);
    const ids = entries.map(([id]) => id);
    const results = await opts.redis.multi().xack(stream, GROUP, ...ids).xdel(stream, ...ids).exec();
    const failed = results?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  /** Takes over what stopped relays had read, and forgets consumers long gone. */
  async function reclaim(): Promise<void> {
    let start = '0-0';
    do {
      const { next, entries } = await read('claim', start);
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
    let ownCursor = '0';
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
        const { next, entries } = await read(own ? 'own' : 'new', ownCursor);
        if (entries.length > 0) await relay(entries);
        if (own) {
          own = next !== '0-0';
          ownCursor = own ? next : '0';
        } else if (next === '0-0') {
          // The inbox is empty: wait for the api's wake token (event-intake.ts), or blockMs at most.
          await opts.blocking.blpop(wakeList, blockMs / 1000);
        }
        failures = 0;
      } catch (err) {
        if (closing) break;
        // The stream was deleted (and its group with it): recreate both.
        if (err instanceof Error && err.message.startsWith('NOGROUP')) groupReady = false;
        own = true;
        ownCursor = '0';
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
