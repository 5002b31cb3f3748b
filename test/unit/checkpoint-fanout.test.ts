import { describe, expect, it } from 'vitest';
import { conversationLinks, needsContext, planQuarterOpen } from '../../src/workflows/checkpoint/plan-quarter-open.js';
import type { QuarterListings } from '../../src/workflows/checkpoint/plan-quarter-open.js';
import { checkpointDescription, checkpointIssue, conversationIssue, conversationTemplate, quarter, reachTarget, roster, tickAreas } from './checkpoint-fixtures.js';

const REPORTS = ['carol', 'erin', 'alice', 'bob', 'olivia'];
const Q2 = quarter('FY27-Q2');
const template = conversationTemplate();

function fanOut(listings: Partial<QuarterListings>, r = roster()) {
  return planQuarterOpen({ roster: r, quarter: Q2, listings: { checkpoints: [], previous: [], conversations: [], ...listings }, template });
}

let iid = 100;
const q2 = (report: string, fields = {}) => checkpointIssue('FY27-Q2', report, { iid: iid++, ...fields });

describe("the quarter's fan-out, planned from listings", () => {
  it('an empty quarter queues one job per report with a manager, keyed by quarter and report', () => {
    const plan = fanOut({});
    expect(plan.jobs.map((j) => j.id)).toEqual(REPORTS.map((r) => `checkpoint:FY27-Q2:${r}`));
    expect(plan.jobs.every((j) => j.name === 'checkpoint:ensure-checkpoint')).toBe(true);
    expect(plan.jobs[2]!.data).toEqual({ quarter: 'FY27-Q2', report: 'alice', checkpoint: null, conversation: null, previous: null });
    expect(plan.rows.map((r) => [r.report, r.manager, r.checkpoint, r.conversation])).toContainEqual(['alice', 'carol', 'create', 'create']);
    expect(plan.rows.map((r) => r.report)).not.toContain('vera');
  });

  it('a quarter where every checkpoint exists and matches the roster queues nothing', () => {
    const plan = fanOut({ checkpoints: REPORTS.map((r) => q2(r)), previous: null, conversations: null });
    expect(plan.jobs).toEqual([]);
    expect(plan.rows.every((r) => r.checkpoint === 'exists' && r.conversation === 'not listed')).toBe(true);
    expect(needsContext(roster(), Q2, REPORTS.map((r) => q2(r)))).toBe(false);
  });

  it('one missing checkpoint needs the rest listed, and is the only job', () => {
    const existing = REPORTS.filter((r) => r !== 'bob').map((r) => q2(r));
    expect(needsContext(roster(), Q2, existing)).toBe(true);
    const plan = fanOut({ checkpoints: existing, conversations: REPORTS.map((r) => conversationIssue(r, { iid: iid++ })) });
    expect(plan.jobs.map((j) => j.id)).toEqual(['checkpoint:FY27-Q2:bob']);
  });

  it("the job carries the report's conversation and last quarter's checkpoint, so it never searches", () => {
    const talk = conversationIssue('alice', { iid: 9, description: conversationTemplate().replace('Your lighthouse:\n', 'Your lighthouse:\n\nRun the SRE org one day.\n').replace('1.\n2.', '1. Curiosity\n2. Candour') });
    const last = checkpointIssue('FY27-Q1', 'alice', { iid: 3, description: reachTarget(tickAreas(checkpointDescription('FY27-Q1', 'alice'), [0, 1]), 'Incident management and on-call') });
    const job = fanOut({ conversations: [talk], previous: [last] }).jobs.find((j) => j.data.report === 'alice')!;
    expect(job.data.conversation).toEqual({ iid: 9, values: '1. Curiosity\n2. Candour', lighthouse: 'Run the SRE org one day.', filledIn: true });
    expect(job.data.previous).toEqual({
      iid: 3,
      quarter: 'FY27-Q1',
      chosen: ['Incident management and on-call', 'Observability: metrics, logging, tracing and alerting'],
      unfinished: ['Observability: metrics, logging, tracing and alerting'],
    });
  });

  it('a report whose manager changed gets an update job naming the new manager; the checkpoint is not created again', () => {
    const moved = roster(DEPARTMENT_MOVED);
    const plan = fanOut({ checkpoints: REPORTS.map((r) => q2(r)), previous: null, conversations: null }, moved);
    expect(plan.jobs.map((j) => j.id)).toEqual(['checkpoint:FY27-Q2:olivia+carol']);
    expect(plan.jobs[0]!.data.checkpoint).toMatchObject({ assignees: ['olivia', 'erin'] });
    expect(plan.rows.find((r) => r.report === 'olivia')).toMatchObject({ checkpoint: 'update', changes: ['assignees'] });
  });

  it.each([
    ['made public', { confidential: false }, ['confidential']],
    ['without its due date', { dueDate: null }, ['due date']],
    ['with someone else assigned too', { assignees: ['alice', 'carol', 'zed'] }, ['assignees']],
  ])('a checkpoint %s is brought back in line with the roster', (_name, fields, changes) => {
    const plan = fanOut({ checkpoints: REPORTS.map((r) => (r === 'alice' ? q2(r, fields) : q2(r))), previous: null, conversations: null });
    expect(plan.rows.find((r) => r.report === 'alice')?.changes).toEqual(changes);
    expect(plan.jobs.map((j) => j.id)).toEqual(['checkpoint:FY27-Q2:alice+carol']);
  });

  it('the checkpoint of someone who left is kept and reported, never updated', () => {
    const left = roster(DEPARTMENT_WITHOUT_BOB);
    const bob = q2('bob');
    const plan = fanOut({ checkpoints: [...REPORTS.map((r) => (r === 'bob' ? bob : q2(r)))], previous: null, conversations: null }, left);
    expect(plan.departed).toEqual([bob]);
    expect(plan.jobs).toEqual([]);
  });

  it("another quarter's checkpoint or a second one for the same report does not count as this quarter's", () => {
    const first = q2('alice', { iid: 1 });
    const second = q2('alice', { iid: 2 });
    const other = checkpointIssue('FY27-Q1', 'bob');
    const plan = fanOut({ checkpoints: [second, first, other] });
    expect(plan.rows.find((r) => r.report === 'alice')?.checkpointIid).toBe(1);
    expect(plan.rows.find((r) => r.report === 'bob')?.checkpoint).toBe('create');
  });

  it('a conversation Trellis made wins over one a person opened by hand; a titled one counts when it is the only one', () => {
    const byHand = conversationIssue('alice', { iid: 1, description: 'my own', author: 'alice' });
    const mine = conversationIssue('alice', { iid: 2 });
    const bobs = conversationIssue('bob', { iid: 3, description: 'written by bob' });
    const links = conversationLinks([byHand, mine, bobs], template);
    expect(links.get('alice')?.iid).toBe(2);
    expect(links.get('bob')?.iid).toBe(3);
  });

  it('a conversation someone opened from the template under a title of their own is the author’s', () => {
    const own = conversationIssue('olivia', { iid: 4, title: 'My career thoughts', description: 'values...', author: 'olivia' });
    expect(conversationLinks([own], template).get('olivia')?.iid).toBe(4);
  });

  it('a checkpoint that exists while the conversation is missing queues a job to open the conversation only', () => {
    const plan = fanOut({ checkpoints: REPORTS.filter((r) => r !== 'bob').map((r) => q2(r)), conversations: REPORTS.filter((r) => r !== 'alice').map((r) => conversationIssue(r, { iid: iid++ })) });
    const alice = plan.jobs.find((j) => j.data.report === 'alice')!;
    expect(alice.id).toBe('checkpoint:FY27-Q2:alice');
    expect(alice.data.checkpoint).not.toBeNull();
    expect(alice.data.conversation).toBeNull();
  });
});

