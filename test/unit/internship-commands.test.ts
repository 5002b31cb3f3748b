import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.js';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import { markerId } from '../../src/core/markers.js';
import { parseCommands } from '../../src/core/parse-command.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { parseRecord } from '../../src/workflows/internship/internship-request.js';
import { internshipCommands, notARequestReply, planCommand } from '../../src/workflows/internship/plan-commands.js';
import type { CommandInput } from '../../src/workflows/internship/plan-commands.js';
import { taskRef } from '../../src/workflows/internship/plan-tasks.js';
import { moduleIssue, modules, ofKind } from './training-fixtures.js';
import { APPROVAL, BOT, requestInput, requestIssue, requestText, taskIssue } from './internship-fixtures.js';

function command(text: string, actor: string, fields: Partial<CommandInput> = {}): ReturnType<typeof planCommand> {
  const [cmd] = parseCommands(`@${BOT} ${text}`, BOT);
  if (!cmd) throw new Error('no command');
  return planCommand({ ...requestInput({ issue: requestIssue({ labels: ['internship-request', 'internship::pending-approval'] }) }), command: cmd, actor, noteId: 77, ...fields });
}

function replyOf(actions: readonly Action[]): string {
  const replies = ofKind(actions, 'reply').filter((a) => markerId(a.marker) === 'reply:77-internship');
  expect(replies).toHaveLength(1);
  return replies[0]?.body ?? '';
}

/** Runs an approval's second phase as if every ensured issue were created with iid 40, 41, ... */
function finish(plan: ReturnType<typeof planCommand>): Action[] {
  let iid = 40;
  const refs = new Map<string, Issue>();
  for (const a of ofKind(plan.actions, 'ensure-issue')) refs.set(a.ref, requestIssue({ iid: iid++, description: `x\n\n<!-- trellis:${markerId(a.marker)} -->`, assignees: [...a.draft.assignees], dueDate: a.draft.dueDate ?? null, labels: [...a.draft.labels] }));
  return plan.then?.(refs) ?? [];
}

