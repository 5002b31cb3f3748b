import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import {
  assigneesOf,
  botNotes,
  checkpointOf,
  checkpoints,
  conversations,
  DEPARTMENT,
  MANAGER,
  REPORTS,
  runJob,
  stateOf,
  statusNote,
  tickAreas,
  withSummary,
} from './checkpoint-helpers.js';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E({ roster: DEPARTMENT, now: '2026-02-01T09:00:00.000Z', extraUsers: ['dan'] });
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

const ROSTER = encodeURIComponent('.trellis/roster.yml');

async function pushRoster(content: string): Promise<void> {
  await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/repository/files/${ROSTER}`, { branch: 'main', content, commit_message: 'roster update' });
  await e2e.settle();
  // The push queued the fan-out; let it and the jobs it queued finish.
  await e2e.settle();
}

/** The department through fiscal year FY27, one step after another: each test builds on the last. */
describe('a fiscal year of career checkpoints for a small department', () => {
  it('installs the quarter, review and 360 schedules in the roster time zone', async () => {
    const schedulers = await e2e.trellis.jobs!.queue.getJobSchedulers(0, -1);
    const byId = new Map(schedulers.map((s) => [s.key, s]));
    expect(byId.get('checkpoint-quarter-open')).toMatchObject({ pattern: '0 9 1 2,5,8,11 *', tz: 'Europe/London' });
    expect(byId.get('checkpoint-quarter-close')).toMatchObject({ pattern: '0 9 1 2,5,8,11 *', tz: 'Europe/London' });
    expect(byId.get('checkpoint-review-reminder')).toMatchObject({ pattern: '0 9 * * *' });
    expect(byId.get('checkpoint-evidence-03-01')).toMatchObject({ pattern: '0 9 1 3 *' });
    expect(byId.get('checkpoint-evidence-09-01')).toMatchObject({ pattern: '0 9 1 9 *' });
  });

  it('`big-picture` opens a confidential conversation for the commenter, once, however often the note is delivered', async () => {
    e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
    const asked = await e2e.as('alice').createIssue({ title: 'my career' });
    await e2e.as('alice').comment(asked, `@${BOT} big-picture`);
    await e2e.settle();
    e2e.sim.setFaults({ webhook_duplicate_ratio: 0 });
    const talk = (await conversations(e2e)).get('alice')!;
    expect([talk.confidential, assigneesOf(talk)]).toEqual([true, ['alice', 'carol']]);
    expect(talk.description).toContain('## 2. Your lighthouse');
    // Asked in the department project, where others read: the reply names no record.
    const replies = (await botNotes(e2e, asked)).map((n) => n.body);
    expect(replies).toEqual([expect.stringContaining("Done. alice's big-picture career conversation is private, so this reply does not link it: alice and carol find it among the issues assigned to them")]);
    expect(replies[0]).not.toContain(`${RECORDS_GROUP}/alice#`);
    // Asked again on her own checkpoint, in her private records project, the reply links it.
    await e2e.as('alice').comment(talk, `@${BOT} big-picture`);
    await e2e.settle();
    const there = (await botNotes(e2e, talk)).map((n) => n.body);
    expect(there.some((b) => b.includes(`alice's big-picture career conversation is ${RECORDS_GROUP}/alice#${talk.iid}; Trellis did not open another.`))).toBe(true);
  });

  it('FY27-Q1 opens with one confidential checkpoint and one big-picture conversation per report, assigned to the report and the manager', async () => {
    e2e.sim.resetRequests();
    await runJob(e2e, 'checkpoint:open-quarter');
    const q1 = await checkpoints(e2e, 'FY27-Q1');
    const talks = await conversations(e2e);
    expect([...q1.keys()].sort()).toEqual([...REPORTS].sort());
    expect([...talks.keys()].sort()).toEqual([...REPORTS].sort());
    for (const report of REPORTS) {
      const issue = q1.get(report)!;
      expect(issue.title).toBe(`FY27-Q1 career checkpoint: @${report}`);
      expect([issue.confidential, issue.due_date, stateOf(issue)]).toEqual([true, '2026-04-30', 'checkpoint::planning']);
      expect(issue.labels).toEqual(expect.arrayContaining(['career-checkpoint', 'quarter::FY27-Q1']));
      expect(assigneesOf(issue)).toEqual([report, MANAGER[report]].sort());
      const talk = talks.get(report)!;
      expect([talk.confidential, talk.labels, assigneesOf(talk)]).toEqual([true, ['career-conversation'], [report, MANAGER[report]].sort()]);
      expect(issue.description).toContain(`big-picture career conversation: #${talk.iid}`);
      expect(issue.description).not.toMatch(/^\/\w/m);
    }
    const alice = q1.get('alice')!.description ?? '';
    expect(alice).toContain('[open the EFW](https://example.com/efw/alice)');
    expect(alice).toContain('- [ ] Capacity planning and performance');
    expect(alice).toContain('the next level is senior');
    // Creating costs one issue creation per record, and nothing else is written.
    const counts = e2e.sim.requests();
    // alice has her conversation already: one issue creation per missing record, nothing else written.
    expect(counts.byClass.issue_create).toBe(2 * REPORTS.length - 1);
    expect(counts.byClass.note_create).toBe(0);
    expect(counts.byClass.write).toBe(2 * REPORTS.length - 1);
  });

  it('re-running the fan-out, twice at once and with every webhook delivered twice, creates nothing and reads one page', async () => {
    e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
    e2e.sim.resetRequests();
    await Promise.all([runJob(e2e, 'checkpoint:open-quarter'), runJob(e2e, 'checkpoint:open-quarter')]);
    e2e.sim.setFaults({ webhook_duplicate_ratio: 0 });
    const counts = e2e.sim.requests();
    expect(counts.byClass.write).toBe(0);
    expect(counts.byClass.read).toBe(2);
    expect((await checkpoints(e2e, 'FY27-Q1')).size).toBe(REPORTS.length);
    expect((await conversations(e2e)).size).toBe(REPORTS.length);
  });

  it('two or three focus areas ticked move a checkpoint to in progress; four ask to choose two or three; one keeps it planning', async () => {
    e2e.setClock('2026-02-12T10:00:00.000Z');
    e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
    const q1 = await checkpoints(e2e, 'FY27-Q1');
    const edit = (who: string, by: string, positions: number[]) =>
      e2e.as(by).editIssue(q1.get(who)!, { description: tickAreas(q1.get(who)!.description ?? '', positions) });
    await edit('alice', 'alice', [0, 2]);
    await edit('bob', 'carol', [0, 1, 2, 3]);
    await edit('olivia', 'olivia', [1]);
    await e2e.settle();
    e2e.sim.setFaults({ webhook_duplicate_ratio: 0 });
    const after = await checkpoints(e2e, 'FY27-Q1');
    expect(['alice', 'bob', 'olivia'].map((r) => stateOf(after.get(r)!))).toEqual(['checkpoint::in-progress', 'checkpoint::planning', 'checkpoint::planning']);
    expect(await statusNote(e2e, after.get('alice')!)).toContain('Focus areas: Incident management and on-call; Capacity planning and performance');
    const bobNotes = await botNotes(e2e, after.get('bob')!);
    expect(bobNotes.filter((n) => n.body.includes('please choose two or three'))).toHaveLength(1);
    expect(bobNotes.every((n) => !n.body.includes('@'))).toBe(true);
    // Bob unticks one: three is fine, and the status note is edited in place.
    await e2e.as('bob').editIssue(after.get('bob')!, { description: tickAreas(after.get('bob')!.description ?? '', [0, 1, 2]) });
    await e2e.settle();
    const bob = await checkpointOf(e2e, 'FY27-Q1', 'bob');
    expect(stateOf(bob)).toBe('checkpoint::in-progress');
    expect((await botNotes(e2e, bob)).length).toBe(2);
  });

  it('`checkpoint` and `big-picture` commands: refused for others, answered for the report without naming the private records in a place others read', async () => {
    const note = await e2e.as('bob').createIssue({ title: 'career questions' });
    await e2e.as('bob').comment(note, `@${BOT} checkpoint @alice`);
    await e2e.as('carol').comment(note, `@${BOT} checkpoint @alice\n@${BOT} big-picture @alice`);
    await e2e.settle();
    const replies = (await botNotes(e2e, note)).map((n) => n.body);
    const alice = await checkpointOf(e2e, 'FY27-Q1', 'alice');
    expect(replies).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Only alice or their manager (carol) can open a FY27-Q1 career checkpoint'),
        expect.stringContaining("Done. alice's FY27-Q1 career checkpoint is private, so this reply does not link it"),
        expect.stringContaining("Done. alice's big-picture career conversation is private, so this reply does not link it"),
      ]),
    );
    expect(replies.join('\n')).not.toContain(`${RECORDS_GROUP}/alice#`);
    expect((await checkpoints(e2e, 'FY27-Q1')).size).toBe(REPORTS.length);
    await e2e.as('carol').comment(alice, `@${BOT} status`);
    await e2e.settle();
    const status = (await botNotes(e2e, alice)).filter((n) => n.body.includes('-checkpoint -->'));
    expect(status.map((n) => n.body)).toEqual([expect.stringContaining("alice's FY27-Q1 checkpoint is **in progress** (`checkpoint::in-progress`).")]);
  });

  it('on 03-01 every report’s latest checkpoint gets one note gathering the year for 360 feedback', async () => {
    e2e.setClock('2026-03-01T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:gather-year', { date: '03-01' });
    await runJob(e2e, 'checkpoint:gather-year', { date: '03-01' });
    const alice = await checkpointOf(e2e, 'FY27-Q1', 'alice');
    const evidence = (await botNotes(e2e, alice)).filter((n) => n.body.includes('trellis:evidence:2026-03-01'));
    expect(evidence).toHaveLength(1);
    expect(evidence[0]!.body).toContain(`| FY27-Q1 | #${alice.iid} | in-progress | Incident management and on-call; Capacity planning and performance | none |`);
  });

  it('the day before the review window nothing is read; from 14 days before quarter end, open checkpoints move to review and both people are asked for the summary', async () => {
    e2e.setClock('2026-04-15T09:00:00.000Z');
    e2e.sim.resetRequests();
    await runJob(e2e, 'checkpoint:review-reminder');
    expect(e2e.sim.requests().total).toBe(0);
    e2e.setClock('2026-04-16T08:00:00.000Z');
    await runJob(e2e, 'checkpoint:review-reminder');
    await runJob(e2e, 'checkpoint:review-reminder');
    const q1 = await checkpoints(e2e, 'FY27-Q1');
    for (const report of REPORTS) expect(stateOf(q1.get(report)!), report).toBe('checkpoint::review');
    const status = await statusNote(e2e, q1.get('alice')!);
    expect(status).toContain('alice and carol: at your last 1:1 of the quarter, record the summary of progress');
    // The ask is a new note, written once although the reminder ran twice.
    const asks = (await botNotes(e2e, q1.get('alice')!)).filter((n) => n.body.startsWith('@alice and @carol: this checkpoint is in review'));
    expect(asks).toHaveLength(1);
    expect(asks[0]!.body).toContain('update the EFW ([EFW](https://example.com/efw/alice))');
  });

  it('a summary and a close make it done; a summary left open waits for quarter close; closing with an empty summary gets a reply', async () => {
    e2e.setClock('2026-04-24T15:00:00.000Z');
    const q1 = await checkpoints(e2e, 'FY27-Q1');
    const alice = q1.get('alice')!;
    await e2e.as('alice').editIssue(alice, { description: withSummary(alice.description ?? '', 'Led two incident reviews.\n/close\n@all thanks <b>team</b>') });
    await e2e.settle();
    await e2e.as('carol').editIssue(alice, { state_event: 'close' });
    const bob = q1.get('bob')!;
    await e2e.as('bob').editIssue(bob, { description: withSummary(bob.description ?? '', 'Capacity plan for Redis written.') });
    await e2e.as('olivia').editIssue(q1.get('olivia')!, { state_event: 'close' });
    await e2e.settle();
    const after = await checkpoints(e2e, 'FY27-Q1');
    expect([after.get('alice')!.state, stateOf(after.get('alice')!)]).toEqual(['closed', 'checkpoint::done']);
    expect([after.get('bob')!.state, stateOf(after.get('bob')!)]).toEqual(['opened', 'checkpoint::review']);
    expect([after.get('olivia')!.state, stateOf(after.get('olivia')!)]).toEqual(['closed', 'checkpoint::review']);
    expect((await botNotes(e2e, after.get('olivia')!)).filter((n) => n.body.includes('closed without a summary of progress'))).toHaveLength(2);
  });

  it('the day after quarter end: summaries left open are closed as done, the rest are overdue with one reminder to the manager; FY27-Q2 opens linking back', async () => {
    e2e.setClock('2026-05-01T08:00:00.000Z');
    await runJob(e2e, 'checkpoint:close-quarter');
    await runJob(e2e, 'checkpoint:close-quarter');
    e2e.sim.resetRequests();
    await runJob(e2e, 'checkpoint:open-quarter');
    expect(e2e.sim.requests().byClass.issue_create).toBe(REPORTS.length);
    const q1 = await checkpoints(e2e, 'FY27-Q1');
    const states = Object.fromEntries(REPORTS.map((r) => [r, [q1.get(r)!.state, stateOf(q1.get(r)!)]]));
    expect(states).toEqual({
      alice: ['closed', 'checkpoint::done'],
      bob: ['closed', 'checkpoint::done'],
      olivia: ['closed', 'checkpoint::overdue'],
      carol: ['opened', 'checkpoint::overdue'],
      erin: ['opened', 'checkpoint::overdue'],
    });
    const reminders = (await botNotes(e2e, q1.get('olivia')!)).filter((n) => n.body.includes('trellis:reminder:overdue'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.body).toMatch(/^@erin, FY27-Q1 ended on 2026-04-30/);
    const aliceQ2 = await checkpointOf(e2e, 'FY27-Q2', 'alice');
    expect([aliceQ2.due_date, stateOf(aliceQ2), assigneesOf(aliceQ2)]).toEqual(['2026-07-31', 'checkpoint::planning', ['alice', 'carol']]);
    expect(aliceQ2.description).toContain(`FY27-Q1 checkpoint: #${q1.get('alice')!.iid}.`);
    expect(aliceQ2.description).toContain('Focus areas it left unfinished, to carry over or to close consciously:\n\n- Incident management and on-call\n- Capacity planning and performance');
    expect((await conversations(e2e)).size).toBe(REPORTS.length);
  });

  it('a report added to the roster mid-quarter gets a checkpoint; a change of manager moves the assignees; a leaver keeps theirs', async () => {
    e2e.setClock('2026-05-12T10:00:00.000Z');
    const roster = DEPARTMENT.replace(
      '  - { username: olivia, name: Olivia Ortiz, manager: erin,',
      '  - { username: dan, name: Dan Dorsey, manager: carol, team: foundations, role: backend-engineer, level: senior, timezone: Europe/Lisbon }\n  - { username: olivia, name: Olivia Ortiz, manager: carol,',
    ).replace(/ {2}- \{ username: bob,.*\n/, '');
    // Bob chose his focus areas before leaving: his checkpoint is in progress.
    const bobQ2 = await checkpointOf(e2e, 'FY27-Q2', 'bob');
    await e2e.as('bob').editIssue(bobQ2, { description: tickAreas(bobQ2.description ?? '', [0, 1]) });
    await e2e.settle();
    const bobBefore = await checkpointOf(e2e, 'FY27-Q2', 'bob');
    expect(stateOf(bobBefore)).toBe('checkpoint::in-progress');
    await pushRoster(roster);
    const q2 = await checkpoints(e2e, 'FY27-Q2');
    expect([...q2.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dan', 'erin', 'olivia']);
    expect(assigneesOf(q2.get('dan')!)).toEqual(['carol', 'dan']);
    expect(assigneesOf(q2.get('olivia')!)).toEqual(['carol', 'olivia']);
    expect((await conversations(e2e)).has('dan')).toBe(true);
    expect([q2.get('bob')!.state, assigneesOf(q2.get('bob')!)]).toEqual(['opened', ['bob', 'carol']]);
    expect(await statusNote(e2e, q2.get('bob')!)).toContain('bob is not on the roster any more');
    // The leaver's pass planned from the checkpoint itself (the fan-out's listing holds no text): it stays as written.
    expect([q2.get('bob')!.description, stateOf(q2.get('bob')!)]).toEqual([bobBefore.description, 'checkpoint::in-progress']);
    // Pushing the same roster again changes nothing.
    e2e.sim.resetRequests();
    await pushRoster(`${roster}\n# comment\n`);
    expect(e2e.sim.requests().byClass.write).toBe(1);
  });

  it('the rest of the year: Q3 opens and Q2 closes on their dates, and 09-01 gathers four quarters', async () => {
    e2e.setClock('2026-08-01T08:00:00.000Z');
    await runJob(e2e, 'checkpoint:close-quarter');
    await runJob(e2e, 'checkpoint:open-quarter');
    const q3 = await checkpoints(e2e, 'FY27-Q3');
    expect([...q3.keys()].sort()).toEqual(['alice', 'carol', 'dan', 'erin', 'olivia']);
    for (const issue of q3.values()) expect([issue.due_date, issue.confidential, stateOf(issue)]).toEqual(['2026-10-31', true, 'checkpoint::planning']);
    const q2 = await checkpoints(e2e, 'FY27-Q2');
    expect([...q2.values()].map(stateOf)).toEqual([...q2.values()].map(() => 'checkpoint::overdue'));
    e2e.setClock('2026-09-01T08:00:00.000Z');
    await runJob(e2e, 'checkpoint:gather-year', { date: '09-01' });
    const alice = q3.get('alice')!;
    const note = (await botNotes(e2e, alice)).find((n) => n.body.includes('trellis:evidence:2026-09-01'))?.body ?? '';
    expect(note).toContain("Alice Adams's checkpoints from FY26-Q4 to FY27-Q3");
    expect(note).toContain('| FY26-Q4 | none |');
    expect(note).toContain(`| FY27-Q2 | #${q2.get('alice')!.iid} | overdue | none chosen | none |`);
    expect(note).toContain('> Led two incident reviews.\\');
    expect(note).not.toMatch(/^\/close/m);
    expect(note).not.toMatch(/@all(?!\u200D)/);
  });

  it('`checkpoint` on the first day of FY27-Q4 opens the commenter’s checkpoint now; the fan-out then opens the others only', async () => {
    e2e.setClock('2026-11-01T07:30:00.000Z');
    const asked = await e2e.as('alice').createIssue({ title: 'new quarter' });
    await e2e.as('alice').comment(asked, `@${BOT} checkpoint`);
    await e2e.settle();
    const alice = await checkpointOf(e2e, 'FY27-Q4', 'alice');
    expect([alice.due_date, alice.confidential, assigneesOf(alice)]).toEqual(['2027-01-31', true, ['alice', 'carol']]);
    expect(alice.description).toContain(`FY27-Q3 checkpoint: #${(await checkpointOf(e2e, 'FY27-Q3', 'alice')).iid}.`);
    expect((await botNotes(e2e, asked)).map((n) => n.body)).toEqual([expect.stringContaining("Done. alice's FY27-Q4 career checkpoint is private")]);
    e2e.setClock('2026-11-01T09:00:00.000Z');
    e2e.sim.resetRequests();
    await runJob(e2e, 'checkpoint:close-quarter');
    await runJob(e2e, 'checkpoint:open-quarter');
    expect(e2e.sim.requests().byClass.issue_create).toBe(4);
    expect((await checkpoints(e2e, 'FY27-Q4')).size).toBe(5);
  });

  it('FY28 begins on 2027-02-01: FY27-Q4 is settled and FY28-Q1 opens, due at the end of April', async () => {
    e2e.setClock('2027-02-01T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:close-quarter');
    await runJob(e2e, 'checkpoint:open-quarter');
    expect([...(await checkpoints(e2e, 'FY27-Q4')).values()].map(stateOf)).toEqual(Array(5).fill('checkpoint::overdue'));
    const next = await checkpoints(e2e, 'FY28-Q1');
    expect([...next.values()].map((i) => [i.title.slice(0, 7), i.due_date])).toEqual(Array(5).fill(['FY28-Q1', '2027-04-30']));
    expect((await conversations(e2e)).size).toBe(6);
  });

  it('edits whose webhooks were lost are put right by the reconcile job, which then writes nothing more', async () => {
    e2e.setClock('2027-02-10T10:00:00.000Z');
    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    const alice = await checkpointOf(e2e, 'FY28-Q1', 'alice');
    await e2e.as('alice').editIssue(alice, { description: tickAreas(alice.description ?? '', [1, 4]) });
    await e2e.settle();
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    expect(stateOf(await checkpointOf(e2e, 'FY28-Q1', 'alice'))).toBe('checkpoint::planning');
    await runJob(e2e, 'checkpoint:reconcile');
    expect(stateOf(await checkpointOf(e2e, 'FY28-Q1', 'alice'))).toBe('checkpoint::in-progress');
    expect(await statusNote(e2e, alice)).toContain('**Checkpoint: in progress.**');
    e2e.sim.resetRequests();
    await runJob(e2e, 'checkpoint:reconcile');
    expect(e2e.sim.requests().byClass.write).toBe(0);
  });
});
