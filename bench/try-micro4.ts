import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { benchPrefix, benchRedis, deletePrefix } from './lib/redis.js';
const prefix = benchPrefix('micro');
const producer = new Redis('redis://127.0.0.1:6379', { enableAutoPipelining: true });
const r = benchRedis();
async function redisCpu() { const i = await r.info('cpu'); return Number(/used_cpu_user:([\d.]+)/.exec(i)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(i)![1]); }
const variants: Array<[string, Record<string, unknown>, boolean]> = [['plain small', {}, false], ['dedupe small', {}, true], ['plain small', {}, false], ['dedupe small', {}, true], ['dedupe+opts', { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 604800 } }, true]];
for (const [name, opts, dedupe] of variants) {
  const queue = new Queue('events', { connection: producer, prefix });
  const N = 8000; let n = 0;
  const c0 = process.cpuUsage(); const r0 = await redisCpu(); const t = performance.now();
  await Promise.all(Array.from({ length: 50 }, async () => { while (n < N) { n++; await queue.add('x', { a: 1 }, { ...opts, ...(dedupe ? { deduplication: { id: `${name}-${n}-${Math.random()}`, ttl: 3600000 } } : {}) }); } }));
  const el = performance.now() - t; const c = process.cpuUsage(c0); const r1 = await redisCpu();
  console.log(`${name}: ${(N / (el / 1000)).toFixed(0)}/s; node ${((c.user + c.system) / N).toFixed(1)} us; redis ${(((r1 - r0) * 1e6) / N).toFixed(1)} us`);
  await queue.close();
}
await deletePrefix(r, prefix); await producer.quit(); await r.quit();
