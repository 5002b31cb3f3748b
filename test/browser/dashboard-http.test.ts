import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDashboardAuth, createMemoryDashboardStore, SESSION_SECONDS } from '../../src/http/dashboard/dashboard-auth.js';
import type { DashboardAuth } from '../../src/http/dashboard/dashboard-auth.js';
import { startTrellis } from '../../src/main.js';
import type { Trellis } from '../../src/main.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';

/** The dashboard's and queue admin's protection, through `inject` on an api-role Trellis without GitLab. */

const TOKEN = 'dashboard-token-0123456789abcdef';
const HTML = { accept: 'text/html' };
const prefixes: string[] = [];
const running: Trellis[] = [];

async function start(env: Record<string, string> = {}): Promise<Trellis> {
  const prefix = randomPrefix('dash');
  prefixes.push(prefix);
  const config = loadConfig({ REDIS_URL, TRELLIS_QUEUE_PREFIX: prefix, WEBHOOK_SECRET: 'hook-secret', LOG_LEVEL: 'silent', ...env });
  const t = await startTrellis(config, { role: 'api', log: pino({ level: 'silent' }), listen: false });
  running.push(t);
  return t;
}

let app: NonNullable<Trellis['app']>;
let off: NonNullable<Trellis['app']>;

beforeAll(async () => {
  app = (await start({ DASHBOARD_TOKEN: TOKEN })).app!;
  off = (await start()).app!;
});

afterAll(async () => {
  for (const t of running) await t.close();
  const redis = testRedis();
  for (const p of prefixes) await deletePrefix(redis, p);
  await redis.quit();
});

async function signIn(body: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: body });
}

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const set = String(res.headers['set-cookie'] ?? '');
  return set.split(';')[0] ?? '';
}

describe('without DASHBOARD_TOKEN the dashboard is off, never open', () => {
  it.each(['/dashboard', '/dashboard/training', '/dashboard/checkpoints', '/admin/queues', '/admin/queues/api/queues'])('%s answers 503 and says how to turn it on', async (url) => {
    const res = await off.inject({ url, headers: HTML });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('DASHBOARD_TOKEN');
  });

  it('a bearer token does not open it either', async () => {
    expect((await off.inject({ url: '/dashboard', headers: { authorization: 'Bearer anything' } })).statusCode).toBe(503);
  });
});

