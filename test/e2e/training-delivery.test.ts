import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/core/log.js';
import { parseWebhook } from '../../src/events/normalize.js';
import { BOT, deliveriesAbout, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { botNotes, command, modulesOf, moveCard, replies, stateOf, statusNote, theModule, tick, tickAll, ticking } from './training-helpers.js';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);

afterEach(() => {
  e2e.sim.setFaults({ webhook_duplicate_ratio: 0, webhook_drop_ratio: 0, webhook_reorder: false, webhook_delay_ms: 0 });
  e2e.setClock(null);
});

afterAll(async () => {
  await e2e?.close();
});


const ISSUE_PUT = 'PUT /projects/:id/issues/:issue_iid';
const NOTE_PUT = 'PUT /projects/:id/issues/:issue_iid/notes/:note_id';
const NOTE_POST = 'POST /projects/:id/issues/:issue_iid/notes';
const NOTES_GET = 'GET /projects/:id/issues/:issue_iid/notes';

describe('duplicate and out-of-order deliveries', () => {
  it('with every webhook delivered twice, the whole flow leaves one module, one status note and one reply per act', async () => {
    e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
    const asked = await command(e2e, 'dan', 'start sre-i');
    let module = await theModule(e2e, 'dan', 'sre-i');
    for (const n of [2, 3]) {
      module = await e2e.as('dan').editIssue(module.iid, { description: tick(module.description ?? '', n) });
      await e2e.settle();
    }
    await moveCard(e2e, 'sofia', await e2e.as('dan').issue(module.iid), 'sre-i', 'complete');
    await e2e.settle();
    module = await e2e.as('dan').editIssue(module.iid, { description: tickAll(module.description ?? '') });
    await e2e.settle();
    await moveCard(e2e, 'dave', module, 'sre-i', 'complete');
    await e2e.settle();
    expect(e2e.sim.requests().webhooks.duplicated).toBeGreaterThan(0);

    const done = await e2e.as('dan').issue(module.iid);
    expect([done.state, stateOf(done, 'sre-i')]).toEqual(['closed', 'sre-i::complete']);
    expect(await statusNote(e2e, done.iid)).toContain('**Signed off** by Dave Diaz (dave)');
    expect(await replies(e2e, asked)).toHaveLength(1);
    const said = await replies(e2e, done.iid);
    expect(said).toHaveLength(2);
    expect(said[0]).toContain('sofia moved this module to `sre-i::complete`, but only dave');
    expect(said[1]).toMatch(/^@dave: dan ticked every required item of SRE I and asks for your sign-off\./);
    expect((await botNotes(e2e, done.iid)).filter((n) => n.body.includes('trellis:welcome:'))).toHaveLength(1);
    const next = await theModule(e2e, 'dan', 'sre-ii');
    expect(await botNotes(e2e, next.iid)).toHaveLength(2);

    // Withdrawing the sign-off and a hand-set label, each delivered twice: one reply each.
    await e2e.as('dan').editIssue(done.iid, { state_event: 'reopen' });
    await e2e.settle();
    await moveCard(e2e, 'dan', await e2e.as('dan').issue(done.iid), 'sre-i', 'not-started');
    await e2e.settle();
    const reopened = await e2e.as('dan').issue(done.iid);
    expect([reopened.state, stateOf(reopened, 'sre-i')]).toEqual(['opened', 'sre-i::review']);
    const all = await replies(e2e, done.iid);
    expect(all).toHaveLength(4);
    expect(all[2]).toContain('dan reopened this module after its sign-off, so the sign-off by Dave Diaz (dave)');
    expect(all[3]).toContain('dan set `sre-i::not-started`');
    expect(await modulesOf(e2e, 'dan', 'sre-ii')).toHaveLength(1);
  });

  it('edits delivered out of order leave the labels and the status note as the last checklist says', async () => {
    const step = ticking(e2e, '2026-04-01T09:00:00.000Z');
    step();
    await command(e2e, 'sofia', 'start sre-i');
    let module = await theModule(e2e, 'sofia', 'sre-i');
    e2e.sim.setFaults({ webhook_reorder: true, webhook_delay_ms: 300 });
    let description = module.description ?? '';
    for (let i = 0; i < 6; i++) {
      step();
      description = tick(description, 2);
      await e2e.as('sofia').editIssue(module.iid, { description });
    }
    step();
    await moveCard(e2e, 'sam', await e2e.as('sofia').issue(module.iid), 'sre-i', 'review');
    await e2e.settle();
    module = await e2e.as('sofia').issue(module.iid);
    expect(stateOf(module, 'sre-i')).toBe('sre-i::in-progress');
    expect(await statusNote(e2e, module.iid)).toContain('**Required items: 12 of 62**');
    // Sam's hand-set label is corrected whatever the order. Whether a reply explains it depends on the
    // order: when events about one second arrive out of order, Trellis reads the issue fresh, and the
    // event that finds the wrong label may not be the one that says who set it (a known gap: state
    // stays exact, the explanation can be missing). At most one explanation, never two.
    const said = (await replies(e2e, module.iid)).filter((r) => /sre-i::review/.test(r));
    expect(said.length).toBeLessThanOrEqual(1);
    expect(await modulesOf(e2e, 'sofia', 'sre-i')).toHaveLength(1);
  });
});

