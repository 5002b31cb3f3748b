import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractCommands, parseDueDate } from '../../src/sim/quick-actions.js';
import { startTeamSim, type Json } from './sim-helpers.js';

describe('quick action extraction (lib/gitlab/quick_actions/extractor.rb)', () => {
  it.each([
    ['a line command', 'Hello\n/close\nBye', 'Hello\nBye', ['close']],
    ['case-insensitive names', '/CLOSE', '', ['close']],
    ['arguments', '/label ~a ~"b c"', '', ['label']],
    ['fenced code', 'x\n```\n/close\n```', 'x\n```\n/close\n```', []],
    ['a >>> quote block', '>>>\n/close\n>>>', '>>>\n/close\n>>>', []],
    ['a > quote line', '> /close', '> /close', []],
    ['inline code', '`/close`', '`/close`', []],
    ['an HTML block', '<details>\n/close\n</details>', '<details>\n/close\n</details>', []],
    ['an unknown command', '/frobnicate now', '/frobnicate now', []],
    ['a command mid-line', 'please /close', 'please /close', []],
  ])('handles %s', (_name, text, content, names) => {
    const r = extractCommands(text);
    expect(r.content).toBe(content);
    expect(r.commands.map((c) => c.name)).toEqual(names);
  });

  it('reads due dates as Chronic mostly does', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(parseDueDate('2026-04-01', now)).toBe('2026-04-01');
    expect(parseDueDate('tomorrow', now)).toBe('2026-03-11');
    expect(parseDueDate('in 2 weeks', now)).toBe('2026-03-24');
    expect(parseDueDate('December 31', now)).toBe('2026-12-31');
    expect(parseDueDate('someday', now)).toBeNull();
  });
});

describe('simulator: quick actions over the API', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  let P: string;
  beforeAll(async () => {
    t = await startTeamSim();
    P = `/projects/${t.projectId}`;
    for (const name of ['bug', 'needs review', 'ops', 'status::new', 'status::done']) await t.root.call('POST', `${P}/labels`, { name, color: '#428bca' });
  });
  afterAll(async () => t.sim.close());

  it('applies commands in a new description and removes their lines', async () => {
    const r = await t.as('dev').call('POST', `${P}/issues`, {
      title: 'qa', description: `Intro\n/label ~bug ~"needs review"\n/assign @rita\n/due 2031-05-06\n/confidential\nOutro`,
    });
    expect(r.body).toMatchObject({ description: 'Intro\nOutro', labels: ['bug', 'needs review'], due_date: '2031-05-06', confidential: true });
    expect(r.body.assignees.map((u: Json) => u.username)).toEqual(['rita']);
  });

  it('ignores commands in code blocks, blockquotes and inline code', async () => {
    const text = 'Example:\n```\n/close\n/label ~bug\n```\n> /close\n>>>\n/close\n>>>\nUse `/close` to close.';
    const r = await t.as('dev').call('POST', `${P}/issues`, { title: 'docs', description: text });
    expect(r.body.description).toBe(text);
    expect(r.body.labels).toEqual([]);
    const upd = await t.as('dev').call('PUT', `${P}/issues/${r.body.iid}`, { description: `${text}\n` });
    expect(upd.body.state).toBe('opened');
  });

  it('runs commands in an edited description: /close, /relabel, /title, /unassign', async () => {
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'edit me', labels: 'bug,ops', assignee_ids: [t.seeded.users.dev!.id] })).body;
    const r = await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { description: 'new text\n/relabel ~"needs review"\n/title Better title\n/unassign\n/close' });
    expect(r.body).toMatchObject({ description: 'new text', labels: ['needs review'], title: 'Better title', state: 'closed', assignees: [] });
    const back = await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { description: '/reopen\n/unlabel\n/assign me' });
    expect(back.body).toMatchObject({ description: '', labels: [], state: 'opened' });
    expect(back.body.assignees.map((u: Json) => u.username)).toEqual(['mia']);
  });

  it('answers 202 with commands_changes for a note made only of commands, and saves no note', async () => {
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'note commands', labels: 'status::new' })).body;
    const r = await t.as('mia').call('POST', `${P}/issues/${i.iid}/notes`, { body: '/label ~status::done\n/close' });
    expect(r.status).toBe(202);
    expect(r.body.commands_changes).toMatchObject({ state_event: 'close' });
    expect(r.body.summary).toContain('Closed this issue.');
    const after = (await t.as('mia').call('GET', `${P}/issues/${i.iid}`)).body;
    expect(after).toMatchObject({ state: 'closed', labels: ['status::done'], user_notes_count: 0 });
    const notes = (await t.as('mia').call('GET', `${P}/issues/${i.iid}/notes`)).body;
    expect(notes.filter((n: Json) => !n.system)).toEqual([]);
  });

  it('runs commands in an edited note; an edit down to commands deletes the note (202)', async () => {
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'edited note' })).body;
    const n = (await t.as('mia').call('POST', `${P}/issues/${i.iid}/notes`, { body: 'draft' })).body;
    const r = await t.as('mia').call('PUT', `${P}/issues/${i.iid}/notes/${n.id}`, { body: '/label ~ops' });
    expect(r.status).toBe(202);
    expect((await t.as('mia').call('GET', `${P}/issues/${i.iid}`)).body).toMatchObject({ labels: ['ops'], user_notes_count: 0 });
    expect((await t.as('mia').call('GET', `${P}/issues/${i.iid}/notes/${n.id}`)).status).toBe(404);
  });

  it('saves the text of a mixed note without its command lines', async () => {
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'mixed' })).body;
    const r = await t.as('mia').call('POST', `${P}/issues/${i.iid}/notes`, { body: 'Looks good\n/label ~ops' });
    expect(r.status).toBe(201);
    expect(r.body.body).toBe('Looks good');
    expect((await t.as('mia').call('GET', `${P}/issues/${i.iid}`)).body.labels).toEqual(['ops']);
  });

  it('runs commands with the writer\'s permissions: a guest\'s /label and /close do nothing but are removed', async () => {
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'guarded' })).body;
    const r = await t.as('gus').call('POST', `${P}/issues/${i.iid}/notes`, { body: 'hi\n/label ~bug\n/close' });
    expect(r.body.body).toBe('hi');
    expect((await t.as('mia').call('GET', `${P}/issues/${i.iid}`)).body).toMatchObject({ labels: [], state: 'opened' });
  });

  it('does not create unknown labels from /label, unlike the labels parameter', async () => {
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'unknown', description: '/label ~nonexistent' })).body;
    expect(i.labels).toEqual([]);
    const labels = (await t.as('mia').call('GET', `${P}/labels?per_page=100`)).body.map((l: Json) => l.name);
    expect(labels).not.toContain('nonexistent');
  });
});