describe('with DASHBOARD_TOKEN', () => {
  it.each(['/dashboard', '/dashboard/gearing', '/admin/queues', '/admin/queues/api/queues'])('%s without credentials answers 401 with the sign-in form', async (url) => {
    const res = await app.inject({ url, headers: HTML });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('name="token"');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('a script without credentials gets a 401 naming the bearer scheme', async () => {
    const res = await app.inject({ url: '/dashboard' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="trellis"');
  });

  it.each([
    ['the right token', `Bearer ${TOKEN}`, 200],
    ['a wrong token', 'Bearer nope', 401],
    ['the token with a suffix', `Bearer ${TOKEN}x`, 401],
    ['another scheme', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, 401],
  ])('Authorization with %s: %s', async (_, authorization, status) => {
    expect((await app.inject({ url: '/dashboard', headers: { authorization } })).statusCode).toBe(status);
  });

  it('pages say what cannot be read when GitLab is not configured, and still render', async () => {
    const res = await app.inject({ url: '/dashboard/training', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('GitLab is not configured');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('signing in sets an HttpOnly, SameSite=Strict session cookie that holds no token, and redirects to where the person was going', async () => {
    const res = await signIn(`token=${TOKEN}&next=%2Fdashboard%2Fgearing`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard/gearing');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^trellis_session=v2\.\d+\.[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(set).not.toContain(TOKEN);
    const cookie = cookieOf(res);
    expect((await app.inject({ url: '/dashboard/gearing', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/admin/queues/api/queues', headers: { cookie } })).statusCode).toBe(200);
  });

  it('over HTTPS (behind a proxy that says so) the cookie is Secure', async () => {
    const res = await signIn(`token=${TOKEN}`, { 'x-forwarded-proto': 'https' });
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it.each([
    ['another site', 'https://evil.example/x'],
    ['a protocol-relative address', '//evil.example'],
    ['the webhook route', '/webhooks/gitlab'],
  ])('never redirects to %s after signing in', async (_, next) => {
    const res = await signIn(`token=${TOKEN}&next=${encodeURIComponent(next)}`);
    expect(res.headers.location).toBe('/dashboard');
  });

  it('a wrong token shows the form again with a 401', async () => {
    const res = await signIn('token=wrong', HTML);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('That is not the dashboard token.');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    ['a forged signature', (c: string) => c.replace(/\.[^.]+$/, '.' + 'A'.repeat(43))],
    ['a later expiry with the old signature', (c: string) => c.replace(/v2\.(\d+)\./, (_m, e: string) => `v2.${Number(e) + 999}.`)],
    ['another session id with the old signature', (c: string) => c.replace(/^(trellis_session=v2\.\d+\.)[A-Za-z0-9_-]{24}/, (_m, head: string) => `${head}${'B'.repeat(24)}`)],
    ['the token itself as the cookie', () => `trellis_session=${TOKEN}`],
  ])('a session cookie with %s is refused', async (_, tamper) => {
    const cookie = cookieOf(await signIn(`token=${TOKEN}`));
    expect((await app.inject({ url: '/dashboard', headers: { cookie: tamper(cookie) } })).statusCode).toBe(401);
  });

  it('signing out clears the cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/dashboard/logout' });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers['set-cookie'])).toContain('trellis_session=; Path=/; Max-Age=0');
  });

  it('signing out ends the session on the server: the old cookie, kept by anyone, opens nothing', async () => {
    const cookie = cookieOf(await signIn(`token=${TOKEN}`));
    const other = cookieOf(await signIn(`token=${TOKEN}`));
    expect((await app.inject({ url: '/dashboard', headers: { cookie } })).statusCode).toBe(200);
    const out = await app.inject({ method: 'POST', url: '/dashboard/logout', headers: { cookie } });
    expect(out.statusCode).toBe(303);
    for (const url of ['/dashboard', '/dashboard/gearing', '/admin/queues/api/queues']) expect((await app.inject({ url, headers: { cookie } })).statusCode, url).toBe(401);
    // Another browser's session is its own.
    expect((await app.inject({ url: '/dashboard', headers: { cookie: other } })).statusCode).toBe(200);
  });

  it('serves /metrics in Prometheus format, counting webhooks by kind and outcome', async () => {
    await app.inject({ method: 'POST', url: '/webhooks/gitlab', headers: { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': 'wrong', 'content-type': 'application/json' }, payload: '{}' });
    await app.inject({ method: 'POST', url: '/webhooks/gitlab', headers: { 'x-gitlab-event': 'Made Up Hook', 'x-gitlab-token': 'wrong', 'content-type': 'application/json' }, payload: '{}' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('trellis_webhooks_total{kind="Issue Hook",outcome="unauthorized"} 1');
    expect(res.body).toContain('trellis_webhooks_total{kind="other",outcome="unauthorized"} 1');
    expect(res.body).toMatch(/trellis_queue_jobs\{queue="events",state="waiting"\} 0/);
    expect(res.body).toContain('trellis_process_cpu_user_seconds_total');
  });
});

describe('the session cookie', () => {
  type Req = Parameters<DashboardAuth['check']>[0];
  const request = (headers: Record<string, string>) => ({ headers, ip: '192.0.2.1', protocol: 'http' }) as unknown as Req;
  async function cookieFrom(auth: DashboardAuth): Promise<string> {
    const result = await auth.signIn(request({}), TOKEN);
    if (result.kind !== 'signed-in') throw new Error(result.kind);
    return result.cookie.split(';')[0]!;
  }

  it('expires after 12 hours', async () => {
    let now = Date.parse('2026-03-02T09:00:00Z');
    const auth = createDashboardAuth(TOKEN, createMemoryDashboardStore(() => now), () => now);
    const req = request({ cookie: await cookieFrom(auth) });
    expect((await auth.check(req)).kind).toBe('allowed');
    now += SESSION_SECONDS * 1000 - 1000;
    expect((await auth.check(req)).kind).toBe('allowed');
    now += 2000;
    expect((await auth.check(req)).kind).toBe('denied');
  });

  it('stops working when DASHBOARD_TOKEN changes', async () => {
    const store = createMemoryDashboardStore();
    const req = request({ cookie: await cookieFrom(createDashboardAuth(TOKEN, store)) });
    expect((await createDashboardAuth(`${TOKEN}-rotated`, store).check(req)).kind).toBe('denied');
  });
});

describe('sign-in attempts', () => {
  it('are limited: after 10 wrong tokens even the right one waits', async () => {
    const t = await start({ DASHBOARD_TOKEN: TOKEN });
    const post = (token: string) => t.app!.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${token}` });
    for (let i = 0; i < 10; i += 1) expect((await post('wrong')).statusCode).toBe(401);
    const res = await post(TOKEN);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('count wrong Bearer tokens too: after 10, on the dashboard or the queue admin, both doors wait', async () => {
    const t = await start({ DASHBOARD_TOKEN: TOKEN });
    for (let i = 0; i < 10; i += 1) {
      const url = i % 2 === 0 ? '/dashboard' : '/admin/queues/api/queues';
      expect((await t.app!.inject({ url, headers: { authorization: `Bearer guess-${i}` } })).statusCode, url).toBe(401);
    }
    const bearer = await t.app!.inject({ url: '/dashboard', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.statusCode).toBe(429);
    expect(Number(bearer.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app!.inject({ url: '/admin/queues/api/queues', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(429);
    const form = await t.app!.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${TOKEN}` });
    expect(form.statusCode).toBe(429);
  });
});
