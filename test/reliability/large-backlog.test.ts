import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procMemory, productionNodeFlags } from '../../bench/lib/proc.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startTrellis } from '../../src/main.js';
import { inboxBacklog } from '../../src/queue/event-intake.js';
import { EVENTS_QUEUE } from '../../src/queue/queue-names.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';
import { captureHooks } from './capture-hooks.js';
import type { CapturedDelivery, HookCapture } from './capture-hooks.js';
import { allNotes, asUser, BOT, deliver, figure, gitlabHeadersOf, jobsInFlight, pool, PROJECT, RECORDS_GROUP, rosterPeople, SECRET, seedRecords, until } from './reliability-helpers.js';
import { startWorkerProcess } from './worker-process.js';
import type { WorkerProcess } from './worker-process.js';

/** The hostile probe's two loads: eight 22 MB note events, and 150 edits of issues with descriptions near GitLab's 1 MB limit (about 2 MB a hook). */
const NOTES = 8;
const NOTE_MB = 22;
const EDITS = 150;
const EDITED_ISSUES = 30;
/** A description this long makes an edit's hook (the description and its previous text) about 2 MB. */
const DESCRIPTION_CHARS = 680_000;

let sim: RunningSim;
let projectId: number;
let redis: Redis;
let capture: HookCapture;
let worker: WorkerProcess | undefined;
const prefix = randomPrefix('backlog');
const noteIssues: number[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  const roster = readFileSync(DEMO_ROSTER, 'utf8');
  ({ projectId } = await seedRecords(sim, roster, rosterPeople(roster)));
  redis = testRedis({ maxRetriesPerRequest: null });
  // The simulator's deliveries are recorded, so the test can enlarge the notes and send everything while no worker runs.
  capture = await captureHooks();
  await asUser(sim, 'root')('POST', `/projects/${projectId}/hooks`, { url: capture.url, token: SECRET, issues_events: true, note_events: true, confidential_issues_events: true, confidential_note_events: true });
}, 60_000);

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await capture?.close();
  await sim?.close();
  if (redis) {
    await deletePrefix(redis, prefix);
    await redis.quit();
  }
});

