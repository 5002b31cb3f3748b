import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/connect-redis.js';
import { TransientError } from '../core/errors.js';
import type { TrellisEvent } from '../events/types.js';
import type { EventJobData } from './queue-names.js';
import { writeStoredEvent } from './stored-event.js';

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

/**
 * The Redis keys of the inbox: a stream of accepted events that the relay (src/queue/inbox-relay.ts)
 * moves into the BullMQ `events` queue, one dedupe key per delivery, a list that wakes an idle relay
 * when events arrive, and where the relay keeps a large event's body aside while its job waits. All
 * under the queue prefix, so they share its `{trellis}` hash tag (one Redis Cluster slot) with the queues.
 */
export function inboxKeys(prefix: string): { readonly stream: string; readonly seen: string; readonly wake: string; readonly body: string } {
  return { stream: `${prefix}:inbox`, seen: `${prefix}:inbox:seen:`, wake: `${prefix}:inbox:wake`, body: `${prefix}:inbox:body:` };
}

/** Events stored in the inbox and not yet handed to the events queue (XLEN: relayed entries are deleted). */
export async function inboxBacklog(redis: RedisClient, prefix: string): Promise<number> {
  return await redis.xlen(inboxKeys(prefix).stream);
}

/**
 * Stores a batch of deliveries atomically per delivery: a new delivery sets its dedupe key (SET NX,
 * with its TTL: one command for the common case) and is appended to the stream; a delivery whose
 * dedupe key exists answers the job id it was first stored under. ARGV: dedupe key prefix, TTL in ms, then (dedupe key, job id, job name, job data) per delivery.
 * Keys are built inside the script from the prefix, as BullMQ's scripts do; the hash tag keeps them in
 * the stream's slot. When something was appended, one token in the wake list (KEYS[2]) tells an idle
 * relay, which waits on that list rather than on the stream so that waiting never hands it an event
 * whose size it has not chosen to hold.
 */
const STORE_SCRIPT = `
local out = {}
local added = false
for i = 3, #ARGV, 4 do
  local seen = ARGV[1] .. ARGV[i]
  if redis.call('SET', seen, ARGV[i + 1], 'NX', 'PX', ARGV[2]) then
    redis.call('XADD', KEYS[1], '*', 'j', ARGV[i + 1], 'n', ARGV[i + 2], 'd', ARGV[i + 3])
    out[#out + 1] = ''
    added = true
  else
    out[#out + 1] = redis.call('GET', seen)
  end
end
if added then
  redis.call('LPUSH', KEYS[2], '1')
  redis.call('LTRIM', KEYS[2], 0, 0)
end
return out
`;
const STORE_SHA = createHash('sha1').update(STORE_SCRIPT).digest('hex');

/** Most deliveries stored by one script call; a busier moment simply makes several. */
const MAX_BATCH = 128;
/** Idempotency keys are UUIDs; anything longer than this is hashed so a hostile header cannot bloat Redis keys. */
const LONGEST_RAW_KEY = 128;

interface Pending {
  readonly key: string;
  readonly jobId: string;
  readonly name: string;
  readonly data: string;
  readonly resolve: (result: EnqueueResult) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The api role's producer. An event is appended to the inbox stream by one Lua script that also
 * deduplicates it on the delivery key (Idempotency-Key, or a hash of the body), so a redelivery
 * answers 202 "duplicate" without a second entry and without a window where both could slip through.
 * Stores requested in the same turn of the event loop go to Redis as one script call (flushed on
 * `setImmediate`, so nothing waits on a timer); each caller resolves only once its own event is
 * stored, which is what a 202 promises.
 *
 * Why not BullMQ's own add here: its client side (job object, options, msgpack, a 20-argument script
 * call per job) cost about 40 µs of CPU per event, a third of the api's time per webhook; the relay
 * pays it in the worker processes instead, and `bench/ingress.ts` measures the difference.
 *
 * The connection has no offline queue: while Redis is down `enqueue` fails at once (the route answers
 * 503) instead of acknowledging an event that only lives in this process's memory. When a script call
 * fails, every caller of the batch is told "not stored" (some may have been, which is safe: GitLab's
 * resend carries the same delivery key and is deduplicated).
 */
export function createEventIntake(connection: RedisClient, opts: { prefix: string; dedupeTtlMs: number }): EventIntake {
  const keys = inboxKeys(opts.prefix);
  const ttl = String(opts.dedupeTtlMs);
  let pending: Pending[] = [];
  const inFlight = new Set<Promise<void>>();

  function flush(): void {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const stored = store(batch).finally(() => inFlight.delete(stored));
    inFlight.add(stored);
  }

  async function runStore(args: string[]): Promise<string[]> {
    try {
      return (await connection.evalsha(STORE_SHA, 2, keys.stream, keys.wake, ...args)) as string[];
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await connection.eval(STORE_SCRIPT, 2, keys.stream, keys.wake, ...args)) as string[];
    }
  }

  async function store(batch: readonly Pending[]): Promise<void> {
    const args = [keys.seen, ttl];
    for (const p of batch) args.push(p.key, p.jobId, p.name, p.data);
    try {
      const prior = await runStore(args);
      batch.forEach((p, i) => {
        const existing = prior[i];
        p.resolve(existing ? { duplicate: true, jobId: existing } : { duplicate: false, jobId: p.jobId });
      });
    } catch (err) {
      const error = new TransientError('redis_unavailable', 'could not store the event in Redis', {}, { cause: err });
      for (const p of batch) p.reject(error);
    }
  }

  return {
    enqueue(event, deliveryKey) {
      const key = deliveryKey.length > LONGEST_RAW_KEY ? `sha256:${createHash('sha256').update(deliveryKey).digest('base64url')}` : deliveryKey;
      const data: EventJobData = { event, receivedAt: Date.now(), deliveryKey: key };
      return new Promise<EnqueueResult>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ key, jobId: randomUUID(), name: event.type, data: writeStoredEvent(data), resolve, reject });
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
    },
  };
}
