import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { command, stateOf, statusNote, theModule, tick, ticking } from './training-helpers.js';

/**
 * The hourly reconcile at rest: one listing of what changed since its last run per place, and the
 * records re-derived only when something did (docs/operations.md#reconcile-nothing-lost-when-webhooks-are).
 */

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E({ now: '2026-05-04T09:00:00.000Z' });
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

/** One scheduled reconcile run: whether it re-derived the records, why, and the API calls it made. */
async function scheduledRun(data: Record<string, unknown> = {}): Promise<{ full: boolean; why: string; calls: Record<string, number> }> {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) }));
  e2e.sim.resetRequests();
  await e2e.trellis.dispatcher!.runJob('reconcile:run', data, log);
  await e2e.settle();
  const done = lines.map((l) => JSON.parse(l) as { msg: string; full?: boolean; why?: string }).find((l) => l.msg === 'reconcile finished');
  if (!done) throw new Error('no "reconcile finished" line');
  return { full: done.full ?? true, why: done.why ?? '', calls: e2e.sim.requests().byRoute };
}

describe('the scheduled reconcile re-derives only when something changed', () => {
  it('after a full run, a run with nothing changed reads one listing per place; a lost webhook makes the next run full and is repaired', async () => {
    const step = ticking(e2e, '2026-05-04T09:00:00.000Z');
    step();
    await command(e2e, 'olivia', 'start sre-i');
    const first = await scheduledRun();
    expect(first).toMatchObject({ full: true, why: 'no earlier run recorded' });

    // The first run opened the quarter (the department's checkpoints): its own writes are changes, so
    // the next run is full too, and finds nothing to write.
    e2e.setClock('2026-05-04T10:00:00.000Z');
    expect(await scheduledRun()).toMatchObject({ full: true, why: expect.stringMatching(/ changed since 2026-05-04T08:59:01/) });
    // An hour later, nothing happened in between.
    e2e.setClock('2026-05-04T11:00:00.000Z');
    const quiet = await scheduledRun();
    expect(quiet).toMatchObject({ full: false, why: 'nothing changed since 2026-05-04T09:59:00.000Z' });
    // Records group, department project, the internships' access-requests project: one page each; no
    // per-label listing of every record.
    expect(quiet.calls['GET /groups/:id/issues']).toBe(1);
    expect(quiet.calls['GET /projects/:id/issues']).toBe(2);

    const module = await theModule(e2e, 'olivia', 'sre-i');
    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    e2e.setClock('2026-05-04T11:20:00.000Z');
    await e2e.as('olivia').editIssue(module.iid, { description: tick(module.description ?? '', 4) });
    await e2e.settle();
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    expect(stateOf(await e2e.as('root').issue(module.iid), 'sre-i')).toBe('sre-i::not-started');

    e2e.setClock('2026-05-04T12:00:00.000Z');
    const repair = await scheduledRun();
    expect(repair).toMatchObject({ full: true, why: expect.stringMatching(/^1 issue changed since /) });
    expect(stateOf(await e2e.as('root').issue(module.iid), 'sre-i')).toBe('sre-i::in-progress');
    expect(await statusNote(e2e, module.iid)).toContain('**Required items: 4 of 62**');

    // The repair's own writes are changes too: the next run is full and finds nothing, the one after is quiet.
    e2e.setClock('2026-05-04T13:00:00.000Z');
    expect((await scheduledRun()).full).toBe(true);
    e2e.setClock('2026-05-04T14:00:00.000Z');
    expect((await scheduledRun()).full).toBe(false);
  });

  it('runs in full on a new day, and when asked to', async () => {
    e2e.setClock('2026-05-05T00:30:00.000Z');
    expect(await scheduledRun()).toMatchObject({ full: true, why: 'first run of 2026-05-05' });
    e2e.setClock('2026-05-05T01:30:00.000Z');
    expect((await scheduledRun()).full).toBe(false);
    expect(await scheduledRun({ full: true })).toMatchObject({ full: true, why: 'a full run was asked for' });
  });
});
