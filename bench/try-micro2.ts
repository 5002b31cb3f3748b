import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { parseWebhook } from '../src/events/normalize.js';
import { createEventIntake } from '../src/queue/event-intake.js';
import { benchPrefix, benchRedis, deletePrefix } from './lib/redis.js';

const body = readFileSync('webhooks/issue_hook_update_description.json');
const prefix = benchPrefix('micro');
const producer = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: true, maxRetriesPerRequest: 1, enableAutoPipelining: true });
const intake = createEventIntake(producer, { prefix, dedupeTtlMs: 3600_000 });
const parsed = parseWebhook('Issue Hook', JSON.parse(body.toString('utf8')));
if (parsed.kind !== 'event') throw new Error('x');
const r = benchRedis();
async function redisCpu() { const i = await r.info('cpu'); return Number(/used_cpu_user:([\d.]+)/.exec(i)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(i)![1]); }
async function cmdstats() { return await r.info('commandstats'); }
for (let rep = 0; rep < 2; rep++) {
  let n = 0;
  const N = 8000;
  const c0 = process.cpuUsage(); const r0 = await redisCpu(); const t = performance.now();
  await Promise.all(Array.from({ length: 50 }, async () => { while (n < N) { n++; await intake.enqueue(parsed.event, `k-${rep}-${n}`); } }));
  const el = performance.now() - t; const c = process.cpuUsage(c0); const r1 = await redisCpu();
  console.log(`enqueue: ${(N / (el / 1000)).toFixed(0)}/s; node cpu us/op ${((c.user + c.system) / N).toFixed(1)}; redis cpu us/op ${(((r1 - r0) * 1e6) / N).toFixed(1)}`);
}
const s = await cmdstats(); console.log(s.split('\n').filter(l => /evalsha|eval:|cmdstat_exists|hset/.test(l)).join('\n'));
const c0 = process.cpuUsage();
for (let i = 0; i < 5000; i++) parseWebhook('Issue Hook', JSON.parse(body.toString('utf8')));
const c = process.cpuUsage(c0); console.log('parse cpu us/op', (c.user + c.system) / 5000);
await deletePrefix(r, prefix);
await intake.close(); await producer.quit(); await r.quit();
