import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.js';
import { renderMarker } from '../../src/core/markers.js';
import type { IssueChanges } from '../../src/events/types.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { parseSignOff } from '../../src/workflows/training/module-status.js';
import { planModuleEvent } from '../../src/workflows/training/plan-module-event.js';
import type { ModuleEventInput, ModuleEventPlan } from '../../src/workflows/training/plan-module-event.js';
import { learnerMarker } from '../../src/workflows/training/training-module.js';
import { BOT, bodies, checklist, demoRoster, issue, moduleIssue, modules, moduleTemplates, ofKind } from './training-fixtures.js';

const MARK = renderMarker(learnerMarker('sre-i', 'alice'));
const NONE = checklist({ 'On-call': [false, false], Runbooks: [false] }, MARK);
const SOME = checklist({ 'On-call': [true, false], Runbooks: [false] }, MARK);
const ALL = checklist({ 'On-call': [true, true], Runbooks: [true, '- [ ] Optional extra (optional)'] }, MARK);

function input(fields: { issue?: Partial<Issue>; actor?: string; action?: ModuleEventInput['action']; changes?: IssueChanges; extra?: ModuleEventInput['extra'] } = {}): ModuleEventInput {
  return {
    kind: 'sre-i',
    learner: 'alice',
    issue: issue({ description: SOME, labels: ['training-module', 'sre-i::in-progress'], ...fields.issue }),
    action: fields.action ?? 'update',
    actor: fields.actor ?? 'alice',
    changes: fields.changes ?? {},
    roster: demoRoster(),
    bot: BOT,
    extra: fields.extra ?? null,
  };
}

function planned(plan: ModuleEventPlan): { decision: string; actions: Action[] } {
  if (plan.kind !== 'plan') throw new Error('the plan asked for its context');
  return plan;
}

/** The labels the plan adds and the state it sets, in one comparable shape. */
function effect(actions: readonly Action[]): { labels: string[]; state: string | null; replies: number } {
  return {
    labels: ofKind(actions, 'set-labels').flatMap((a) => a.add),
    state: ofKind(actions, 'set-state')[0]?.state ?? null,
    replies: ofKind(actions, 'reply').length,
  };
}

const labelsChange = (previous: string[], current: string[]): IssueChanges => ({ labels: { previous, current } });
const toComplete = labelsChange(['training-module', 'sre-i::review'], ['training-module', 'sre-i::complete']);
const completeLabels = ['training-module', 'sre-i::complete'];

describe('the checklist moves the module across the board', () => {
  it.each([
    ['ticking the first item', NONE, SOME, ['sre-i::not-started'], 'sre-i::in-progress', 0],
    ['ticking the last required item', SOME, ALL, ['sre-i::in-progress'], 'sre-i::review', 1],
    ['unticking every item', SOME, NONE, ['sre-i::in-progress'], 'sre-i::not-started', 0],
    ['unticking an item at review', ALL, SOME, ['sre-i::review'], 'sre-i::in-progress', 0],
  ])('%s sets the label the checklist implies; only reaching review says something new (the ask for a sign-off)', (_, before, after, labels, label, replies) => {
    const plan = planned(planModuleEvent(input({ issue: { description: after, labels: ['training-module', ...labels] }, changes: { description: { previous: before } } })));
    expect(plan.decision).toBe('sync');
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', label], state: null, replies });
    expect(ofKind(plan.actions, 'upsert-note')).toHaveLength(1);
  });

  it('an edit that changes no count plans the same label and the same note text as before', () => {
    const reworded = SOME.replace('Item 1 of On-call', 'Item one, reworded');
    const a = planned(planModuleEvent(input({ issue: { description: SOME } })));
    const b = planned(planModuleEvent(input({ issue: { description: reworded }, changes: { description: { previous: SOME } } })));
    expect(b.actions).toEqual(a.actions);
  });

  it('reaching review asks the manager for the sign-off in a new note; the status note names them without a mention', () => {
    const plan = planned(planModuleEvent(input({ issue: { description: ALL, labels: ['sre-i::in-progress'] }, changes: { description: { previous: SOME } } })));
    expect(ofKind(plan.actions, 'upsert-note')[0]?.body).toContain('**Ready for sign-off.** carol:');
    expect(ofKind(plan.actions, 'upsert-note')[0]?.body).not.toMatch(/(^|\s)@carol\b/);
    expect(ofKind(plan.actions, 'reply').map((a) => a.body)).toEqual([expect.stringMatching(/^@carol: alice ticked every required item of SRE I and asks for your sign-off\..*`@trellis-bot sign-off`/)]);
  });

  it('a module already at review asks nothing again, whatever edit comes next', () => {
    const plan = planned(planModuleEvent(input({ issue: { description: ALL.replace('Item 1 of On-call', 'Reworded'), labels: ['training-module', 'sre-i::review'] }, changes: { description: { previous: ALL } } })));
    expect(effect(plan.actions).replies).toBe(0);
  });
});

