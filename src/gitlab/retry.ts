import { isTransient, type TransientError } from '../core/errors.js';

/** How the gateway retries transient GitLab failures. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Backoff of the first retry; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * A server-requested wait longer than this is not slept through: the error goes to the caller
   * (the queue), which can reschedule the job instead of holding a worker.
   */
  readonly maxRetryAfterMs: number;
}

/** Defaults: 5 attempts, 250 ms doubling to at most 8 s, Retry-After honoured up to 60 s. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * The wait before retry number `attempt` (1 = first retry). Exponential with "equal jitter" so
 * workers that failed together do not come back together; a server-given wait is honoured with a
 * little jitter on top for the same reason.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.floor(random() * Math.min(1_000, policy.baseDelayMs));
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(exp / 2 + random() * (exp / 2));
}

/** What a caller of `withRetry` decides about one failure. */
export interface RetryHooks {
  /** False stops at once and rethrows (permanent errors, ambiguous writes). */
  shouldRetry(err: TransientError): boolean;
  /** Called before sleeping, e.g. to log or to pause the shared budget. */
  onRetry?(err: TransientError, attempt: number, delayMs: number): void | Promise<void>;
  sleep?(ms: number): Promise<void>;
  random?(): number;
}

/**
 * Runs `fn` until it succeeds, a failure is not retryable, or the attempts run out (then the last
 * error is thrown). Only `TransientError`s can be retried at all.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isTransient(err) || !hooks.shouldRetry(err) || attempt >= policy.maxAttempts) throw err;
      if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) throw err;
      const delayMs = retryDelayMs(attempt, err.retryAfterMs, policy, hooks.random);
      await hooks.onRetry?.(err, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

/** A promise that resolves after `ms` milliseconds. */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
