import { request } from 'node:http';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionNodeFlags } from '../../bench/lib/proc.js';
import { inboxBacklog, inboxKeys } from '../../src/queue/event-intake.js';
import { fixture } from '../helpers/fixtures.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';
import { startApiProcess } from './api-process.js';
import type { ApiProcess } from './api-process.js';
import { deliver, figure, gitlabHeaders } from './reliability-helpers.js';

/** GitLab.com sends payloads up to 25 MB; this description makes an issue hook of about 24 MB. */
const HUGE_LINES = 8 * 1024;
const LARGE = 8;
const SMALL = 200;

const prefix = randomPrefix('large');
let api: ApiProcess;
let redis: Redis;

beforeAll(async () => {
  redis = testRedis();
  api = await startApiProcess(prefix);
}, 40_000);

afterAll(async () => {
  api?.child.kill('SIGTERM');
  await deletePrefix(redis, prefix);
  await redis.quit();
});

/** The description lengths of the large events in the inbox, read back page by page. */
async function largeDescriptionsStored(): Promise<number[]> {
  const lengths: number[] = [];
  let start = '-';
  for (;;) {
    const page = (await redis.xrange(inboxKeys(prefix).stream, start, '+', 'COUNT', 20)) as Array<[string, string[]]>;
    for (const [, fields] of page) {
      const data = fields[fields.indexOf('d') + 1] ?? '';
      if (data.length > 1024 * 1024) lengths.push((JSON.parse(data) as { event: { issue: { description: string } } }).event.issue.description.length);
    }
    if (page.length < 20) return lengths;
    start = `(${page.at(-1)![0]}`;
  }
}

/**
 * Declares a body of `length` bytes, sends only its first kilobyte, and resolves with the status of
 * the answer: a server that refuses the body by its Content-Length answers without reading it. (Sending
 * it all would race the server closing the connection, which clients report differently by version.)
 */
function statusBeforeTheBody(url: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...gitlabHeaders('Issue Hook'), 'content-length': String(length) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (err) => reject(err));
    req.setTimeout(10_000, () => req.destroy(new Error('no answer before the body was sent')));
    req.write(Buffer.alloc(1024, 'x'));
  });
}

function issueHook(description: string, previous: string): string {
  const hook = JSON.parse(fixture('issue_hook_update_description.json').text) as { object_attributes: { description: string }; changes: Record<string, unknown> };
  hook.object_attributes.description = description;
  hook.changes = { ...hook.changes, description: { previous, current: description } };
  return JSON.stringify(hook);
}

describe('payloads as large as GitLab sends, several at once, into an api with a 256 MB heap', () => {
  it('stores every one, and every small delivery sent beside them', async () => {
    const huge = `- [ ] ${'a'.repeat(1024)}\n`.repeat(HUGE_LINES);
    const large = issueHook(`${huge}x`, huge);
    const small = fixture('issue_hook_update_description.json').text;
    const statuses = await Promise.all([
      ...Array.from({ length: LARGE }, (_, i) => deliver(api.url, large, gitlabHeaders('Issue Hook', { idempotencyKey: `large-${i}` }))),
      ...Array.from({ length: SMALL }, (_, i) => deliver(api.url, small, gitlabHeaders('Issue Hook', { idempotencyKey: `small-${i}` }))),
    ]);
    const stored = await inboxBacklog(redis, prefix);
    const whole = await largeDescriptionsStored();
    figure('large payloads', `${LARGE} issue hooks of ${(large.length / 1024 / 1024).toFixed(1)} MB and ${SMALL} small ones at once, api heap ${productionNodeFlags('api').join(' ')} -> ${statuses.filter((s) => s === 202).length} answered 202, ${stored} stored, process ${api.child.exitCode === null ? 'alive' : `exited ${api.child.exitCode}`}`);
    expect(api.child.exitCode, api.log().slice(-2000)).toBeNull();
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect(stored).toBe(LARGE + SMALL);
    expect(whole).toEqual(Array.from({ length: LARGE }, () => huge.length + 1));
  }, 120_000);

  it('refuses a body over the limit with 413 before reading it', async () => {
    expect(await statusBeforeTheBody(`${api.url}/webhooks/gitlab`, 27 * 1024 * 1024)).toBe(413);
    expect(api.child.exitCode).toBeNull();
  });
});
