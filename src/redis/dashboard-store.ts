import type { RedisClient } from './connect-redis.js';
import type { DashboardStore } from '../http/dashboard/dashboard-auth.js';

/** Counts a failure and starts its window on the first: one round trip, no window left without an expiry. */
const ADD_FAILURE = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * The dashboard's sessions and wrong-token counts in Redis, under the queue prefix: every api process
 * sees the same sign-outs and the same lockouts. Keys expire by themselves (a session after its 12
 * hours, a count after its window), so nothing accumulates.
 */
export function createRedisDashboardStore(redis: RedisClient, prefix: string): DashboardStore {
  const session = (id: string) => `${prefix}:dashboard:session:${id}`;
  const failure = (address: string) => `${prefix}:dashboard:failures:${address}`;
  return {
    async addSession(id, ttlSeconds) {
      await redis.set(session(id), '1', 'EX', ttlSeconds);
    },
    async hasSession(id) {
      return (await redis.exists(session(id))) === 1;
    },
    async removeSession(id) {
      await redis.del(session(id));
    },
    async addFailure(address, windowMs) {
      return Number(await redis.eval(ADD_FAILURE, 1, failure(address), String(windowMs)));
    },
    async failures(address) {
      const [count, ttl] = await Promise.all([redis.get(failure(address)), redis.pttl(failure(address))]);
      return { count: Number(count ?? 0), remainingMs: Math.max(0, ttl) };
    },
    async clearFailures(address) {
      await redis.del(failure(address));
    },
  };
}
