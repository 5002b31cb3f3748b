import type { Cluster, Redis } from 'ioredis';
import { TransientError } from '../core/errors.js';
import type { Log } from '../core/log.js';

/** The classes GitLab limits separately. Every call is `api`; creations also count in their own. */
export type BudgetClass = 'api' | 'issue_create' | 'note_create';

/** Calls per minute for each class; 0 means unlimited. */
export type BudgetLimits = Readonly<Record<BudgetClass, number>>;

/** GitLab.com's limits (docs/gitlab/facts.md#rate-limits): 2,000 API calls, 200 issue creations, 60 notes a minute. */
export const gitlabComLimits: BudgetLimits = { api: 2_000, issue_create: 200, note_create: 60 };

/**
 * The one GitLab API budget (docs/architecture.md#principles, principle 10). Every gateway call takes a token first; a 429
 * pauses every holder of the budget until GitLab's `Retry-After` has passed.
 */
export interface ApiBudget {
  /** Waits for a token of `cls` and, for a creation class, of `api` too (taken together, atomically). */
  take(cls: BudgetClass): Promise<void>;
  /**
   * No token of `cls` is handed out before `epochMs`; pausing `api` (the default) holds every call,
   * pausing a creation class holds only those creations. A pause is never shortened.
   */
  pauseUntil(epochMs: number, cls?: BudgetClass): Promise<void>;
  /** Milliseconds this holder has spent waiting in `take`, for metrics and benchmarks. */
  waitedMs(): number;
}

/** A budget that never waits: for tests and tools that must not be paced. */
export const unlimitedBudget: ApiBudget = {
  take: () => Promise.resolve(),
  pauseUntil: () => Promise.resolve(),
  waitedMs: () => 0,
};

/**
 * GCRA pacing for one class: one call every `intervalMs`, with up to `burst` at once after a quiet
 * spell. The interval is chosen so that any 60-second window (GitLab's limits are per minute) holds
 * at most `limit` calls, burst included: runs at the limit, never above it.
 */
export interface Pace {
  readonly intervalMs: number;
  /** How far ahead of schedule a call may run: (burst - 1) intervals. */
  readonly toleranceMs: number;
}

const MINUTE_MS = 60_000;

/**
 * Long waits (a 429 pause) are slept in slices, so a waiter notices when the pause is lifted or
 * shortened by someone else; a pacing wait is shorter than this anyway.
 */
const MAX_SLEEP_MS = 1_000;

