import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, deliveriesAbout, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { openRequest, stateOf as requestState } from '../e2e/internship-helpers.js';
import { command, modulesOf, theModule, tickAll, ticking } from '../e2e/training-helpers.js';
import { allIssues, allNotes, deliver, figure, gitlabHeaders } from './reliability-helpers.js';

/**
 * Webhooks posted with the right secret by someone who is not GitLab (design principle 8: authority
 * comes from GitLab, never from a payload). Each forged or altered delivery is copied from a real
 * one and changed the way an attacker would: it claims a manager wrote a command or moved a card.
 * None may change a record or get a reply, and each is logged as forged with ids only. The same acts
 * done for real in GitLab still work, so the check does not pass by refusing everything.
 * Demo department: carol manages alice; alice has an SRE I module waiting for sign-off and an
 * internship request waiting for carol's approval.
 */

const SECRET = 'e2e-secret';
const START = '2026-05-04T09:00:00.000Z';
/** Text only the forged payloads carry: it must never appear in a log line. */
const SECRET_TEXT = 'confidential-career-text-7f3a';

let e2e: E2E;
let step: () => void;
let module: ApiIssue;
let request: ApiIssue;
const warnings: string[] = [];

type Json = Record<string, unknown>;

beforeAll(async () => {
  // Trellis's warnings are kept to check that each forgery was logged, and how.
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  e2e = await startE2E({ now: START, log });
  step = ticking(e2e, START);
  await command(e2e, 'alice', 'start sre-i');
  const made = await theModule(e2e, 'alice', 'sre-i');
  step();
  await e2e.as('alice').editIssue(made.iid, { description: tickAll(made.description ?? '') });
  await e2e.settle();
  module = await e2e.as('alice').issue(made.iid);
  step();
  request = await openRequest(e2e, 'alice', { manager: '@carol', timezone: 'Europe/Berlin', onCall: false, systems: [] });
}, 120_000);

afterAll(async () => {
  await e2e?.close();
});

/** What a person sees of every issue: enough to tell that nothing changed. */
async function world(): Promise<string[]> {
  const all = await allIssues(e2e.sim, e2e.projectId);
  return all.map((i) => JSON.stringify([i.iid, i.title, i.state, [...i.labels].sort(), i.assignees.map((a) => a.username).sort(), i.due_date])).sort();
}

/** How many notes Trellis has written, on every issue. */
async function botNoteCount(): Promise<number> {
  const all = await allIssues(e2e.sim, e2e.projectId);
  let n = 0;
  for (const issue of all) n += (await allNotes(e2e.sim, e2e.projectId, issue.iid)).filter((note) => !note.system && note.author.username === BOT).length;
  return n;
}

/**
 * The newest delivery GitLab made of this kind about an issue, by this user (of this note, when
 * given): the attacker's template. GitLab's hook log lists the newest first.
 */
async function lastDelivery(iid: number, header: string, by: string, noteId?: number): Promise<Json> {
  const found = (await deliveriesAbout(e2e, [iid])).filter(
    (d) => d.header === header && (d.body.user as { username?: string } | undefined)?.username === by && (noteId === undefined || (d.body.object_attributes as Json).id === noteId),
  );
  const newest = found[0];
  if (!newest) throw new Error(`no ${header} by ${by} about #${iid}`);
  return structuredClone(newest.body);
}

function asUser(body: Json, username: string): void {
  const user = body.user as Json;
  user.username = username;
  user.name = username;
  user.id = e2e.users[username];
  const attrs = body.object_attributes as Json;
  if (body.object_kind === 'note') attrs.author_id = e2e.users[username];
}

/** The payload's label objects made to carry these titles (copies of one it had, renamed). */
function labelObjects(like: Json[], titles: readonly string[]): Json[] {
  const model = like[0] ?? { id: 1, color: '#428BCA', project_id: e2e.projectId, description: null, type: 'ProjectLabel', group_id: null };
  return titles.map((title, i) => ({ ...model, id: 90_000 + i, title }));
}

