import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBudget, paceFor, type ApiBudget, type BudgetLimits } from '../../src/gitlab/api-budget.js';

/*
 * The shared GitLab API budget on a real Redis: two budget objects on two connections stand for two
 * worker processes. Assertions count admissions inside a window; they never assert durations.
 */

const unlimited: BudgetLimits = { api: 0, issue_create: 0, note_create: 0 };
let redisA: Redis;
let redisB: Redis;
const prefixes: string[] = [];

function freshPrefix(): string {
  const prefix = `{trellis-test-${randomUUID()}}:budget`;
  prefixes.push(prefix);
  return prefix;
}

/** Takes tokens of `cls` in a loop until `deadline`; counts those granted before it. */
async function admitUntil(budget: ApiBudget, cls: 'api' | 'issue_create', deadline: number): Promise<number> {
  let admitted = 0;
  while (Date.now() < deadline) {
    await budget.take(cls);
    if (Date.now() <= deadline) admitted += 1;
  }
  return admitted;
}

beforeAll(() => {
  redisA = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
  redisB = new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
});

afterEach(async () => {
  for (const prefix of prefixes.splice(0)) {
    const keys = await redisA.keys(`${prefix}*`);
    if (keys.length > 0) await redisA.del(...keys);
  }
});

afterAll(async () => {
  await Promise.all([redisA.quit(), redisB.quit()]);
});

describe('the shared GitLab API budget (Redis)', () => {
  it('paces two workers together: in a window they are admitted what one would be, not twice that', async () => {
    const limits = { ...unlimited, issue_create: 120 };
    const prefix = freshPrefix();
    const [a, b] = [createRedisBudget(redisA, { prefix, limits }), createRedisBudget(redisB, { prefix, limits })];
    const windowMs = 1_200;
    const deadline = Date.now() + windowMs;
    const [fromA, fromB] = await Promise.all([admitUntil(a, 'issue_create', deadline), admitUntil(b, 'issue_create', deadline)]);
    const pace = paceFor(120);
    if (!pace) throw new Error('120/min must be paced');
    // Burst plus one per interval, for the pair together (+1 for a grant landing on the boundary).
    const ceiling = pace.toleranceMs / pace.intervalMs + 1 + Math.floor(windowMs / pace.intervalMs) + 1;
    expect(fromA + fromB).toBeLessThanOrEqual(ceiling);
    expect(fromA + fromB).toBeGreaterThanOrEqual(3);
  });

  it('spaces calls so that no minute holds more than the limit, burst included', () => {
    for (const limit of [1, 2, 60, 120, 200, 2_000]) {
      const pace = paceFor(limit);
      if (!pace) throw new Error(`${limit}/min must be paced`);
      const burst = pace.toleranceMs / pace.intervalMs + 1;
      expect(burst + Math.floor(60_000 / pace.intervalMs)).toBeLessThanOrEqual(Math.max(limit, 2));
      // At the limit, not far below it.
      expect(burst + Math.floor(60_000 / pace.intervalMs)).toBeGreaterThanOrEqual(Math.floor(limit * 0.95));
    }
    expect(paceFor(0)).toBeNull();
  });

  it('charges an issue creation to the general API budget too', async () => {
    const budget = createRedisBudget(redisA, { prefix: freshPrefix(), limits: { api: 60, issue_create: 0, note_create: 0 } });
    await budget.take('issue_create');
    expect(budget.waitedMs()).toBe(0);
    await budget.take('api');
    expect(budget.waitedMs()).toBeGreaterThan(0);
  });

  it('holds every worker while one of them is paused by a 429, and never shortens a pause', async () => {
    const prefix = freshPrefix();
    const [a, b] = [createRedisBudget(redisA, { prefix, limits: unlimited }), createRedisBudget(redisB, { prefix, limits: unlimited })];
    await a.pauseUntil(Date.now() + 400);
    await a.pauseUntil(Date.now() + 50);
    expect(await redisA.pttl(`${prefix}:pause:api`)).toBeGreaterThan(300);
    await b.take('api');
    expect(b.waitedMs()).toBeGreaterThan(0);
  });

  it('holds only creations of a kind when that creation limit was hit', async () => {
    const prefix = freshPrefix();
    const [a, b] = [createRedisBudget(redisA, { prefix, limits: unlimited }), createRedisBudget(redisB, { prefix, limits: unlimited })];
    await a.pauseUntil(Date.now() + 300, 'issue_create');
    await b.take('api');
    await b.take('note_create');
    expect(b.waitedMs()).toBe(0);
    await b.take('issue_create');
    expect(b.waitedMs()).toBeGreaterThan(0);
  });

  it('never waits when a class is unlimited, and leaves only expiring keys under its prefix', async () => {
    const prefix = freshPrefix();
    const budget = createRedisBudget(redisA, { prefix, limits: { api: 2_000, issue_create: 0, note_create: 0 } });
    for (let n = 0; n < 5; n += 1) await budget.take('issue_create');
    expect(budget.waitedMs()).toBe(0);
    const keys = await redisA.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}:gcra:api`]);
    expect(await redisA.pttl(keys[0] ?? '')).toBeGreaterThan(0);
  });

  it('reports an unreachable Redis as a transient error', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    const budget = createRedisBudget(dead, { prefix: freshPrefix(), limits: { api: 10, issue_create: 0, note_create: 0 } });
    await expect(budget.take('api')).rejects.toMatchObject({ code: 'redis_unavailable' });
    dead.disconnect();
  });
});
