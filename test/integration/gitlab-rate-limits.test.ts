import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransientError } from '../../src/core/errors.js';
import { createLocalBudget, createRedisBudget, paceFor, type BudgetLimits } from '../../src/gitlab/api-budget.js';
import type { RunningSim } from '../../src/sim/index.js';
import { draft } from '../contract/contract-fixture.js';
import { simWithGateway } from '../contract/sim-fixture.js';

/*
 * GitLab's rate limits (enforced by the simulator over real HTTP) against Trellis's shared budget
 * in a real Redis. Two gateways on one budget stand for two worker processes.
 */

let redis: Redis;
let sim: RunningSim | undefined;
const prefixes: string[] = [];

function freshPrefix(): string {
  const prefix = `{trellis-test-${randomUUID()}}:budget`;
  prefixes.push(prefix);
  return prefix;
}

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});

afterEach(async () => {
  vi.useRealTimers();
  await sim?.close();
  sim = undefined;
  for (const prefix of prefixes.splice(0)) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
});

afterAll(async () => {
  await redis.quit();
});

const noLimits: BudgetLimits = { api: 0, issue_create: 0, note_create: 0 };

describe('GitLab rate limits and the shared budget', () => {
  it('keeps two workers together within the issue-creation limit: GitLab never answers 429', async () => {
    const made = await simWithGateway();
    sim = made.sim;
    const perMinute = 120;
    sim.setLimits({ api_per_minute: 0, issue_create_per_minute: perMinute, note_create_per_minute: 0 });
    const prefix = freshPrefix();
    const limits = { ...noLimits, issue_create: perMinute };
    const workers = [made.gateway({ budget: createRedisBudget(redis, { prefix, limits }) }), made.gateway({ budget: createRedisBudget(redis, { prefix, limits }) })];
    await Promise.all(workers.map((w) => w.project()));

    const windowMs = 1_500;
    const deadline = Date.now() + windowMs;
    const run = workers.map(async (gw) => {
      while (Date.now() < deadline) await gw.createIssue(draft());
    });
    await new Promise((r) => setTimeout(r, windowMs));
    const admittedInWindow = sim.requests().byClass.issue_create;
    await Promise.all(run);

    const pace = paceFor(perMinute);
    if (!pace) throw new Error('paced');
    const burst = pace.toleranceMs / pace.intervalMs + 1;
    // What ONE budget admits in the window; two unshared budgets would admit about twice this.
    expect(admittedInWindow).toBeLessThanOrEqual(burst + Math.floor(windowMs / pace.intervalMs) + 1);
    expect(admittedInWindow).toBeGreaterThanOrEqual(burst);
    expect(sim.requests().rateLimited).toBe(0);
  });

  it("honours a 429's Retry-After: one request, the whole budget paused, other workers held", async () => {
    const made = await simWithGateway();
    sim = made.sim;
    const prefix = freshPrefix();
    const budget = () => createRedisBudget(redis, { prefix, limits: noLimits });
    // A wait longer than a test may take goes back to the caller (the queue would delay the job).
    const first = made.gateway({ budget: budget(), maxRetryAfterMs: 0 });
    const second = made.gateway({ budget: budget() });
    await Promise.all([first.project(), second.project()]);
    // Setting limits starts a fresh window: one more call this minute.
    sim.setLimits({ api_per_minute: 1, issue_create_per_minute: 0, note_create_per_minute: 0 });
    await first.getIssue(1);
    const before = sim.requests().total;

    const err: unknown = await first.getIssue(1).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    const retryAfterMs = (err as TransientError).retryAfterMs ?? 0;
    expect(err).toMatchObject({ code: 'gitlab_rate_limited' });
    expect(retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(sim.requests().total).toBe(before + 1);
    expect(sim.requests().rateLimited).toBe(1);
    // Every process sharing the budget is paused until GitLab's Retry-After.
    const pttl = await redis.pttl(`${prefix}:pause:api`);
    expect(pttl).toBeGreaterThan(retryAfterMs - 2_000);

    const held = second.getIssue(1).then(() => 'done' as const);
    const outcome = await Promise.race([held, new Promise<'held'>((r) => setTimeout(() => r('held'), 300))]);
    expect(outcome).toBe('held');
    expect(sim.requests().total).toBe(before + 1);

    // Lift the limit and the pause: the held worker proceeds without having hammered GitLab.
    sim.setLimits({ api_per_minute: 0, issue_create_per_minute: 0, note_create_per_minute: 0 });
    await redis.del(`${prefix}:pause:api`);
    expect(await held).toBe('done');
    expect(sim.requests().rateLimited).toBe(1);
  });

  it('sleeps through a short Retry-After and then succeeds, without hammering GitLab', async () => {
    const made = await simWithGateway();
    sim = made.sim;
    const gw = made.gateway({ budget: createLocalBudget(noLimits) });
    await gw.createIssue(draft());
    // GitLab's throttle windows are whole minutes; start 1.8 s before one ends so Retry-After is short.
    // Only Date is faked (the simulator shares this process and clock); timers stay real.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const minute = Math.ceil(Date.now() / 60_000) * 60_000;
    vi.setSystemTime(minute + 58_200);
    sim.setLimits({ api_per_minute: 1, issue_create_per_minute: 0, note_create_per_minute: 0 });
    await gw.getIssue(1);
    const issue = await gw.getIssue(1);
    expect(issue?.iid).toBe(1);
    expect(sim.requests().rateLimited).toBe(1);
    expect(sim.requests().byRoute['GET /projects/:id/issues/:issue_iid']).toBe(3);
  });

  it('reports a 429 on a creation as rate limited, not ambiguous, and pauses only creations', async () => {
    const made = await simWithGateway();
    sim = made.sim;
    const prefix = freshPrefix();
    const gw = made.gateway({ maxRetryAfterMs: 0, budget: createRedisBudget(redis, { prefix, limits: noLimits }) });
    await gw.project();
    sim.setLimits({ api_per_minute: 0, issue_create_per_minute: 1, note_create_per_minute: 0 });
    const first = await gw.createIssue(draft());
    const err: unknown = await gw.createIssue(draft()).then(() => null, (e: unknown) => e);
    // Not ambiguous: a 429 means GitLab wrote nothing, so the job may simply run again later.
    expect(err).toMatchObject({ code: 'gitlab_rate_limited', retryAfterMs: 60_000 });
    expect(sim.requests().byClass.issue_create).toBe(2);
    expect(await redis.pttl(`${prefix}:pause:issue_create`)).toBeGreaterThan(50_000);
    expect(await redis.exists(`${prefix}:pause:api`)).toBe(0);
    // Everything but issue creation carries on.
    expect((await gw.updateIssue(first.iid, { addLabels: ['checkpoint::planning'] })).labels).toContain('checkpoint::planning');
  });
});