describe('every delivery processed again, in any order', () => {
  function shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  it('a whole lifecycle replayed in random order (a worker retrying jobs, a resend after the dedupe window) changes and duplicates nothing', async () => {
    const step = ticking(e2e, new Date(Date.now() - 60_000).toISOString());
    step();
    const asked = await command(e2e, 'sam', 'start sre-i');
    let module = await theModule(e2e, 'sam', 'sre-i');
    for (const [who, change] of [
      ['sam', (m: ApiIssue) => ({ description: tick(m.description ?? '', 3) })],
      ['bob', (_: ApiIssue) => ({ add_labels: 'sre-i::review', remove_labels: 'sre-i::in-progress' })],
      ['carol', (m: ApiIssue) => ({ add_labels: 'sre-i::complete', remove_labels: stateOf(m, 'sre-i') })],
      ['sam', (m: ApiIssue) => ({ description: tickAll(m.description ?? '') })],
      ['bob', (_: ApiIssue) => ({ add_labels: 'sre-i::complete', remove_labels: 'sre-i::review' })],
      ['carol', (_: ApiIssue) => ({ add_labels: 'sre-i::complete', remove_labels: 'sre-i::review' })],
    ] as const) {
      step();
      await e2e.as(who).editIssue(module.iid, change(module));
      await e2e.settle();
      module = await e2e.as('sam').issue(module.iid);
    }
    const next = await theModule(e2e, 'sam', 'sre-ii');
    expect([module.state, stateOf(module, 'sre-i')]).toEqual(['closed', 'sre-i::complete']);
    const iids = [asked, module.iid, next.iid];
    const before = await Promise.all(iids.map(async (iid) => ({ issue: await e2e.as('root').issue(iid), notes: await e2e.as('root').notes(iid) })));

    const deliveries = await deliveriesAbout(e2e, iids);
    expect(deliveries.length).toBeGreaterThanOrEqual(8);
    e2e.sim.resetRequests();
    for (const { header, body } of shuffled(deliveries)) {
      const parsed = parseWebhook(header, body);
      if (parsed.kind === 'event') await e2e.trellis.dispatcher!.handleEvent(parsed.event, silentLog);
    }
    await e2e.settle();
    const { byClass, byRoute } = e2e.sim.requests();
    expect([byClass.issue_create, byClass.note_create]).toEqual([0, 0]);
    // The replayed sign-off is the newest event the dispatcher has seen, so its payload (still open)
    // looks current and the close is sent again: a no-op for GitLab, and the one write allowed here.
    expect(byClass.write).toBeLessThanOrEqual(1);
    expect(byRoute[NOTE_PUT]).toBeUndefined();
    const after = await Promise.all(iids.map(async (iid) => ({ issue: await e2e.as('root').issue(iid), notes: await e2e.as('root').notes(iid) })));
    expect(after).toEqual(before);
    expect(await modulesOf(e2e, 'sam', 'sre-ii')).toHaveLength(1);
  });
});

describe('lost deliveries', () => {
  it('ticks whose webhooks were lost are put right by the reconcile job, which then costs nothing more', async () => {
    await command(e2e, 'pat', 'start sre-i');
    const module = await theModule(e2e, 'pat', 'sre-i');
    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    await e2e.as('pat').editIssue(module.iid, { description: tickAll(module.description ?? '') });
    await e2e.settle();
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    expect(stateOf(await e2e.as('pat').issue(module.iid), 'sre-i')).toBe('sre-i::not-started');

    await e2e.trellis.dispatcher!.runJob('training:reconcile', {}, silentLog);
    expect(stateOf(await e2e.as('pat').issue(module.iid), 'sre-i')).toBe('sre-i::review');
    expect(await statusNote(e2e, module.iid)).toContain('**Ready for sign-off.** erin');

    e2e.sim.resetRequests();
    await e2e.trellis.dispatcher!.runJob('training:reconcile', {}, silentLog);
    expect(e2e.sim.requests().byClass.write).toBe(0);
  });
});

