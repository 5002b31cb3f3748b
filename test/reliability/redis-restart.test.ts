import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startTrellis } from '../../src/main.js';
import type { Trellis } from '../../src/main.js';
import { EVENTS_QUEUE } from '../../src/queue/queue-names.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { randomPrefix } from '../helpers/redis.js';
import { captureHooks } from './capture-hooks.js';
import type { CapturedDelivery, HookCapture } from './capture-hooks.js';
import { startPrivateRedis } from './private-redis.js';
import type { PrivateRedis } from './private-redis.js';
import { allNotes, asUser, BOT, deliver, figure, gitlabHeadersOf, pool, PROJECT, RECORDS_GROUP, rosterPeople, SECRET, seedRecords, sleep, until, webhookOutcomes } from './reliability-helpers.js';

const EVENTS = 400;
/** Redis is killed once this many events were answered 202. */
const KILL_AFTER = 120;
/** How long Redis stays down before it is started again. */
const OUTAGE_MS = 1500;

let sim: RunningSim;
let projectId: number;
let redis: PrivateRedis;
let capture: HookCapture;
let trellis: Trellis | undefined;
const prefix = randomPrefix('restart');
const people = ['alice', 'bob', 'carol', 'olivia', 'ian'];
const issues: number[] = [];
let events: CapturedDelivery[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  sim = await startSimulator({ port: 0 });
  const roster = readFileSync(DEMO_ROSTER, 'utf8');
  ({ projectId } = await seedRecords(sim, roster, rosterPeople(roster)));
  // The simulator's deliveries are recorded, not sent to Trellis: the test is the sender, so it can
  // resend what got 503 (GitLab itself would log the failure, and after four disable the hook).
  capture = await captureHooks();
  await asUser(sim, 'root')('POST', `/projects/${projectId}/hooks`, { url: capture.url, token: SECRET, issues_events: true, note_events: true, confidential_issues_events: true, confidential_note_events: true });
  for (let i = 0; i < 10; i++) issues.push((await asUser(sim, people[i % people.length]!)<{ iid: number }>('POST', `/projects/${projectId}/issues`, { title: `Questions ${i}` })).iid);
  await pool(Array.from({ length: EVENTS }, (_, i) => i), 8, (i) => asUser(sim, people[i % people.length]!)('POST', `/projects/${projectId}/issues/${issues[i % issues.length]}/notes`, { body: `question ${i}\n@${BOT} help` }));
  await sim.idle();
  events = capture.deliveries.filter((d) => d.headers['x-gitlab-event'] === 'Note Hook');
  expect(events).toHaveLength(EVENTS);
  trellis = await startTrellis(
    loadConfig({
      GITLAB_URL: sim.url,
      GITLAB_TOKEN: `tok-${BOT}`,
      GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
      WEBHOOK_SECRET: SECRET,
      REDIS_URL: redis.url,
      TRELLIS_QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      GITLAB_API_PER_MINUTE: '0',
      GITLAB_ISSUE_CREATE_PER_MINUTE: '0',
      GITLAB_NOTE_CREATE_PER_MINUTE: '0',
      TRELLIS_WORKER_CONCURRENCY: '4',
      TRELLIS_SHUTDOWN_TIMEOUT_MS: '2000',
    }),
    { role: 'all', log: pino({ level: process.env.E2E_LOG ?? 'silent' }) },
  );
}, 90_000);

afterAll(async () => {
  await trellis?.close();
  await sim?.close();
  await capture?.close();
  await redis?.close();
});

/** Trellis's replies by the note they answer (`<!-- trellis:reply:<note id>-general -->`). */
async function repliesByNote(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const iid of issues) {
    for (const n of await allNotes(sim, projectId, iid)) {
      const m = /<!-- trellis:reply:(\d+)-general -->/.exec(n.body);
      if (m && n.author.username === BOT) out.set(Number(m[1]), (out.get(Number(m[1])) ?? 0) + 1);
    }
  }
  return out;
}

describe('redis-server (append-only file, fsync always) SIGKILLed and restarted while events flow', () => {
  it('processes every event it answered 202, once; what got 503 during the outage is resent', async () => {
    const t = trellis!;
    let accepted = 0;
    let unavailable = 0;
    let noAnswer = 0;
    const other: number[] = [];
    let outage: Promise<void> | undefined;
    let restartedAt = 0;
    await pool(events, 4, async (d) => {
      // A steady flow, so deliveries arrive before, during and after the outage.
      await sleep(20);
      for (;;) {
        const status = await deliver(t.url!, d.body, gitlabHeadersOf(d.headers));
        if (status === 202) break;
        if (status === 503) unavailable += 1;
        else if (status === 0) noAnswer += 1;
        else other.push(status);
        // GitLab's resend (or the next reconcile run) comes later; here, a moment later.
        await sleep(100);
      }
      accepted += 1;
      if (accepted === KILL_AFTER) {
        outage = (async () => {
          await redis.kill();
          await sleep(OUTAGE_MS);
          await redis.start();
          restartedAt = Date.now();
        })();
      }
    });
    await outage;

    let replies = new Map<number, number>();
    await until('a reply to every note', async () => (replies = await repliesByNote()).size >= EVENTS, 150_000, 500);
    const recoveredAfter = (Date.now() - restartedAt) / 1000;
    await sleep(1000);
    replies = await repliesByNote();
    const noteIds = events.map((d) => (JSON.parse(d.body) as { object_attributes: { id: number } }).object_attributes.id);
    const lost = noteIds.filter((id) => !replies.has(id)).length;
    const duplicated = [...replies.values()].reduce((n, k) => n + k - 1, 0);
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    const failed = await new Queue(EVENTS_QUEUE, { connection: admin, prefix }).getFailedCount().finally(() => admin.quit());
    const outcomes = await webhookOutcomes(t.app!);
    figure(
      'redis restart',
      `${EVENTS} events sent while redis-server was SIGKILLed after ${KILL_AFTER} and restarted ${OUTAGE_MS} ms later: ${EVENTS} answered 202, ${unavailable} answered 503 during the outage and resent -> ${replies.size} processed (the last ${recoveredAfter.toFixed(0)} s after the restart), lost ${lost}, duplicated ${duplicated}`,
    );
    expect({ noAnswer, other }).toEqual({ noAnswer: 0, other: [] });
    expect(unavailable, 'deliveries met the outage').toBeGreaterThan(0);
    expect(outcomes.unavailable).toBe(unavailable);
    expect({ processed: replies.size, lost, duplicated, failed }).toEqual({ processed: EVENTS, lost: 0, duplicated: 0, failed: 0 });
  }, 240_000);
});
