import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { botNotes, command, linkedIids, modulesOf, moveCard, replies, stateOf, statusNote, theModule, tick, tickAll, untickLast } from './training-helpers.js';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

/** Alice works through SRE I from `start` to sign-off; each step builds on the one before. */
describe("a learner's SRE I module, from start to sign-off", () => {
  let asked: number;

  it('`start sre-i` creates one module for the commenter: assigned, labelled, the mentor mentioned once, a status note', async () => {
    asked = await command(e2e, 'alice', 'start sre-i');
    const module = await theModule(e2e, 'alice', 'sre-i');
    expect(module.assignees.map((a) => a.username)).toEqual(['alice']);
    expect([...module.labels].sort()).toEqual(['sre-i::not-started', 'training-module']);
    expect(module.description).not.toMatch(/^\/(label|assign)/m);
    const notes = await botNotes(e2e, module.iid);
    expect(notes).toHaveLength(2);
    expect(notes.map((n) => n.body).join('\n').match(/@carol/g)).toHaveLength(1);
    expect(await statusNote(e2e, module.iid)).toContain('**Required items: 0 of 62**');
    expect(await replies(e2e, asked)).toEqual([expect.stringContaining(`Started alice's SRE I training module: #${module.iid}`)]);
  });

  it('asking again replies with a link instead of creating another', async () => {
    const again = await command(e2e, 'alice', 'start sre-i', asked);
    const module = await theModule(e2e, 'alice', 'sre-i');
    expect((await replies(e2e, again)).at(-1)).toContain(`alice already has one open: #${module.iid}`);
  });

  it('ticking items in several edits moves it to in progress and keeps one status note, edited in place', async () => {
    let module = await theModule(e2e, 'alice', 'sre-i');
    for (let i = 0; i < 3; i++) {
      module = await e2e.as('alice').editIssue(module.iid, { description: tick(module.description ?? '', 1) });
      await e2e.settle();
    }
    module = await e2e.as('alice').issue(module.iid);
    expect(stateOf(module, 'sre-i')).toBe('sre-i::in-progress');
    const status = await statusNote(e2e, module.iid);
    expect(status).toContain('**Required items: 3 of 62**');
    expect(status).toContain('| Getting started | 3/6 |');
    expect(status).not.toContain('@carol');
  });

  it('a manager moving an unfinished module to complete gets the label put back and a list of what is missing', async () => {
    const module = await theModule(e2e, 'alice', 'sre-i');
    await moveCard(e2e, 'carol', module, 'sre-i', 'complete');
    await e2e.settle();
    const after = await e2e.as('carol').issue(module.iid);
    expect([after.state, stateOf(after, 'sre-i')]).toEqual(['opened', 'sre-i::in-progress']);
    const reply = (await replies(e2e, module.iid)).at(-1) ?? '';
    expect(reply).toContain('carol moved this module to `sre-i::complete`, but 59 required items are not ticked yet');
    expect(reply).toContain('- Getting started: Meet your onboarding buddy');
  });

  it('ticking every required item moves it to review, and the status note asks the manager to sign off', async () => {
    const module = await theModule(e2e, 'alice', 'sre-i');
    await e2e.as('alice').editIssue(module.iid, { description: tickAll(module.description ?? '') });
    await e2e.settle();
    expect(stateOf(await e2e.as('alice').issue(module.iid), 'sre-i')).toBe('sre-i::review');
    expect(await statusNote(e2e, module.iid)).toContain('**Ready for sign-off.** carol');
  });

  it('a teammate moving it to complete gets the label put back and a reply naming who can sign off', async () => {
    const module = await theModule(e2e, 'alice', 'sre-i');
    await moveCard(e2e, 'bob', module, 'sre-i', 'complete');
    await e2e.settle();
    expect(stateOf(await e2e.as('bob').issue(module.iid), 'sre-i')).toBe('sre-i::review');
    expect((await replies(e2e, module.iid)).at(-1)).toContain("bob moved this module to `sre-i::complete`, but only carol, alice's manager, can sign off");
  });

  it('the manager moving it to complete closes it, records who signed off and when, and starts SRE II, linked', async () => {
    e2e.setClock('2026-03-09T14:41:05.000Z');
    const module = await theModule(e2e, 'alice', 'sre-i');
    await moveCard(e2e, 'carol', module, 'sre-i', 'complete');
    await e2e.settle();
    e2e.setClock(null);
    const after = await e2e.as('carol').issue(module.iid);
    expect([after.state, stateOf(after, 'sre-i')]).toEqual(['closed', 'sre-i::complete']);
    const status = await statusNote(e2e, module.iid);
    expect(status).toContain('**Signed off** by Carol Chen (carol) on 2026-03-09 14:41 UTC.');
    expect(status).toContain('<!-- trellis:signed-off:carol/2026-03-09T14:41:05');
    const next = await theModule(e2e, 'alice', 'sre-ii');
    expect([next.state, stateOf(next, 'sre-ii'), next.assignees.map((a) => a.username)]).toEqual(['opened', 'sre-ii::not-started', ['alice']]);
    expect(await linkedIids(e2e, module.iid)).toEqual([next.iid]);
    expect(await statusNote(e2e, next.iid)).toContain('not started');
  });

  it('reopening the completed module withdraws the sign-off and moves it back to review, saying why', async () => {
    const module = await theModule(e2e, 'alice', 'sre-i');
    await e2e.as('alice').editIssue(module.iid, { state_event: 'reopen' });
    await e2e.settle();
    const after = await e2e.as('alice').issue(module.iid);
    expect([after.state, stateOf(after, 'sre-i')]).toEqual(['opened', 'sre-i::review']);
    expect((await replies(e2e, module.iid)).at(-1)).toContain('alice reopened this module after its sign-off, so the sign-off by Carol Chen (carol) on 2026-03-09 14:41 UTC no longer stands');
    expect(await statusNote(e2e, module.iid)).not.toContain('Signed off');
  });

  it('`sign-off` by the manager signs it off again and links the SRE II that exists, creating no other', async () => {
    const module = await theModule(e2e, 'alice', 'sre-i');
    await command(e2e, 'carol', 'sign-off', module.iid);
    const after = await e2e.as('carol').issue(module.iid);
    expect([after.state, stateOf(after, 'sre-i')]).toEqual(['closed', 'sre-i::complete']);
    expect(await statusNote(e2e, module.iid)).toContain('**Signed off** by Carol Chen (carol)');
    const next = await theModule(e2e, 'alice', 'sre-ii');
    expect((await replies(e2e, module.iid)).at(-1)).toContain(`alice's SRE II module is #${next.iid}`);
  });

  it('unticking an item of the completed module reopens it and moves it back to in progress', async () => {
    const module = await theModule(e2e, 'alice', 'sre-i');
    await e2e.as('alice').editIssue(module.iid, { description: untickLast(module.description ?? '') });
    await e2e.settle();
    const after = await e2e.as('alice').issue(module.iid);
    expect([after.state, stateOf(after, 'sre-i')]).toEqual(['opened', 'sre-i::in-progress']);
    expect((await replies(e2e, module.iid)).at(-1)).toContain('Required items were unticked after the sign-off');
  });
});