describe('approve', () => {
  it("the requester's manager approves: tasks are planned, then the note records it, the request is active and the command is answered", () => {
    const plan = command('approve', 'grace');
    expect(plan.decision).toBe('approve');
    expect(ofKind(plan.actions, 'ensure-issue').map((a) => a.ref)).toEqual([taskRef('on-call'), taskRef('pairing'), taskRef('access'), 'module-sre-i', 'module-sre-ii']);
    const then = finish(plan);
    expect(ofKind(then, 'set-labels')[0]?.add).toEqual(['internship-request', 'internship::active']);
    const approval = parseRecord(ofKind(then, 'upsert-note')[0]?.body).approval;
    expect(approval).toEqual({ by: 'grace', buddy: 'alice', at: '2026-04-01T10:00:00.000Z', start: '2026-05-04', end: '2026-06-15', pairing: 'bob' });
    expect(replyOf(then)).toContain('**Approved** by Grace Green (grace): Ian Ito (ian) interns with Reliability Engineering from 2026-05-04 to 2026-06-15. On-call buddy: Alice Adams (alice). Pairing engineer: Bob Brown (bob).');
    expect(replyOf(then)).toContain('Training modules opened: #43, #44, due 2026-04-29');
  });

  it('`approve @olivia` makes olivia the buddy, even five hours away: the manager chose', () => {
    const plan = command('approve @olivia', 'grace');
    const onCall = ofKind(plan.actions, 'ensure-issue').find((a) => a.ref === taskRef('on-call'));
    expect(onCall?.draft.assignees).toEqual(['ian', 'olivia']);
    expect(onCall?.draft.title).toBe('Shadow on-call: ian with olivia (internship #12)');
  });

  it('a buddy the requester asked for is the default; the manager can still name another', () => {
    const issue = requestIssue({ description: requestText({ buddy: '@pat' }) });
    const assignees = (text: string) => ofKind(command(text, 'grace', { issue }).actions, 'ensure-issue').find((a) => a.ref === taskRef('on-call'))?.draft.assignees;
    expect(assignees('approve')).toEqual(['ian', 'pat']);
    expect(assignees('approve @bob')).toEqual(['ian', 'bob']);
  });

  it('a requested buddy far away stays the default (the manager decides); `approve @olivia` takes the nearest instead', () => {
    const issue = requestIssue({ description: requestText({ timezone: 'America/Toronto', buddy: '@sam' }) });
    const assignees = (text: string) => ofKind(command(text, 'grace', { issue }).actions, 'ensure-issue').find((a) => a.ref === taskRef('on-call'))?.draft.assignees;
    expect(assignees('approve')).toEqual(['ian', 'sam']);
    expect(assignees('approve @olivia')).toEqual(['ian', 'olivia']);
  });

  it('the pairing engineer is the proposal unless the approval names another: `approve pair @sam`, also after a buddy', () => {
    const pairing = (text: string, issue = requestIssue()) => {
      const plan = command(text, 'grace', { issue });
      return [ofKind(plan.actions, 'ensure-issue').find((a) => a.ref === taskRef('pairing'))?.draft.assignees, parseRecord(ofKind(finish(plan), 'upsert-note')[0]?.body).approval?.pairing];
    };
    expect(pairing('approve')).toEqual([['ian', 'bob'], 'bob']);
    expect(pairing('approve pair @sam')).toEqual([['ian', 'sam'], 'sam']);
    expect(pairing('approve pairing:@sam')).toEqual([['ian', 'sam'], 'sam']);
    expect(pairing('approve @olivia pair @sam, thanks')).toEqual([['ian', 'sam'], 'sam']);
    expect(pairing('approve, happy to pair @sam')).toEqual([['ian', 'bob'], 'bob']);
    // Without on-call shadowing, a lone name can only mean the pairing engineer.
    expect(pairing('approve @sam', requestIssue({ description: requestText({ onCall: false }) }))).toEqual([['ian', 'sam'], 'sam']);
  });

  it.each([
    ['the requester as pairing engineer', 'approve pair @ian', requestText(), 'Trellis cannot make that person the pairing engineer: nobody pairs with themselves.'],
    ['a pairing engineer nobody knows', 'approve pair @nobody', requestText(), 'nobody” is not on the roster.'],
    ['a pairing engineer on a request without pairing', 'approve pair @sam', requestText({ pairing: false }), 'This request does not ask for pairing, so there is no pairing engineer to name.'],
  ])('naming %s is refused and says why', (_, text, description, why) => {
    const plan = command(text, 'grace', { issue: requestIssue({ description }) });
    expect(plan.decision).toBe('refused');
    expect(replyOf(plan.actions)).toContain(why);
  });

  it('words after approve are a comment, not a buddy', () => {
    expect(ofKind(command('approve looks great!', 'grace').actions, 'ensure-issue')).toHaveLength(5);
  });

  it.each([
    ['someone else', 'carol', 'approve', "Only grace, ian's manager on the roster, can approve this internship request."],
    ['the requester', 'ian', 'approve', 'Only grace'],
    ['a buddy who is not on call', 'grace', 'approve @dan', 'dan is not on call, according to the roster.'],
    ['a buddy nobody knows', 'grace', 'approve @nobody', 'nobody” is not on the roster.'],
  ])('an approval by %s is refused and says why', (_, actor, text, why) => {
    const plan = command(text, actor);
    expect(plan.decision).toBe('refused');
    expect(plan.actions.map((a) => a.kind)).toEqual(['reply']);
    expect(replyOf(plan.actions)).toContain(why);
  });

  it('a request that needs information cannot be approved; the reply lists what is missing', () => {
    const plan = command('approve', 'grace', { issue: requestIssue({ description: requestText({ timezone: 'Nowhere' }) }) });
    expect(replyOf(plan.actions)).toContain('“Nowhere” is not a time zone Trellis knows');
  });

  it('on-call shadowing with no SRE near the requester needs a named buddy', () => {
    const issue = requestIssue({ description: requestText({ timezone: 'Asia/Tokyo' }) });
    expect(replyOf(command('approve', 'grace', { issue }).actions)).toContain('no on-call SRE is within three hours of Asia/Tokyo. Name one when approving: `@trellis-bot approve @username`');
    expect(command('approve @sam', 'grace', { issue }).decision).toBe('approve');
  });

  it('existing modules are linked, not opened again; a signed-off one is reported done', () => {
    const listed = modules(moduleIssue('sre-i', 'ian', { iid: 4, state: 'closed', labels: ['training-module', 'sre-i::complete'] }), moduleIssue('sre-ii', 'ian', { iid: 9 }));
    const plan = command('approve', 'grace', { modules: listed });
    expect(ofKind(plan.actions, 'ensure-issue').map((a) => a.ref)).toEqual([taskRef('on-call'), taskRef('pairing'), taskRef('access')]);
    expect(ofKind(plan.actions, 'link-issues').map((a) => a.target)).toContainEqual({ iid: 4 });
    expect(ofKind(plan.actions, 'link-issues').map((a) => a.target)).toContainEqual({ iid: 9 });
    expect(ofKind(finish(plan), 'upsert-note')[0]?.body).toContain('SRE I: done (#4) · SRE II: in progress (#9, `sre-ii::in-progress`)');
  });

  it('approving again after the approval says so, and only puts labels right', () => {
    const issue = requestIssue({ labels: ['internship-request', 'internship::active'] });
    const plan = command('approve', 'grace', { issue, record: { approval: APPROVAL, decline: null }, tasks: [taskIssue('pairing')] });
    expect(replyOf(plan.actions)).toBe('Grace Green (grace) already approved this internship on 2026-04-02.');
    expect(ofKind(plan.actions, 'ensure-issue')).toEqual([]);
  });
});