/** An issue hook that claims `who` moved the issue's `scope::` label from `from` to `to`. */
async function forgedMove(issue: ApiIssue, template: Json, who: string, from: string, to: string, description?: string): Promise<Json> {
  const body = structuredClone(template);
  asUser(body, who);
  const before = issue.labels.filter((l) => l !== to);
  const previous = [...before.filter((l) => l !== from), from];
  const current = [...before.filter((l) => l !== from), to];
  const attrs = body.object_attributes as Json;
  const like = (body.labels as Json[] | undefined) ?? [];
  attrs.labels = labelObjects(like, current);
  body.labels = labelObjects(like, current);
  attrs.updated_at = new Date(Date.now() + 5_000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  if (description !== undefined) attrs.description = description;
  attrs.action = 'update';
  body.changes = { labels: { previous: labelObjects(like, previous), current: labelObjects(like, current) } };
  return body;
}

async function post(header: string, body: Json): Promise<void> {
  expect(await deliver(e2e.trellis.url!, JSON.stringify(body), gitlabHeaders(header, { token: SECRET }))).toBe(202);
}

interface Forgery {
  readonly name: string;
  readonly on: () => ApiIssue;
  /** Makes the delivery (doing first whatever real things the attacker builds on). */
  readonly make: () => Promise<{ header: string; body: Json }>;
  /** What the warning must say of GitLab's side. */
  readonly gitlab: string | readonly string[];
}

const FORGERIES: readonly Forgery[] = [
  {
    name: 'a Note Hook claiming carol wrote `approve` on alice’s request, with a note id that does not exist',
    on: () => request,
    gitlab: 'missing',
    async make() {
      const note = await e2e.as('alice').comment(request.iid, 'When could I start?');
      await e2e.settle();
      const body = await lastDelivery(request.iid, 'Note Hook', 'alice', note.id);
      asUser(body, 'carol');
      const attrs = body.object_attributes as Json;
      attrs.id = 987_654;
      attrs.note = `@${BOT} approve\n${SECRET_TEXT}`;
      attrs.url = String(attrs.url).replace(/#note_\d+$/, '#note_987654');
      return { header: 'Note Hook', body };
    },
  },
  {
    name: 'alice’s own `approve` note (refused when GitLab sent it) re-sent with carol as its author',
    on: () => request,
    gitlab: 'alice',
    async make() {
      const note = await e2e.as('alice').comment(request.iid, `@${BOT} approve`);
      await e2e.settle();
      const body = await lastDelivery(request.iid, 'Note Hook', 'alice', note.id);
      asUser(body, 'carol');
      return { header: 'Note Hook', body };
    },
  },
  {
    name: 'carol’s real note on the request, its text altered in the payload to `approve`',
    on: () => request,
    gitlab: 'carol',
    async make() {
      const note = await e2e.as('carol').comment(request.iid, `Let us talk about this on Thursday. ${SECRET_TEXT}`);
      await e2e.settle();
      const body = await lastDelivery(request.iid, 'Note Hook', 'carol', note.id);
      (body.object_attributes as Json).note = `@${BOT} approve`;
      return { header: 'Note Hook', body };
    },
  },
  {
    name: 'an Issue Hook claiming carol moved alice’s module to `sre-i::complete`, which nobody did in GitLab',
    on: () => module,
    gitlab: ['missing'],
    async make() {
      const template = await lastDelivery(module.iid, 'Issue Hook', 'alice');
      return { header: 'Issue Hook', body: await forgedMove(module, template, 'carol', 'sre-i::review', 'sre-i::complete', `${module.description ?? ''}\n${SECRET_TEXT}`) };
    },
  },
  {
    name: 'an Issue Hook claiming carol moved alice’s request to `internship::approved`, which nobody did in GitLab',
    on: () => request,
    gitlab: ['missing'],
    async make() {
      const template = await lastDelivery(request.iid, 'Issue Hook', 'alice');
      const current = await e2e.as('alice').issue(request.iid);
      return { header: 'Issue Hook', body: await forgedMove(current, template, 'carol', 'internship::pending-approval', 'internship::approved') };
    },
  },
];

describe('forged and altered webhooks, posted with the right secret', () => {
  const results: Array<{ name: string; unchanged: boolean; replies: number; logged: boolean }> = [];
  let genuine = 0;

  let reassigned = false;

  afterAll(() => {
    const held = results.filter((r) => r.unchanged && r.replies === 0 && r.logged).length;
    figure(
      'forged-hooks',
      `${results.length + 1} forged or altered deliveries with the right secret -> ${held} dropped (state unchanged, no reply, logged), ${reassigned ? 1 : 0} judged as the mover GitLab names and refused with the usual reply, ${results.length - held + (reassigned ? 0 : 1)} acted on; genuine approval and sign-off afterwards: ${genuine} of 2 worked`,
    );
  });

  it.each(FORGERIES.map((f) => [f.name, f] as const))('%s: nothing changes, no reply, a warning with ids only', async (_name, forgery) => {
    step();
    const made = await forgery.make();
    const before = await world();
    const notesBefore = await botNoteCount();
    const warned = warnings.length;
    await post(made.header, made.body);
    await e2e.settle();
    const after = await world();
    const replies = (await botNoteCount()) - notesBefore;
    const lines = warnings.slice(warned).map((l) => JSON.parse(l) as Json);
    const forged = lines.filter((l) => String(l.msg).startsWith('forged or altered'));
    results.push({ name: forgery.name, unchanged: JSON.stringify(after) === JSON.stringify(before), replies, logged: forged.length === 1 });
    expect(after).toEqual(before);
    expect(replies).toBe(0);
    expect(forged).toHaveLength(1);
    expect(forged[0]).toMatchObject({ level: 40, projectId: e2e.projectId, iid: forgery.on().iid, claimed: 'carol', gitlab: forgery.gitlab });
    // Ids only: nothing the payload carried as text reaches the log.
    expect(warnings.slice(warned).join('\n')).not.toContain(SECRET_TEXT);
  });

  it('a forged move to `sre-i::complete` after alice really made it (its hook lost) is judged as alice’s: refused with the usual reply', async () => {
    step();
    const template = await lastDelivery(module.iid, 'Issue Hook', 'alice');
    e2e.sim.setFaults({ webhook_drop_ratio: 1 });
    await e2e.as('alice').editIssue(module.iid, { add_labels: 'sre-i::complete', remove_labels: 'sre-i::review' });
    await e2e.sim.idle();
    e2e.sim.setFaults({ webhook_drop_ratio: 0 });
    const warned = warnings.length;
    const notesBefore = await botNoteCount();
    await post('Issue Hook', await forgedMove(module, template, 'carol', 'sre-i::review', 'sre-i::complete'));
    await e2e.settle();
    const now = await e2e.as('alice').issue(module.iid);
    const said = (await allNotes(e2e.sim, e2e.projectId, module.iid)).filter((n) => !n.system && n.author.username === BOT).map((n) => n.body);
    const forged = warnings.slice(warned).map((l) => JSON.parse(l) as Json).filter((l) => String(l.msg).startsWith('forged or altered'));
    reassigned = now.state === 'opened' && now.labels.includes('sre-i::review') && (await botNoteCount()) - notesBefore === 1 && forged.length === 1;
    expect([now.state, now.labels.find((l) => l.startsWith('sre-i::'))]).toEqual(['opened', 'sre-i::review']);
    expect(await modulesOf(e2e, 'alice', 'sre-ii')).toEqual([]);
    expect(said.at(-1)).toContain("alice moved this module to `sre-i::complete`, but only carol, alice's manager, can sign off");
    expect(forged).toHaveLength(1);
    expect(forged[0]).toMatchObject({ iid: module.iid, claimed: 'carol', gitlab: ['alice'] });
  });

  it('carol’s real approval and her real move of the card to `sre-i::complete` still work', async () => {
    expect(requestState(await e2e.as('alice').issue(request.iid))).toBe('internship::pending-approval');
    step();
    await e2e.as('carol').comment(request.iid, `@${BOT} approve`);
    await e2e.settle();
    step();
    await e2e.as('carol').editIssue(module.iid, { add_labels: 'sre-i::complete', remove_labels: 'sre-i::review' });
    await e2e.settle();
    const approved = await e2e.as('alice').issue(request.iid);
    const signed = await e2e.as('alice').issue(module.iid);
    const sreII = await modulesOf(e2e, 'alice', 'sre-ii');
    genuine = (requestState(approved) === 'internship::active' ? 1 : 0) + (signed.state === 'closed' && sreII.length === 1 ? 1 : 0);
    expect(requestState(approved)).toBe('internship::active');
    expect([signed.state, signed.labels.find((l) => l.startsWith('sre-i::'))]).toEqual(['closed', 'sre-i::complete']);
    expect(sreII).toHaveLength(1);
    // Nothing genuine was taken for a forgery.
    expect(warnings.filter((l) => l.includes('forged or altered'))).toHaveLength(FORGERIES.length + 1);
  });
});
