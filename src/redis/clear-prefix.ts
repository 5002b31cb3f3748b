import type { Redis } from 'ioredis';

/** A SCAN/KEYS pattern for every key that starts with `prefix` (its glob characters taken literally). */
export function keysStartingWith(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS or FLUSHALL): other data in the Redis stays. */
export async function clearPrefix(redis: Redis, prefix: string): Promise<number> {
  const pattern = keysStartingWith(prefix);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
