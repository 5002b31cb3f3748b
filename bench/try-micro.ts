import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { parseWebhook } from '../src/events/normalize.js';
import { createEventIntake } from '../src/queue/event-intake.js';
import { benchPrefix, benchRedis, deletePrefix } from './lib/redis.js';

const body = readFileSync('webhooks/issue_hook_update_description.json');
let t = performance.now();
for (let i = 0; i < 5000; i++) parseWebhook('Issue Hook', JSON.parse(body.toString('utf8')));
console.log('JSON.parse+parseWebhook us/op', ((performance.now() - t) * 1000) / 5000);
t = performance.now();
for (let i = 0; i < 5000; i++) JSON.parse(body.toString('utf8'));
console.log('JSON.parse us/op', ((performance.now() - t) * 1000) / 5000);

const prefix = benchPrefix('micro');
const producer = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: true, maxRetriesPerRequest: 1, enableAutoPipelining: true });
const intake = createEventIntake(producer, { prefix, dedupeTtlMs: 3600_000 });
const parsed = parseWebhook('Issue Hook', JSON.parse(body.toString('utf8')));
if (parsed.kind !== 'event') throw new Error('x');
for (const conc of [1, 50]) {
  let n = 0;
  t = performance.now();
  const N = 6000;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (n < N) { n++; await intake.enqueue(parsed.event, `k-${conc}-${n}`); }
  }));
  console.log(`enqueue conc ${conc}: ${(N / ((performance.now() - t) / 1000)).toFixed(0)}/s`);
}
const r = benchRedis();
await deletePrefix(r, prefix);
await intake.close(); await producer.quit(); await r.quit();