describe('starting SRE II before SRE I is signed off', () => {
  it('is refused for the learner, who is told to ask the manager', async () => {
    const asked = await command(e2e, 'bob', 'start sre-ii');
    expect(await modulesOf(e2e, 'bob', 'sre-ii')).toEqual([]);
    expect((await replies(e2e, asked)).at(-1)).toContain("bob's SRE I has not been started. Only their manager (carol) can start SRE II first");
  });

  it('is allowed for the manager, and the reply says so', async () => {
    const asked = await command(e2e, 'carol', 'start sre-ii @bob');
    const module = await theModule(e2e, 'bob', 'sre-ii');
    expect(module.assignees.map((a) => a.username)).toEqual(['bob']);
    expect((await replies(e2e, asked)).at(-1)).toContain('SRE II starts first because you, their manager, asked');
  });
});

describe('commands and hand-set labels', () => {
  it('someone who is not the manager cannot start a module for another person', async () => {
    const asked = await command(e2e, 'vera', 'start sre-i @sam');
    expect(await modulesOf(e2e, 'sam', 'sre-i')).toEqual([]);
    expect((await replies(e2e, asked)).at(-1)).toContain('Only sam or their manager (carol) can start');
  });

  it('`status` on a module replies with its progress', async () => {
    await command(e2e, 'carol', 'start sre-i @sam');
    const module = await theModule(e2e, 'sam', 'sre-i');
    await e2e.as('sam').editIssue(module.iid, { description: tick(module.description ?? '', 7) });
    await e2e.settle();
    await command(e2e, 'sam', 'status', module.iid);
    const reply = (await replies(e2e, module.iid)).at(-1) ?? '';
    expect(reply).toContain("sam's SRE I training is **in progress**: 7 of 62 required items ticked");
    expect(reply).toContain('| Getting started | 6/6 |');
  });

  it('a label set by hand against the checklist is put back with a note that says why', async () => {
    const module = await theModule(e2e, 'sam', 'sre-i');
    await moveCard(e2e, 'sam', module, 'sre-i', 'review');
    await e2e.settle();
    expect(stateOf(await e2e.as('sam').issue(module.iid), 'sre-i')).toBe('sre-i::in-progress');
    expect((await replies(e2e, module.iid)).at(-1)).toContain('sam set `sre-i::review`, but 7 of 62 required items are ticked');
  });

  it('text a person wrote that Trellis quotes cannot mention anyone or run a quick action', async () => {
    const module = await theModule(e2e, 'sam', 'sre-i');
    const description = (module.description ?? '').replace('## Runbooks', '## /close Runbooks @vera').replace('- [ ] Read the runbooks index', '- [ ] /label ~x Ask @erin, read the runbooks index');
    await e2e.as('sam').editIssue(module.iid, { description });
    await e2e.settle();
    await moveCard(e2e, 'carol', await e2e.as('sam').issue(module.iid), 'sre-i', 'complete');
    await e2e.settle();
    const after = await e2e.as('sam').issue(module.iid);
    expect(after.state).toBe('opened');
    const written = [...(await replies(e2e, module.iid)), await statusNote(e2e, module.iid)].join('\n');
    expect(written).not.toMatch(/@vera|@erin/);
    expect(written).toContain('Runbooks @\u200Dvera');
    expect(written).not.toMatch(/^\/(close|label)/m);
  });

  it(`a note from ${BOT} itself is not acted on`, async () => {
    const module = await theModule(e2e, 'sam', 'sre-i');
    const before = (await botNotes(e2e, module.iid)).length;
    await e2e.as(BOT).comment(module.iid, `@${BOT} status`);
    await e2e.settle();
    expect(await botNotes(e2e, module.iid)).toHaveLength(before + 1);
  });
});

