import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { clearPrefix } from '../../src/redis/clear-prefix.js';

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
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  await clearPrefix(redis, prefix);
}
