import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseWebhook } from '../src/events/normalize.js';
import { EVENT_JOB_OPTIONS } from '../src/queue/event-intake.js';
import { benchPrefix, benchRedis, deletePrefix } from './lib/redis.js';

const body = readFileSync('webhooks/issue_hook_update_description.json');
const prefix = benchPrefix('micro');
const producer = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: true, maxRetriesPerRequest: 1, enableAutoPipelining: true });
const queue = new Queue('events', { connection: producer, prefix });
const parsed = parseWebhook('Issue Hook', JSON.parse(body.toString('utf8')));
if (parsed.kind !== 'event') throw new Error('x');
const r = benchRedis();
async function redisCpu() { const i = await r.info('cpu'); return Number(/used_cpu_user:([\d.]+)/.exec(i)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(i)![1]); }
for (const B of [1, 20, 1, 20]) {
  const N = 8000;
  const c0 = process.cpuUsage(); const r0 = await redisCpu(); const t = performance.now();
  let n = 0;
  await Promise.all(Array.from({ length: Math.max(1, 50 / B) }, async () => { while (n < N) { const jobs = []; for (let i = 0; i < B; i++) { n++; jobs.push({ name: 'issue', data: { event: parsed.event, receivedAt: Date.now(), deliveryKey: `k${B}-${n}` }, opts: { ...EVENT_JOB_OPTIONS, jobId: crypto.randomUUID(), deduplication: { id: `d-${B}-${n}-${Math.random()}`, ttl: 3600000 } } }); } await (B === 1 ? queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts) : queue.addBulk(jobs)); } }));
  const el = performance.now() - t; const c = process.cpuUsage(c0); const r1 = await redisCpu();
  console.log(`batch ${B}: ${(N / (el / 1000)).toFixed(0)}/s; node cpu us/op ${((c.user + c.system) / N).toFixed(1)}; redis cpu us/op ${(((r1 - r0) * 1e6) / N).toFixed(1)}`);
}
await deletePrefix(r, prefix);
await queue.close(); await producer.quit(); await r.quit();
