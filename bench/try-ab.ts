import autocannon from 'autocannon';
import { startChild, tsArgs, waitForHttp } from './lib/proc.js';
import type { Child } from './lib/proc.js';
import { freePort, WEBHOOK_SECRET } from './lib/trellis-proc.js';
import { benchPrefix, benchRedis, deletePrefix, redisCpuMs } from './lib/redis.js';
import { TICK_PAYLOAD } from './ingress.js';
const redis = benchRedis();
const prefix = benchPrefix('ab');
async function api(cli: string) {
  const port = await freePort();
  const child = startChild(cli, [cli, 'serve', '--role', 'api'], { GITLAB_URL: 'http://127.0.0.1:9', GITLAB_TOKEN: 'x', GITLAB_PROJECT: 'infra/career', WEBHOOK_SECRET, REDIS_URL: 'redis://127.0.0.1:6379', TRELLIS_QUEUE_PREFIX: prefix, HOST: '127.0.0.1', LOG_LEVEL: 'warn', PORT: String(port) });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30000);
  return { child, url: `http://127.0.0.1:${port}` };
}
const bare = startChild('bare', tsArgs('bench/bare-server.ts'), {});
const bareUrl = (await bare.waitFor(/^listening /, 30000)).replace('listening ', '').trim();
const a = await api('.trellis-data/dist-a/cli.js');
const b = await api('dist/cli.js');
const servers: Array<[string, Child, string]> = [['bare', bare, bareUrl], ['orig', a.child, a.url], ['batch', b.child, b.url]];
let n = 0;
async function run(url: string, d: number, rate?: number) {
  return autocannon({ url: `${url}/webhooks/gitlab`, connections: rate ? 10 : 50, duration: d, ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}), requests: [{ method: 'POST', body: TICK_PAYLOAD, setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': WEBHOOK_SECRET, 'idempotency-key': `k-${n++}` } }) }] });
}
for (const [, , url] of servers) await run(url, 2);
const res: Record<string, number[]> = { bare: [], orig: [], batch: [] };
for (let i = 0; i < 4; i++) {
  const order = i % 2 ? [...servers].reverse() : servers;
  for (const [name, child, url] of order) {
    const c0 = child.cpuMs(); const r0 = await redisCpuMs(redis);
    const r = await run(url, 5);
    const ok = r['2xx'];
    res[name]!.push(ok / r.duration);
    console.log(`${i} ${name}: ${(ok / r.duration).toFixed(0)}/s p50 ${r.latency.p50} p99 ${r.latency.p99} cpu ${((child.cpuMs() - c0) * 1000 / ok).toFixed(0)}us redis ${(((await redisCpuMs(redis)) - r0) * 1000 / ok).toFixed(0)}us`);
  }
}
for (const [name, , url] of servers.slice(1)) { const r = await run(url, 8, 1000); console.log(`${name} @1000: p50 ${r.latency.p50} p99 ${r.latency.p99} ${(r['2xx'] / r.duration).toFixed(0)}/s`); }
console.log(res);
for (const [, c] of servers) await c.stop();
await deletePrefix(redis, prefix); await redis.quit();