describe('what progress costs in API calls', () => {
  it('a module with 100 items ticked one edit at a time: at most one label write and one note edit per tick, nothing for other edits', async () => {
    const step = ticking(e2e, '2026-05-01T09:00:00.000Z');
    step();
    await command(e2e, 'ian', 'start sre-i');
    const module = await theModule(e2e, 'ian', 'sre-i');
    const items = Array.from({ length: 100 }, (_, i) => `- [ ] Item ${i + 1}`);
    const marker = /<!-- trellis:sre-i:ian -->/.exec(module.description ?? '')?.[0] ?? '';
    let description = `## Part one\n\n${items.slice(0, 50).join('\n')}\n\n## Part two\n\n${items.slice(50).join('\n')}\n\n${marker}\n`;
    step();
    await e2e.as('ian').editIssue(module.iid, { description });
    await e2e.settle();

    const totals = { labelWrites: 0, noteEdits: 0, other: 0 };
    for (let i = 0; i < 100; i++) {
      step();
      description = tick(description, 1);
      e2e.sim.resetRequests();
      await e2e.as('ian').editIssue(module.iid, { description });
      await e2e.settle();
      const { [ISSUE_PUT]: issuePuts = 0, [NOTE_PUT]: noteEdits = 0, ...rest } = e2e.sim.requests().byRoute;
      const labelWrites = issuePuts - 1; // the learner's own edit is one of them
      expect(labelWrites, `tick ${i + 1}`).toBeLessThanOrEqual(1);
      expect(noteEdits, `tick ${i + 1}`).toBe(1);
      // Reaching review (the last tick) asks the mentor in a new note, after reading the notes for its marker.
      const { [NOTES_GET]: reads = 0, ...writes } = rest;
      expect(writes, `tick ${i + 1}`).toEqual(i === 99 ? { [NOTE_POST]: 1 } : {});
      expect(reads, `tick ${i + 1}`).toBeLessThanOrEqual(i === 99 ? 2 : 0);
      totals.labelWrites += labelWrites;
      totals.noteEdits += noteEdits;
    }
    // not-started -> in-progress at the first tick, in-progress -> review at the last.
    expect(totals).toEqual({ labelWrites: 2, noteEdits: 100, other: 0 });

    step();
    e2e.sim.resetRequests();
    await e2e.as('ian').editIssue(module.iid, { description: description.replace('Item 7', 'Item seven') });
    await e2e.settle();
    expect(e2e.sim.requests().byRoute).toEqual({ [ISSUE_PUT]: 1 });
    const after = await e2e.as('ian').issue(module.iid);
    expect(stateOf(after, 'sre-i')).toBe('sre-i::review');
    expect(await statusNote(e2e, module.iid)).toContain('**Required items: 100 of 100**');
  }, 120_000);

  it(`${BOT}'s own writes do not come back as work: a tick costs Trellis its two writes and nothing more`, async () => {
    const step = ticking(e2e, '2026-06-01T09:00:00.000Z');
    step();
    await command(e2e, 'bob', 'start sre-i');
    let module = await theModule(e2e, 'bob', 'sre-i');
    step();
    module = await e2e.as('bob').editIssue(module.iid, { description: tick(module.description ?? '', 1) });
    await e2e.settle();
    step();
    e2e.sim.resetRequests();
    await e2e.as('bob').editIssue(module.iid, { description: tickAll(module.description ?? '') });
    await e2e.settle();
    const { byRoute, webhooks } = e2e.sim.requests();
    // The learner's edit, Trellis's label write (to review), its status note edit and the new note
    // asking the mentor to sign off; the hooks those writes fire (or recursion detection blocks) lead to nothing.
    expect(byRoute).toEqual({ [ISSUE_PUT]: 2, [NOTE_PUT]: 1, [NOTE_POST]: 1, [NOTES_GET]: 1 });
    expect(webhooks.delivered + webhooks.recursionBlocked).toBeGreaterThanOrEqual(2);
  });
});
