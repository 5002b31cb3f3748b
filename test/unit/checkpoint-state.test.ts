import { describe, expect, it } from 'vitest';
import { checkpointState, phaseOf, planCheckpoint, reviewDate } from '../../src/workflows/checkpoint/plan-checkpoint.js';
import type { Trigger } from '../../src/workflows/checkpoint/plan-checkpoint.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { checkpointIssue, ofKind, quarter, roster, tickAreas, withSummary } from './checkpoint-fixtures.js';

const Q1 = quarter('FY27-Q1'); // 2026-02-01 .. 2026-04-30
const Q4 = quarter('FY27-Q4'); // 2026-11-01 .. 2027-01-31

describe('the calendar of a quarter', () => {
  it.each([
    [Q1, '2026-02-01', 14, 'quarter'],
    [Q1, '2026-04-15', 14, 'quarter'],
    [Q1, '2026-04-16', 14, 'review'],
    [Q1, '2026-04-30', 14, 'review'],
    [Q1, '2026-05-01', 14, 'ended'],
    [Q1, '2026-04-29', 0, 'quarter'],
    [Q1, '2026-04-30', 0, 'review'],
    [Q4, '2027-01-17', 14, 'review'],
    [Q4, '2027-01-16', 14, 'quarter'],
    [Q4, '2027-02-01', 14, 'ended'],
    [Q1, '2026-03-31', 30, 'review'],
  ] as const)('%s on %s with %i reminder days is in phase %s', (q, today, days, phase) => {
    expect(phaseOf(q, today, days)).toBe(phase);
  });

  it.each([
    [Q1, 14, '2026-04-16'],
    [Q4, 14, '2027-01-17'],
    [quarter('FY27-Q2'), 14, '2026-07-17'],
    [quarter('FY27-Q3'), 7, '2026-10-24'],
  ] as const)('the review reminder of %s, %i days before its end, comes on %s', (q, days, date) => {
    expect(reviewDate(q, days)).toBe(date);
  });
});

describe('the state a checkpoint is in', () => {
  const reading = (chosen: number, summary = '') => ({ chosen: Array.from({ length: chosen }, (_, i) => `Area ${i}`), unfinished: [], summary });
  it.each([
    ['no focus areas ticked keeps it planning', reading(0), false, 'quarter', 'planning'],
    ['one focus area ticked keeps it planning', reading(1), false, 'quarter', 'planning'],
    ['two focus areas ticked put it in progress', reading(2), false, 'quarter', 'in-progress'],
    ['three focus areas ticked put it in progress', reading(3), false, 'quarter', 'in-progress'],
    ['four focus areas ticked keep it planning', reading(4), false, 'quarter', 'planning'],
    ['the review window puts an open checkpoint in review', reading(2), false, 'review', 'review'],
    ['a summary written before the end, left open, is in review', reading(2, 'done it'), false, 'quarter', 'review'],
    ['a summary and a close make it done', reading(2, 'done it'), true, 'quarter', 'done'],
    ['a summary left open at quarter end is done (and gets closed)', reading(2, 'done it'), false, 'ended', 'done'],
    ['closed with an empty summary during the quarter is in review', reading(2), true, 'quarter', 'review'],
    ['closed with an empty summary after the end is overdue', reading(2), true, 'ended', 'overdue'],
    ['no summary after the end is overdue', reading(3), false, 'ended', 'overdue'],
  ] as const)('%s', (_name, r, closed, phase, state) => {
    expect(checkpointState(r, closed, phase)).toBe(state);
  });
});

const event = (action: 'open' | 'close' | 'reopen' | 'update' = 'update'): Trigger => ({ kind: 'event', action });

function plan(issue: Issue, today: string, trigger: Trigger = event(), r = roster()) {
  return planCheckpoint({ issue, id: { quarter: 'FY27-Q1', report: 'alice' }, roster: r, today, reviewDays: 14, trigger });
}

const alice = (fields: Partial<Issue> = {}) => checkpointIssue('FY27-Q1', 'alice', fields);

