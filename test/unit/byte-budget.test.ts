import { describe, expect, it } from 'vitest';
import { createByteBudget, eventMemoryShares } from '../../src/queue/byte-budget.js';

describe('byte budget', () => {
  it('grants what fits at once and makes the rest wait, first come first served', async () => {
    const budget = createByteBudget(100);
    const order: string[] = [];
    const a = await budget.acquire(60);
    const b = budget.acquire(60).then((release) => (order.push('b'), release));
    const c = budget.acquire(10).then((release) => (order.push('c'), release));
    await Promise.resolve();
    // c would fit, but b came first: nothing overtakes a waiting request.
    expect(order).toEqual([]);
    a();
    (await b)();
    (await c)();
    expect(order).toEqual(['b', 'c']);
    expect(budget.held()).toBe(0);
  });

  it('lets a request larger than the whole budget run alone', async () => {
    const budget = createByteBudget(100);
    const small = await budget.acquire(10);
    let granted = false;
    const huge = budget.acquire(500).then((release) => ((granted = true), release));
    await Promise.resolve();
    expect(granted).toBe(false);
    small();
    const release = await huge;
    expect(budget.held()).toBe(500);
    release();
    release();
    expect(budget.held()).toBe(0);
  });

  it('gives the relay an eighth of a worker process budget and its jobs the rest', () => {
    const { relayBatchBytes, jobs } = eventMemoryShares(32 * 1024 * 1024);
    expect(relayBatchBytes).toBe(4 * 1024 * 1024);
    expect(jobs.limit).toBe(28 * 1024 * 1024);
  });
});