/** The pace for `limit` calls a minute, or null when unlimited. */
export function paceFor(limit: number): Pace | null {
  if (!(limit > 0)) return null;
  // A small burst (1 for 60/min, 5 for 200/min, at most 10) keeps fan-outs smooth.
  const burst = limit > 1 ? Math.min(Math.max(1, Math.floor(limit / 40)), 10, limit - 1) : 1;
  const intervalMs = Math.ceil(MINUTE_MS / Math.max(1, limit - burst));
  return { intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

function classesFor(cls: BudgetClass): BudgetClass[] {
  return cls === 'api' ? ['api'] : [cls, 'api'];
}

/** An in-process budget: for CLI one-shots and tests where one process is the only caller. */
export function createLocalBudget(limits: BudgetLimits, opts: { clock?: () => number; sleep?: (ms: number) => Promise<void> } = {}): ApiBudget {
  const clock = opts.clock ?? (() => Date.now());
  const wait = opts.sleep ?? sleep;
  const tat = new Map<BudgetClass, number>();
  const pausedUntil = new Map<BudgetClass, number>();
  let waited = 0;
  function tryTake(cls: BudgetClass): number {
    const now = clock();
    const pause = Math.max(0, ...classesFor(cls).map((c) => pausedUntil.get(c) ?? 0));
    if (pause > now) return pause - now;
    const paced = classesFor(cls).flatMap((c) => {
      const pace = paceFor(limits[c]);
      return pace ? [{ c, pace, at: Math.max(tat.get(c) ?? 0, now) }] : [];
    });
    const wait = Math.max(0, ...paced.map(({ pace, at }) => at - pace.toleranceMs - now));
    if (wait > 0) return wait;
    for (const { c, pace, at } of paced) tat.set(c, at + pace.intervalMs);
    return 0;
  }
  return {
    async take(cls) {
      for (let ms = tryTake(cls); ms > 0; ms = tryTake(cls)) {
        const slice = Math.min(ms, MAX_SLEEP_MS);
        waited += slice;
        await wait(slice);
      }
    },
    pauseUntil(epochMs, cls = 'api') {
      pausedUntil.set(cls, Math.max(pausedUntil.get(cls) ?? 0, epochMs));
      return Promise.resolve();
    },
    waitedMs: () => waited,
  };
}

/**
 * Atomically: if paused, the wait until the pause ends; else if any class is ahead of its pace, the
 * longest wait; else advance every class and return 0. Time is Redis's (TIME), so processes on hosts
 * with skewed clocks still share one schedule.
 * KEYS[1..ARGV[1]] pause keys, then one GCRA key per paced class; ARGV[2..] interval and tolerance
 * per GCRA key.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pauses = tonumber(ARGV[1])
local wait = 0
for i = 1, pauses do
  local pause = tonumber(redis.call('GET', KEYS[i]) or '0')
  if pause - now > wait then wait = pause - now end
end
if wait > 0 then return wait end
local nexttat = {}
for i = pauses + 1, #KEYS do
  local interval = tonumber(ARGV[(i - pauses - 1) * 2 + 2])
  local tolerance = tonumber(ARGV[(i - pauses - 1) * 2 + 3])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  if tat - tolerance - now > wait then wait = tat - tolerance - now end
  nexttat[i] = tat + interval
end
if wait > 0 then return wait end
for i = pauses + 1, #KEYS do
  redis.call('SET', KEYS[i], nexttat[i], 'PX', nexttat[i] - now + 1000)
end
return 0
`;

/** Sets the pause to now + ARGV[1] ms (Redis time) unless a later pause is already set. */
const PAUSE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return untilMs
`;

/** Options of the shared budget. */
export interface RedisBudgetOptions {
  /** Key prefix; with Redis Cluster a hash tag such as `{trellis}:budget` keeps every key in one slot. */
  readonly prefix: string;
  readonly limits: BudgetLimits;
  readonly log?: Log;
}

/** The budget shared by every process through Redis (GCRA per class plus a shared 429 pause). */
export function createRedisBudget(redis: Redis | Cluster, opts: RedisBudgetOptions): ApiBudget {
  const pauseKey = (cls: BudgetClass): string => `${opts.prefix}:pause:${cls}`;
  let waited = 0;
  async function run(script: string, keys: string[], args: Array<string | number>): Promise<number> {
    try {
      const result = await redis.eval(script, keys.length, ...keys, ...args);
      return Number(result);
    } catch (err) {
      throw new TransientError('redis_unavailable', 'the shared GitLab API budget is unreachable', { prefix: opts.prefix }, { cause: err });
    }
  }
  function takeArgs(cls: BudgetClass): { keys: string[]; args: number[] } {
    const keys = classesFor(cls).map(pauseKey);
    const args: number[] = [keys.length];
    for (const c of classesFor(cls)) {
      const pace = paceFor(opts.limits[c]);
      if (!pace) continue;
      keys.push(`${opts.prefix}:gcra:${c}`);
      args.push(pace.intervalMs, pace.toleranceMs);
    }
    return { keys, args };
  }
  return {
    async take(cls) {
      const { keys, args } = takeArgs(cls);
      for (let wait = await run(TAKE_SCRIPT, keys, args); wait > 0; wait = await run(TAKE_SCRIPT, keys, args)) {
        const slice = Math.min(wait, MAX_SLEEP_MS);
        waited += slice;
        opts.log?.debug({ cls, waitMs: wait }, 'waiting for GitLab API budget');
        await sleep(slice);
      }
    },
    async pauseUntil(epochMs, cls = 'api') {
      const ms = Math.ceil(epochMs - Date.now());
      if (ms <= 0) return;
      opts.log?.warn({ cls, pauseMs: ms }, 'GitLab API budget paused after a rate limit');
      await run(PAUSE_SCRIPT, [pauseKey(cls)], [ms]);
    },
    waitedMs: () => waited,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