const DEPARTMENT_MOVED = `
fiscal_year_start_month: 2
timezone: Europe/London
teams:
  - { id: foundations, name: Foundations, kind: sre, manager: carol }
people:
  - { username: vera, name: Vera Vance, team: foundations, role: senior-engineering-manager, level: director, timezone: Europe/London }
  - { username: carol, name: Carol Chen, manager: vera, team: foundations, role: engineering-manager, level: manager, timezone: Europe/Berlin }
  - { username: erin, name: Erin Evans, manager: vera, team: foundations, role: engineering-manager, level: manager, timezone: America/New_York }
  - { username: alice, name: Alice Adams, manager: carol, team: foundations, role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin }
  - { username: bob, name: Bob Brown, manager: carol, team: foundations, role: senior-site-reliability-engineer, level: senior, timezone: Europe/Paris }
  - { username: olivia, name: Olivia Ortiz, manager: carol, team: foundations, role: site-reliability-engineer, level: intermediate, timezone: America/Toronto }
`;

const DEPARTMENT_WITHOUT_BOB = DEPARTMENT_MOVED.replace(/ {2}- \{ username: bob,.*\n/, '').replace('username: olivia, name: Olivia Ortiz, manager: carol', 'username: olivia, name: Olivia Ortiz, manager: erin');
