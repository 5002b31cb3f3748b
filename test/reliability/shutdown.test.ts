import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inboxKeys } from '../../src/queue/event-intake.js';
import { fixture } from '../helpers/fixtures.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';
import { startApiProcess } from './api-process.js';
import { figure, gitlabHeaders, pool } from './reliability-helpers.js';

const DELIVERIES = 3000;
/** SIGTERM is sent once this many deliveries were answered 202. */
const TERM_AFTER = 800;

const prefix = randomPrefix('shutdown');
const redis: Redis = testRedis();

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

/** The job ids of every event in the inbox (no worker runs, so all are still there). */
async function storedJobIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  let start = '-';
  for (;;) {
    const page = (await redis.xrange(inboxKeys(prefix).stream, start, '+', 'COUNT', 1000)) as Array<[string, string[]]>;
    for (const [, fields] of page) ids.add(fields[fields.indexOf('j') + 1] ?? '');
    if (page.length < 1000) return ids;
    start = `(${page.at(-1)![0]}`;
  }
}

describe('the api process sent SIGTERM while deliveries flow', () => {
  it('stores every delivery it answered 202, answers the rest 503 or not at all, and exits 0', async () => {
    const api = await startApiProcess(prefix);
    const body = fixture('issue_hook_update_description.json').text;
    const accepted: string[] = [];
    let unavailable = 0;
    let noAnswer = 0;
    const other: number[] = [];
    await pool(Array.from({ length: DELIVERIES }, (_, i) => i), 32, async (i) => {
      try {
        const res = await fetch(`${api.url}/webhooks/gitlab`, { method: 'POST', body, headers: gitlabHeaders('Issue Hook', { idempotencyKey: `term-${i}` }), signal: AbortSignal.timeout(10_000) });
        const answer = (await res.json().catch(() => ({}))) as { job?: string };
        if (res.status === 202 && answer.job) accepted.push(answer.job);
        else if (res.status === 503) unavailable += 1;
        else other.push(res.status);
      } catch {
        // Refused or reset: GitLab records a failed delivery and it is resent or reconciled.
        noAnswer += 1;
      }
      if (accepted.length === TERM_AFTER) api.child.kill('SIGTERM');
    });
    const exit = await api.exited;
    const stored = await storedJobIds();
    const lost = accepted.filter((job) => !stored.has(job)).length;
    figure('shutdown', `${DELIVERIES} deliveries, SIGTERM after ${TERM_AFTER} answered 202: ${accepted.length} answered 202, ${unavailable} 503, ${noAnswer} refused or reset -> ${stored.size} stored, acknowledged but lost ${lost}; exit ${exit}`);
    expect(other, api.log().slice(-2000)).toEqual([]);
    expect(lost).toBe(0);
    expect(stored.size).toBe(accepted.length);
    expect(unavailable + noAnswer, 'deliveries met the shutdown').toBeGreaterThan(0);
    expect(exit).toBe('0');
  }, 90_000);
});
