import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionNodeFlags } from '../../bench/lib/proc.js';
import { inboxBacklog, inboxKeys } from '../../src/queue/event-intake.js';
import { fixture, REPO_ROOT } from '../helpers/fixtures.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';
import { deliver, figure, gitlabHeaders, SECRET, until } from './reliability-helpers.js';

/** GitLab.com sends payloads up to 25 MB; this description makes an issue hook of about 24 MB. */
const HUGE_LINES = 8 * 1024;
const LARGE = 8;
const SMALL = 200;

const prefix = randomPrefix('large');
let api: ChildProcess;
let url = '';
let log = '';
let redis: Redis;

beforeAll(async () => {
  redis = testRedis();
  // The api role as production runs it: the V8 flags of npm start and the Docker image (a 256 MB heap).
  api = spawn(process.execPath, [...productionNodeFlags(), '--import', 'tsx', 'src/cli.ts', 'serve', '--role', 'api'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      REDIS_URL,
      TRELLIS_QUEUE_PREFIX: prefix,
      WEBHOOK_SECRET: SECRET,
      GITLAB_URL: 'http://127.0.0.1:9',
      GITLAB_TOKEN: 'unused',
      GITLAB_PROJECT: 'infra/career',
      HOST: '127.0.0.1',
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
    url ||= /"msg":"trellis started"/.test(log) ? (/"url":"([^"]+)"/.exec(log)?.[1] ?? '') : '';
  };
  api.stdout?.on('data', onData);
  api.stderr?.on('data', onData);
  await until('the api process to start', () => url !== '' || api.exitCode !== null, 30_000);
  if (!url) throw new Error(`the api process did not start:\n${log}`);
}, 40_000);

afterAll(async () => {
  api?.kill('SIGTERM');
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
      ...Array.from({ length: LARGE }, (_, i) => deliver(url, large, gitlabHeaders('Issue Hook', { idempotencyKey: `large-${i}` }))),
      ...Array.from({ length: SMALL }, (_, i) => deliver(url, small, gitlabHeaders('Issue Hook', { idempotencyKey: `small-${i}` }))),
    ]);
    const stored = await inboxBacklog(redis, prefix);
    const whole = await largeDescriptionsStored();
    figure('large payloads', `${LARGE} issue hooks of ${(large.length / 1024 / 1024).toFixed(1)} MB and ${SMALL} small ones at once, api heap ${productionNodeFlags().join(' ')} -> ${statuses.filter((s) => s === 202).length} answered 202, ${stored} stored, process ${api.exitCode === null ? 'alive' : `exited ${api.exitCode}`}`);
    expect(api.exitCode, log.slice(-2000)).toBeNull();
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect(stored).toBe(LARGE + SMALL);
    expect(whole).toEqual(Array.from({ length: LARGE }, () => huge.length + 1));
  }, 120_000);

  it('refuses a body over the limit with 413 at once, without waiting for the large ones', async () => {
    const tooBig = 'x'.repeat(27 * 1024 * 1024);
    expect(await deliver(url, tooBig, gitlabHeaders('Issue Hook'))).toBe(413);
    expect(api.exitCode).toBeNull();
  });
});