describe('planning a checkpoint after a change', () => {
  it('a checkpoint with two focus areas ticked moves to in progress and its status note names them', () => {
    const actions = plan(alice({ description: tickAreas(alice().description, [0, 2]) }), '2026-02-12');
    expect(ofKind(actions, 'set-labels')[0]?.add).toEqual(['career-checkpoint', 'quarter::FY27-Q1', 'checkpoint::in-progress']);
    const note = ofKind(actions, 'upsert-note')[0]!;
    expect(note.marker).toEqual({ kind: 'status', key: 'checkpoint' });
    expect(note.body).toContain('Focus areas: Incident management and on-call; Capacity planning and performance.');
    expect(note.body).toContain('Trellis asks for the summary of progress on 2026-04-16');
    expect(note.body).not.toContain('@');
  });

  it('a checkpoint with four focus areas ticked asks to choose two or three, once per choice of areas', () => {
    const four = plan(alice({ description: tickAreas(alice().description, [0, 1, 2, 3]) }), '2026-02-12');
    const again = plan(alice({ description: tickAreas(alice().description, [0, 1, 2, 3]), updatedAt: '2026-02-13T00:00:00.000Z' }), '2026-02-12');
    const other = plan(alice({ description: tickAreas(alice().description, [0, 1, 2, 4]) }), '2026-02-12');
    const reply = ofKind(four, 'reply')[0]!;
    expect(ofKind(four, 'set-labels')[0]?.add).toContain('checkpoint::planning');
    expect(reply.body).toMatch(/^4 focus areas are ticked: .*please choose two or three and untick the rest/);
    expect(ofKind(again, 'reply')[0]?.marker).toEqual(reply.marker);
    expect(ofKind(other, 'reply')[0]?.marker).not.toEqual(reply.marker);
  });

  it('fewer than two focus areas keep it planning with no reply', () => {
    const actions = plan(alice({ description: tickAreas(alice().description, [5]) }), '2026-02-12');
    expect(ofKind(actions, 'set-labels')[0]?.add).toContain('checkpoint::planning');
    expect(ofKind(actions, 'reply')).toEqual([]);
    expect(ofKind(actions, 'upsert-note')[0]?.body).toContain('One focus area is ticked: Infrastructure as code and configuration management.');
  });

  it('in the review window a new note asks both people, by mention, to record the summary and update the EFW; the status note names them plainly', () => {
    const actions = plan(alice(), '2026-04-16', { kind: 'pass' });
    const body = ofKind(actions, 'upsert-note')[0]!.body;
    expect(body).toContain('alice and carol: at your last 1:1 of the quarter, record the summary of progress');
    expect(body).not.toContain('@');
    const asks = ofKind(actions, 'reply');
    expect(asks.map((a) => a.body)).toEqual([expect.stringMatching(/^@alice and @carol: this checkpoint is in review \(FY27-Q1 ends on 2026-04-30\): at your last 1:1 of the quarter, record the summary of progress/)]);
    expect(asks[0]!.body).toContain('update the EFW ([EFW](https://example.com/efw/alice))');
    // The same ask on every later pass: one marker, so the executor writes it once.
    expect(ofKind(plan(alice(), '2026-04-20', { kind: 'pass' }), 'reply').map((a) => a.marker)).toEqual(asks.map((a) => a.marker));
  });

  it('a summary written and the issue closed make it done, without closing again or mentioning anyone', () => {
    const actions = plan(alice({ description: withSummary(alice().description, 'Reviewed two incidents.'), state: 'closed' }), '2026-04-20', event('close'));
    expect(ofKind(actions, 'set-labels')[0]?.add).toContain('checkpoint::done');
    expect(ofKind(actions, 'set-state')).toEqual([]);
    expect(ofKind(actions, 'reply')).toEqual([]);
  });

  it('a summary written and the issue left open is closed as done once the quarter has ended', () => {
    const actions = plan(alice({ description: withSummary(alice().description, 'Reviewed two incidents.') }), '2026-05-01', { kind: 'pass' });
    expect(ofKind(actions, 'set-labels')[0]?.add).toContain('checkpoint::done');
    expect(ofKind(actions, 'set-state')).toEqual([{ kind: 'set-state', issue: { iid: 40 }, state: 'closed' }]);
  });

  it('a summary that is only the template comment is no summary', () => {
    const actions = plan(alice({ state: 'closed', closedAt: '2026-04-20T10:00:00.000Z' }), '2026-04-20', event('close'));
    expect(ofKind(actions, 'set-labels')[0]?.add).toContain('checkpoint::review');
  });

  it.each([
    ['during the quarter', '2026-03-03', 'checkpoint::review', '`checkpoint::review` until then'],
    ['after the quarter ended', '2026-05-03', 'checkpoint::overdue', '`checkpoint::overdue`'],
  ])('closing it with an empty summary %s gets one reply and %s', (_when, today, label, says) => {
    const closed = alice({ state: 'closed', closedAt: `${today}T10:00:00.000Z` });
    const actions = plan(closed, today, event('close'));
    expect(ofKind(actions, 'set-labels')[0]?.add).toContain(label);
    const replies = ofKind(actions, 'reply').filter((a) => a.marker.kind === 'closed-empty');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.marker.key).toBe(`${today}T10:00:00.000Z`);
    expect(replies[0]!.body).toContain(says);
    // A schedule passing by the same closed issue does not reply about the close.
    expect(ofKind(plan(closed, today, { kind: 'pass' }), 'reply').filter((a) => a.marker.kind === 'closed-empty')).toEqual([]);
  });

  it('no summary by the day after quarter end gives overdue and one reminder to the manager', () => {
    const actions = plan(alice({ description: tickAreas(alice().description, [0, 1]) }), '2026-05-01', { kind: 'pass' });
    expect(ofKind(actions, 'set-labels')[0]?.add).toContain('checkpoint::overdue');
    const reminders = ofKind(actions, 'reply').filter((a) => a.marker.kind === 'reminder');
    expect(reminders.map((r) => r.marker)).toEqual([{ kind: 'reminder', key: 'overdue' }]);
    expect(reminders[0]!.body).toMatch(/^@carol, FY27-Q1 ended on 2026-04-30 and the checkpoint of Alice Adams \(alice\) has no summary/);
    expect(ofKind(actions, 'set-state')).toEqual([]);
  });

  it('a checkpoint made public is made confidential again, with one reply saying why', () => {
    const actions = plan(alice({ confidential: false }), '2026-02-12');
    expect(ofKind(actions, 'update-issue')).toEqual([{ kind: 'update-issue', issue: { iid: 40 }, confidential: true }]);
    expect(ofKind(actions, 'reply').map((a) => a.marker.kind)).toEqual(['confidential']);
  });

  it('the checkpoint of someone who left the roster is kept: labels follow the rules, nobody is mentioned or reminded', () => {
    const left = roster().people.filter((p) => p.username !== 'alice');
    const r = { ...roster(), people: left };
    const review = plan(alice(), '2026-04-20', { kind: 'pass' }, r);
    const overdue = plan(alice(), '2026-05-01', { kind: 'pass' }, r);
    expect(ofKind(review, 'upsert-note')[0]?.body).not.toContain('@');
    expect(ofKind(review, 'upsert-note')[0]?.body).toContain('alice is not on the roster any more');
    expect(ofKind(overdue, 'set-labels')[0]?.add).toContain('checkpoint::overdue');
    expect(ofKind(overdue, 'reply')).toEqual([]);
  });

  it('a label someone moved by hand is put back to what the description and the date say', () => {
    const actions = plan(alice({ labels: ['career-checkpoint', 'quarter::FY27-Q1', 'checkpoint::done'] }), '2026-02-12');
    expect(ofKind(actions, 'set-labels')[0]?.add).toContain('checkpoint::planning');
  });

  it('focus areas people wrote are quoted without mentions, quick actions or HTML', () => {
    const description = alice().description.replace('## Focus areas\n', '## Focus areas\n\n- [x] Talk to @all <b>now</b>\n- [x] /close it\n');
    const body = ofKind(plan(alice({ description }), '2026-02-12'), 'upsert-note')[0]!.body;
    expect(body).toContain('Talk to @\u200Dall &lt;b>now&lt;/b>');
    expect(body).not.toMatch(/@all|<b>|^\/close/m);
  });
});
