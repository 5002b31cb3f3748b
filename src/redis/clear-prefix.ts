import type { RedisClient } from './connect-redis.js';
import { masterNodes } from './connect-redis.js';

/** A SCAN/KEYS pattern for every key that starts with `prefix` (its glob characters taken literally). */
export function keysStartingWith(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/**
 * Deletes every key under `prefix` (SCAN, never KEYS or FLUSHALL): other data in the Redis stays.
 * On a cluster each master is scanned (SCAN sees one node's keys), and keys are deleted one per
 * command, so keys of several slots (a prefix without a hash tag) never make a CROSSSLOT error.
 */
export async function clearPrefix(redis: RedisClient, prefix: string): Promise<number> {
  // A cluster client knows its masters once connected.
  await redis.ping();
  const pattern = keysStartingWith(prefix);
  let deleted = 0;
  for (const node of masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.del(key);
      for (const [err, n] of (await pipeline.exec()) ?? []) {
        if (err) throw err;
        deleted += Number(n);
      }
    } while (cursor !== '0');
  }
  return deleted;
}
