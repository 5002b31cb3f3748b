import { describe, expect, it } from 'vitest';
import { createLocalBudget, paceFor, unlimitedBudget } from './api-budget.js';

/** A clock that sleeping advances, so pacing is checked without waiting. */
function fakeTime() {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: (ms: number) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    slept,
  };
}

describe('the local API budget', () => {
  it('lets a small burst through at once, then paces', async () => {
    const budget = createLocalBudget({ api: 0, issue_create: 200, note_create: 0 }, fakeTime());
    const burst = (paceFor(200)?.toleranceMs ?? 0) / (paceFor(200)?.intervalMs ?? 1) + 1;
    expect(burst).toBe(5);
    for (let n = 0; n < burst; n += 1) await budget.take('issue_create');
    expect(budget.waitedMs()).toBe(0);
    await budget.take('issue_create');
    expect(budget.waitedMs()).toBeGreaterThan(0);
  });

  it('charges creations to the api class as well', async () => {
    const budget = createLocalBudget({ api: 60, issue_create: 0, note_create: 0 }, fakeTime());
    await budget.take('note_create');
    expect(budget.waitedMs()).toBe(0);
    await budget.take('api');
    expect(budget.waitedMs()).toBeGreaterThan(0);
  });

  it('admits no more than the limit in any minute', async () => {
    const time = fakeTime();
    const budget = createLocalBudget({ api: 0, issue_create: 200, note_create: 0 }, time);
    const grants: number[] = [];
    for (let n = 0; n < 600; n += 1) {
      await budget.take('issue_create');
      grants.push(time.clock());
    }
    for (let i = 0; i < grants.length; i += 1) {
      const inMinute = grants.filter((t) => t >= (grants[i] ?? 0) && t < (grants[i] ?? 0) + 60_000).length;
      expect(inMinute).toBeLessThanOrEqual(200);
    }
    // ...and runs close to it: 600 grants take a little over three minutes, not much more.
    expect((grants.at(-1) ?? 0) - (grants[0] ?? 0)).toBeLessThan(3.2 * 60_000);
  });

  it('waits out a pause', async () => {
    const budget = createLocalBudget({ api: 0, issue_create: 0, note_create: 0 });
    await budget.pauseUntil(Date.now() + 30);
    await budget.take('api');
    expect(budget.waitedMs()).toBeGreaterThan(0);
  });

  it('pauses one creation class without holding other calls', async () => {
    const time = fakeTime();
    const budget = createLocalBudget({ api: 0, issue_create: 0, note_create: 0 }, time);
    await budget.pauseUntil(time.clock() + 60_000, 'issue_create');
    await budget.take('api');
    await budget.take('note_create');
    expect(budget.waitedMs()).toBe(0);
    await budget.take('issue_create');
    expect(budget.waitedMs()).toBe(60_000);
  });

  it('has an unlimited variant that never waits', async () => {
    await unlimitedBudget.pauseUntil(Date.now() + 60_000);
    await unlimitedBudget.take('issue_create');
    expect(unlimitedBudget.waitedMs()).toBe(0);
  });
});
