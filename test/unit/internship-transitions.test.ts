import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.js';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import { findMarkers, markerId } from '../../src/core/markers.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { approvalMarker, parseRecord } from '../../src/workflows/internship/internship-request.js';
import { planRequest, UNEXPLAINED_LABEL_GRACE_MS } from '../../src/workflows/internship/plan-request.js';
import type { RequestEvent } from '../../src/workflows/internship/plan-request.js';
import { moduleRef, taskRef } from '../../src/workflows/internship/plan-tasks.js';
import { moduleIssue, modules, ofKind } from './training-fixtures.js';
import { APPROVAL, BOT, labelEvent, requestInput, requestIssue, requestText, taskIssue } from './internship-fixtures.js';

const PENDING = ['internship-request', 'internship::pending-approval'];

function labelsSet(actions: readonly Action[]): string[] {
  return ofKind(actions, 'set-labels').flatMap((a) => a.add);
}

function statusBody(actions: readonly Action[]): string {
  return ofKind(actions, 'upsert-note').find((a) => a.marker.kind === 'status' && a.marker.key === 'internship')?.body ?? '';
}

function replies(actions: readonly Action[]): string[] {
  return ofKind(actions, 'reply').map((a) => a.body);
}

describe('a new request is checked', () => {
  it('a complete request goes to pending-approval: a new note asks the manager and Reliability Engineering; the status note names them, proposes buddies, reports training and says how to approve', () => {
    const plan = planRequest(requestInput({ event: { actor: 'ian', action: 'open', changes: {} } }));
    expect(plan.decision).toBe('pending-approval');
    expect(labelsSet(plan.actions)).toEqual(PENDING);
    // The ask is a new note (GitLab emails nobody about a mention added by editing a note).
    const [ask, ...more] = replies(plan.actions);
    expect(more).toEqual([]);
    expect(ask).toMatch(/^@grace: Ian Ito \(ian\) asks to intern with Reliability Engineering, and the request is complete\. .*`@trellis-bot approve`/);
    expect(ask).toContain('@carol @erin: for Reliability Engineering.');
    const note = statusBody(plan.actions);
    expect(note).toContain('For carol, erin, grace: Ian Ito (ian) asks to intern');
    expect(note).not.toMatch(/(^|\s)@(carol|erin|grace)\b/);
    expect(note).toMatch(/1\. Alice Adams \(alice\), Reliability: Foundations, Europe\/Berlin \(UTC\+02:00\), 1 h apart\n2\. Bob Brown \(bob\)/);
    expect(note).toContain('**Training:** SRE I: missing (no module issue yet) · SRE II: missing (no module issue yet). Completing both before the start is recommended');
    expect(note).toContain('Grace Green (grace) comments `@trellis-bot approve` (the on-call buddy is then alice, the pairing engineer bob), or `@trellis-bot approve @username` to choose another on-call SRE as buddy, or `@trellis-bot approve pair @username` to choose another pairing engineer');
    // The pairing proposal: the nearest Reliability engineer who is not a manager; alice and bob are
    // equally near, and bob is not already the proposed buddy.
    expect(note).toContain('**Pairing engineer** (proposed: the Reliability engineer, not a manager, nearest to Europe/Dublin on 2026-05-04): Bob Brown (bob), Reliability: Foundations, Europe/Paris (UTC+02:00), 1 h apart. Grace Green (grace) confirms them by approving');
    expect(note).toContain('- **When:** from 2026-05-04 for 6 weeks (until 2026-06-15), 20% of their time');
    expect(note).toContain('- **Timezone:** Europe/Dublin, UTC+01:00 on 2026-05-04\n');
  });

  it('a requested on-call buddy 9.5 hours away: the note and the ask to the manager say how far, and propose the nearest instead', () => {
    const issue = requestIssue({ description: requestText({ timezone: 'America/Toronto', buddy: '@sam' }) });
    const plan = planRequest(requestInput({ issue, event: { actor: 'ian', action: 'open', changes: {} } }));
    expect(plan.decision).toBe('pending-approval');
    const note = statusBody(plan.actions);
    const [ask] = replies(plan.actions);
    for (const text of [note, ask]) {
      expect(text).toContain('**The requested on-call buddy is far away:** ian asked for Sam Singh (sam), Reliability: Foundations, Asia/Kolkata (UTC+05:30), 9 h 30 min apart from ian\'s America/Toronto (UTC-04:00) on 2026-05-04.');
      expect(text).toContain('more than the three hours Trellis proposes buddies within');
      expect(text).toContain('1. Olivia Ortiz (olivia), Reliability: Observability, America/Toronto (UTC-04:00), same time\n2. Pat Park (pat)');
      expect(text).toContain('`@trellis-bot approve @olivia` takes the nearest, `@trellis-bot approve` keeps sam.');
    }
    expect(ask).toMatch(/^@grace: /);
    // Names only (GitLab makes no mention inside a code span: the commands to write are code).
    expect(note.replace(/`[^`]*`/g, '')).not.toMatch(/@(sam|olivia|pat|grace)\b/);
  });

  it('a requested buddy within three hours is accepted without a warning', () => {
    const issue = requestIssue({ description: requestText({ buddy: '@bob' }) });
    const plan = planRequest(requestInput({ issue, event: { actor: 'ian', action: 'open', changes: {} } }));
    expect(statusBody(plan.actions)).toContain('ian asked for Bob Brown (bob), Reliability: Foundations, Europe/Paris (UTC+02:00), 1 h apart, who becomes the buddy');
    expect([statusBody(plan.actions), ...replies(plan.actions)].join('\n')).not.toContain('far away');
  });

  it('the training line says which modules are done and which are in progress, from the module issues', () => {
    const listed = modules(moduleIssue('sre-i', 'ian', { iid: 4, state: 'closed', labels: ['training-module', 'sre-i::complete'] }), moduleIssue('sre-ii', 'ian', { iid: 9 }));
    const note = statusBody(planRequest(requestInput({ modules: listed })).actions);
    expect(note).toContain('SRE I: done (#4) · SRE II: in progress (#9, `sre-ii::in-progress`)');
  });

  it('an incomplete request gets needs-info and a reply listing exactly what to fix', () => {
    const issue = requestIssue({ description: requestText({ manager: '@carol', timezone: 'Mars/Base', goal: '' }) });
    const plan = planRequest(requestInput({ issue, event: { actor: 'ian', action: 'open', changes: {} } }));
    expect(plan.decision).toBe('needs-info');
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::needs-info']);
    const [reply] = replies(plan.actions);
    expect(reply?.match(/^- /gm)).toHaveLength(3);
    expect(reply).toContain('carol is not your manager on the roster');
    expect(reply).toContain('“Mars/Base” is not a time zone');
    expect(reply).toContain('**What you want to learn**');
    expect(statusBody(plan.actions)).not.toMatch(/@\w/);
  });

  it('an edit with the same problems asks nothing new; different problems get a new reply', () => {
    const ask = (text: string) => ofKind(planRequest(requestInput({ issue: requestIssue({ description: text }) })).actions, 'reply').map((a) => markerId(a.marker));
    const first = ask(requestText({ manager: '' }));
    expect(ask(`${requestText({ manager: '' })}\n\nP.S. thanks!`)).toEqual(first);
    expect(ask(requestText({ manager: '', goal: '' }))).not.toEqual(first);
  });

  it('an edit that fixes the problems moves the request to pending-approval', () => {
    const issue = requestIssue({ labels: ['internship-request', 'internship::needs-info'] });
    const plan = planRequest(requestInput({ issue, event: { actor: 'ian', action: 'update', changes: { description: { previous: requestText({ manager: '' }) } } } }));
    expect(labelsSet(plan.actions)).toEqual(PENDING);
    expect(replies(plan.actions)).toEqual([expect.stringMatching(/^@grace: Ian Ito \(ian\) asks to intern/)]);
  });

  it('a pending request edited again asks nobody again; its redelivered opening asks with the same note', () => {
    const pending = requestIssue({ labels: PENDING });
    const edited = planRequest(requestInput({ issue: pending, event: { actor: 'ian', action: 'update', changes: { description: { previous: requestText({ goal: 'x' }) } } } }));
    expect(replies(edited.actions)).toEqual([]);
    const markers = () => ofKind(planRequest(requestInput({ event: { actor: 'ian', action: 'open', changes: {} } })).actions, 'reply').map((a) => markerId(a.marker));
    expect(markers()).toEqual(markers());
  });

  it('applying `internship::requested` to any issue makes it a request and checks it', () => {
    const issue = requestIssue({ description: 'please', labels: ['internship::requested'] });
    const plan = planRequest(requestInput({ issue, event: labelEvent('ian', [], ['internship::requested']) }));
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::needs-info']);
    expect(replies(plan.actions)).toHaveLength(1);
  });

  it('a request closed before any decision is left as its author left it', () => {
    expect(planRequest(requestInput({ issue: requestIssue({ state: 'closed' }) })).actions).toEqual([]);
  });

  it('what the requester wrote is quoted inert: no quick action, no mention, no forged marker', () => {
    const goal = '/close\n@all please\n<!-- trellis:internship-approved:grace/-/x/2026-05-04/2026-06-15 -->\n> /label ~done';
    const issue = requestIssue({ description: requestText({ goal, share: '@carol /unlabel', pairing: '/assign @dan' }) });
    const note = statusBody(planRequest(requestInput({ issue })).actions);
    expect(containsQuickAction(note)).toBe(false);
    expect(note).not.toMatch(/@(all|dan)\b/);
    expect(note).not.toMatch(/(^|\s)@carol\b/);
    expect(findMarkers(note)).toEqual([]);
    expect(parseRecord(note).approval).toBeNull();
  });
});

describe('approval by label', () => {
  const approvedBy = (actor: string, issue: Issue = requestIssue({ labels: ['internship-request', 'internship::approved'], updatedAt: '2026-04-02T10:00:00.000Z' })) =>
    planRequest(requestInput({ issue, event: labelEvent(actor, PENDING, ['internship-request', 'internship::approved']) }));

  it("the requester's manager moving the request to approved creates the tasks first, then records the approval and makes it active", () => {
    const plan = approvedBy('grace');
    expect(plan.decision).toBe('approve');
    const ensured = ofKind(plan.actions, 'ensure-issue');
    expect(ensured.map((a) => [markerId(a.marker), a.project ?? 'records', a.draft.assignees, a.draft.dueDate])).toEqual([
      ['internship-task:12/on-call', 'records', ['ian', 'alice'], '2026-05-18'],
      ['internship-task:12/pairing', 'records', ['ian', 'bob'], '2026-06-15'],
      // Due three working days before Monday 2026-05-04: access and training are ready on day one.
      ['internship-task:12/access', 'infra/access-requests', ['carol', 'erin'], '2026-04-29'],
      ['sre-i:ian', 'records', ['ian'], '2026-04-29'],
      ['sre-ii:ian', 'records', ['ian'], '2026-04-29'],
    ]);
    expect(ensured.every((a) => a.draft.labels.includes('internship-task') || a.draft.labels.includes('training-module'))).toBe(true);
    expect(ensured.every((a) => !a.draft.confidential)).toBe(true);
    expect(ofKind(plan.actions, 'link-issues').map((a) => ('ref' in a.target ? a.target.ref : a.target.iid))).toEqual(['task-on-call', 'task-pairing', 'task-access', 'module-sre-i', 'module-sre-ii']);
    expect(labelsSet(plan.actions)).not.toContain('internship::active');

    const refs = new Map<string, Issue>([
      [taskRef('on-call'), taskIssue('on-call', { assignees: ['ian', 'alice'], dueDate: '2026-05-18' }).issue],
      [taskRef('pairing'), taskIssue('pairing', { assignees: ['ian', 'bob'] }).issue],
      [taskRef('access'), taskIssue('access', { assignees: ['carol', 'erin'], dueDate: '2026-04-29' }).issue],
      [moduleRef('sre-i'), moduleIssue('sre-i', 'ian', { iid: 30, labels: ['training-module', 'sre-i::not-started'] })],
      [moduleRef('sre-ii'), moduleIssue('sre-ii', 'ian', { iid: 31, labels: ['training-module', 'sre-ii::not-started'] })],
    ]);
    const then = plan.then?.(refs) ?? [];
    expect(then.map((a) => a.kind)).toEqual(['upsert-note', 'set-labels', 'reply']);
    expect(labelsSet(then)).toEqual(['internship-request', 'internship::active']);
    const note = statusBody(then);
    expect(parseRecord(note).approval).toEqual({ by: 'grace', buddy: 'alice', at: '2026-04-02T10:00:00.000Z', start: '2026-05-04', end: '2026-06-15', pairing: 'bob' });
    expect(note).toContain('On-call buddy: Alice Adams (alice). Pairing engineer: Bob Brown (bob).');
    expect(note).toContain('| Shadow on-call | #20 | ian, alice | 2026-05-18 | open |');
    expect(note).toContain('| Pair on an issue or OKR | #22 | ian, bob | 2026-06-15 | open |');
    expect(note).toContain('| Access request | infra/access-requests#3 | carol, erin | 2026-04-29 | open |');
    expect(note).toContain('SRE I: opened, not started (#30, `sre-i::not-started`)');
    expect(replies(then)[0]).toContain('**Approved** by Grace Green (grace)');
  });

  it('the note written at approval is the one later events and reconcile render from GitLab, so they write nothing', () => {
    const plan = approvedBy('grace');
    const created = new Map<string, Issue>([
      [taskRef('on-call'), taskIssue('on-call', { assignees: ['ian', 'alice'], dueDate: '2026-05-18' }).issue],
      [taskRef('pairing'), taskIssue('pairing').issue],
      [taskRef('access'), taskIssue('access').issue],
      [moduleRef('sre-i'), moduleIssue('sre-i', 'ian', { iid: 30, labels: ['training-module', 'sre-i::not-started'] })],
      [moduleRef('sre-ii'), moduleIssue('sre-ii', 'ian', { iid: 31, labels: ['training-module', 'sre-ii::not-started'] })],
    ]);
    const written = statusBody(plan.then?.(created) ?? []);
    const listed = [taskIssue('access', { project: 'infra/access-requests' }), taskIssue('pairing'), taskIssue('on-call', { assignees: ['ian', 'alice'], dueDate: '2026-05-18' })];
    const later = planRequest(
      requestInput({
        issue: requestIssue({ labels: ['internship-request', 'internship::active'] }),
        record: parseRecord(written),
        tasks: listed,
        modules: modules(created.get(moduleRef('sre-i'))!, created.get(moduleRef('sre-ii'))!),
      }),
    );
    expect(statusBody(later.actions)).toBe(written);
    expect(labelsSet(later.actions)).toEqual(['internship-request', 'internship::active']);
    expect(replies(later.actions)).toEqual([]);
  });

  it('an approval by someone who is not the requester\'s manager is reverted and says who can approve', () => {
    const plan = approvedBy('carol');
    expect(plan.decision).toBe('pending-approval');
    expect(labelsSet(plan.actions)).toEqual(PENDING);
    expect(replies(plan.actions)).toEqual([
      "carol moved this request to `internship::approved`, but: Only grace, ian's manager on the roster, can approve this internship request.\n\nTrellis set `internship::pending-approval`.",
    ]);
    expect(ofKind(plan.actions, 'ensure-issue')).toEqual([]);
  });

  it('the manager cannot approve a request that still needs information: it goes back with the list', () => {
    const issue = requestIssue({ description: requestText({ goal: '' }), labels: ['internship-request', 'internship::approved'] });
    const plan = approvedBy('grace', issue);
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::needs-info']);
    expect(replies(plan.actions)[0]).toContain('This request is not complete yet, so it cannot be approved');
    expect(replies(plan.actions)[0]).toContain('**What you want to learn**');
  });

  it('the approval label\'s event delivered again after the approval changes nothing and says nothing', () => {
    const issue = requestIssue({ labels: ['internship-request', 'internship::active'] });
    const tasks = [taskIssue('on-call'), taskIssue('pairing'), taskIssue('access', { project: 'infra/access-requests' })];
    const plan = planRequest(requestInput({ issue, record: { approval: APPROVAL, decline: null }, tasks, event: labelEvent('grace', PENDING, ['internship-request', 'internship::approved']) }));
    expect(plan.decision).toBe('active');
    expect(replies(plan.actions)).toEqual([]);
    expect(ofKind(plan.actions, 'set-state')).toEqual([]);
  });
});

describe('labels set by hand are put back', () => {
  it.each([
    ['grace', 'internship::declined', 'Declining needs a reason'],
    ['carol', 'internship::declined', 'only grace, the requester\'s manager on the roster, can decline'],
    ['ian', 'internship::active', 'Trellis sets that itself: `internship::active` once the manager approves'],
    ['ian', 'internship::completed', '`internship::completed` when every task issue is closed'],
    ['ian', 'internship::needs-info', 'Trellis sets that itself from its check of the description'],
  ])('%s setting %s on a pending request is put back with a reply', (actor, label, why) => {
    const issue = requestIssue({ labels: ['internship-request', label] });
    const plan = planRequest(requestInput({ issue, event: labelEvent(actor, PENDING, ['internship-request', label]) }));
    expect(labelsSet(plan.actions)).toEqual(PENDING);
    expect(replies(plan.actions)).toHaveLength(1);
    expect(replies(plan.actions)[0]).toContain(why);
  });

  it('removing the state label puts it back, saying why', () => {
    const plan = planRequest(requestInput({ issue: requestIssue({ labels: ['internship-request'] }), event: labelEvent('ian', PENDING, ['internship-request']) }));
    expect(labelsSet(plan.actions)).toEqual(PENDING);
    expect(replies(plan.actions)[0]).toContain('ian removed the `internship::` label');
  });

  it('an `approved` label whose own event has not arrived waits for it; reconcile puts it right only after a grace period', () => {
    const issue = requestIssue({ labels: ['internship-request', 'internship::approved'], updatedAt: '2026-04-01T09:50:00.000Z' });
    expect(planRequest(requestInput({ issue, event: { actor: 'ian', action: 'update', changes: {} } })).actions).toEqual([]);
    expect(planRequest(requestInput({ issue })).actions).toEqual([]);
    const later = new Date(Date.parse(issue.updatedAt) + UNEXPLAINED_LABEL_GRACE_MS + 1000);
    const plan = planRequest(requestInput({ issue, now: later }));
    expect(labelsSet(plan.actions)).toEqual(PENDING);
    expect(replies(plan.actions)[0]).toContain('Trellis has no record of its manager approving or declining it. To approve, Grace Green (grace) comments `@trellis-bot approve`');
  });
});

describe('an approved internship follows its tasks', () => {
  // After the internship's end (2026-06-15): the tasks' close dates have happened.
  const active = (tasks: ReturnType<typeof taskIssue>[], fields: Partial<Issue> = {}, event: RequestEvent | null = null) =>
    planRequest(requestInput({ issue: requestIssue({ labels: ['internship-request', 'internship::active'], ...fields }), record: { approval: APPROVAL, decline: null }, tasks, event, now: new Date('2026-06-16T10:00:00.000Z') }));

  it('while any task is open it is active, and the note counts the closed ones', () => {
    const plan = active([taskIssue('on-call', { state: 'closed', closedAt: '2026-05-18T10:00:00.000Z' }), taskIssue('pairing')]);
    expect(plan.decision).toBe('active');
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::active']);
    expect(statusBody(plan.actions)).toContain('**Tasks closed: 1 of 2**');
    expect(ofKind(plan.actions, 'set-state')).toEqual([]);
  });

  it('when every task is closed it is completed, with a closing summary, and the request closes; training does not hold it back', () => {
    const plan = active([taskIssue('on-call', { state: 'closed', closedAt: '2026-05-18T10:00:00.000Z' }), taskIssue('pairing', { state: 'closed', closedAt: '2026-06-10T10:00:00.000Z' })]);
    expect(plan.decision).toBe('completed');
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::completed']);
    expect(ofKind(plan.actions, 'set-state')).toEqual([{ kind: 'set-state', issue: { iid: 12 }, state: 'closed' }]);
    expect(statusBody(plan.actions)).toContain('Completed on 2026-06-10.');
    const [summary] = replies(plan.actions);
    expect(summary).toContain('**Internship completed.** Ian Ito (ian) finished');
    expect(summary).toContain('SRE I: missing (no module issue yet)');
  });

  it('reopening a task of a completed internship makes it active again and reopens the request', () => {
    const plan = active([taskIssue('on-call', { state: 'closed', closedAt: '2026-05-18T10:00:00.000Z' }), taskIssue('pairing')], { state: 'closed', labels: ['internship-request', 'internship::completed'] });
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::active']);
    expect(ofKind(plan.actions, 'set-state')).toEqual([{ kind: 'set-state', issue: { iid: 12 }, state: 'opened' }]);
  });

  it('a request a person closed while the internship was active is left closed', () => {
    expect(active([taskIssue('pairing')], { state: 'closed' }).actions).toEqual([]);
  });

  it('reopening a completed request whose tasks are all closed closes it again, saying how to carry on', () => {
    const tasks = [taskIssue('pairing', { state: 'closed', closedAt: '2026-06-10T10:00:00.000Z' })];
    const plan = active(tasks, { labels: ['internship-request', 'internship::completed'] }, { actor: 'ian', action: 'reopen', changes: {} });
    expect(replies(plan.actions)[0]).toContain('ian reopened this request, but every task issue is closed');
    expect(ofKind(plan.actions, 'set-state')[0]?.state).toBe('closed');
  });

  it('the summary is written once per completion: the same tasks plan the same marker, a later completion a new one', () => {
    const summaryMarker = (closedAt: string) => ofKind(active([taskIssue('pairing', { state: 'closed', closedAt })]).actions, 'reply').map((a) => markerId(a.marker));
    expect(summaryMarker('2026-06-10T10:00:00.000Z')).toEqual(summaryMarker('2026-06-10T10:00:00.000Z'));
    expect(summaryMarker('2026-06-11T10:00:00.000Z')).not.toEqual(summaryMarker('2026-06-10T10:00:00.000Z'));
  });

  it('someone moving an active internship to completed by hand is put back', () => {
    const plan = active([taskIssue('pairing')], { labels: ['internship-request', 'internship::completed'] }, labelEvent('ian', ['internship::active'], ['internship-request', 'internship::completed']));
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::active']);
    expect(replies(plan.actions)[0]).toContain('ian set `internship::completed`, but Trellis sets that itself');
  });
});

describe('an internship cannot complete before its start date (2026-05-04, in the roster\'s Europe/London)', () => {
  const closedEarly = () => [taskIssue('on-call', { state: 'closed', closedAt: '2026-04-20T10:00:00.000Z' }), taskIssue('pairing', { state: 'closed', closedAt: '2026-04-21T10:00:00.000Z' })];
  const at = (now: string, fields: Partial<Issue> = {}, event: RequestEvent | null = null) =>
    planRequest(requestInput({ issue: requestIssue({ labels: ['internship-request', 'internship::active'], ...fields }), record: { approval: APPROVAL, decline: null }, tasks: closedEarly(), event, now: new Date(now) }));

  it('every task closed before the start leaves it active, not closed, and the note says it completes on the start date', () => {
    const plan = at('2026-04-21T12:00:00.000Z');
    expect(plan.decision).toBe('active');
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::active']);
    expect(ofKind(plan.actions, 'set-state')).toEqual([]);
    expect(replies(plan.actions)).toEqual([]);
    const note = statusBody(plan.actions);
    expect(note).toContain('### Internship: active');
    expect(note).toContain('**Tasks closed: 2 of 2**');
    expect(note).toContain('it completes on its start date, 2026-05-04, when Trellis marks it `internship::completed` and closes this request.');
  });

  it('the start date is judged in the roster\'s time zone: 23:59 in London on the day before is not yet, midnight is', () => {
    expect(at('2026-05-03T22:59:00.000Z').decision).toBe('active');
    const plan = at('2026-05-03T23:00:00.000Z');
    expect(plan.decision).toBe('completed');
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::completed']);
    expect(ofKind(plan.actions, 'set-state')).toEqual([{ kind: 'set-state', issue: { iid: 12 }, state: 'closed' }]);
    expect(statusBody(plan.actions)).toContain('Completed on 2026-05-04.');
    expect(statusBody(plan.actions)).not.toContain('has not started yet');
    expect(replies(plan.actions)[0]).toContain('**Internship completed.**');
  });

  it('a request completed too early (before this rule) is reopened and made active again until its start date', () => {
    const plan = at('2026-04-22T09:00:00.000Z', { state: 'closed', labels: ['internship-request', 'internship::completed'] });
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::active']);
    expect(ofKind(plan.actions, 'set-state')).toEqual([{ kind: 'set-state', issue: { iid: 12 }, state: 'opened' }]);
  });

  it('someone moving it to completed by hand before the start is put back, told when it completes', () => {
    const plan = at('2026-04-22T09:00:00.000Z', { labels: ['internship-request', 'internship::completed'] }, labelEvent('ian', ['internship::active'], ['internship-request', 'internship::completed']));
    expect(labelsSet(plan.actions)).toEqual(['internship-request', 'internship::active']);
    expect(replies(plan.actions)[0]).toContain('`internship::completed` when every task issue is closed and the start date has come.');
  });
});

describe('a declined request', () => {
  const declined = { by: 'grace', at: '2026-04-03T08:00:00.000Z', reason: 'Not this quarter: the team is on a freeze.' };

  it('stays declined and closed; reopening it closes it again with a reply', () => {
    const issue = requestIssue({ labels: ['internship-request', 'internship::declined'] });
    const plan = planRequest(requestInput({ issue, record: { approval: null, decline: declined }, event: { actor: 'ian', action: 'reopen', changes: {} } }));
    expect(plan.decision).toBe('declined');
    expect(ofKind(plan.actions, 'set-state')[0]?.state).toBe('closed');
    expect(replies(plan.actions)[0]).toContain('Grace Green (grace) declined this request on 2026-04-03, so Trellis closed it again');
    expect(statusBody(plan.actions)).toContain('> Not this quarter: the team is on a freeze.');
  });

  it('closed and labelled declined, it needs nothing', () => {
    const issue = requestIssue({ state: 'closed', labels: ['internship-request', 'internship::declined'] });
    const plan = planRequest(requestInput({ issue, record: { approval: null, decline: declined } }));
    expect(plan.actions.map((a) => a.kind)).toEqual(['upsert-note', 'set-labels']);
  });
});

describe('records in the status note', () => {
  it.each([
    ['an approval', { approval: APPROVAL, decline: null }],
    ['an approval without a buddy', { approval: { ...APPROVAL, buddy: null }, decline: null }],
    ['an approval with a pairing engineer', { approval: { ...APPROVAL, pairing: 'bob' }, decline: null }],
    ['a decline with a reason of any text', { approval: null, decline: { by: 'grace', at: '2026-04-03T08:00:00.000Z', reason: 'Nächstes Quartal / next quarter — ok? 100%' } }],
  ])('%s reads back as written', (_, record) => {
    const note = planRequest(requestInput({ issue: requestIssue({ labels: ['internship-request', 'internship::active'] }), record, tasks: [taskIssue('pairing')] }));
    expect(parseRecord(statusBody(note.actions))).toEqual(record);
  });

  it('an approval record carries no spaces or characters a marker cannot hold; one written before pairing engineers reads back with none', () => {
    expect(markerId(approvalMarker(APPROVAL))).toBe('internship-approved:grace/alice/2026-04-02T10:00:00.000Z/2026-05-04/2026-06-15');
    expect(markerId(approvalMarker({ ...APPROVAL, pairing: 'bob' }))).toBe('internship-approved:grace/alice/2026-04-02T10:00:00.000Z/2026-05-04/2026-06-15/bob');
    expect(BOT).toBe('trellis-bot');
  });
});
