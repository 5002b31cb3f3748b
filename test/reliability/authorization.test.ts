import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { tickAreas } from '../e2e/checkpoint-helpers.js';
import { openAccessProject, openRequest } from '../e2e/internship-helpers.js';
import { command, theModule, tickAll, ticking } from '../e2e/training-helpers.js';
import { allIssues, allNotes, allRecords, figure } from './reliability-helpers.js';

/**
 * Every command and label move by someone the roster does not allow, on the demo department
 * (carol manages alice, bob and sam; erin manages olivia and pat; grace manages ian; vera manages
 * the managers): each is refused with a reply that says why, and no record changes.
 */

let e2e: E2E;
let step: () => void;
const issues: Record<string, ApiIssue> = {};
const log = pino({ level: 'silent' });

beforeAll(async () => {
  e2e = await startE2E({ now: '2026-05-04T09:00:00.000Z' });
  await openAccessProject(e2e, ['ian'], { hook: true });
  step = ticking(e2e, '2026-05-04T09:00:00.000Z');
  await e2e.trellis.dispatcher!.runJob('checkpoint:open-quarter', {}, log);
  await e2e.settle();
  // alice's SRE I, every required item ticked (waiting for carol's sign-off), and ian's internship
  // request, complete and pending grace's approval.
  await command(e2e, 'alice', 'start sre-i');
  const module = await theModule(e2e, 'alice', 'sre-i');
  step();
  await e2e.as('alice').editIssue(module.iid, { description: tickAll(module.description ?? '') });
  await e2e.settle();
  issues.module = await e2e.as('alice').issue(module.iid);
  step();
  issues.request = await openRequest(e2e, 'ian');
  // alice's checkpoint lives in her private records project (its own iid numbering).
  issues.checkpoint = (await allRecords(e2e.sim, 'career-checkpoint')).find((i) => i.title === 'FY27-Q2 career checkpoint: @alice') as unknown as ApiIssue;
  issues.asking = await e2e.as('bob').createIssue({ title: 'Questions for Trellis' });
  await e2e.settle();
}, 120_000);

afterAll(async () => {
  await e2e?.close();
});

/** What a person sees of every issue, the department project's and everyone's private records: enough to tell that nothing changed. */
async function world(): Promise<string[]> {
  const all = [...(await allIssues(e2e.sim, e2e.projectId)), ...(await allRecords(e2e.sim))];
  return all.map((i) => JSON.stringify([i.project_id, i.iid, i.title, i.state, [...i.labels].sort(), i.assignees.map((a) => a.username).sort(), i.confidential, i.due_date])).sort();
}

/** Trellis's notes on an issue (in its own project) other than its status note. */
async function replies(issue: ApiIssue): Promise<Array<{ id: number; body: string }>> {
  return (await allNotes(e2e.sim, issue.project_id, issue.iid)).filter((n) => !n.system && n.author.username === BOT && !n.body.includes('<!-- trellis:status:'));
}

interface Attempt {
  readonly name: string;
  /** The issue the attempt happens on (its replies are read). */
  readonly on: keyof typeof issues;
  readonly act: () => Promise<unknown>;
  /** What the reply must say. */
  readonly says: string | RegExp;
}

const comment = (who: string, on: keyof typeof issues, text: string) => () => e2e.as(who).comment(issues[on]!, `@${BOT} ${text}`);
const relabel = (who: string, on: keyof typeof issues, add: string, remove: string) => () => e2e.as(who).editIssue(issues[on]!, { add_labels: add, remove_labels: remove });

