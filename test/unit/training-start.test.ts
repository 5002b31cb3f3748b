import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/core/parse-command.js';
import { parseChecklist } from '../../src/core/parse-checklist.js';
import { parseSignOff } from '../../src/workflows/training/module-status.js';
import { commandsNeedModules, planCommands, replyMarker, trainingCommands } from '../../src/workflows/training/plan-commands.js';
import type { CommandsInput } from '../../src/workflows/training/plan-commands.js';
import { planStart } from '../../src/workflows/training/plan-start.js';
import type { ModuleSummary } from '../../src/workflows/training/training-module.js';
import { BOT, checklist, demoRoster, issue, moduleIssue, modules, moduleTemplates, ofKind } from './training-fixtures.js';

function start(text: string, actor: string, listed: ModuleSummary[] = []) {
  const [command] = parseCommands(`@${BOT} ${text}`, BOT);
  if (!command) throw new Error('no command');
  return planStart({ command, actor, roster: demoRoster(), bot: BOT, modules: listed, templates: moduleTemplates(), ref: 'start-0' });
}

const created = new Map([['start-0', { iid: 51 }]]);

describe('starting a module with `start`', () => {
  it('creates "SRE I training: @alice" for the commenter, assigned to her, labelled, from the template without quick actions', () => {
    const plan = start('start sre-i', 'alice');
    const [ensure] = ofKind(plan.actions, 'ensure-issue');
    expect(ensure?.marker).toEqual({ kind: 'sre-i', key: 'alice' });
    expect(ensure?.draft).toMatchObject({ title: 'SRE I training: @alice', assignees: ['alice'], labels: ['training-module', 'sre-i::not-started'], confidential: false });
    expect(ensure?.draft.description).not.toMatch(/^\/(label|assign)/m);
    expect(parseChecklist(ensure?.draft.description ?? '').requiredTotal).toBeGreaterThan(40);
    expect(plan.reply(created)).toBe("Started alice's SRE I training module: #51, assigned to alice with carol as mentor.");
  });

  it('mentions the manager once, in a welcome reply, and writes the first status note', () => {
    const plan = start('start sre-i', 'alice');
    const [welcome] = ofKind(plan.actions, 'reply');
    expect(welcome?.marker).toEqual({ kind: 'welcome', key: 'sre-i' });
    expect(welcome?.body.match(/@carol/g)).toHaveLength(1);
    const [status] = ofKind(plan.actions, 'upsert-note');
    expect(status?.marker).toEqual({ kind: 'status', key: 'sre-i' });
    expect(status?.body).toContain('not started');
    expect(status?.body).not.toContain('@carol');
  });

  it('a manager starts one for a report with `@user`', () => {
    const plan = start('start sre-ii @bob', 'carol', modules(moduleIssue('sre-i', 'bob', { iid: 3, state: 'closed', labels: ['sre-i::complete'] })));
    expect(ofKind(plan.actions, 'ensure-issue')[0]?.draft).toMatchObject({ title: 'SRE II training: @bob', assignees: ['bob'] });
  });

  it('a second module after an abandoned one gets a new marker, so the abandoned one is not found again', () => {
    const plan = start('start sre-i', 'alice', modules(moduleIssue('sre-i', 'alice', { iid: 3, state: 'closed' })));
    expect(ofKind(plan.actions, 'ensure-issue')[0]?.marker).toEqual({ kind: 'sre-i', key: 'alice/2' });
  });

  it.each([
    ['an open module', moduleIssue('sre-i', 'alice', { iid: 9 }), 'alice already has one open: #9 (in-progress)'],
    ['a signed-off module', moduleIssue('sre-i', 'alice', { iid: 9, state: 'closed', labels: ['sre-i::complete'] }), 'alice already completed it in #9'],
    ['a module made from the template, not adopted yet', moduleIssue('sre-i', 'alice', { iid: 9, fromTemplate: true }), 'alice already has one open: #9'],
  ])('a learner with %s gets a link instead of another', (_, existing, text) => {
    const plan = start('start sre-i', 'alice', modules(existing));
    expect(plan.actions).toEqual([]);
    expect(plan.reply(created)).toContain(text);
  });

  it.each([
    ['someone who is not their manager', 'start sre-i @alice', 'bob', 'Only alice or their manager (carol) can start'],
    ["the manager's manager", 'start sre-i @alice', 'vera', 'Only alice or their manager (carol) can start'],
    ['an unknown module', 'start sre-iii', 'alice', 'There is no training module called “sre-iii”'],
    ['no module named', 'start', 'alice', 'Which module?'],
    ['a learner not on the roster', 'start sre-i @stranger', 'carol', 'stranger is not on the roster'],
    ['a learner with no manager', 'start sre-i', 'grace', 'grace has no manager on the roster'],
    ['something that is not a username', 'start sre-i @@x', 'carol', 'is not a username'],
  ])('is refused for %s, with a reply that says why', (_, text, actor, reason) => {
    const plan = start(text, actor);
    expect(plan.actions).toEqual([]);
    expect(plan.reply(created)).toContain(reason);
  });

  it('SRE II before SRE I is signed off is refused for the learner, who is told to ask the manager', () => {
    const plan = start('start sre-ii', 'alice', modules(moduleIssue('sre-i', 'alice', { iid: 9 })));
    expect(plan.actions).toEqual([]);
    expect(plan.reply(created)).toContain("alice's SRE I (#9) is not signed off yet. Only their manager (carol) can start SRE II first, with `@trellis-bot start sre-ii @alice`");
  });

  it('SRE II before SRE I is allowed for the manager, and the reply says so', () => {
    const plan = start('start sre-ii @alice', 'carol');
    expect(ofKind(plan.actions, 'ensure-issue')).toHaveLength(1);
    expect(plan.reply(created)).toContain("alice's SRE I has not been started; SRE II starts first because you, their manager, asked.");
  });
});

