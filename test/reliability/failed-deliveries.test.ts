import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileCommand } from '../../src/commands/reconcile.js';
import { loadConfig } from '../../src/config.js';
import { BOT, PROJECT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { REDIS_URL } from '../helpers/redis.js';
import { allNotes, figure, sleep, until } from './reliability-helpers.js';

/**
 * `@bot help` notes whose deliveries failed (Trellis answered 401: a rotated secret), enough of them
 * in a row for GitLab to disable the hook; then the secret is put right and `trellis reconcile` runs
 * as an operator would, first too early (Trellis still refuses), then until every command is answered.
 * GitLab allows 5 resends a minute per hook (the simulator answers 429 past that).
 */
const SECRET = 'e2e-secret';
let e2e: E2E;
let hookId: number;

beforeAll(async () => {
  e2e = await startE2E();
  hookId = (await e2e.as('root').api<Array<{ id: number }>>('GET', `/projects/${e2e.projectId}/hooks`))[0]!.id;
}, 90_000);

afterAll(async () => {
  await e2e?.close();
});

/** `trellis reconcile` against the running service's Redis; its printed lines. */
async function reconcile(): Promise<string[]> {
  const config = loadConfig({
    GITLAB_URL: e2e.sim.url,
    GITLAB_TOKEN: `tok-${BOT}`,
    GITLAB_PROJECT: PROJECT,
    TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
    TRELLIS_QUEUE_PREFIX: e2e.prefix,
    REDIS_URL,
    LOG_LEVEL: 'silent',
    GITLAB_API_PER_MINUTE: '0',
    GITLAB_ISSUE_CREATE_PER_MINUTE: '0',
    GITLAB_NOTE_CREATE_PER_MINUTE: '0',
  });
  const lines: string[] = [];
  expect(await reconcileCommand(config, pino({ level: 'silent' }), { dryRun: false, print: (l) => lines.push(l), progress: () => undefined })).toBe(0);
  return lines.filter((l) => l.includes('webhook') || l.includes('not resent'));
}

describe('failed deliveries after GitLab disabled the hook', () => {
  it('are all resent by reconcile: the hook re-enabled, failures retried, 5 a minute', async () => {
    const root = e2e.as('root');
    const setSecret = (token: string) => root.api('PUT', `/projects/${e2e.projectId}/hooks/${hookId}`, { token });
    const asked: number[] = [];
    for (let i = 0; i < 7; i++) asked.push((await e2e.as('alice').createIssue({ title: `Lost help ${i}` })).iid);
    await e2e.settle();
    const help = async (iid: number) => {
      await e2e.as('alice').comment(iid, `@${BOT} help`);
      await e2e.settle();
    };
    // Three failures (GitLab does nothing yet), one success (the count starts again), four failures: disabled.
    await setSecret('rotated-away');
    for (const iid of asked.slice(0, 3)) await help(iid);
    await setSecret(SECRET);
    await e2e.as('alice').createIssue({ title: 'A delivery that works' });
    await e2e.settle();
    await setSecret('rotated-away');
    for (const iid of asked.slice(3)) await help(iid);
    const hook = await root.api<{ alert_status: string }>('GET', `/projects/${e2e.projectId}/hooks/${hookId}`);
    expect(hook.alert_status).toBe('temporarily_disabled');
    const answered = async () => {
      const replies = await Promise.all(asked.map(async (iid) => (await allNotes(e2e.sim, e2e.projectId, iid)).filter((n) => n.author.username === BOT).length));
      return { answered: replies.filter((n) => n > 0).length, duplicated: replies.reduce((d, n) => d + Math.max(0, n - 1), 0) };
    };
    expect((await answered()).answered).toBe(0);

    // Too early: Trellis still refuses the secret, so the test delivery fails and nothing is claimed.
    const early = await reconcile();
    expect(early.join('\n')).toMatch(/7 not resent/);

    await setSecret(SECRET);
    const runs: string[][] = [];
    let state = await answered();
    const started = Date.now();
    await until(
      'every command to be answered',
      async () => {
        runs.push(await reconcile());
        await e2e.settle();
        state = await answered();
        if (state.answered < asked.length) await sleep(5_000);
        return state.answered === asked.length;
      },
      180_000,
      0,
    );
    const minutes = (Date.now() - started) / 60_000;
    const all = runs.flat().join('\n');
    const resentPerRun = runs.map((r) => Number(/(\d+) resent,/.exec(r.join('\n'))?.[1] ?? 0));
    figure(
      'failed deliveries',
      `7 help commands whose deliveries failed (401), the hook disabled by GitLab after the 4th failure in a row; reconcile before the secret was put right: ${/(\d+) not resent/.exec(early.join('\n'))?.[1]} not resent (test delivery refused), none claimed; after: ${/(\d+) failed deliveries logged/.exec(runs[0]!.join('\n'))?.[1]} failed deliveries logged (the early test delivery too), ${runs.length} runs over ${minutes.toFixed(1)} min resent ${resentPerRun.filter((n) => n > 0).join(' + ')} (hook re-enabled by a test delivery: ${/re-enabled/.test(all) ? 'yes' : 'no'}; at most 5 a minute, refused by GitLab's limit 0) -> ${state.answered} of 7 answered, lost ${asked.length - state.answered}, duplicated ${state.duplicated}`,
    );
    expect(all).toMatch(/re-enabled with a test delivery/);
    expect(all).not.toMatch(/not resent: /);
    expect(Math.max(...resentPerRun)).toBeLessThanOrEqual(5);
    expect(state).toEqual({ answered: asked.length, duplicated: 0 });
  }, 240_000);
});