const ATTEMPTS: readonly Attempt[] = [
  { name: 'erin starts SRE I for bob, who is not her report', on: 'asking', act: comment('erin', 'asking', 'start sre-i @bob'), says: 'Only bob or their manager (carol) can start a training module for bob' },
  { name: 'vera (carol’s manager) starts SRE II for alice, a skip-level report', on: 'asking', act: comment('vera', 'asking', 'start sre-ii @alice'), says: 'Only alice or their manager (carol) can start' },
  { name: 'bob starts SRE I for his teammate sam', on: 'asking', act: comment('bob', 'asking', 'start sre-i @sam'), says: 'Only sam or their manager (carol) can start' },
  { name: 'root, who is not on the roster, starts SRE I for itself', on: 'asking', act: comment('root', 'asking', 'start sre-i'), says: 'root is not on the roster' },
  { name: 'bob signs off alice’s module', on: 'module', act: comment('bob', 'module', 'sign-off'), says: "only carol, alice's manager, can sign off this SRE I module" },
  { name: 'alice signs off her own module', on: 'module', act: comment('alice', 'module', 'sign-off'), says: "only carol, alice's manager, can sign off" },
  { name: 'erin, another team’s manager, signs off alice’s module', on: 'module', act: comment('erin', 'module', 'sign-off'), says: "only carol, alice's manager, can sign off" },
  { name: 'alice moves her own module to sre-i::complete', on: 'module', act: relabel('alice', 'module', 'sre-i::complete', 'sre-i::review'), says: "alice moved this module to `sre-i::complete`, but only carol, alice's manager, can sign off" },
  { name: 'vera moves alice’s module to sre-i::complete', on: 'module', act: relabel('vera', 'module', 'sre-i::complete', 'sre-i::review'), says: "vera moved this module to `sre-i::complete`, but only carol" },
  { name: 'erin opens a checkpoint for alice', on: 'asking', act: comment('erin', 'asking', 'checkpoint @alice'), says: 'Only alice or their manager (carol) can open a FY27-Q2 career checkpoint for alice' },
  { name: 'bob opens a big-picture conversation for alice', on: 'asking', act: comment('bob', 'asking', 'big-picture @alice'), says: 'Only alice or their manager (carol) can open a big-picture career conversation for alice' },
  { name: 'carol approves ian’s internship (grace is his manager)', on: 'request', act: comment('carol', 'request', 'approve'), says: "Only grace, ian's manager on the roster, can approve this internship request" },
  { name: 'ian approves his own internship', on: 'request', act: comment('ian', 'request', 'approve'), says: "Only grace, ian's manager on the roster, can approve" },
  { name: 'erin declines ian’s internship', on: 'request', act: comment('erin', 'request', 'decline not this quarter'), says: "Only grace, ian's manager on the roster, can decline this internship request" },
  { name: 'carol moves ian’s request to internship::approved', on: 'request', act: relabel('carol', 'request', 'internship::approved', 'internship::pending-approval'), says: "carol moved this request to `internship::approved`, but: Only grace" },
  { name: 'ian moves his own request to internship::approved', on: 'request', act: relabel('ian', 'request', 'internship::approved', 'internship::pending-approval'), says: 'ian moved this request to `internship::approved`, but: Only grace' },
  { name: 'carol moves ian’s request to internship::active', on: 'request', act: relabel('carol', 'request', 'internship::active', 'internship::pending-approval'), says: /internship::active/ },
  { name: 'alice moves her checkpoint to checkpoint::done', on: 'checkpoint', act: relabel('alice', 'checkpoint', 'checkpoint::done', 'checkpoint::planning'), says: /checkpoint::done/ },
  // bob cannot even open alice's checkpoint now (below); the people who can open it may not make it public either.
  { name: 'carol makes alice’s checkpoint public', on: 'checkpoint', act: () => e2e.as('carol').editIssue(issues.checkpoint!, { confidential: false }), says: 'Career checkpoints are private' },
];

describe('commands and label moves by people who may not make them', () => {
  const results: Array<{ name: string; refused: boolean; explained: boolean; unchanged: boolean }> = [];

  afterAll(() => {
    const refused = results.filter((r) => r.refused && r.explained && r.unchanged).length;
    figure('authorization', `${results.length} commands and label moves by people not allowed -> ${refused} refused with a reply and state unchanged, ${results.length - refused} not`);
  });

  it.each(ATTEMPTS.map((a) => [a.name, a] as const))('%s: refused, explained, nothing changed', async (_name, attempt) => {
    const before = await world();
    const seen = new Set((await replies(issues[attempt.on]!)).map((n) => n.id));
    step();
    await attempt.act();
    await e2e.settle();
    const after = await world();
    const said = (await replies(issues[attempt.on]!)).filter((n) => !seen.has(n.id)).map((n) => n.body);
    const explained = said.length === 1 && (typeof attempt.says === 'string' ? said[0]!.includes(attempt.says) : attempt.says.test(said[0]!));
    results.push({ name: attempt.name, refused: true, explained, unchanged: JSON.stringify(after) === JSON.stringify(before) });
    expect(after).toEqual(before);
    expect(said).toHaveLength(1);
    expect(said[0]).toEqual(typeof attempt.says === 'string' ? expect.stringContaining(attempt.says) : expect.stringMatching(attempt.says));
  });

  it('bob, alice’s teammate, cannot even see her checkpoint: GitLab answers 404 to his edit, and nothing changes', async () => {
    const before = await world();
    const seen = new Set((await replies(issues.checkpoint!)).map((n) => n.id));
    step();
    await expect(e2e.as('bob').issue(issues.checkpoint!)).rejects.toThrow(/: 404 /);
    await expect(e2e.as('bob').editIssue(issues.checkpoint!, { confidential: false })).rejects.toThrow(/: 404 /);
    await expect(e2e.as('bob').comment(issues.checkpoint!, `@${BOT} status`)).rejects.toThrow(/: 404 /);
    await e2e.settle();
    expect(await world()).toEqual(before);
    expect((await replies(issues.checkpoint!)).filter((n) => !seen.has(n.id))).toEqual([]);
  });

  it('the people allowed can still do each of these afterwards (the refusals were about who, not what)', async () => {
    step();
    await comment('carol', 'module', 'sign-off')();
    step();
    await comment('grace', 'request', 'approve')();
    step();
    await e2e.as('alice').editIssue(issues.checkpoint!, { description: tickAreas((await e2e.as('alice').issue(issues.checkpoint!)).description ?? '', [0, 1]) });
    await e2e.settle();
    const module = await e2e.as('alice').issue(issues.module!.iid);
    const request = await e2e.as('ian').issue(issues.request!.iid);
    const checkpoint = await e2e.as('alice').issue(issues.checkpoint!);
    expect([module.state, module.labels.find((l) => l.startsWith('sre-i::'))]).toEqual(['closed', 'sre-i::complete']);
    expect(request.labels).toContain('internship::active');
    expect([checkpoint.confidential, checkpoint.labels.find((l) => l.startsWith('checkpoint::'))]).toEqual([true, 'checkpoint::in-progress']);
  });
});
