import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { command, moveCard, modulesOf, replies, stateOf, statusNote, theModule, tick, tickAll, ticking } from './training-helpers.js';

let e2e: E2E;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  e2e = await startE2E({ now: '2026-05-04T09:00:00.000Z' });
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

async function reconcile(): Promise<void> {
  await e2e.trellis.dispatcher!.runJob('reconcile:run', {}, log);
  await e2e.settle();
}

async function lastDrift(): Promise<number> {
  const res = await e2e.trellis.app!.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith('trellis_reconcile_last_drift'));
  return Number(line?.split(' ').at(-1));
}

describe('reconcile: nothing lost when webhooks are', () => {
  it('puts labels and status notes right after every webhook was lost, then finds nothing to do', async () => {
    const step = ticking(e2e, '2026-05-04T09:00:00.000Z');
    const learners = ['olivia', 'ian'];
    for (const learner of learners) {
      step();
      await command(e2e, learner, 'start sre-i');
    }
    const modules = await Promise.all(learners.map((l) => theModule(e2e, l, 'sre-i')));
    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    for (const [i, module] of modules.entries()) {
      step();
      await e2e.as(learners[i]!).editIssue(module.iid, { description: tick(module.description ?? '', 3 + i) });
    }
    await e2e.settle();
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    // Nothing reached Trellis: the board still says not-started.
    expect(stateOf(await e2e.as('root').issue(modules[0]!.iid), 'sre-i')).toBe('sre-i::not-started');

    await reconcile();
    for (const [i, module] of modules.entries()) {
      const now = await e2e.as('root').issue(module.iid);
      expect(stateOf(now, 'sre-i')).toBe('sre-i::in-progress');
      expect(await statusNote(e2e, module.iid)).toContain(`**Required items: ${3 + i} of 62**`);
    }
    expect(await lastDrift()).toBeGreaterThan(0);

    e2e.sim.resetRequests();
    await reconcile();
    expect(await lastDrift()).toBe(0);
    const writes = e2e.sim.requests().byClass.write;
    expect(writes).toBe(0);
  });

  it('judges a board move to complete whose webhook was lost from GitLab\'s label events: the manager\'s signs off, a teammate\'s is put back', async () => {
    const step = ticking(e2e, '2026-05-04T10:00:00.000Z');
    for (const learner of ['alice', 'sam']) {
      step();
      await command(e2e, learner, 'start sre-i');
      step();
      const module = await theModule(e2e, learner, 'sre-i');
      await e2e.as(learner).editIssue(module.iid, { description: tickAll(module.description ?? '') });
      await e2e.settle();
    }
    const [alice, sam] = [await theModule(e2e, 'alice', 'sre-i'), await theModule(e2e, 'sam', 'sre-i')];
    expect([stateOf(alice, 'sre-i'), stateOf(sam, 'sre-i')]).toEqual(['sre-i::review', 'sre-i::review']);

    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    step();
    await moveCard(e2e, 'carol', alice, 'sre-i', 'complete');
    await moveCard(e2e, 'bob', sam, 'sre-i', 'complete');
    await e2e.settle();
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    // Nothing reached Trellis: both cards sit in complete, open.
    expect((await e2e.as('root').issue(alice.iid)).state).toBe('opened');

    step();
    await reconcile();
    const signed = await e2e.as('root').issue(alice.iid);
    expect([signed.state, stateOf(signed, 'sre-i')]).toEqual(['closed', 'sre-i::complete']);
    expect(await statusNote(e2e, alice.iid)).toContain("**Signed off** by Carol Chen (carol)");
    expect(await theModule(e2e, 'alice', 'sre-ii')).toBeDefined();
    const refused = await e2e.as('root').issue(sam.iid);
    expect([refused.state, stateOf(refused, 'sre-i')]).toEqual(['opened', 'sre-i::review']);
    expect((await replies(e2e, sam.iid)).at(-1)).toContain("bob moved this module to `sre-i::complete`, but only carol, sam's manager, can sign off");

    // A second run finds the sign-off standing and the refusal answered: it writes nothing.
    e2e.sim.resetRequests();
    await reconcile();
    expect(e2e.sim.requests().byClass.write).toBe(0);
  });

  it('closes a second copy of a record Trellis made, keeping the first', async () => {
    const original = await theModule(e2e, 'olivia', 'sre-i');
    const copy = await e2e.as(BOT).createIssue({ title: original.title, description: original.description ?? '', labels: original.labels });
    await e2e.settle();
    await reconcile();
    expect((await e2e.as('root').issue(copy.iid)).state).toBe('closed');
    expect((await e2e.as('root').issue(original.iid)).state).toBe('opened');
    const notes = await e2e.as('root').notes(copy.iid);
    expect(notes.some((n) => n.author.username === BOT && n.body.includes(`second copy of #${original.iid}`))).toBe(true);
    expect(await modulesOf(e2e, 'olivia', 'sre-i')).toHaveLength(2);
  });

  it('resends deliveries GitLab logged as failed, and each only once', async () => {
    const hooks = await e2e.as('root').api<Array<{ id: number }>>('GET', `/projects/${e2e.projectId}/hooks`);
    const hookId = hooks[0]!.id;
    // A wrong secret makes Trellis answer 401: GitLab logs client failures.
    await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/hooks/${hookId}`, { token: 'wrong-secret' });
    const issue = await e2e.as('alice').createIssue({ title: 'Lost help request' });
    await e2e.as('alice').comment(issue.iid, '@trellis-bot help');
    await e2e.settle();
    expect((await e2e.as('root').notes(issue.iid)).filter((n) => n.author.username === BOT)).toHaveLength(0);
    await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/hooks/${hookId}`, { token: 'e2e-secret' });

    await reconcile();
    await reconcile();
    const replies = (await e2e.as('root').notes(issue.iid)).filter((n) => n.author.username === BOT);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('Commands:');
  });
});
