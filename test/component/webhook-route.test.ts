import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/http/build-server.js';
import { createEventIntake, inboxBacklog } from '../../src/queue/event-intake.js';
import type { EventIntake } from '../../src/queue/event-intake.js';
import { fixture } from '../helpers/fixtures.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';

const SECRETS = ['old-secret', 'new-secret'];
const LIMIT = 64 * 1024;
const prefix = randomPrefix('route');
let redis: Redis;
let intake: EventIntake;
let admin: Redis;
let app: FastifyInstance;

function post(body: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/webhooks/gitlab',
    payload: body,
    headers: { 'content-type': 'application/json', 'x-gitlab-token': 'new-secret', 'x-gitlab-event': 'Issue Hook', ...headers },
  });
}

/** Events stored for the workers (no relay runs here, so they stay in the inbox). */
async function queued(): Promise<number> {
  return await inboxBacklog(admin, prefix);
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((r) => redis.once('ready', r));
  intake = createEventIntake(redis, { prefix, dedupeTtlMs: 60_000 });
  admin = testRedis();
  app = await buildServer({ webhookSecrets: SECRETS, bodyLimitBytes: LIMIT, intake });
});

beforeEach(async () => {
  await deletePrefix(admin, prefix);
});

afterAll(async () => {
  await app.close();
  await intake.close();
  await deletePrefix(admin, prefix);
  await admin.quit();
  await redis.quit();
});

describe('POST /webhooks/gitlab', () => {
  it('queues a real issue event and answers 202', async () => {
    const res = await post(fixture('issue_hook_open.json').text, { 'idempotency-key': 'k-1' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'queued' });
    expect(await queued()).toBe(1);
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'guess'],
    ['a token that is a prefix of a secret', 'new-secre'],
  ])('refuses %s with 401 and queues nothing', async (_name, token) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook' };
    if (token !== undefined) headers['x-gitlab-token'] = token;
    const res = await app.inject({ method: 'POST', url: '/webhooks/gitlab', payload: fixture('issue_hook_open.json').text, headers });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('secret');
    expect(await queued()).toBe(0);
  });

  it('accepts every secret of a rotation', async () => {
    const a = await post(fixture('issue_hook_open.json').text, { 'x-gitlab-token': 'old-secret', 'idempotency-key': 'rot-1' });
    const b = await post(fixture('issue_hook_open.json').text, { 'x-gitlab-token': 'new-secret', 'idempotency-key': 'rot-2' });
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(await queued()).toBe(2);
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await post('{"object_kind": "issue",');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/malformed JSON/);
    expect(await queued()).toBe(0);
  });

  it('answers 413 to a body over the limit', async () => {
    const { json } = fixture('issue_hook_open.json');
    (json.object_attributes as Record<string, unknown>).description = 'x'.repeat(LIMIT + 10);
    const res = await post(JSON.stringify(json));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatch(/larger than the limit/);
  });

  it('answers 422 naming the paths a known event lacks', async () => {
    const { json } = fixture('issue_hook_open.json');
    delete (json.object_attributes as Record<string, unknown>).iid;
    delete (json.project as Record<string, unknown>).id;
    const res = await post(JSON.stringify(json));
    expect(res.statusCode).toBe(422);
    const problems: string[] = res.json().problems;
    expect(problems.some((p) => p.startsWith('object_attributes.iid'))).toBe(true);
    expect(problems.some((p) => p.startsWith('project.id'))).toBe(true);
    expect(await queued()).toBe(0);
  });

  it.each([
    ['Pipeline Hook', 'pipeline_hook.json'],
    ['Note Hook', 'note_hook_merge_request.json'],
    ['Job Hook', 'pipeline_hook.json'],
  ])('ignores %s (%s) with 202 and queues nothing', async (event, file) => {
    const res = await post(fixture(file).text, { 'x-gitlab-event': event });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toHaveProperty('ignored');
    expect(await queued()).toBe(0);
  });

  it('processes a redelivery with the same Idempotency-Key once', async () => {
    const body = fixture('issue_hook_open.json').text;
    const first = await post(body, { 'idempotency-key': 'same' });
    const again = await post(body, { 'idempotency-key': 'same' });
    expect(first.json().status).toBe('queued');
    expect(again.statusCode).toBe(202);
    expect(again.json().status).toBe('duplicate');
    expect(await queued()).toBe(1);
  });

  it('falls back to a hash of the body when GitLab sends no Idempotency-Key (before 17.4)', async () => {
    const body = fixture('issue_hook_gitlab_10.json').text;
    const first = await post(body);
    const again = await post(body);
    const other = await post(fixture('issue_hook_close.json').text);
    expect([first.json().status, again.json().status, other.json().status]).toEqual(['queued', 'duplicate', 'queued']);
    expect(await queued()).toBe(2);
  });

  it('answers 503 and stores nothing when Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
    down.on('error', () => undefined);
    const offline = createEventIntake(down, { prefix, dedupeTtlMs: 60_000 });
    const server = await buildServer({ webhookSecrets: SECRETS, bodyLimitBytes: LIMIT, intake: offline });
    const res = await server.inject({
      method: 'POST',
      url: '/webhooks/gitlab',
      payload: fixture('issue_hook_open.json').text,
      headers: { 'content-type': 'application/json', 'x-gitlab-token': 'old-secret', 'x-gitlab-event': 'Issue Hook' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    const ready = await server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().redis).toBe('unreachable');
    await server.close();
    down.disconnect();
  });

  it('reports ready when Redis answers', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });
});
