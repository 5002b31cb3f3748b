import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLog } from '../../src/core/log.js';
import { startTrellis } from '../../src/main.js';
import type { Trellis } from '../../src/main.js';
import { startEventWorker } from '../../src/queue/event-worker.js';
import { startInboxRelay } from '../../src/queue/inbox-relay.js';
import { EVENTS_QUEUE } from '../../src/queue/queue-names.js';
import type { EventJob, EventJobData } from '../../src/queue/queue-names.js';
import { startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { fixture } from '../helpers/fixtures.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';
import { allNotes, BOT, deliver, figure, gitlabHeaders, jobsInFlight, pool, restAll, SECRET, sleep, until, webhookOutcomes } from './reliability-helpers.js';

const EVENTS = 1000;

/** Deliveries as the simulator logged them (GET /projects/:id/hooks/:hook_id/events). */
interface HookLog {
  id: number;
  trigger: string;
  request_headers: Record<string, string>;
  request_data: { user?: { username?: string }; object_attributes?: { id?: number } };
  response_status: string;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** 1000 distinct events: note hooks (a note id each) and issue hooks (an updated_at each), as GitLab sends them. */
function events(): Array<{ key: string; event: string; body: string; idempotencyKey?: string }> {
  const note = fixture('note_hook_issue.json').json;
  const issue = fixture('issue_hook_update_labels.json').json;
  return Array.from({ length: EVENTS }, (_, i) => {
    // Half carry an Idempotency-Key (GitLab 17.4+); the other half are deduplicated on a hash of the body.
    const idempotencyKey = i % 2 === 0 ? `dup-${i}` : undefined;
    if (i % 4 < 2) {
      const body = structuredClone(note) as { object_attributes: { id: number; note: string } };
      body.object_attributes.id = 100_000 + i;
      body.object_attributes.note = `comment ${i}`;
      return { key: `note:${100_000 + i}`, event: 'Note Hook', body: JSON.stringify(body), ...(idempotencyKey ? { idempotencyKey } : {}) };
    }
    const body = structuredClone(issue) as { object_attributes: { updated_at: string } };
    const at = new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    body.object_attributes.updated_at = at;
    return { key: `issue:${at}`, event: 'Issue Hook', body: JSON.stringify(body), ...(idempotencyKey ? { idempotencyKey } : {}) };
  });
}

function keyOf(data: EventJobData): string {
  const e = data.event;
  if (e.type === 'note') return `note:${e.note.id}`;
  if (e.type === 'issue') return `issue:${e.issue.updatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`;
  return `push:${e.after}`;
}

describe('every event delivered three times at once', () => {
  it('is processed once: the api role dedupes 3000 concurrent deliveries to 1000 stored events and a counting worker runs each once', async () => {
    const prefix = randomPrefix('dup');
    const api: Trellis = await startTrellis(
      loadConfig({ REDIS_URL, TRELLIS_QUEUE_PREFIX: prefix, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' }),
      { role: 'api', log: pino({ level: 'silent' }) },
    );
    const conn: Redis = testRedis({ maxRetriesPerRequest: null });
    // What a worker process runs: the relay from the api's inbox into the events queue, and a worker.
    const queue = new Queue<EventJobData>(EVENTS_QUEUE, { connection: conn, prefix });
    const relay = startInboxRelay({ redis: conn, blocking: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), queue, prefix, log: silentLog });
    const handled = new Map<string, number>();
    const worker: Worker<EventJob> = startEventWorker(conn, {
      prefix,
      concurrency: 8,
      log: silentLog,
      handle: async (data) => void handled.set(keyOf(data), (handled.get(keyOf(data)) ?? 0) + 1),
    });
    cleanups.push(async () => {
      await relay.close();
      await queue.close();
      await worker.close();
      await api.close();
      await deletePrefix(conn, prefix);
      await conn.quit();
    });

    const all = events();
    const statuses = await pool(all, 32, (e) =>
      Promise.all([1, 2, 3].map(() => deliver(api.url!, e.body, gitlabHeaders(e.event, e.idempotencyKey ? { idempotencyKey: e.idempotencyKey } : {})))),
    );
    await until('every event to be handled', async () => handled.size === EVENTS && (await jobsInFlight(conn, prefix)) === 0, 60_000, 50);
    // A late second run of a job would show up here.
    await sleep(500);

    const answered = statuses.flat();
    const runs = [...handled.values()].reduce((a, b) => a + b, 0);
    const lost = all.filter((e) => !handled.has(e.key)).length;
    const duplicated = runs - handled.size;
    const outcomes = await webhookOutcomes(api.app!);
    figure('duplicates', `${answered.length} deliveries of ${EVENTS} events (3 at once each, half deduplicated by Idempotency-Key, half by body hash) -> ${handled.size} processed, lost ${lost}, duplicated ${duplicated}`);
    expect(answered.filter((s) => s !== 202)).toEqual([]);
    expect(outcomes).toMatchObject({ queued: EVENTS, duplicate: 2 * EVENTS });
    expect({ processed: handled.size, lost, duplicated }).toEqual({ processed: EVENTS, lost: 0, duplicated: 0 });
  }, 120_000);
});

describe('the simulator delivering every event twice, and each resent once more', () => {
  let e2e: E2E;

  it('answers each of 1000 `help` notes with exactly one reply', async () => {
    e2e = await startE2E({ env: { TRELLIS_WORKER_CONCURRENCY: '8' } });
    cleanups.push(() => e2e.close());
    const people = ['alice', 'bob', 'carol', 'olivia', 'ian'];
    const issues = await pool(Array.from({ length: 25 }, (_, i) => i), 5, (i) => e2e.as(people[i % people.length]!).createIssue({ title: `Questions ${i}` }));
    await e2e.settle();
    e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
    const notes = await pool(Array.from({ length: EVENTS }, (_, i) => i), 16, (i) => {
      const who = people[i % people.length]!;
      return e2e.as(who).comment(issues[i % issues.length]!.iid, `question ${i}\n@${BOT} help`);
    });
    await e2e.settle(120_000);
    e2e.sim.setFaults({ webhook_duplicate_ratio: 0 });

    // The third delivery: every note event resent with its original headers, as `resend` does, 50 at once.
    const hook = (await e2e.as('root').api<Array<{ id: number }>>('GET', `/projects/${e2e.projectId}/hooks`))[0]!;
    const logs = await restAll<HookLog>(e2e.sim, `/projects/${e2e.projectId}/hooks/${hook.id}/events`);
    const noteLogs = logs.filter((l) => l.trigger === 'note_hooks' && l.request_data.user?.username !== BOT);
    const firstOfEach = new Map<number, HookLog>();
    for (const l of noteLogs) if (!firstOfEach.has(l.request_data.object_attributes?.id ?? 0)) firstOfEach.set(l.request_data.object_attributes?.id ?? 0, l);
    const resent = await pool([...firstOfEach.values()], 50, (l) => {
      const headers = Object.fromEntries(Object.entries(l.request_headers).map(([k, v]) => [k.toLowerCase(), v]));
      return deliver(e2e.trellis.url!, JSON.stringify(l.request_data), { ...headers, 'x-gitlab-token': 'e2e-secret', 'x-gitlab-webhook-uuid': randomUUID() });
    });
    await e2e.settle(60_000);

    const replies = new Map<number, number>();
    for (const issue of issues) {
      for (const n of await allNotes(e2e.sim, e2e.projectId, issue.iid)) {
        const m = /<!-- trellis:reply:(\d+)-general -->/.exec(n.body);
        if (m && n.author.username === BOT) replies.set(Number(m[1]), (replies.get(Number(m[1])) ?? 0) + 1);
      }
    }
    const lost = notes.filter((n) => !replies.has(n.id)).length;
    const duplicated = [...replies.values()].reduce((d, n) => d + n - 1, 0);
    const deliveries = noteLogs.length + resent.length;
    const outcomes = await webhookOutcomes(e2e.trellis.app!);
    figure('duplicates (simulator)', `${deliveries} deliveries of ${EVENTS} note events (webhook_duplicate_ratio 1, then each resent) -> ${replies.size} answered, lost ${lost}, duplicated ${duplicated}`);
    expect(noteLogs.map((l) => l.response_status).filter((s) => s !== '202')).toEqual([]);
    expect(resent.filter((s) => s !== 202)).toEqual([]);
    expect(deliveries).toBe(3 * EVENTS);
    // Each event (the issues' too) became one job; every other delivery was recognised as a duplicate.
    const distinct = new Set(logs.map((l) => l.request_headers['Idempotency-Key'])).size;
    expect(outcomes).toMatchObject({ queued: distinct, duplicate: logs.length + resent.length - distinct });
    expect({ answered: replies.size, lost, duplicated }).toEqual({ answered: EVENTS, lost: 0, duplicated: 0 });
  }, 240_000);
});