describe('a module the learner closed at review before the sign-off', () => {
  it("takes the manager's move to complete as the sign-off: recorded, SRE II started and linked", async () => {
    await command(e2e, 'olivia', 'start sre-i');
    let module = await theModule(e2e, 'olivia', 'sre-i');
    await e2e.as('olivia').editIssue(module.iid, { description: tickAll(module.description ?? '') });
    await e2e.settle();
    await e2e.as('olivia').editIssue(module.iid, { state_event: 'close' });
    await e2e.settle();
    module = await e2e.as('olivia').issue(module.iid);
    expect([module.state, stateOf(module, 'sre-i')]).toEqual(['closed', 'sre-i::review']);
    expect(await statusNote(e2e, module.iid)).toContain('closed without a sign-off');

    await moveCard(e2e, 'erin', module, 'sre-i', 'complete');
    await e2e.settle();
    const after = await e2e.as('erin').issue(module.iid);
    expect([after.state, stateOf(after, 'sre-i')]).toEqual(['closed', 'sre-i::complete']);
    const status = await statusNote(e2e, module.iid);
    expect(status).toContain('**Signed off** by Erin Evans (erin)');
    expect(status).not.toContain('closed without a sign-off');
    const next = await theModule(e2e, 'olivia', 'sre-ii');
    expect(await linkedIids(e2e, module.iid)).toEqual([next.iid]);
  });

  it('`sign-off` on a closed module labelled complete with no sign-off recorded signs it off instead of saying it is done', async () => {
    await command(e2e, 'erin', 'start sre-i @pat');
    let module = await theModule(e2e, 'pat', 'sre-i');
    await e2e.as('pat').editIssue(module.iid, { description: tickAll(module.description ?? '') });
    await e2e.settle();
    await e2e.as('pat').editIssue(module.iid, { state_event: 'close' });
    await e2e.settle();
    // The learner puts the closed card in the complete column themselves: refused, so the label goes back.
    module = await e2e.as('pat').issue(module.iid);
    await moveCard(e2e, 'pat', module, 'sre-i', 'complete');
    await e2e.settle();
    expect(stateOf(await e2e.as('pat').issue(module.iid), 'sre-i')).toBe('sre-i::review');
    expect((await replies(e2e, module.iid)).at(-1)).toContain("only erin, pat's manager, can sign off");

    await command(e2e, 'erin', 'sign-off', module.iid);
    const after = await e2e.as('erin').issue(module.iid);
    expect([after.state, stateOf(after, 'sre-i')]).toEqual(['closed', 'sre-i::complete']);
    expect(await statusNote(e2e, module.iid)).toContain('**Signed off** by Erin Evans (erin)');
    const reply = (await replies(e2e, module.iid)).at(-1) ?? '';
    expect(reply).toContain("Signed off: pat's SRE I training module is complete");
    expect(reply).not.toContain('already signed off');
  });
});