/** A paste as people make them: numbered lines of log-like text. */
function filler(bytes: number, seed: string): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${seed} ${String(i).padStart(7, '0')} 2026-03-01T10:00:00Z INFO request served in 12 ms by web-${i % 40} for /api/v4/projects/${i % 997}/issues`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

/** Creates the issues and makes the edits and notes on the simulator, and returns the deliveries it sent, notes enlarged to 22 MB. */
async function makeDeliveries(): Promise<{ notes: CapturedDelivery[]; edits: CapturedDelivery[] }> {
  const alice = asUser(sim, 'alice');
  const edited: number[] = [];
  for (let i = 0; i < EDITED_ISSUES; i++) edited.push((await alice<{ iid: number }>('POST', `/projects/${projectId}/issues`, { title: `Runbook ${i}` })).iid);
  for (let i = 0; i < NOTES; i++) noteIssues.push((await alice<{ iid: number }>('POST', `/projects/${projectId}/issues`, { title: `Question ${i}` })).iid);
  await pool(Array.from({ length: EDITS }, (_, i) => i), 4, (i) => alice('PUT', `/projects/${projectId}/issues/${edited[i % EDITED_ISSUES]}`, { description: filler(DESCRIPTION_CHARS, `edit-${i}`) }));
  for (const iid of noteIssues) await alice('POST', `/projects/${projectId}/issues/${iid}/notes`, { body: `@${BOT} help` });
  await sim.idle();
  const edits = capture.deliveries.filter((d) => d.headers['x-gitlab-event'] === 'Issue Hook' && (JSON.parse(d.body) as { object_attributes: { action?: string } }).object_attributes.action === 'update');
  const notes = capture.deliveries
    .filter((d) => d.headers['x-gitlab-event'] === 'Note Hook')
    .map((d, i) => {
      const hook = JSON.parse(d.body) as { object_attributes: { note: string } };
      // The command stays on the first line; a long paste follows it.
      hook.object_attributes.note = `${hook.object_attributes.note}\n\n${filler(NOTE_MB * 1024 * 1024, `note-${i}`)}`;
      return { headers: d.headers, body: JSON.stringify(hook) };
    });
  return { notes, edits };
}

/** Trellis's replies by the note they answer (`<!-- trellis:reply:<note id>-general -->`). */
async function replies(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const iid of noteIssues) {
    for (const n of await allNotes(sim, projectId, iid)) {
      const m = /<!-- trellis:reply:(\d+)-general -->/.exec(n.body);
      if (m && n.author.username === BOT) out.set(Number(m[1]), (out.get(Number(m[1])) ?? 0) + 1);
    }
  }
  return out;
}

describe('a backlog of large events acknowledged while no worker ran', () => {
  it('is drained by a worker with the production heap: every event processed, none lost, the process alive', async () => {
    const { notes, edits } = await makeDeliveries();
    expect({ notes: notes.length, edits: edits.length }).toEqual({ notes: NOTES, edits: EDITS });
    const api = await startTrellis(
      loadConfig({ REDIS_URL, TRELLIS_QUEUE_PREFIX: prefix, WEBHOOK_SECRET: SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' }),
      { role: 'api', log: pino({ level: 'silent' }) },
    );
    const all = [...notes, ...edits];
    let statuses: number[];
    try {
      // The api takes bodies over 1 MB a budget at a time (TRELLIS_INFLIGHT_BODY_MB): one 22 MB note at a time, so none waits past the client's timeout.
      statuses = [...(await pool(notes, 1, (d) => deliver(api.url!, d.body, gitlabHeadersOf(d.headers)))), ...(await pool(edits, 4, (d) => deliver(api.url!, d.body, gitlabHeadersOf(d.headers))))];
    } finally {
      await api.close();
    }
    const stored = await inboxBacklog(redis, prefix);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect(stored).toBe(all.length);
    const noteMb = Math.max(...notes.map((d) => d.body.length)) / 1024 / 1024;
    const editMb = Math.max(...edits.map((d) => d.body.length)) / 1024 / 1024;

    worker = await startWorkerProcess(
      {
        GITLAB_URL: sim.url,
        GITLAB_TOKEN: `tok-${BOT}`,
        GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
        REDIS_URL,
        TRELLIS_QUEUE_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: '0',
        GITLAB_API_PER_MINUTE: '0',
        GITLAB_ISSUE_CREATE_PER_MINUTE: '0',
        GITLAB_NOTE_CREATE_PER_MINUTE: '0',
      },
      { nodeFlags: productionNodeFlags('worker') },
    );
    const w = worker;
    let exit: string | undefined;
    void w.exited.then((code) => (exit = code));
    const events = new Queue(EVENTS_QUEUE, { connection: redis, prefix });
    let peakMb = 0;
    try {
      await until(
        'the worker to drain the inbox',
        async () => {
          peakMb = Math.max(peakMb, procMemory(w.pid).hwmMb);
          if (exit !== undefined) throw new Error(`the worker process exited (${exit}) while draining:\n${w.tail().slice(-3000)}`);
          return (await jobsInFlight(redis, prefix)) === 0 && (await events.getCompletedCount()) + (await events.getFailedCount()) >= all.length;
        },
        300_000,
        250,
      );
      const completed = await events.getCompletedCount();
      const failed = await events.getFailed();
      const answered = await replies();
      const duplicated = [...answered.values()].reduce((n, k) => n + k - 1, 0);
      figure(
        'large backlog',
        `${NOTES} note events of ${noteMb.toFixed(1)} MB and ${EDITS} issue edits of ${editMb.toFixed(1)} MB stored while no worker ran (${statuses.filter((s) => s === 202).length} answered 202), then a worker with ${productionNodeFlags('worker').join(' ')} -> ` +
          `${completed} processed, ${answered.size} of ${NOTES} commands answered, failed ${failed.length}, lost ${all.length - completed}, duplicated ${duplicated}; peak RSS ${peakMb.toFixed(0)} MB, process ${exit === undefined ? 'alive' : `exited ${exit}`}`,
      );
      expect(failed.map((j) => `${j.id}: ${j.failedReason}`), w.tail()).toEqual([]);
      expect({ completed, answered: answered.size, duplicated, exit }).toEqual({ completed: all.length, answered: NOTES, duplicated: 0, exit: undefined });
    } finally {
      await events.close();
    }
    expect(await w.kill('SIGTERM')).toBe('0');
  }, 420_000);
});
