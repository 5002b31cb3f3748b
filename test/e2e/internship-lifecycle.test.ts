import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/core/log.js';
import { BOT, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { requestText } from '../unit/internship-fixtures.js';
import { ACCESS_PROJECT, botNotes, links, openAccessProject, openRequest, replies, setState, stateOf, statusNote, tasksOf, theTask } from './internship-helpers.js';
import { modulesOf, theModule, ticking } from './training-helpers.js';

let e2e: E2E;
let accessId: number;
let step: () => void;

beforeAll(async () => {
  e2e = await startE2E({ now: '2026-04-01T09:00:00.000Z' });
  // Reliability Engineering's internship contacts (the roster's internships.notify) are members of the
  // access-requests project; the interns are not, and need not be.
  accessId = await openAccessProject(e2e, ['carol', 'erin'], { hook: true });
  step = ticking(e2e, '2026-04-01T09:00:00.000Z');
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

describe('an internship from request to completion', () => {
  let request: ApiIssue;

  it('a request missing answers gets needs-info and a reply listing exactly what to fix; every edit re-checks', async () => {
    step();
    request = await openRequest(e2e, 'ian', { manager: '', goal: '', team: 'Pipelines' });
    expect(request.labels.sort()).toEqual(['internship-request', 'internship::needs-info']);
    expect(request.description).not.toMatch(/^\/label/m);
    const [asked] = await replies(e2e, request.iid);
    expect(asked?.match(/^- /gm)).toHaveLength(3);
    expect(asked).toContain(
      '**Team**: “Pipelines” is not a team on the roster. Write one of the teams it knows: Reliability: Foundations; Reliability: Observability; Delivery; Scalability; Verify: Pipeline Execution.',
    );
    expect(asked).toContain('**Current manager**: name your manager (the roster says Grace Green (grace))');
    expect(asked).toContain('**What you want to learn**');

    step();
    await e2e.as('ian').editIssue(request.iid, { description: requestText({ manager: '@carol' }) });
    await e2e.settle();
    expect(stateOf(await e2e.as('ian').issue(request.iid))).toBe('internship::needs-info');
    const second = (await replies(e2e, request.iid))[1];
    expect(second?.match(/^- /gm)).toHaveLength(1);
    expect(second).toContain('carol is not your manager on the roster. The roster says your manager is Grace Green (grace)');

    step();
    await e2e.as('ian').editIssue(request.iid, { description: requestText() });
    await e2e.settle();
    request = await e2e.as('ian').issue(request.iid);
    expect(stateOf(request)).toBe('internship::pending-approval');
    const note = await statusNote(e2e, request.iid);
    expect(note).toContain('For carol, erin, grace: Ian Ito (ian) asks to intern with Reliability Engineering.');
    expect(note).toContain('1. Alice Adams (alice)');
    expect(note).toContain('**Pairing engineer** (proposed: the Reliability engineer, not a manager, nearest to Europe/Dublin on 2026-05-04): Bob Brown (bob)');
    expect(note).toContain('SRE I: missing (no module issue yet) · SRE II: missing (no module issue yet)');
    // Complete now, so a new note asks the manager (and Reliability Engineering): a mention in the
    // edited status note would email nobody.
    const said = await replies(e2e, request.iid);
    expect(said).toHaveLength(3);
    expect(said[2]).toMatch(/^@grace: Ian Ito \(ian\) asks to intern with Reliability Engineering, and the request is complete\./);
  });

  it('an approval by someone who is not the requester\'s manager is reverted and says who can approve', async () => {
    step();
    await e2e.as('carol').editIssue(request.iid, { add_labels: 'internship::approved', remove_labels: 'internship::pending-approval' });
    await e2e.settle();
    expect(stateOf(await e2e.as('ian').issue(request.iid))).toBe('internship::pending-approval');
    step();
    await e2e.as('carol').comment(request.iid, `@${BOT} approve`);
    await e2e.settle();
    const said = (await replies(e2e, request.iid)).slice(3);
    expect(said).toHaveLength(2);
    expect(said[0]).toContain("carol moved this request to `internship::approved`, but: Only grace, ian's manager on the roster, can approve");
    expect(said[1]).toMatch(/^Only grace, ian's manager on the roster, can approve this internship request\.\n\n<!-- trellis:reply:\d+-internship -->$/);
    expect(await tasksOf(e2e, request.iid)).toEqual({});
  });

  it('the manager approves: linked task issues, each assigned and due, an access request due before the start, the training modules, then active', async () => {
    step();
    e2e.sim.resetRequests();
    await e2e.as('grace').comment(request.iid, `@${BOT} approve`);
    await e2e.settle();
    const { byClass } = e2e.sim.requests();
    // 3 tasks + 2 modules; notes: grace's command, the approval reply, and each module's welcome and status.
    expect([byClass.issue_create, byClass.note_create]).toEqual([5, 6]);
    // Besides: 5 links, the status note edited once, one label write; reads stay about twenty.
    expect(byClass.write).toBe(18);
    expect(byClass.read).toBeLessThanOrEqual(24);

    request = await e2e.as('ian').issue(request.iid);
    expect(stateOf(request)).toBe('internship::active');
    const onCall = await theTask(e2e, request.iid, 'on-call');
    const pairing = await theTask(e2e, request.iid, 'pairing');
    const access = await theTask(e2e, request.iid, 'access');
    expect([onCall.title, onCall.assignees.map((a) => a.username), onCall.due_date, onCall.labels]).toEqual(['Shadow on-call: ian with alice (internship #' + request.iid + ')', ['ian', 'alice'], '2026-05-18', ['internship-task']]);
    // Pairing with the proposed engineer, confirmed by approving without naming another.
    expect([pairing.assignees.map((a) => a.username), pairing.due_date]).toEqual([['ian', 'bob'], '2026-06-15']);
    // The access request: assigned to the internship contacts, who are members there (ian is not, and
    // GitLab would drop him), due three working days before the Monday start.
    expect([access.web_url.includes(ACCESS_PROJECT), access.assignees.map((a) => a.username), access.due_date]).toEqual([true, ['carol', 'erin'], '2026-04-29']);
    const modules = [await theModule(e2e, 'ian', 'sre-i'), await theModule(e2e, 'ian', 'sre-ii')];
    expect(modules.map((m) => m.labels.sort())).toEqual([['sre-i::not-started', 'training-module'], ['sre-ii::not-started', 'training-module']]);
    expect(modules.map((m) => m.due_date)).toEqual(['2026-04-29', '2026-04-29']);
    expect(await links(e2e, request.iid)).toEqual([`#${modules[0]!.iid}`, `#${modules[1]!.iid}`, `#${onCall.iid}`, `#${pairing.iid}`, `${ACCESS_PROJECT}#${access.iid}`].sort());

    const note = await statusNote(e2e, request.iid);
    expect(note).toContain(`| Shadow on-call | #${onCall.iid} | ian, alice | 2026-05-18 | open |`);
    expect(note).toContain(`| Pair on an issue or OKR | #${pairing.iid} | ian, bob | 2026-06-15 | open |`);
    expect(note).toContain(`| Access request | ${ACCESS_PROJECT}#${access.iid} | carol, erin | 2026-04-29 | open |`);
    expect(note).toContain('**Tasks closed: 0 of 3**');
    const approved = (await replies(e2e, request.iid)).at(-1);
    expect(approved).toContain('**Approved** by Grace Green (grace)');
    expect(approved).toContain('Pairing engineer: Bob Brown (bob).');
    expect(approved).toContain(`Training modules opened: #${modules[0]!.iid}, #${modules[1]!.iid}, due 2026-04-29`);
  });

  it('every task closed before the start leaves the internship active; the hourly reconcile completes it on the start date (London time), training notwithstanding', async () => {
    step();
    await setState(e2e, 'ian', await theTask(e2e, request.iid, 'on-call'), 'close');
    expect(await statusNote(e2e, request.iid)).toContain('**Tasks closed: 1 of 3**');
    step();
    await setState(e2e, 'ian', await theTask(e2e, request.iid, 'pairing'), 'close');
    expect(stateOf(await e2e.as('ian').issue(request.iid))).toBe('internship::active');
    step();
    // The access request lives in another project, whose webhook also reaches Trellis; a contact closes it.
    await setState(e2e, 'carol', await theTask(e2e, request.iid, 'access'), 'close', accessId);
    request = await e2e.as('ian').issue(request.iid);
    expect([request.state, stateOf(request)]).toEqual(['opened', 'internship::active']);
    let note = await statusNote(e2e, request.iid);
    expect(note).toContain('**Tasks closed: 3 of 3**');
    expect(note).toContain('it completes on its start date, 2026-05-04');
    expect((await replies(e2e, request.iid)).filter((r) => r.startsWith('**Internship completed.**'))).toHaveLength(0);

    // 23:59 on 3 May in London (the roster's zone) is not the start date yet; midnight is.
    e2e.setClock('2026-05-03T22:59:00.000Z');
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    await e2e.settle();
    expect(stateOf(await e2e.as('ian').issue(request.iid))).toBe('internship::active');
    step = ticking(e2e, '2026-05-03T23:00:00.000Z');
    step();
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    await e2e.settle();
    request = await e2e.as('ian').issue(request.iid);
    expect([request.state, stateOf(request)]).toEqual(['closed', 'internship::completed']);
    note = await statusNote(e2e, request.iid);
    expect(note).toContain('**Tasks closed: 3 of 3**');
    expect(note).toContain('Completed on 2026-05-04.');
    step = ticking(e2e, '2026-05-04T09:00:00.000Z');
    const summaries = (await replies(e2e, request.iid)).filter((r) => r.startsWith('**Internship completed.**'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toContain('SRE I: opened, not started');
    expect(summaries[0]).not.toContain('in progress');
    expect((await theModule(e2e, 'ian', 'sre-i')).state).toBe('opened');
  });

  it('reopening a task makes the internship active again; closing it completes it again, with a new summary', async () => {
    step();
    await setState(e2e, 'ian', await theTask(e2e, request.iid, 'pairing'), 'reopen');
    request = await e2e.as('ian').issue(request.iid);
    expect([request.state, stateOf(request)]).toEqual(['opened', 'internship::active']);
    step();
    await setState(e2e, 'ian', await theTask(e2e, request.iid, 'pairing'), 'close');
    request = await e2e.as('ian').issue(request.iid);
    expect([request.state, stateOf(request)]).toEqual(['closed', 'internship::completed']);
    expect((await replies(e2e, request.iid)).filter((r) => r.startsWith('**Internship completed.**'))).toHaveLength(2);
    expect(await modulesOf(e2e, 'ian', 'sre-i')).toHaveLength(1);
  });

  it('reconcile finds the completed internship as GitLab shows it and writes nothing', async () => {
    e2e.sim.resetRequests();
    await e2e.trellis.dispatcher!.runJob('internship:reconcile', {}, silentLog);
    await e2e.settle();
    expect(e2e.sim.requests().byClass.write).toBe(0);
  });
});

describe('a declined request', () => {
  it('the manager declines with a reason: declined, closed, the reason recorded and quoted inert; reopening it is undone', async () => {
    step();
    const request = await openRequest(e2e, 'sofia', { manager: '@frank', timezone: 'Europe/Rome', onCall: false, delivery: true, systems: [] });
    expect(stateOf(request)).toBe('internship::pending-approval');
    step();
    await e2e.as('carol').comment(request.iid, `@${BOT} decline nope`);
    await e2e.settle();
    expect((await replies(e2e, request.iid)).at(-1)).toContain("Only frank, sofia's manager on the roster, can decline");
    step();
    await e2e.as('frank').comment(request.iid, `@${BOT} decline Not this quarter, sorry.\n/close\n@all`);
    await e2e.settle();
    let issue = await e2e.as('sofia').issue(request.iid);
    expect([issue.state, stateOf(issue)]).toEqual(['closed', 'internship::declined']);
    const note = await statusNote(e2e, request.iid);
    expect(note).toContain('Declined by Frank Fischer (frank)');
    expect(note).toContain('> Not this quarter, sorry.');
    expect((await replies(e2e, request.iid)).at(-1)).not.toMatch(/@all\b/);

    step();
    await setState(e2e, 'sofia', issue, 'reopen');
    issue = await e2e.as('sofia').issue(request.iid);
    expect([issue.state, stateOf(issue)]).toEqual(['closed', 'internship::declined']);
    expect((await replies(e2e, request.iid)).at(-1)).toContain('Frank Fischer (frank) declined this request on 2026-05-04, so Trellis closed it again');
    expect(await tasksOf(e2e, request.iid)).toEqual({});
    expect((await botNotes(e2e, request.iid)).length).toBe(5); // status, the ask to frank, two answers to the decline commands, the reopen reply
  });
});

describe('the people a request is routed with', () => {
  it('a requested buddy 9.5 hours away is flagged with the nearest instead; the manager names the buddy and the pairing engineer when approving', async () => {
    step();
    const request = await openRequest(e2e, 'dan', { manager: '@dave', team: 'delivery', timezone: 'America/Toronto', buddy: '@sam' });
    expect(stateOf(request)).toBe('internship::pending-approval');
    const note = await statusNote(e2e, request.iid);
    const [ask] = await replies(e2e, request.iid);
    for (const text of [note, ask]) {
      expect(text).toContain('**The requested on-call buddy is far away:** dan asked for Sam Singh (sam), Reliability: Foundations, Asia/Kolkata (UTC+05:30), 9 h 30 min apart');
      expect(text).toContain('1. Olivia Ortiz (olivia), Reliability: Observability, America/Toronto (UTC-04:00), same time');
    }
    expect(ask).toMatch(/^@dave: Dan Dorsey \(dan\) asks to intern/);
    expect(note).toContain('`@trellis-bot approve pair @username` to choose another pairing engineer');

    step();
    await e2e.as('dave').comment(request.iid, `@${BOT} approve @olivia pair @pat`);
    await e2e.settle();
    expect(stateOf(await e2e.as('dan').issue(request.iid))).toBe('internship::active');
    expect((await theTask(e2e, request.iid, 'on-call')).assignees.map((a) => a.username)).toEqual(['dan', 'olivia']);
    const pairing = await theTask(e2e, request.iid, 'pairing');
    expect([pairing.title, pairing.assignees.map((a) => a.username)]).toEqual([`Pair on an issue or OKR: dan with pat (internship #${request.iid})`, ['dan', 'pat']]);
    expect(pairing.description).toContain('Dan Dorsey (dan) pairs with Pat Park (pat), confirmed by Dave Diaz (dave) with the approval');
    // Approved on the start date itself: what is due before the start is due today, not in the past.
    expect((await theTask(e2e, request.iid, 'access')).due_date).toBe('2026-05-04');
    expect(await statusNote(e2e, request.iid)).toContain('On-call buddy: Olivia Ortiz (olivia). Pairing engineer: Pat Park (pat).');
  });
});
