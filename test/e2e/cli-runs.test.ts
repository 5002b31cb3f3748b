import pino from 'pino';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileCommand } from '../../src/commands/reconcile.js';
import { runQuarterCommand } from '../../src/commands/run-quarter.js';
import { loadConfig } from '../../src/config.js';
import { parseReconcileStatus, reconcileStatusKey } from '../../src/http/dashboard/reconcile-status.js';
import { BOT, PROJECT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { REDIS_URL } from '../helpers/redis.js';
import { checkpoints, conversations } from './checkpoint-helpers.js';
import { command, theModule } from './training-helpers.js';

/** What the one-shot commands (`trellis run-quarter`, `trellis reconcile`) report and record. */

const log = pino({ level: 'silent' });
let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E({ now: '2026-02-01T09:00:00.000Z' });
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

function config() {
  return loadConfig({ GITLAB_URL: e2e.sim.url, GITLAB_TOKEN: `tok-${BOT}`, GITLAB_PROJECT: PROJECT, TRELLIS_RECORDS_GROUP: RECORDS_GROUP, REDIS_URL, TRELLIS_QUEUE_PREFIX: e2e.prefix, LOG_LEVEL: 'silent' });
}

describe('one-shot commands', () => {
  it('run-quarter counts the big-picture conversations it creates, not only the checkpoints', async () => {
    const lines: string[] = [];
    expect(await runQuarterCommand(config(), log, { quarter: 'FY27-Q1', print: (l) => lines.push(l), progress: () => undefined })).toBe(0);
    const made = (await checkpoints(e2e, 'FY27-Q1')).size;
    const talks = (await conversations(e2e)).size;
    expect(talks).toBeGreaterThan(0);
    expect(lines[0]).toMatch(new RegExp(`; ${made} checkpoints and ${talks} big-picture conversations created, 0 updated, `));
  }, 60_000);

  it('reconcile from the command line records its run where the dashboard and /metrics read it; a dry run does not', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const run = (dryRun: boolean) => reconcileCommand(config(), log, { dryRun, print: () => undefined, progress: () => undefined });
      expect(await run(true)).toBe(0);
      expect(await redis.get(reconcileStatusKey(e2e.prefix))).toBeNull();
      expect(await run(false)).toBe(0);
      expect(parseReconcileStatus(await redis.get(reconcileStatusKey(e2e.prefix)))).toMatchObject({ drift: expect.any(Number) });
      const metrics = await e2e.trellis.app!.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/^trellis_reconcile_last_drift \d+$/m);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('reconcile --dry-run prints each change it would make (record, field, from, to), and the run then makes exactly those', async () => {
    const lines = async (dryRun: boolean): Promise<string[]> => {
      const out: string[] = [];
      expect(await reconcileCommand(config(), log, { dryRun, print: (l) => out.push(l), progress: () => undefined })).toBe(0);
      return out;
    };
    const changeLines = (out: string[]) => out.filter((l) => / -> /.test(l)).map((l) => l.trim());
    expect(changeLines(await lines(true))).toEqual([]);

    // alice starts SRE I; then its state label is removed while GitLab's webhooks are down.
    await command(e2e, 'alice', 'start sre-i');
    const module = await theModule(e2e, 'alice', 'sre-i');
    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    try {
      await e2e.as('alice').editIssue(module, { remove_labels: 'sre-i::not-started' });
    } finally {
      e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    }
    const record = `${PROJECT}#${module.iid}`;
    const predicted = await lines(true);
    expect(predicted[0]).toMatch(/^reconcile \(dry run\) at .*: 1 would change$/);
    expect(changeLines(predicted)).toEqual([`training       ${record}  labels: training-module -> sre-i::not-started, training-module`]);
    // Nothing was written: the same dry run says the same again.
    expect(changeLines(await lines(true))).toEqual(changeLines(predicted));

    const done = await lines(false);
    expect(done[0]).toMatch(/: 1 changed$/);
    expect(changeLines(done)).toEqual(changeLines(predicted));
    expect((await e2e.as('alice').issue(module)).labels.sort()).toEqual(['sre-i::not-started', 'training-module']);
    expect(changeLines(await lines(true))).toEqual([]);
  }, 60_000);
});
