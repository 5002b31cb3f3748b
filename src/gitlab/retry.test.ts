import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../core/errors.js';
import { defaultRetryPolicy, retryDelayMs, withRetry } from './retry.js';

const noSleep = { sleep: () => Promise.resolve() };

describe('retrying transient GitLab failures', () => {
  it('backs off exponentially with jitter, capped', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(retryDelayMs(1, undefined, policy, () => 0)).toBe(50);
    expect(retryDelayMs(1, undefined, policy, () => 0.999)).toBeLessThanOrEqual(100);
    expect(retryDelayMs(3, undefined, policy, () => 0)).toBe(200);
    expect(retryDelayMs(10, undefined, policy, () => 0.999)).toBeLessThanOrEqual(1_000);
  });

  it('waits at least as long as the server asked', () => {
    expect(retryDelayMs(1, 5_000, defaultRetryPolicy, () => 0)).toBe(5_000);
    expect(retryDelayMs(1, 5_000, defaultRetryPolicy, () => 0.99)).toBeGreaterThanOrEqual(5_000);
  });

  it('retries a transient error until it passes', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new TransientError('gitlab_unavailable', 'down');
        return 'ok';
      },
      defaultRetryPolicy,
      { shouldRetry: () => true, ...noSleep },
    );
    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const run = withRetry(
      async () => {
        calls += 1;
        throw new TransientError('gitlab_unavailable', `down ${calls}`);
      },
      { ...defaultRetryPolicy, maxAttempts: 4 },
      { shouldRetry: () => true, ...noSleep },
    );
    await expect(run).rejects.toThrow('down 4');
    expect(calls).toBe(4);
  });

  it('never retries a permanent error, a refused retry, or a wait longer than allowed', async () => {
    for (const [err, shouldRetry] of [
      [new PermanentError('gitlab_rejected', 'bad'), true],
      [new TransientError('gitlab_ambiguous_write', 'maybe'), false],
      [new TransientError('gitlab_rate_limited', 'slow down', { retryAfterMs: 3_600_000 }), true],
    ] as const) {
      let calls = 0;
      const run = withRetry(
        async () => {
          calls += 1;
          throw err;
        },
        defaultRetryPolicy,
        { shouldRetry: () => shouldRetry, ...noSleep },
      );
      await expect(run).rejects.toBe(err);
      expect(calls).toBe(1);
    }
  });
});
