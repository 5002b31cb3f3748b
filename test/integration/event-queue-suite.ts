import { Queue } from 'bullmq';
import type { Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/core/errors.js';
import { silentLog } from '../../src/core/log.js';
import type { TrellisEvent } from '../../src/events/types.js';
import { createEventIntake, inboxBacklog } from '../../src/queue/event-intake.js';
import type { EventIntake } from '../../src/queue/event-intake.js';
import { createByteBudget } from '../../src/queue/byte-budget.js';
import { startEventWorker } from '../../src/queue/event-worker.js';
import { LARGE_EVENT_BYTES, startInboxRelay } from '../../src/queue/inbox-relay.js';
import type { InboxRelay, InboxRelayOptions } from '../../src/queue/inbox-relay.js';
import { EVENTS_QUEUE } from '../../src/queue/queue-names.js';
import type { EventJob, EventJobData } from '../../src/queue/queue-names.js';
import { connectRedis } from '../../src/redis/connect-redis.js';
import type { RedisClient } from '../../src/redis/connect-redis.js';
import { deletePrefix, keysMatching, randomPrefix } from '../helpers/redis.js';

/**
 * The events queue and the inbox between the api and the workers (src/queue), against the Redis at
 * `url()` (read when the suite starts, so a test may start its Redis in an outer beforeAll): one Redis
 * in event-queue.test.ts, a Redis Cluster in test/cluster/cluster.test.ts.
 */
export function eventQueueSuite(url: () => string): void {
  const prefix = randomPrefix('queue');
  let producer: RedisClient;
  let admin: RedisClient;
  let intake: EventIntake;
  const workers: Worker[] = [];
  const relays: InboxRelay[] = [];
  const queues: Queue[] = [];

  function event(iid: number, body = 'hello'): TrellisEvent {
    const issue = { id: iid, iid, projectId: 1, title: `#${iid}`, description: body, state: 'opened' as const, labels: [], assignees: [], author: 'alice', confidential: false, dueDate: null, webUrl: '', createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z', closedAt: null };
    return { type: 'issue', action: 'update', actor: { id: 2, username: 'alice' }, project: { id: 1, path: 'infra/career', webUrl: '' }, issue, changes: {} };
  }

  /** A relay moving the inbox into the events queue, as every worker process runs one. */
  function relay(opts: Partial<InboxRelayOptions> = {}): InboxRelay {
    const queue = new Queue<EventJobData>(EVENTS_QUEUE, { connection: admin, prefix });
    queues.push(queue);
    const r = startInboxRelay({ redis: admin, blocking: connectRedis(url(), { maxRetriesPerRequest: null }), queue, prefix, log: silentLog, blockMs: 200, ...opts });
    relays.push(r);
    return r;
  }

  function worker(handle: (data: EventJobData) => Promise<void>, concurrency = 4): Worker {
    if (relays.length === 0) relay();
    const w = startEventWorker(connectRedis(url(), { maxRetriesPerRequest: null }), { prefix, concurrency, log: silentLog, handle: (d) => handle(d) });
    workers.push(w);
    return w;
  }

  async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    producer = connectRedis(url(), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((r) => producer.once('ready', r));
    admin = connectRedis(url(), { maxRetriesPerRequest: 3 });
    intake = createEventIntake(producer, { prefix, dedupeTtlMs: 60_000 });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
    await Promise.all(workers.splice(0).map((w) => w.close(true)));
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await deletePrefix(admin, prefix);
  });

  afterAll(async () => {
    await intake.close();
    await producer.quit();
    await admin.quit();
  });

  describe('events queue', () => {
    it('hands every accepted event to a worker', async () => {
      const seen: number[] = [];
      worker(async (d) => void seen.push(d.event.type === 'push' ? 0 : d.event.issue.iid));
      for (let i = 1; i <= 50; i++) await intake.enqueue(event(i), `key-${i}`);
      await until(() => seen.length === 50);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('processes a delivery once however often it arrives, even concurrently', async () => {
      let handled = 0;
      const results = await Promise.all(Array.from({ length: 12 }, () => intake.enqueue(event(7), 'same-delivery')));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      worker(async () => void handled++);
      await until(() => handled === 1);
      await new Promise((r) => setTimeout(r, 300));
      const again = await intake.enqueue(event(7), 'same-delivery');
      expect(again.duplicate).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(handled).toBe(1);
    });

    it('retries an event whose GitLab call failed for a passing reason', async () => {
      let attempts = 0;
      worker(async () => {
        attempts++;
        if (attempts === 1) throw new TransientError('gitlab_unavailable', '502 from GitLab');
      });
      await intake.enqueue(event(8), 'retry-me');
      await until(() => attempts === 2);
      expect(attempts).toBe(2);
    });

    it('does not retry an event GitLab refused for good', async () => {
      let attempts = 0;
      const w = worker(async () => {
        attempts++;
        throw new PermanentError('gitlab_forbidden', '403 Forbidden');
      });
      const failed = new Promise((r) => w.once('failed', r));
      await intake.enqueue(event(9), 'permanent');
      await failed;
      await new Promise((r) => setTimeout(r, 1500));
      expect(attempts).toBe(1);
    });

    it('lets a running job finish on graceful shutdown', async () => {
      let finished = false;
      let started = false;
      const w = worker(async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 400));
        finished = true;
      });
      await intake.enqueue(event(10), 'slow');
      await until(() => started);
      await w.close();
      expect(finished).toBe(true);
    });
  });

  describe('the inbox between the api and the workers', () => {
    it('relays events stored before any worker ran, in the order they arrived', async () => {
      for (let i = 1; i <= 30; i++) await intake.enqueue(event(i), `early-${i}`);
      expect(await inboxBacklog(admin, prefix)).toBe(30);
      const seen: number[] = [];
      worker(async (d) => void seen.push(d.event.type === 'push' ? 0 : d.event.issue.iid), 1);
      await until(() => seen.length === 30);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(await inboxBacklog(admin, prefix)).toBe(0);
    });

    it('takes over what a relay read and never handed on, without doing any event twice', async () => {
      // A relay that reads and then dies: its batch stays pending under its name.
      await admin.xgroup('CREATE', `${prefix}:inbox`, 'relay', '0', 'MKSTREAM');
      for (let i = 1; i <= 5; i++) await intake.enqueue(event(i), `stolen-${i}`);
      const read = await admin.xreadgroup('GROUP', 'relay', 'a-relay-that-died', 'COUNT', 10, 'STREAMS', `${prefix}:inbox`, '>');
      expect(read).not.toBeNull();
      const seen: number[] = [];
      relay({ reclaimIdleMs: 300, reclaimEveryMs: 100 });
      worker(async (d) => void seen.push(d.event.type === 'push' ? 0 : d.event.issue.iid));
      await until(() => seen.length === 5);
      await new Promise((r) => setTimeout(r, 500));
      expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await inboxBacklog(admin, prefix)).toBe(0);
    });

    it('keeps relaying after the inbox was deleted under it', async () => {
      const seen: number[] = [];
      worker(async (d) => void seen.push(d.event.type === 'push' ? 0 : d.event.issue.iid));
      await intake.enqueue(event(1), 'before');
      await until(() => seen.length === 1);
      await admin.del(`${prefix}:inbox`);
      await intake.enqueue(event(2), 'after');
      await until(() => seen.length === 2);
      expect(seen).toEqual([1, 2]);
    });

    it('stores a hostile, very long delivery key under a short one, and still deduplicates it', async () => {
      const key = 'k'.repeat(10_000);
      const first = await intake.enqueue(event(3), key);
      const again = await intake.enqueue(event(3), key);
      expect([first.duplicate, again.duplicate]).toEqual([false, true]);
      const keys = await keysMatching(admin, `${prefix}:inbox:seen:*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]!.length).toBeLessThan(200);
    });
  });

  describe('large events, within a byte budget', () => {
    const descriptionOf = (d: EventJobData) => (d.event.type === 'push' ? '' : (d.event.issue.description ?? ''));

    it('carries an event over 64 KB by reference, hands the worker all of it, and deletes the kept body once handled', async () => {
      const big = `- [ ] ${'é'.repeat(LARGE_EVENT_BYTES)}`;
      const seen: number[] = [];
      worker(async (d) => void seen.push(descriptionOf(d).length));
      await intake.enqueue(event(1, big), 'big');
      await intake.enqueue(event(2), 'small');
      await until(() => seen.length === 2);
      expect([...seen].sort((a, b) => b - a)).toEqual([big.length, 'hello'.length]);
      const queue = new Queue<EventJob>(EVENTS_QUEUE, { connection: admin, prefix });
      queues.push(queue);
      await until(async () => (await queue.getCompletedCount()) === 2);
      const carried = (await queue.getCompleted()).map((j) => ('stored' in j.data ? 'by reference' : 'whole')).sort();
      expect(carried).toEqual(['by reference', 'whole']);
      await until(async () => (await keysMatching(admin, `${prefix}:inbox:body:*`)).length === 0);
    });

    it('moves the inbox in batches bounded in bytes, not only in entries', async () => {
      for (let i = 1; i <= 20; i++) await intake.enqueue(event(i, 'x'.repeat(20_000)), `mid-${i}`);
      const queue = new Queue<EventJobData>(EVENTS_QUEUE, { connection: admin, prefix });
      queues.push(queue);
      const batches: number[] = [];
      const counting = Object.create(queue) as Queue<EventJobData>;
      counting.addBulk = async (jobs) => {
        batches.push(jobs.length);
        return queue.addBulk(jobs);
      };
      relay({ queue: counting, batchBytes: 50_000 });
      await until(() => batches.reduce((a, b) => a + b, 0) === 20);
      // The batch stops at the entry that reaches 50 KB: three of about 20 KB each.
      expect(Math.max(...batches)).toBe(3);
    });

    it('runs large events only as far as the budget allows, one alone when it is larger than the budget', async () => {
      relay();
      let running = 0;
      let most = 0;
      let done = 0;
      const w = startEventWorker(connectRedis(url(), { maxRetriesPerRequest: null }), {
        prefix,
        concurrency: 4,
        log: silentLog,
        budget: createByteBudget(100_000),
        handle: async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 50));
          running -= 1;
          done += 1;
        },
      });
      workers.push(w);
      for (let i = 1; i <= 4; i++) await intake.enqueue(event(i, 'y'.repeat(150_000)), `over-${i}`);
      await until(() => done === 4);
      expect(most).toBe(1);
    });
  });
}