describe('the commands of a note', () => {
  const module = { kind: 'sre-i' as const, learner: 'alice' };
  const ALL = checklist({ A: [true, true] });
  function commands(text: string, actor: string, fields: Partial<CommandsInput> = {}) {
    const parsed = trainingCommands(parseCommands(text, BOT), fields.module !== null);
    return planCommands({ commands: parsed, actor, issue: issue({ description: ALL, labels: ['sre-i::review'] }), module, roster: demoRoster(), bot: BOT, modules: [], templates: moduleTemplates(), now: '2026-03-10T09:00:00.000Z', signOff: null, ...fields });
  }

  it('are the training workflow’s only for start anywhere, and status and sign-off on a module', () => {
    const parsed = parseCommands(`@${BOT} help\n@${BOT} status\n@${BOT} start sre-i\n@${BOT} sign-off\n@${BOT} approve`, BOT);
    expect(trainingCommands(parsed, false).map((c) => c.name)).toEqual(['start']);
    expect(trainingCommands(parsed, true).map((c) => c.name)).toEqual(['status', 'start', 'sign-off']);
    expect(commandsNeedModules(trainingCommands(parsed, true))).toBe(true);
  });

  it('the reply to a note is keyed by the note id, so a redelivered note is answered once', () => {
    expect(replyMarker(1241)).toEqual({ kind: 'reply', key: '1241' });
  });

  it('`status` replies with progress per section and the next items', () => {
    const plan = commands(`@${BOT} status`, 'bob', { issue: issue({ description: checklist({ 'On-call': [true, false], Runbooks: [false] }) }) });
    const reply = plan.reply(new Map());
    expect(reply).toContain("alice's SRE I training is **in progress**: 1 of 3 required items ticked");
    expect(reply).toContain('| On-call | 1/2 |');
    expect(reply).toContain('- Runbooks: Item 1 of Runbooks');
  });

  it('`sign-off` by the manager signs off a finished module and starts SRE II', () => {
    const plan = commands(`@${BOT} sign-off`, 'carol');
    expect(plan.actions.map((a) => a.kind)).toEqual(['upsert-note', 'ensure-issue', 'reply', 'upsert-note', 'link-issues', 'set-labels', 'set-state']);
    expect(parseSignOff(ofKind(plan.actions, 'upsert-note')[0]?.body ?? '')).toEqual({ by: 'carol', at: '2026-03-10T09:00:00.000Z' });
    expect(plan.reply(new Map([['next-module', { iid: 60 }]]))).toBe("Signed off: alice's SRE I training module is complete, signed off by carol. alice's SRE II module is started: #60.");
  });

  it.each([
    ['by the learner', 'alice', ALL, "only carol, alice's manager, can sign off"],
    ['with items missing', 'carol', checklist({ A: [true, false] }), '1 required item is not ticked yet'],
  ])('`sign-off` %s is refused with the reason', (_, actor, description, reason) => {
    const plan = commands(`@${BOT} sign-off`, actor, { issue: issue({ description }) });
    expect(plan.actions).toEqual([]);
    expect(plan.reply(new Map())).toContain(reason);
  });

  it('`sign-off` on a module already signed off says so and changes nothing', () => {
    const plan = commands(`@${BOT} sign-off`, 'carol', { issue: issue({ description: ALL, state: 'closed', labels: ['sre-i::complete'] }), signOff: { by: 'carol', at: '2026-03-09T14:41:05.000Z' } });
    expect(plan.actions).toEqual([]);
    expect(plan.reply(new Map())).toContain('already signed off');
  });

  it('`sign-off` on a closed module labelled complete with no sign-off recorded signs it off', () => {
    const plan = commands(`@${BOT} sign-off`, 'carol', { issue: issue({ description: ALL, state: 'closed', labels: ['sre-i::complete'] }) });
    expect(plan.actions.map((a) => a.kind)).toEqual(['upsert-note', 'ensure-issue', 'reply', 'upsert-note', 'link-issues', 'set-labels', 'set-state']);
    expect(parseSignOff(ofKind(plan.actions, 'upsert-note')[0]?.body ?? '')).toEqual({ by: 'carol', at: '2026-03-10T09:00:00.000Z' });
    expect(plan.reply(new Map())).not.toContain('already signed off');
  });

  it('several commands in one note get one reply answering each', () => {
    const plan = commands(`@${BOT} status\n@${BOT} start sre-iii`, 'alice');
    const reply = plan.reply(new Map());
    expect(reply).toContain('**review**');
    expect(reply).toContain('no training module called');
  });
});
