import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { clearPrefix } from '../../src/redis/clear-prefix.js';

/** The bench's Redis: the same one the tests use. Only loopback addresses. */
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A Redis Cluster hash-tag prefix of the bench's own: `{trellis-bench-ingress-3f2a...}`. */
export function benchPrefix(label: string): string {
  return `{trellis-bench-${label}-${randomBytes(5).toString('hex')}}`;
}

/** A plain connection for the bench's own reads and clean-up. */
export function benchRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
}

/** Deletes every key under `prefix` (never FLUSHALL: other engineers share this Redis). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  return await clearPrefix(redis, prefix);
}

/** `used_memory` from INFO memory, in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

/** CPU time Redis has used (INFO cpu, user + system), in ms; other clients of this Redis count too. */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const f = (key: string) => Number(new RegExp(`^${key}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (f('used_cpu_user') + f('used_cpu_sys')) * 1000;
}
