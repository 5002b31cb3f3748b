import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTeamSim, type Json } from './sim-helpers.js';

describe('simulator: notes, labels, links, files and hooks', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  let P: string;
  beforeAll(async () => {
    t = await startTeamSim();
    P = `/projects/${t.projectId}`;
    await t.as('mia').call('POST', `${P}/issues`, { title: 'one' });
    await t.as('mia').call('POST', `${P}/issues`, { title: 'two' });
  });
  afterAll(async () => t.sim.close());

  it('creates, lists (sorted, paginated), gets and edits notes; only the author may edit', async () => {
    const a = await t.as('dev').call('POST', `${P}/issues/1/notes`, { body: 'first' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ body: 'first', system: false, noteable_type: 'Issue', noteable_iid: 1, author: { username: 'dev' } });
    await t.as('rita').call('POST', `${P}/issues/1/notes`, { body: 'second' });
    const desc = await t.as('dev').call('GET', `${P}/issues/1/notes`);
    expect(desc.body.map((n: Json) => n.body)).toEqual(['second', 'first']);
    const asc = await t.as('dev').call('GET', `${P}/issues/1/notes?sort=asc&per_page=1&page=2`);
    expect(asc.body.map((n: Json) => n.body)).toEqual(['second']);
    expect(asc.headers.get('x-total')).toBe('2');
    const edited = await t.as('dev').call('PUT', `${P}/issues/1/notes/${a.body.id}`, { body: 'first (edited)' });
    expect(edited.body.body).toBe('first (edited)');
    expect((await t.as('dev').call('GET', `${P}/issues/1/notes/${a.body.id}`)).body.body).toBe('first (edited)');
    expect((await t.as('rita').call('PUT', `${P}/issues/1/notes/${a.body.id}`, { body: 'hijack' })).status).toBe(403);
    expect((await t.as('mia').call('PUT', `${P}/issues/1/notes/${a.body.id}`, { body: 'maintainer may' })).status).toBe(200);
    expect((await t.as('dev').call('POST', `${P}/issues/1/notes`, {})).body).toEqual({ error: 'body is missing' });
    expect((await t.as('dev').call('GET', `${P}/issues/1`)).body.user_notes_count).toBe(2);
  });

  it('records assignment and title changes as system notes, label and state changes as resource events', async () => {
    await t.as('mia').call('PUT', `${P}/issues/2`, { assignee_ids: [t.seeded.users.dev!.id], title: 'two!', labels: 'x', state_event: 'close' });
    const notes = (await t.as('mia').call('GET', `${P}/issues/2/notes?sort=asc`)).body;
    expect(notes.every((n: Json) => n.system)).toBe(true);
    expect(notes.map((n: Json) => n.body)).toEqual(['assigned to @dev', 'changed title from **two** to **two{+!+}**']);
    const labels = (await t.as('mia').call('GET', `${P}/issues/2/resource_label_events`)).body;
    expect(labels.map((e: Json) => [e.action, e.label.name])).toEqual([['add', 'x']]);
    const states = (await t.as('mia').call('GET', `${P}/issues/2/resource_state_events`)).body;
    expect(states.map((e: Json) => e.state)).toEqual(['closed']);
  });

  it('creates, lists, renames and recolours labels by id or name', async () => {
    const made = await t.as('mia').call('POST', `${P}/labels`, { name: 'team::sre', color: '#FF0000', description: 'SRE' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'team::sre', color: '#FF0000', description: 'SRE', text_color: '#FFFFFF', is_project_label: true });
    expect((await t.as('mia').call('POST', `${P}/labels`, { name: 'team::sre', color: '#000000' })).status).toBe(409);
    expect((await t.as('mia').call('POST', `${P}/labels`, { name: 'a,b', color: '#000000' })).body).toEqual({ message: { title: ['is invalid'] } });
    expect((await t.as('mia').call('POST', `${P}/labels`, { name: 'nocolor' })).body).toEqual({ error: 'color is missing' });
    const byName = await t.as('mia').call('PUT', `${P}/labels/${encodeURIComponent('team::sre')}`, { new_name: 'team::delivery', color: '#ffffff' });
    expect(byName.body).toMatchObject({ id: made.body.id, name: 'team::delivery', text_color: '#1F1E24' });
    const byId = await t.as('mia').call('PUT', `${P}/labels/${made.body.id}`, { description: 'Delivery' });
    expect(byId.body.description).toBe('Delivery');
    const counted = await t.as('mia').call('GET', `${P}/labels?with_counts=true&search=delivery`);
    expect(counted.body).toHaveLength(1);
    expect(counted.body[0]).toMatchObject({ open_issues_count: 0, closed_issues_count: 0 });
  });

  it('links issues both ways with link types and refuses duplicates (409)', async () => {
    const other = (await t.as('mia').call('POST', '/projects/infra%2Fother/issues', { title: 'elsewhere' })).body;
    const r = await t.as('mia').call('POST', `${P}/issues/1/links`, { target_project_id: other.project_id, target_issue_iid: other.iid });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ link_type: 'relates_to', source_issue: { iid: 1 }, target_issue: { iid: other.iid } });
    const here = (await t.as('mia').call('GET', `${P}/issues/1/links`)).body;
    expect(here).toHaveLength(1);
    expect(here[0]).toMatchObject({ id: other.id, link_type: 'relates_to' });
    expect(here[0].issue_link_id).toBeTypeOf('number');
    const there = (await t.as('mia').call('GET', `/projects/infra%2Fother/issues/${other.iid}/links`)).body;
    expect(there.map((i: Json) => i.iid)).toEqual([1]);
    const dup = await t.as('mia').call('POST', `${P}/issues/1/links`, { target_project_id: 'infra/other', target_issue_iid: other.iid });
    expect(dup.status).toBe(409);
    const blocks = await t.as('mia').call('POST', `${P}/issues/1/links`, { target_project_id: t.projectId, target_issue_iid: 2, link_type: 'blocks' });
    expect(blocks.body.link_type).toBe('blocks');
    const fromTwo = (await t.as('mia').call('GET', `${P}/issues/2/links`)).body;
    expect(fromTwo[0]).toMatchObject({ iid: 1, link_type: 'is_blocked_by' });
    // olga cannot see the other project's issue at all.
    expect((await t.as('olga').call('GET', `${P}/issues/1/links`)).status).toBe(404);
  });

  it('serves and writes repository files like the Files API', async () => {
    const F = `${P}/repository/files/${encodeURIComponent('docs/readme.md')}`;
    expect((await t.as('dev').call('POST', F, { branch: 'main', content: 'x', commit_message: 'dev push' })).status).toBe(403);
    const made = await t.as('mia').call('POST', F, { branch: 'main', content: 'hello\n', commit_message: 'add readme' });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ file_path: 'docs/readme.md', branch: 'main' });
    expect((await t.as('mia').call('POST', F, { branch: 'main', content: 'again', commit_message: 'x' })).body).toEqual({ message: 'A file with this name already exists' });
    const got = await t.as('rita').call('GET', `${F}?ref=main`);
    expect(got.body).toMatchObject({ file_name: 'readme.md', file_path: 'docs/readme.md', size: 6, encoding: 'base64', ref: 'main', blob_id: 'ce013625030ba8dba906f756967f9e9ca394464a' });
    expect(Buffer.from(got.body.content, 'base64').toString()).toBe('hello\n');
    expect(got.body.content_sha256).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect(got.body.last_commit_id).toBe(got.body.commit_id);
    const head = await fetch(`${t.sim.url}/api/v4${F}?ref=main`, { method: 'HEAD', headers: { 'PRIVATE-TOKEN': 'tok-rita' } });
    expect([head.status, head.headers.get('x-gitlab-file-path'), head.headers.get('x-gitlab-size')]).toEqual([200, 'docs/readme.md', '6']);
    const raw = await t.as('rita').call('GET', `${F}/raw?ref=main`);
    expect(raw.text).toBe('hello\n');
    expect((await t.as('gus').call('GET', `${F}?ref=main`)).status).toBe(403);
    expect((await t.as('rita').call('GET', F)).body).toEqual({ error: 'ref is missing' });
    const stale = await t.as('mia').call('PUT', F, { branch: 'main', content: 'v2', commit_message: 'edit', last_commit_id: '0'.repeat(40) });
    expect(stale.status).toBe(400);
    const upd = await t.as('mia').call('PUT', F, { branch: 'main', content: Buffer.from('v2').toString('base64'), encoding: 'base64', commit_message: 'edit', last_commit_id: got.body.last_commit_id });
    expect(upd.status).toBe(200);
    const missingFile = await t.as('mia').call('PUT', `${P}/repository/files/nope.md`, { branch: 'main', content: 'x', commit_message: 'x' });
    expect(missingFile.body).toEqual({ message: "A file with this name doesn't exist" });
    const commit = await t.as('mia').call('POST', `${P}/repository/commits`, {
      branch: 'main', commit_message: 'sync templates',
      actions: [{ action: 'create', file_path: '.gitlab/issue_templates/Default.md', content: 'T' }, { action: 'update', file_path: 'docs/readme.md', content: 'v3' }],
    });
    expect(commit.status).toBe(201);
    expect(commit.body).toMatchObject({ title: 'sync templates', stats: { total: expect.any(Number) } });
    const after = await t.as('mia').call('GET', `${F}?ref=main`);
    expect(Buffer.from(after.body.content, 'base64').toString()).toBe('v3');
    expect(after.body.commit_id).toBe(commit.body.id);
  });

  it('manages project hooks: token never shown, URL change resets it, maintainers only', async () => {
    const h = await t.as('mia').call('POST', `${P}/hooks`, { url: 'http://127.0.0.1:9/a', token: 'secret', issues_events: true, note_events: true });
    expect(h.status).toBe(201);
    expect(h.body).toMatchObject({ url: 'http://127.0.0.1:9/a', issues_events: true, note_events: true, push_events: true, confidential_issues_events: false, alert_status: 'executable', disabled_until: null, enable_ssl_verification: true });
    expect(h.body).not.toHaveProperty('token');
    const list = await t.as('mia').call('GET', `${P}/hooks`);
    expect(list.body.map((x: Json) => x.id)).toContain(h.body.id);
    const upd = await t.as('mia').call('PUT', `${P}/hooks/${h.body.id}`, { url: 'http://127.0.0.1:9/b', confidential_issues_events: true });
    expect(upd.body).toMatchObject({ url: 'http://127.0.0.1:9/b', confidential_issues_events: true });
    expect((await t.as('mia').call('GET', `${P}/hooks/${h.body.id}/events`)).body).toEqual([]);
    expect((await t.as('mia').call('DELETE', `${P}/hooks/${h.body.id}`)).status).toBe(204);
    expect((await t.as('mia').call('GET', `${P}/hooks/${h.body.id}`)).status).toBe(404);
  });
});
