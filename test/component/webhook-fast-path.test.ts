import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../src/core/errors.js';
import { eventHeaderFor } from '../../src/events/normalize.js';
import { buildServer } from '../../src/http/build-server.js';
import type { EventIntake } from '../../src/queue/event-intake.js';
import { fixture, REPO_ROOT } from '../helpers/fixtures.js';
import { CORRUPTIONS, mutate, toText } from '../reliability/fuzz-mutate.js';
import type { Json } from '../reliability/fuzz-mutate.js';
import { pool, seededRandom } from '../reliability/reliability-helpers.js';

const SECRET = 'fast-secret';
const LIMIT = 512 * 1024;
const CASES = 1_500;

/** An intake in memory: deduplicates on the delivery key like the Redis one; fails while `down`. */
function memoryIntake(): EventIntake & { down: boolean; stored: number } {
  const seen = new Map<string, string>();
  const intake = {
    down: false,
    stored: 0,
    async enqueue(_event: unknown, key: string) {
      if (intake.down) throw new TransientError('redis_unavailable', 'could not store the event in Redis');
      const prior = seen.get(key);
      if (prior) return { duplicate: true, jobId: prior };
      const jobId = randomUUID();
      seen.set(key, jobId);
      intake.stored += 1;
      return { duplicate: false, jobId };
    },
    ping: async () => !intake.down,
    close: async () => undefined,
  };
  return intake;
}

/** Two identical servers: one answered through `app.inject` (Fastify's route), one over real HTTP (the fast path in front of it). */
let viaInject: { app: FastifyInstance; intake: ReturnType<typeof memoryIntake> };
let viaHttp: { app: FastifyInstance; intake: ReturnType<typeof memoryIntake>; url: string };

/** Requests Fastify's own handler saw (its `incoming request` log line); the fast path logs only `request completed`. */
let fastifyRequests = 0;

async function server(logged = false) {
  const intake = memoryIntake();
  const logger = pino({ level: 'info' }, { write: (line: string) => void (line.includes('"incoming request"') && fastifyRequests++) });
  const app = await buildServer({ webhookSecrets: [SECRET], bodyLimitBytes: LIMIT, intake, ...(logged ? { logger } : {}) });
  return { app, intake };
}

beforeAll(async () => {
  viaInject = await server();
  const s = await server(true);
  viaHttp = { ...s, url: await s.app.listen({ port: 0, host: '127.0.0.1' }) };
});

afterAll(async () => {
  await viaInject?.app.close();
  await viaHttp?.app.close();
});

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | undefined;
}

/** Job ids are random per server: compared as a placeholder. */
function comparable(a: Answer): Answer {
  return { ...a, body: a.body.replace(/"job":"[0-9a-f-]{36}"/, '"job":"<id>"') };
}

async function both(body: string, headers: Record<string, string>): Promise<{ inject: Answer; http: Answer }> {
  const i = await viaInject.app.inject({ method: 'POST', url: '/webhooks/gitlab', payload: body, headers });
  // As bytes, so fetch adds no content type of its own.
  const res = await fetch(`${viaHttp.url}/webhooks/gitlab`, { method: 'POST', body: Buffer.from(body), headers });
  return {
    inject: comparable({ status: i.statusCode, body: i.body, retryAfter: i.headers['retry-after'] as string | undefined }),
    http: comparable({ status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') ?? undefined }),
  };
}

const seeds = readdirSync(path.join(REPO_ROOT, 'webhooks'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((name) => ({ name, ...fixture(name) }));
const pick = <T>(items: readonly T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)]!;

describe('the webhook fast path in front of Fastify', () => {
  it(`answers ${CASES} mutated, corrupted and oversized deliveries exactly as the Fastify route does`, async () => {
    const rnd = seededRandom(20_261_205);
    const cases = Array.from({ length: CASES }, (_, i) => {
      const seed = pick(seeds, rnd);
      const r = rnd();
      const body = r < 0.1 ? pick(CORRUPTIONS, rnd).apply(seed.text, rnd) : r < 0.13 ? `${seed.text.slice(0, -1)}, "pad": "${'x'.repeat(LIMIT)}"}` : toText(mutate(seed.json as Json, rnd).doc);
      const headers: Record<string, string> = { 'content-type': rnd() < 0.2 ? 'application/json; charset=utf-8' : 'application/json', 'x-gitlab-event': eventHeaderFor(seed.json) ?? 'Issue Hook' };
      const t = rnd();
      if (t > 0.05) headers['x-gitlab-token'] = t < 0.1 ? 'guess' : SECRET;
      if (rnd() < 0.6) headers['idempotency-key'] = `case-${i % 1_200}`;
      return { body, headers };
    });
    const mismatches: string[] = [];
    const statuses = new Map<number, number>();
    // One at a time per key, so both servers see the same order of redeliveries.
    await pool(cases, 1, async (c, i) => {
      const got = await both(c.body, c.headers);
      statuses.set(got.http.status, (statuses.get(got.http.status) ?? 0) + 1);
      if (JSON.stringify(got.inject) !== JSON.stringify(got.http) && mismatches.length < 5) mismatches.push(`#${i}: inject ${JSON.stringify(got.inject).slice(0, 300)} / http ${JSON.stringify(got.http).slice(0, 300)}`);
    });
    expect(mismatches).toEqual([]);
    for (const status of [202, 400, 401, 413, 422]) expect(statuses.get(status) ?? 0, `answers ${status}`).toBeGreaterThan(0);
    expect(viaHttp.intake.stored).toBe(viaInject.intake.stored);
    // The fast path answered most (all but wrong tokens and bodies over 512 KB), Fastify the rest.
    const fast = CASES - fastifyRequests;
    expect(fast).toBeGreaterThan(CASES * 0.7);
    expect(fastifyRequests).toBeGreaterThan(0);
  }, 120_000);

  it.each([
    ['without a content type', { 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Issue Hook' }],
    ['as text/plain', { 'content-type': 'text/plain', 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Issue Hook' }],
    ['with an empty body', { 'content-type': 'application/json', 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Issue Hook' }],
  ])('leaves a delivery %s to Fastify, with the same answer', async (what, headers) => {
    const got = await both(what === 'with an empty body' ? '' : fixture('issue_hook_open.json').text, headers as Record<string, string>);
    expect(got.http).toEqual(got.inject);
  });

  it('answers 503 with Retry-After on both paths while Redis cannot store', async () => {
    viaInject.intake.down = true;
    viaHttp.intake.down = true;
    try {
      const got = await both(fixture('issue_hook_open.json').text, { 'content-type': 'application/json', 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Issue Hook', 'idempotency-key': 'while-down' });
      expect(got.http).toEqual(got.inject);
      expect([got.http.status, got.http.retryAfter]).toEqual([503, '5']);
    } finally {
      viaInject.intake.down = false;
      viaHttp.intake.down = false;
    }
  });
});
