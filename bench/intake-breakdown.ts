import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseWebhook } from '../src/events/normalize.js';
import { createEventIntake } from '../src/queue/event-intake.js';
import { EVENT_JOB_OPTIONS } from '../src/queue/inbox-relay.js';
import { EVENTS_QUEUE } from '../src/queue/queue-names.js';
import { TICK_PAYLOAD } from './ingress.js';
import { benchPrefix, benchRedis, deletePrefix, REDIS_URL, redisCpuMs } from './lib/redis.js';
import { round } from './lib/stats.js';

/** Where the api role's CPU per webhook goes, measured in this process (microseconds per event). */
export interface IntakeBreakdown {
  readonly json_parse_us: number;
  /** Reading the payload (src/events/read-payloads.ts) and normalising it into an event, on parsed JSON. */
  readonly validate_us: number;
  /** `EventIntake.enqueue` (dedupe and append to the inbox stream, batched per event-loop turn), in this process and in Redis. */
  readonly enqueue_node_us: number;
  readonly enqueue_redis_us: number;
  /**
   * The same events through BullMQ's `Queue.addBulk` in batches of 200: what the relay pays per event
   * in a worker process, and what the api paid per event when it added jobs itself.
   */
  readonly bullmq_add_node_us: number;
  readonly bullmq_add_redis_us: number;
}

const N = 4000;
const CONCURRENCY = 50;

function cpuUs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/**
 * Why Trellis's route costs what it costs: parsing, validation and storing in the inbox, each alone;
 * beside them BullMQ's add of the same events, which is why the api stores into a stream and leaves
 * the BullMQ add to the workers' relay.
 */
export async function runIntakeBreakdown(): Promise<IntakeBreakdown> {
  const prefix = benchPrefix('intake');
  const admin = benchRedis();
  // The producer is configured as src/main.ts configures it.
  const producer = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((r) => producer.once('ready', r));
  const intake = createEventIntake(producer, { prefix, dedupeTtlMs: 3_600_000 });
  const queue = new Queue(EVENTS_QUEUE, { connection: producer, prefix });
  try {
    const text = () => TICK_PAYLOAD.toString('utf8');
    for (let i = 0; i < 20_000; i++) parseWebhook('Issue Hook', JSON.parse(text()));
    let start = process.cpuUsage();
    for (let i = 0; i < N; i++) JSON.parse(text());
    const jsonUs = cpuUs(start) / N;
    // As many parsed payloads as the ingress bench has requests in flight (thousands kept alive would
    // measure the garbage collector's work on them instead).
    const docs = Array.from({ length: CONCURRENCY }, () => JSON.parse(text()) as unknown);
    start = process.cpuUsage();
    for (let i = 0; i < N; i++) parseWebhook('Issue Hook', docs[i % CONCURRENCY]);
    const validateUs = cpuUs(start) / N;
    const parsed = parseWebhook('Issue Hook', JSON.parse(text()));
    if (parsed.kind !== 'event') throw new Error('the tick payload no longer parses as an event');
    const event = parsed.event;

    const single = (tag: string) =>
      measureAdds(admin, async (keys) => {
        for (const k of keys) await intake.enqueue(event, `${tag}-${k}`);
      });
    const bulk = (tag: string) =>
      measureAdds(admin, async (keys) => {
        const jobs = keys.map((k) => ({ name: event.type, data: { event, receivedAt: Date.now(), deliveryKey: `${tag}-${k}` }, opts: { ...EVENT_JOB_OPTIONS, jobId: randomUUID() } }));
        for (let i = 0; i < jobs.length; i += 200) await queue.addBulk(jobs.slice(i, i + 200));
      });
    // Warm-up, then alternate so background load hits both.
    await single('warm');
    await bulk('warm-bulk');
    const a1 = await single('a1');
    const b1 = await bulk('b1');
    const a2 = await single('a2');
    const b2 = await bulk('b2');
    return {
      json_parse_us: round(jsonUs, 0),
      validate_us: round(validateUs, 1),
      enqueue_node_us: round((a1.node + a2.node) / 2, 0),
      enqueue_redis_us: round((a1.redis + a2.redis) / 2, 0),
      bullmq_add_node_us: round((b1.node + b2.node) / 2, 0),
      bullmq_add_redis_us: round((b1.redis + b2.redis) / 2, 0),
    };
  } finally {
    await queue.close();
    await intake.close();
    await producer.quit();
    await deletePrefix(admin, prefix);
    await admin.quit();
  }
}

/** Adds N events with CONCURRENCY callers in flight (as concurrent requests would) and charges the CPU used to each. */
async function measureAdds(admin: Redis, add: (keys: number[]) => Promise<void>): Promise<{ node: number; redis: number }> {
  const redis0 = await redisCpuMs(admin);
  const start = process.cpuUsage();
  const per = N / CONCURRENCY;
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, c) => add(Array.from({ length: per }, (_, i) => c * per + i))));
  const node = cpuUs(start) / N;
  const redis = (((await redisCpuMs(admin)) - redis0) * 1000) / N;
  return { node, redis };
}
