import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTrellis } from '../../src/main.js';
import type { Trellis } from '../../src/main.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';
import { figure } from './reliability-helpers.js';

/**
 * The dashboard's doors, tried the way an attacker would, over real HTTP against two api processes
 * sharing one Redis (as `docker compose --scale` runs them): guessing the token through Bearer headers
 * instead of the rate-limited form, and replaying a session cookie after its owner signed out.
 */
const TOKEN = 'dashboard-token-0123456789abcdef';
const GUESSES = 30;
const prefix = randomPrefix('dash-probe');
let a: Trellis;
let b: Trellis;

async function startApi(): Promise<Trellis> {
  return startTrellis(loadConfig({ REDIS_URL, TRELLIS_QUEUE_PREFIX: prefix, WEBHOOK_SECRET: 'hook-secret', DASHBOARD_TOKEN: TOKEN, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' }), { role: 'api', log: pino({ level: 'silent' }) });
}

beforeAll(async () => {
  [a, b] = await Promise.all([startApi(), startApi()]);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

async function get(base: Trellis, path: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${base.url}${path}`, { headers, redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

async function signIn(base: Trellis): Promise<{ status: number; cookie: string }> {
  const res = await fetch(`${base.url}/dashboard/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}`, redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

describe('the dashboard under a hostile client', () => {
  it('ends a signed-out session on every api process, and throttles wrong Bearer tokens like the form', async () => {
    // A session started on one process, used on both, then signed out on the other.
    const { cookie } = await signIn(a);
    const urls = ['/dashboard', '/dashboard/gearing', '/admin/queues/api/queues'];
    const opened = async () => (await Promise.all([a, b].flatMap((t) => urls.map((u) => get(t, u, { cookie }))))).filter((s) => s === 200).length;
    const before = await opened();
    const out = await fetch(`${b.url}/dashboard/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    await out.arrayBuffer();
    const after = await opened();

    // Guesses through Bearer headers, on both doors and both processes.
    const statuses: number[] = [];
    for (let i = 0; i < GUESSES; i++) statuses.push(await get(i % 2 === 0 ? a : b, i % 3 === 0 ? '/admin/queues/api/queues' : '/dashboard', { authorization: `Bearer guess-${i}` }));
    const rightBearer = await get(b, '/dashboard', { authorization: `Bearer ${TOKEN}` });
    const rightForm = (await signIn(a)).status;
    const count = (s: number) => statuses.filter((x) => x === s).length;
    figure(
      'dashboard sessions',
      `a session signed in on one api process and signed out on the other: its cookie opened ${before} of ${urls.length * 2} pages before, ${after} after; ` +
        `${GUESSES} wrong Bearer tokens on /dashboard and /admin/queues across 2 api processes -> ${count(401)} answered 401, ${count(429)} answered 429; then the right token: ${rightBearer} by Bearer, ${rightForm} by the sign-in form`,
    );
    expect({ before, after }).toEqual({ before: urls.length * 2, after: 0 });
    expect({ refused: count(401), locked: count(429), rightBearer, rightForm }).toEqual({ refused: 10, locked: GUESSES - 10, rightBearer: 429, rightForm: 429 });
  });
});
