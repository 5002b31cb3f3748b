import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/core/log.js';
import { parseWebhook } from '../../src/events/normalize.js';
import { BOT, deliveriesAbout, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { requestText } from '../unit/internship-fixtures.js';
import { openAccessProject, openRequest, replies, setState, stateOf, statusNote, tasksOf, theTask } from './internship-helpers.js';
import { modulesOf, ticking } from './training-helpers.js';

let e2e: E2E;
let accessId: number;

beforeAll(async () => {
  e2e = await startE2E({ now: '2026-04-01T09:00:00.000Z' });
  accessId = await openAccessProject(e2e, ['carol', 'erin', 'dan', 'sofia', 'ian'], { hook: false });
}, 60_000);

afterEach(() => {
  e2e.sim.setFaults({ webhook_duplicate_ratio: 0, webhook_drop_ratio: 0, webhook_reorder: false, webhook_delay_ms: 0 });
});

afterAll(async () => {
  await e2e?.close();
});

/** Every task of a request exists exactly once; returns how many kinds there are. */
async function eachTaskOnce(iid: number): Promise<number> {
  const tasks = await tasksOf(e2e, iid);
  for (const [kind, found] of Object.entries(tasks)) expect(found, `${kind} tasks`).toHaveLength(1);
  return Object.keys(tasks).length;
}

describe('duplicate and out-of-order deliveries', () => {
  it('with every webhook delivered twice, a request goes from open to completed creating each task once and saying each thing once', async () => {
    const step = ticking(e2e, '2026-04-02T09:00:00.000Z');
    e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
    step();
    // Starting today, so closing every task completes it (an internship never completes before its start).
    const request = await openRequest(e2e, 'dan', { manager: '@dave', timezone: 'Europe/Lisbon', delivery: true, start: '2026-04-02' });
    expect(stateOf(request)).toBe('internship::pending-approval');
    step();
    await e2e.as('dave').editIssue(request.iid, { add_labels: 'internship::approved', remove_labels: 'internship::pending-approval' });
    await e2e.settle();
    expect(stateOf(await e2e.as('dan').issue(request.iid))).toBe('internship::active');
    expect(await eachTaskOnce(request.iid)).toBe(4);
    expect(await modulesOf(e2e, 'dan', 'sre-i')).toHaveLength(1);
    expect(await modulesOf(e2e, 'dan', 'sre-ii')).toHaveLength(1);

    for (const kind of ['on-call', 'delivery', 'pairing']) {
      step();
      await setState(e2e, 'dan', await theTask(e2e, request.iid, kind), 'close');
    }
    // The access-requests project sends Trellis no webhooks here: reconcile notices the close.
    step();
    await setState(e2e, 'dan', await theTask(e2e, request.iid, 'access'), 'close', accessId);
    expect(stateOf(await e2e.as('dan').issue(request.iid))).toBe('internship::active');
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    await e2e.settle();
    const done = await e2e.as('dan').issue(request.iid);
    expect([done.state, stateOf(done)]).toEqual(['closed', 'internship::completed']);
    expect(e2e.sim.requests().webhooks.duplicated).toBeGreaterThan(0);
    const said = await replies(e2e, request.iid);
    expect(said.filter((r) => r.includes('**Approved** by Dave Diaz (dave)'))).toHaveLength(1);
    expect(said.filter((r) => r.startsWith('**Internship completed.**'))).toHaveLength(1);
    expect(said.filter((r) => r.startsWith('@dave: '))).toHaveLength(1); // the ask to approve
    expect(said).toHaveLength(3);
    await statusNote(e2e, request.iid);
  });

  it('edits, a wrong approval and the right one delivered late and out of order still end in one active internship', async () => {
    const step = ticking(e2e, '2026-04-03T09:00:00.000Z');
    step();
    const request = await openRequest(e2e, 'sofia', { manager: '@frank', timezone: 'Europe/Rome', goal: '' });
    expect(stateOf(request)).toBe('internship::needs-info');
    e2e.sim.setFaults({ webhook_reorder: true, webhook_delay_ms: 300 });
    step();
    await e2e.as('sofia').editIssue(request.iid, { description: requestText({ manager: '@frank', timezone: 'Europe/Rome', goal: 'Capacity planning.' }) });
    step();
    const wrong = await e2e.as('sofia').comment(request.iid, `@${BOT} approve`);
    step();
    const right = await e2e.as('frank').comment(request.iid, `@${BOT} approve @bob`);
    step();
    const status = await e2e.as('sofia').comment(request.iid, `@${BOT} status`);
    await e2e.settle();
    const issue = await e2e.as('sofia').issue(request.iid);
    expect(stateOf(issue)).toBe('internship::active');
    expect(await eachTaskOnce(request.iid)).toBe(3);
    expect((await theTask(e2e, request.iid, 'on-call')).assignees.map((a) => a.username)).toEqual(['sofia', 'bob']);
    const said = await replies(e2e, request.iid);
    const answers = (note: { id: number }) => said.filter((r) => r.includes(`<!-- trellis:reply:${note.id}-internship -->`));
    // Each command is answered once. Sofia's is refused, or (when Frank's approval was handled first)
    // told that Frank already approved; either way it approves nothing.
    expect([answers(wrong).length, answers(right).length, answers(status).length]).toEqual([1, 1, 1]);
    expect(answers(wrong)[0]).toMatch(/Only frank, sofia's manager on the roster, can approve|Frank Fischer \(frank\) already approved/);
    expect(answers(right)[0]).toContain('**Approved** by Frank Fischer (frank)');
    expect(said.filter((r) => r.includes('**Approved**'))).toHaveLength(1);
  });
});

describe('every delivery processed again, in any order', () => {
  it('replaying a whole internship in random order creates nothing and changes nothing', async () => {
    const step = ticking(e2e, '2026-04-10T09:00:00.000Z');
    step();
    const request = await openRequest(e2e, 'ian', { systems: [] });
    step();
    await e2e.as('grace').comment(request.iid, `@${BOT} approve`);
    await e2e.settle();
    step();
    await setState(e2e, 'ian', await theTask(e2e, request.iid, 'on-call'), 'close');
    const tasks = Object.values(await tasksOf(e2e, request.iid)).flat();
    const iids = [request.iid, ...tasks.map((t) => t.iid)];
    const snapshot = () => Promise.all(iids.map(async (iid) => ({ issue: await e2e.as('root').issue(iid), notes: await e2e.as('root').notes(iid) })));
    const before = await snapshot();
    const deliveries = await deliveriesAbout(e2e, iids);
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    e2e.sim.resetRequests();
    for (const { header, body } of deliveries.sort(() => Math.random() - 0.5)) {
      const parsed = parseWebhook(header, body);
      if (parsed.kind === 'event') await e2e.trellis.dispatcher!.handleEvent(parsed.event, silentLog);
    }
    await e2e.settle();
    const { byClass } = e2e.sim.requests();
    expect([byClass.issue_create, byClass.note_create]).toEqual([0, 0]);
    // Webhook times have whole seconds: Trellis's label write in the same second as the approve note
    // is not recorded as newer, so the replayed note's labels look current and one no-op label write
    // goes out (as in the training replay test). Nothing else is written.
    expect(byClass.write).toBeLessThanOrEqual(1);
    expect(await snapshot()).toEqual(before);
  });
});

describe('lost deliveries', () => {
  it('task closes whose webhooks were lost are put right by reconcile, which then writes nothing', async () => {
    const step = ticking(e2e, '2026-04-05T09:00:00.000Z');
    step();
    const request = await openRequest(e2e, 'alice', { manager: '@carol', timezone: 'Europe/Berlin', onCall: false, systems: [], start: '2026-04-05' });
    step();
    await e2e.as('carol').comment(request.iid, `@${BOT} approve`);
    await e2e.settle();
    e2e.sim.resetRequests();
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    expect(e2e.sim.requests().byClass.write).toBe(0);

    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    step();
    await setState(e2e, 'alice', await theTask(e2e, request.iid, 'pairing'), 'close');
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    expect(stateOf(await e2e.as('alice').issue(request.iid))).toBe('internship::active');
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    await e2e.settle();
    const done = await e2e.as('alice').issue(request.iid);
    expect([done.state, stateOf(done)]).toEqual(['closed', 'internship::completed']);

    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    step();
    await setState(e2e, 'alice', await theTask(e2e, request.iid, 'pairing'), 'reopen');
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    await e2e.settle();
    const again = await e2e.as('alice').issue(request.iid);
    expect([again.state, stateOf(again)]).toEqual(['opened', 'internship::active']);
    e2e.sim.resetRequests();
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    expect(e2e.sim.requests().byClass.write).toBe(0);
  });
});