describe('decline', () => {
  it('the manager declines with a reason: recorded in the note, labelled, closed, and the reason quoted inert', () => {
    const plan = command('decline Not now /close @all', 'grace');
    expect(plan.actions.map((a) => a.kind)).toEqual(['upsert-note', 'set-labels', 'set-state', 'reply']);
    expect(ofKind(plan.actions, 'set-labels')[0]?.add).toEqual(['internship-request', 'internship::declined']);
    expect(parseRecord(ofKind(plan.actions, 'upsert-note')[0]?.body).decline).toEqual({ by: 'grace', at: '2026-04-01T10:00:00.000Z', reason: 'Not now /close @all' });
    const reply = replyOf(plan.actions);
    expect(reply).toContain('**Declined** by Grace Green (grace)');
    expect(containsQuickAction(reply)).toBe(false);
    expect(reply).not.toMatch(/@all\b/);
  });

  it.each([
    ['without a reason', 'grace', 'decline', 'Say why'],
    ['by someone else', 'carol', 'decline too busy', "Only grace, ian's manager on the roster, can decline"],
  ])('a decline %s is refused', (_, actor, text, why) => {
    const plan = command(text, actor);
    expect(plan.actions.map((a) => a.kind)).toEqual(['reply']);
    expect(replyOf(plan.actions)).toContain(why);
  });

  it('an approved internship can no longer be declined', () => {
    const plan = command('decline changed my mind', 'grace', { record: { approval: APPROVAL, decline: null }, tasks: [taskIssue('pairing')] });
    expect(replyOf(plan.actions)).toContain('It can no longer be declined');
    expect(ofKind(plan.actions, 'set-state')).toEqual([]);
  });
});

describe('status and where commands work', () => {
  it.each([
    ['a complete request', requestText(), 'pending approval** by Grace Green (grace)'],
    ['an incomplete request', requestText({ manager: '' }), 'needs information**:\n\n- **Current manager**'],
  ])('status on %s says where it stands', (_, description, text) => {
    expect(replyOf(command('status', 'ian', { issue: requestIssue({ description }) }).actions)).toContain(text);
  });

  it('status on an approved internship counts its tasks', () => {
    const plan = command('status', 'ian', { record: { approval: APPROVAL, decline: null }, tasks: [taskIssue('pairing', { state: 'closed' }), taskIssue('on-call')] });
    expect(replyOf(plan.actions)).toContain('**active**: approved by Grace Green (grace) on 2026-04-02, 1 of 2 task issues closed');
  });

  it('status with every task closed before the start says it is still active and completes on the start date', () => {
    const tasks = [taskIssue('pairing', { state: 'closed' }), taskIssue('on-call', { state: 'closed' })];
    const early = command('status', 'ian', { record: { approval: APPROVAL, decline: null }, tasks });
    expect(replyOf(early.actions)).toContain('**active**: approved by Grace Green (grace) on 2026-04-02, 2 of 2 task issues closed. It completes on its start date, 2026-05-04.');
    const later = command('status', 'ian', { record: { approval: APPROVAL, decline: null }, tasks, now: new Date('2026-05-04T08:00:00.000Z') });
    expect(replyOf(later.actions)).toContain('**completed**');
  });

  it('approve and decline are answered anywhere; status only on requests, where other workflows answer it elsewhere', () => {
    const cmds = parseCommands(`@${BOT} status\n@${BOT} approve\n@${BOT} help`, BOT);
    expect(internshipCommands(cmds, false).map((c) => c.name)).toEqual(['approve']);
    expect(internshipCommands(cmds, true).map((c) => c.name)).toEqual(['status', 'approve']);
    const [approve] = internshipCommands(cmds, false);
    expect(approve && notARequestReply(5, 9, approve, BOT)).toMatchObject({ kind: 'reply', marker: { kind: 'reply', key: '9-internship' } });
  });
});
