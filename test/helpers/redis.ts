import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { clearPrefix } from '../../src/redis/clear-prefix.js';
import { masterNodes } from '../../src/redis/connect-redis.js';
import type { RedisClient } from '../../src/redis/connect-redis.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A Redis Cluster hash-tag prefix of its own for one test file or test. */
export function randomPrefix(label = 't'): string {
  return `{trellis-test-${label}-${randomBytes(5).toString('hex')}}`;
}

/** A connection for tests, with every key under `prefix` deleted by `cleanup`. */
export function testRedis(opts: { maxRetriesPerRequest?: number | null } = {}): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: opts.maxRetriesPerRequest === undefined ? 3 : opts.maxRetriesPerRequest });
}

/** Deletes every key that starts with `prefix`. */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  await clearPrefix(redis, prefix);
}

/** KEYS `pattern` on one Redis or on every master of a cluster (KEYS sees one node's keys). */
export async function keysMatching(redis: RedisClient, pattern: string): Promise<string[]> {
  await redis.ping();
  const found = await Promise.all(masterNodes(redis).map((node) => node.keys(pattern)));
  return found.flat();
}
