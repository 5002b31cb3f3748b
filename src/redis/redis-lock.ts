import { randomUUID } from 'node:crypto';
import type { RedisClient } from './connect-redis.js';
import { TransientError } from '../core/errors.js';
import type { Locks } from '../core/state-ports.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A release that failed (Redis was down) is retried in the background until the lock would have
 * expired anyway, so work waiting on it resumes as soon as Redis is back rather than a TTL later.
 * The token check keeps it safe: only this holder's lock is ever deleted.
 */
function releaseLater(redis: RedisClient, name: string, token: string, ttlMs: number): void {
  const until = Date.now() + ttlMs;
  const retry = () => {
    if (Date.now() > until) return;
    redis.eval(RELEASE, 1, name, token).catch(() => setTimeout(retry, 250).unref());
  };
  setTimeout(retry, 250).unref();
}

/**
 * Locks shared by every process through Redis: SET NX PX with a random token, released only by its
 * holder, extended while the holder works so a slow GitLab call cannot let a second holder in.
 */
export function createRedisLocks(redis: RedisClient, prefix: string): Locks {
  return {
    async withLock(key, fn, opts = {}) {
      const ttlMs = opts.ttlMs ?? 30_000;
      const waitMs = opts.waitMs ?? 60_000;
      const name = `${prefix}:lock:${key}`;
      const token = randomUUID();
      const deadline = Date.now() + waitMs;
      let pause = 5;
      while ((await redis.set(name, token, 'PX', ttlMs, 'NX')) !== 'OK') {
        if (Date.now() > deadline) throw new TransientError('lock_timeout', `lock ${key} still held after ${waitMs} ms`, { key });
        await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
        pause = Math.min(pause * 2, 200);
      }
      const keepAlive = setInterval(() => {
        redis.eval(EXTEND, 1, name, token, String(ttlMs)).catch(() => undefined);
      }, Math.max(1000, ttlMs / 3));
      keepAlive.unref();
      try {
        return await fn();
      } finally {
        clearInterval(keepAlive);
        await redis.eval(RELEASE, 1, name, token).catch(() => releaseLater(redis, name, token, ttlMs));
      }
    },
  };
}
