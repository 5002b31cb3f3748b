import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCache } from '../../src/redis/redis-cache.js';
import { createRedisLocks } from '../../src/redis/redis-lock.js';
import { connectRedis } from '../../src/redis/connect-redis.js';
import type { RedisClient } from '../../src/redis/connect-redis.js';
import { deletePrefix, randomPrefix } from '../helpers/redis.js';

/**
 * Locks and the record cache (src/redis) against the Redis at `url()`: one Redis in
 * redis-state.test.ts, a Redis Cluster in test/cluster/cluster.test.ts.
 */
export function redisStateSuite(url: () => string): void {
  const prefix = randomPrefix('state');
  let redis: RedisClient;

  beforeAll(() => {
    redis = connectRedis(url(), { maxRetriesPerRequest: 3 });
  });

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  describe('Redis locks', () => {
    it('lets one holder in at a time across connections', async () => {
      const other = connectRedis(url(), { maxRetriesPerRequest: 3 });
      const a = createRedisLocks(redis, prefix);
      const b = createRedisLocks(other, prefix);
      let inside = 0;
      let most = 0;
      const work = async () => {
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      };
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).withLock('same', work)));
      expect(most).toBe(1);
      await other.quit();
    });

    it('releases the lock when the holder throws', async () => {
      const locks = createRedisLocks(redis, prefix);
      await expect(locks.withLock('boom', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await locks.withLock('boom', async () => 'free again', { waitMs: 500 })).toBe('free again');
    });

    it('gives up with a lock_timeout error when the lock stays taken', async () => {
      const locks = createRedisLocks(redis, prefix);
      let release!: () => void;
      const held = locks.withLock('busy', () => new Promise<void>((r) => (release = r)));
      await new Promise((r) => setTimeout(r, 20));
      await expect(locks.withLock('busy', async () => 'never', { waitMs: 100 })).rejects.toMatchObject({ code: 'lock_timeout' });
      release();
      await held;
    });
  });

  describe('Redis record cache', () => {
    it('remembers and forgets issues and notes', async () => {
      const cache = createRedisCache(redis, prefix);
      expect(await cache.issueFor('infra/career', 'sre-i:alice')).toBeNull();
      await cache.rememberIssue('infra/career', 'sre-i:alice', 12);
      expect(await cache.issueFor('infra/career', 'sre-i:alice')).toBe(12);
      await cache.rememberNote('infra/career', 12, 'status:sre-i', { noteId: 99, hash: 'abc' });
      expect(await cache.noteFor('infra/career', 12, 'status:sre-i')).toEqual({ noteId: 99, hash: 'abc' });
      await cache.forgetIssue('infra/career', 'sre-i:alice');
      await cache.forgetNote('infra/career', 12, 'status:sre-i');
      expect(await cache.issueFor('infra/career', 'sre-i:alice')).toBeNull();
      expect(await cache.noteFor('infra/career', 12, 'status:sre-i')).toBeNull();
    });

    it.each([
      ['a newer version', ['2026-11-01T10:00:00Z', 'a'], ['2026-11-01T10:00:01Z', 'b'], 'newest'],
      ['an older version after a newer one', ['2026-11-01T10:00:01Z', 'b'], ['2026-11-01T10:00:00Z', 'a'], 'stale'],
      ['a redelivery of the same version', ['2026-11-01T10:00:00Z', 'a'], ['2026-11-01T10:00:00Z', 'a'], 'newest'],
      ['another version in the same second', ['2026-11-01T10:00:00Z', 'a'], ['2026-11-01T10:00:00Z', 'b'], 'stale'],
    ])('judges %s as %s', async (name, first, second, expected) => {
      const cache = createRedisCache(redis, prefix);
      const iid = 1000 + ['a newer version', 'an older version after a newer one', 'a redelivery of the same version', 'another version in the same second'].indexOf(name);
      await cache.observeIssue('p', iid, first[0]!, first[1]);
      expect(await cache.observeIssue('p', iid, second[0]!, second[1])).toBe(expected);
    });
  });
}
