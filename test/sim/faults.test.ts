import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTeamSim, type Json } from './sim-helpers.js';

describe('simulator: limits, faults, counters and clock', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  let P: string;
  const control = (method: string, path: string, body?: unknown, token = t.sim.rootToken) =>
    fetch(`${t.sim.url}/-/sim/${path}`, { method, headers: { 'PRIVATE-TOKEN': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTeamSim();
    P = `/projects/${t.projectId}`;
  });
  afterEach(() => {
    t.sim.setLimits({ api_per_minute: 0, issue_create_per_minute: 0, note_create_per_minute: 0 });
    t.sim.setFaults({ error_ratio: 0, latency_ms: 0, webhook_drop_ratio: 0, webhook_duplicate_ratio: 0, webhook_delay_ms: 0, webhook_reorder: false });
    t.sim.setClock(null);
  });
  afterAll(async () => t.sim.close());

  it('answers 429 "Retry later" with Retry-After and RateLimit-* headers past the API limit, per user', async () => {
    const set = await control('PUT', 'limits', { api_per_minute: 3 });
    expect(await set.json()).toMatchObject({ api_per_minute: 3 });
    const before = t.sim.requests().rateLimited;
    for (let n = 0; n < 3; n += 1) expect((await t.as('dev').call('GET', P)).status).toBe(200);
    const r = await t.as('dev').call('GET', P);
    expect(r.status).toBe(429);
    expect(r.text).toBe('Retry later\n');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect([r.headers.get('ratelimit-limit'), r.headers.get('ratelimit-observed'), r.headers.get('ratelimit-remaining')]).toEqual(['3', '4', '0']);
    expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
    expect((await t.as('rita').call('GET', P)).status).toBe(200);
    expect(t.sim.requests().rateLimited).toBe(before + 1);
  });

  it('limits issue and note creation separately, as GitLab.com\'s 200/min and 60/min', async () => {
    t.sim.setLimits({ issue_create_per_minute: 2, note_create_per_minute: 1 });
    expect((await t.as('dev').call('POST', `${P}/issues`, { title: 'a' })).status).toBe(201);
    expect((await t.as('dev').call('POST', `${P}/issues`, { title: 'b' })).status).toBe(201);
    const r = await t.as('dev').call('POST', `${P}/issues`, { title: 'c' });
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ message: { error: 'This endpoint has been requested too many times. Try again later.' } });
    expect(r.headers.get('retry-after')).toBe('60');
    expect((await t.as('dev').call('GET', `${P}/issues`)).status).toBe(200);
    expect((await t.as('dev').call('POST', `${P}/issues/1/notes`, { body: 'n1' })).status).toBe(201);
    expect((await t.as('dev').call('POST', `${P}/issues/1/notes`, { body: 'n2' })).status).toBe(429);
  });

  it('injects 5xx: reads fail before the work, writes sometimes after it (the change is made)', async () => {
    const start = (await t.root.call('GET', `${P}/issues?per_page=1`)).headers.get('x-total');
    t.sim.setFaults({ error_ratio: 1 });
    const statuses = new Set<number>();
    for (let n = 0; n < 20; n += 1) statuses.add((await t.as('dev').call('POST', `${P}/issues`, { title: `retry ${n}` })).status);
    const read = await t.as('dev').call('GET', P);
    t.sim.setFaults({ error_ratio: 0 });
    expect([...statuses].every((s) => [500, 502, 503].includes(s))).toBe(true);
    expect([500, 502, 503]).toContain(read.status);
    const made = Number((await t.root.call('GET', `${P}/issues?per_page=1`)).headers.get('x-total')) - Number(start);
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(20);
  });

  it('adds latency to every request', async () => {
    t.sim.setFaults({ latency_ms: 120 });
    const at = Date.now();
    await t.as('dev').call('GET', P);
    expect(Date.now() - at).toBeGreaterThanOrEqual(115);
  });

  it('drops, duplicates (same Idempotency-Key) and reorders webhook deliveries', async () => {
    const rx = await startReceiver();
    const hookId = (await t.as('mia').call('POST', `${P}/hooks`, { url: rx.url, issues_events: true })).body.id;
    const counts = t.sim.requests().webhooks;
    t.sim.setFaults({ webhook_drop_ratio: 1 });
    await t.as('mia').call('POST', `${P}/issues`, { title: 'lost' });
    await t.sim.idle();
    expect(rx.got).toHaveLength(0);
    expect(t.sim.requests().webhooks.dropped).toBe(counts.dropped + 1);
    t.sim.setFaults({ webhook_drop_ratio: 0, webhook_duplicate_ratio: 1 });
    await t.as('mia').call('POST', `${P}/issues`, { title: 'twice' });
    await t.sim.idle();
    expect(rx.got).toHaveLength(2);
    expect(rx.got[0]!.headers['idempotency-key']).toBe(rx.got[1]!.headers['idempotency-key']);
    expect(rx.got[0]!.headers['x-gitlab-webhook-uuid']).not.toBe(rx.got[1]!.headers['x-gitlab-webhook-uuid']);
    expect(t.sim.requests().webhooks.duplicated).toBe(counts.duplicated + 1);
    rx.got.length = 0;
    t.sim.setFaults({ webhook_duplicate_ratio: 0, webhook_reorder: true, webhook_delay_ms: 30 });
    const iids: number[] = [];
    for (let n = 0; n < 12; n += 1) iids.push((await t.as('mia').call('POST', `${P}/issues`, { title: `order ${n}` })).body.iid);
    await t.sim.idle();
    const order = rx.got.map((r) => r.body.object_attributes.iid as number);
    expect([...order].sort((a, b) => a - b)).toEqual(iids);
    expect(order).not.toEqual(iids);
    await t.as('mia').call('DELETE', `${P}/hooks/${hookId}`);
    await rx.close();
  });

  it('counts requests by route and class, skips /-/sim calls, and resets', async () => {
    await control('DELETE', 'requests');
    await t.as('dev').call('GET', `${P}/issues`);
    await t.as('dev').call('POST', `${P}/issues`, { title: 'counted' });
    await t.as('dev').call('POST', `${P}/issues/1/notes`, { body: 'counted' });
    await t.as('dev').call('GET', '/nowhere');
    const counts = (await (await control('GET', 'requests')).json()) as Json;
    expect(counts.total).toBe(4);
    expect(counts.byRoute).toEqual({ 'GET /projects/:id/issues': 1, 'POST /projects/:id/issues': 1, 'POST /projects/:id/issues/:issue_iid/notes': 1, 'GET (unmatched)': 1 });
    expect(counts.byClass).toEqual({ read: 2, write: 2, issue_create: 1, note_create: 1 });
    expect(t.sim.requests().total).toBe(4);
    t.sim.resetRequests();
    expect(t.sim.requests().total).toBe(0);
  });

  it('guards the control API with the root token', async () => {
    expect((await control('GET', 'requests', undefined, 'wrong')).status).toBe(401);
    expect((await control('GET', 'requests', undefined, 'tok-mia')).status).toBe(403);
    expect((await control('PUT', 'faults', { error_ratio: 2 })).status).toBe(400);
  });

  it('uses the clock override for timestamps', async () => {
    const set = await control('PUT', 'clock', { now: '2027-02-01T09:00:00Z' });
    expect(await set.json()).toMatchObject({ now: '2027-02-01T09:00:00.000Z' });
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'dated' })).body;
    expect(i.created_at).toBe('2027-02-01T09:00:00.000Z');
    t.sim.setClock('2027-03-01T10:00:00Z');
    const closed = (await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { state_event: 'close' })).body;
    expect([closed.updated_at, closed.closed_at]).toEqual(['2027-03-01T10:00:00.000Z', '2027-03-01T10:00:00.000Z']);
    const after = await t.as('mia').call('GET', `${P}/issues?updated_after=2027-02-15T00:00:00Z`);
    expect(after.body.map((x: Json) => x.iid)).toEqual([i.iid]);
    await control('PUT', 'clock', { now: null });
    const now = (await t.as('mia').call('POST', `${P}/issues`, { title: 'today' })).body;
    expect(Math.abs(Date.parse(now.created_at) - Date.now())).toBeLessThan(60_000);
  });
});