describe('sign-off by moving the card to complete', () => {
  const extra = { modules: [], templates: moduleTemplates(), signOff: null };

  it('the manager moving a finished SRE I to complete asks for the modules first (to find SRE II): the only reads are on rare paths', () => {
    expect(planModuleEvent(input({ actor: 'carol', issue: { description: ALL, labels: completeLabels }, changes: toComplete })).kind).toBe('need-context');
  });

  it('the manager moving a finished module to complete closes it, records who and when, and starts SRE II', () => {
    const plan = planned(planModuleEvent(input({ actor: 'carol', issue: { description: ALL, labels: completeLabels }, changes: toComplete, extra })));
    expect(plan.decision).toBe('sign-off');
    expect(effect(plan.actions)).toMatchObject({ labels: ['training-module', 'sre-i::complete'], state: 'closed' });
    const note = ofKind(plan.actions, 'upsert-note')[0];
    expect(parseSignOff(note?.body ?? '')).toEqual({ by: 'carol', at: '2026-03-09T14:41:05.000Z' });
    const [created] = ofKind(plan.actions, 'ensure-issue');
    expect(created?.draft).toMatchObject({ title: 'SRE II training: @alice', assignees: ['alice'], labels: ['training-module', 'sre-ii::not-started'] });
    expect(ofKind(plan.actions, 'link-issues')).toEqual([{ kind: 'link-issues', issue: { iid: 7 }, target: { ref: created?.ref } }]);
  });

  it('records the sign-off first and closes last, so a crash in between leaves a record and a sign-off the retry finishes', () => {
    const plan = planned(planModuleEvent(input({ actor: 'carol', issue: { description: ALL, labels: completeLabels }, changes: toComplete, extra })));
    const kinds = plan.actions.map((a) => a.kind);
    expect([kinds[0], ...kinds.slice(-2)]).toEqual(['upsert-note', 'set-labels', 'set-state']);
  });

  it('links the SRE II the learner already has instead of creating another', () => {
    const existing = modules(moduleIssue('sre-ii', 'alice', { iid: 40 }));
    const plan = planned(planModuleEvent(input({ actor: 'carol', issue: { description: ALL, labels: completeLabels }, changes: toComplete, extra: { ...extra, modules: existing } })));
    expect(ofKind(plan.actions, 'ensure-issue')).toEqual([]);
    expect(ofKind(plan.actions, 'link-issues')[0]?.target).toEqual({ iid: 40 });
  });

  it('signing off SRE II creates nothing further', () => {
    const description = ALL.replace(MARK, renderMarker(learnerMarker('sre-ii', 'alice')));
    const plan = planned(planModuleEvent({ ...input({ actor: 'carol', issue: { description, labels: ['sre-ii::complete'] } }), kind: 'sre-ii', changes: labelsChange(['sre-ii::review'], ['sre-ii::complete']) }));
    expect(plan.decision).toBe('sign-off');
    expect(plan.actions.map((a) => a.kind)).toEqual(['upsert-note', 'set-labels', 'set-state']);
  });

  it.each([
    ['the learner herself', 'alice'],
    ['a teammate', 'bob'],
    ["the manager's manager", 'vera'],
  ])('%s moving a finished module to complete gets the label put back and a reply naming who can sign off', (_, actor) => {
    const plan = planned(planModuleEvent(input({ actor, issue: { description: ALL, labels: completeLabels }, changes: toComplete })));
    expect(plan.decision).toBe('refuse-complete');
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::review'], state: null, replies: 1 });
    expect(ofKind(plan.actions, 'reply')[0]?.body).toContain("only carol, alice's manager, can sign off");
  });

  it('a manager moving an unfinished module to complete gets the label put back and a list of what is missing', () => {
    const plan = planned(planModuleEvent(input({ actor: 'carol', issue: { description: SOME, labels: completeLabels }, changes: toComplete })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::in-progress'], state: null, replies: 1 });
    const reply = ofKind(plan.actions, 'reply')[0]?.body ?? '';
    expect(reply).toContain('2 required items are not ticked yet');
    expect(reply).toContain('- On-call: Item 2 of On-call');
    expect(reply).toContain('- Runbooks: Item 1 of Runbooks');
    expect(reply).toContain('Trellis set `sre-i::in-progress`');
  });

  it('someone else moving an unfinished module to complete hears both reasons', () => {
    const reply = bodies(planned(planModuleEvent(input({ actor: 'bob', issue: { description: SOME, labels: completeLabels }, changes: toComplete }))).actions);
    expect(reply).toContain('only carol');
    expect(reply).toContain('2 required items are not ticked yet');
  });

  it('a redelivered refusal replies under the same marker (the executor writes it once)', () => {
    const a = ofKind(planned(planModuleEvent(input({ actor: 'bob', issue: { description: ALL, labels: completeLabels }, changes: toComplete }))).actions, 'reply');
    const b = ofKind(planned(planModuleEvent(input({ actor: 'bob', issue: { description: ALL, labels: completeLabels }, changes: toComplete }))).actions, 'reply');
    expect(b[0]?.marker).toEqual(a[0]?.marker);
  });
});

describe('a signed-off module', () => {
  const signedOff = { description: ALL, labels: completeLabels, state: 'closed' as const };
  const extra = { modules: [], templates: moduleTemplates(), signOff: { by: 'carol', at: '2026-03-09T14:41:05.000Z' } };

  it('stays as it is on later events that leave every required item ticked', () => {
    const plan = planned(planModuleEvent(input({ issue: signedOff, changes: { description: { previous: ALL } }, extra })));
    expect(plan).toEqual({ kind: 'plan', decision: 'signed-off', actions: [] });
  });

  it.each([
    ["a teammate's refused move to complete", 'bob'],
    ["the manager's own move to complete", 'carol'],
  ])('a late copy of %s changes nothing (the sign-off time stays as recorded)', (_, actor) => {
    expect(planned(planModuleEvent(input({ actor, issue: { ...signedOff, updatedAt: '2026-04-01T00:00:00.000Z' }, changes: toComplete, extra })))).toEqual({ kind: 'plan', decision: 'signed-off', actions: [] });
  });

  it('asks for the recorded sign-off before calling a closed, complete module signed off', () => {
    expect(planModuleEvent(input({ issue: signedOff, changes: { description: { previous: ALL } } })).kind).toBe('need-context');
  });

  it('asks for the recorded sign-off before withdrawing it (a read only on this rare path)', () => {
    expect(planModuleEvent(input({ issue: { ...signedOff, description: SOME } })).kind).toBe('need-context');
  });

  it('unticking a required item reopens it and moves it back, saying whose sign-off ends and what is missing', () => {
    const plan = planned(planModuleEvent(input({ issue: { ...signedOff, description: SOME }, changes: { description: { previous: ALL } }, extra })));
    expect(plan.decision).toBe('withdraw');
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::in-progress'], state: 'opened', replies: 1 });
    const reply = bodies(plan.actions);
    expect(reply).toContain('Required items were unticked after the sign-off, so the sign-off by Carol Chen (carol) on 2026-03-09 14:41 UTC no longer stands');
    expect(reply).toContain('- On-call: Item 2 of On-call');
  });

  it('reopening it withdraws the sign-off and moves it to review', () => {
    const plan = planned(planModuleEvent(input({ actor: 'alice', action: 'reopen', issue: { ...signedOff, state: 'opened' }, changes: { state: { previous: 'closed', current: 'opened' } }, extra })));
    expect(plan.decision).toBe('withdraw');
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::review'], state: null, replies: 1 });
    expect(bodies(plan.actions)).toContain('alice reopened this module after its sign-off, so the sign-off by Carol Chen (carol)');
    expect(ofKind(plan.actions, 'upsert-note')[0]?.body).not.toContain('Signed off');
  });

  it('the manager taking it off complete on the board reopens it', () => {
    const plan = planned(planModuleEvent(input({ actor: 'carol', issue: { ...signedOff, labels: ['training-module', 'sre-i::review'] }, changes: labelsChange(completeLabels, ['training-module', 'sre-i::review']), extra: { ...extra, signOff: null } })));
    expect(plan.decision).toBe('withdraw');
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::review'], state: 'opened', replies: 1 });
    expect(bodies(plan.actions)).toContain('carol took this module off `sre-i::complete`, so its sign-off no longer stands');
  });
});

describe('a module the learner closed at review, then moved to complete', () => {
  const closedComplete = { description: ALL, labels: completeLabels, state: 'closed' as const, updatedAt: '2026-03-09T14:41:05.000Z' };
  const extra = { modules: [], templates: moduleTemplates(), signOff: null };

  it("takes the manager's move as a sign-off: recorded, SRE II created and linked", () => {
    const plan = planned(planModuleEvent(input({ actor: 'carol', issue: closedComplete, changes: toComplete, extra })));
    expect(plan.decision).toBe('sign-off');
    expect(plan.actions.map((a) => a.kind)).toEqual(['upsert-note', 'ensure-issue', 'reply', 'upsert-note', 'link-issues', 'set-labels', 'set-state']);
    expect(parseSignOff(ofKind(plan.actions, 'upsert-note')[0]?.body ?? '')).toEqual({ by: 'carol', at: '2026-03-09T14:41:05.000Z' });
  });

  it("refuses a teammate's move and puts the review label back, leaving it closed", () => {
    const plan = planned(planModuleEvent(input({ actor: 'bob', issue: closedComplete, changes: toComplete, extra })));
    expect(plan.decision).toBe('refuse-complete');
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::review'], state: null, replies: 1 });
  });

  it('on an event that did not move it, waits for the labels event, which names who did', () => {
    expect(planned(planModuleEvent(input({ issue: closedComplete, changes: { description: { previous: ALL } }, extra })))).toEqual({ kind: 'plan', decision: 'awaiting-label-event', actions: [] });
  });
});

describe('complete on an open module, seen from an event that did not set it', () => {
  it('with items missing, puts back the label the checklist implies', () => {
    const plan = planned(planModuleEvent(input({ issue: { description: SOME, labels: completeLabels }, changes: { description: { previous: SOME } } })));
    expect(plan.decision).toBe('refuse-complete');
    expect(effect(plan.actions).labels).toEqual(['training-module', 'sre-i::in-progress']);
  });

  it('with nothing missing, waits for the labels event, which names who set it', () => {
    expect(planned(planModuleEvent(input({ issue: { description: ALL, labels: completeLabels } })))).toEqual({ kind: 'plan', decision: 'awaiting-label-event', actions: [] });
  });
});

describe('labels set by hand that contradict the checklist', () => {
  it.each([
    ['moving an unfinished module to review', 'sre-i::review'],
    ['moving a started module back to not started', 'sre-i::not-started'],
  ])('%s is put back with a reply saying why', (_, label) => {
    const plan = planned(planModuleEvent(input({ actor: 'bob', issue: { labels: ['training-module', label] }, changes: labelsChange(['training-module', 'sre-i::in-progress'], ['training-module', label]) })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::in-progress'], state: null, replies: 1 });
    expect(bodies(plan.actions)).toContain(`bob set \`${label}\`, but 1 of 3 required items are ticked, so the checklist implies \`sre-i::in-progress\``);
  });

  it('removing the state label puts it back with a reply', () => {
    const plan = planned(planModuleEvent(input({ actor: 'bob', issue: { labels: ['training-module'] }, changes: labelsChange(['training-module', 'sre-i::in-progress'], ['training-module']) })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::in-progress'], state: null, replies: 1 });
    expect(bodies(plan.actions)).toContain('bob removed the `sre-i::` state label');
  });

  it('a hand-set label whose own event arrives after Trellis already put it back gets no second reply', () => {
    const plan = planned(planModuleEvent(input({ actor: 'bob', issue: { labels: ['training-module', 'sre-i::in-progress'] }, changes: labelsChange(['sre-i::in-progress'], ['sre-i::review']) })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::in-progress'], state: null, replies: 0 });
  });

  it.each([
    ['a hand-set label seen in a later edit before its own event', { description: { previous: SOME } }],
    ['a label that lags the checklist (its webhook was lost)', { title: { previous: 'a', current: 'b' } }],
  ])('%s is put back with a reply that names nobody', (_, changes) => {
    const plan = planned(planModuleEvent(input({ issue: { labels: ['sre-i::review'] }, changes })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::in-progress'], state: null, replies: 1 });
    expect(bodies(plan.actions)).toContain('This issue was labelled `sre-i::review`, which does not match its checklist: 1 of 3 required items are ticked');
  });

  it('a label this edit of the checklist leaves behind is moved without a correction (the one reply asks for the sign-off)', () => {
    const plan = planned(planModuleEvent(input({ issue: { description: ALL, labels: ['sre-i::in-progress'] }, changes: { description: { previous: SOME } } })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::review'], state: null, replies: 1 });
    expect(bodies(plan.actions)).not.toContain('does not match');
  });

  it.each([
    ['an issue just opened from the template with items already ticked', 'open' as const, ['sre-i::not-started'], {}],
    ['a module with no state label yet', 'update' as const, ['training-module'], {}],
  ])('%s gets its label silently', (_, action, labels, changes) => {
    const plan = planned(planModuleEvent(input({ action, issue: { labels }, changes })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::in-progress'], state: null, replies: 0 });
  });

  it('a module closed without a sign-off keeps following the checklist and says it is closed', () => {
    const plan = planned(planModuleEvent(input({ issue: { state: 'closed', description: ALL, labels: ['sre-i::review'] } })));
    expect(effect(plan.actions)).toEqual({ labels: ['training-module', 'sre-i::review'], state: null, replies: 0 });
    expect(bodies(plan.actions)).toContain('closed without a sign-off');
  });

  it('closing a module at review is answered: its mentor is asked, and can still sign it off', () => {
    const plan = planned(planModuleEvent(input({ action: 'close', issue: { state: 'closed', description: ALL, labels: ['sre-i::review'] }, changes: { state: { previous: 'opened', current: 'closed' } } })));
    const [reply, ...more] = ofKind(plan.actions, 'reply').map((a) => a.body);
    expect(more).toEqual([]);
    expect(reply).toMatch(/^alice closed this module at review, before its sign-off\. @carol: .*can still sign it off/);
  });

  it('closing a module before review is answered with what is left, mentioning nobody', () => {
    const plan = planned(planModuleEvent(input({ action: 'close', issue: { state: 'closed', description: SOME, labels: ['sre-i::in-progress'] }, changes: { state: { previous: 'opened', current: 'closed' } } })));
    const replies = ofKind(plan.actions, 'reply').map((a) => a.body);
    expect(replies).toEqual([expect.stringMatching(/^alice closed this module without a sign-off: 1 of 3 required items are ticked\. Reopen it/)]);
    expect(replies[0]).not.toMatch(/@\w/);
  });
});
