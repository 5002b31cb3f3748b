import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTeamSim, type Json } from './sim-helpers.js';

describe('simulator: issues', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  let P: string;
  beforeAll(async () => {
    t = await startTeamSim({}, { projects: [{ path: 'infra/templated', members: [{ username: 'dev', access_level: 30 }], files: { '.gitlab/issue_templates/Default.md': '## Checklist\n- [ ] read\n- [x] write\n' } }] });
    P = `/projects/${t.projectId}`;
  });
  afterAll(async () => t.sim.close());

  it('creates, reads, updates and closes an issue with GitLab fields', async () => {
    const created = await t.as('dev').call('POST', `${P}/issues`, { title: 'First', description: 'Body', labels: 'alpha,beta', assignee_ids: [t.seeded.users.dev!.id], due_date: '2030-01-31' });
    expect(created.status).toBe(201);
    const i = created.body;
    expect(i).toMatchObject({ iid: 1, project_id: t.projectId, title: 'First', state: 'opened', labels: ['alpha', 'beta'], type: 'ISSUE', issue_type: 'issue', due_date: '2030-01-31', milestone: null, user_notes_count: 0 });
    expect(i.web_url).toBe(`${t.sim.url}/infra/career/-/issues/1`);
    expect(i.references).toEqual({ short: '#1', relative: '#1', full: 'infra/career#1' });
    expect(i.assignee.username).toBe('dev');
    expect(i.author.username).toBe('dev');
    const labels = await t.as('dev').call('GET', `${P}/labels`);
    expect(labels.body.map((l: Json) => l.name)).toEqual(expect.arrayContaining(['alpha', 'beta']));
    const updated = await t.as('mia').call('PUT', `${P}/issues/1`, { title: 'Renamed', add_labels: 'gamma', remove_labels: 'alpha', state_event: 'close' });
    expect(updated.body).toMatchObject({ title: 'Renamed', labels: ['beta', 'gamma'], state: 'closed' });
    expect(updated.body.closed_by.username).toBe('mia');
    expect(updated.body.closed_at).not.toBeNull();
    const replaced = await t.as('mia').call('PUT', `${P}/issues/1`, { labels: 'delta', state_event: 'reopen', assignee_ids: [] });
    expect(replaced.body).toMatchObject({ labels: ['delta'], state: 'opened', closed_at: null, assignees: [], assignee: null });
    const got = await t.as('gus').call('GET', `${P}/issues/1`);
    expect(got.body.title).toBe('Renamed');
    expect((await t.as('gus').call('GET', `${P}/issues/999`)).body).toEqual({ message: '404 Not found' });
  });

  it('answers {"error":"title is missing"} and validation messages as GitLab shapes them', async () => {
    const missing = await t.as('dev').call('POST', `${P}/issues`, { description: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'title is missing' });
    const blank = await t.as('dev').call('PUT', `${P}/issues/1`, { title: '  ' });
    expect(blank.body).toEqual({ message: { title: ["can't be blank"] } });
    const badState = await t.as('dev').call('PUT', `${P}/issues/1`, { state_event: 'explode' });
    expect(badState.body).toEqual({ error: 'state_event does not have a valid value' });
  });

  it('lets a guest edit only their own issue and ignores metadata they may not set', async () => {
    const own = await t.as('gus').call('POST', `${P}/issues`, { title: 'Guest issue', labels: 'guest-made' });
    expect(own.body.labels).toEqual([]);
    const edit = await t.as('gus').call('PUT', `${P}/issues/${own.body.iid}`, { title: 'Guest edited', labels: 'sneaky' });
    expect(edit.body).toMatchObject({ title: 'Guest edited', labels: [] });
    expect((await t.as('gus').call('PUT', `${P}/issues/1`, { title: 'not mine' })).status).toBe(403);
  });

  it('paginates 45 issues 20 per page with GitLab headers', async () => {
    const bulk = await t.root.call('POST', '/projects', { name: 'Bulk', namespace_id: 'infra' });
    const B = `/projects/${bulk.body.id}`;
    for (let n = 1; n <= 45; n += 1) await t.root.call('POST', `${B}/issues`, { title: `Issue ${n}` });
    const p1 = await t.root.call('GET', `${B}/issues?per_page=20`);
    expect(p1.body).toHaveLength(20);
    expect(p1.body[0].iid).toBe(45);
    const h = (name: string) => p1.headers.get(name);
    expect([h('x-total'), h('x-total-pages'), h('x-page'), h('x-per-page'), h('x-next-page'), h('x-prev-page')]).toEqual(['45', '3', '1', '20', '2', '']);
    expect(h('link')).toContain(`<${t.sim.url}/api/v4${B}/issues?per_page=20&page=2>; rel="next"`);
    expect(h('link')).toContain('rel="first"');
    expect(h('link')).toContain(`page=3>; rel="last"`);
    expect(h('link')).not.toContain('rel="prev"');
    const p3 = await t.root.call('GET', `${B}/issues?per_page=20&page=3&sort=asc`);
    expect(p3.body.map((i: Json) => i.iid)).toEqual([41, 42, 43, 44, 45]);
    expect([p3.headers.get('x-next-page'), p3.headers.get('x-prev-page')]).toEqual(['', '2']);
    expect(p3.headers.get('link')).toContain('rel="prev"');
    const big = await t.root.call('GET', `${B}/issues?per_page=500`);
    expect(big.body).toHaveLength(45);
    expect(big.headers.get('x-per-page')).toBe('100');
    const none = await t.root.call('GET', `${B}/issues?labels=nothing-has-this`);
    expect([none.body.length, none.headers.get('x-total'), none.headers.get('x-total-pages')]).toEqual([0, '0', '1']);
  });

  it('accepts form-encoded bodies and query-string parameters on writes, as GitLab does', async () => {
    const form = await fetch(`${t.sim.url}/api/v4${P}/issues`, {
      method: 'POST', headers: { 'PRIVATE-TOKEN': 'tok-mia', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `title=From+a+form&labels=f1,f2&assignee_ids[]=${t.seeded.users.dev!.id}`,
    });
    const created = (await form.json()) as Json;
    expect(created).toMatchObject({ title: 'From a form', labels: ['f1', 'f2'], assignees: [{ username: 'dev' }] });
    const query = await t.as('mia').call('PUT', `${P}/issues/${created.iid}?state_event=close`);
    expect(query.body.state).toBe('closed');
  });

  it('keeps iids per project and ids global', async () => {
    const a = await t.as('mia').call('POST', '/projects/infra%2Fother/issues', { title: 'Other 1' });
    const b = await t.as('mia').call('POST', '/projects/infra%2Fother/issues', { title: 'Other 2' });
    expect([a.body.iid, b.body.iid]).toEqual([1, 2]);
    expect(b.body.id).toBeGreaterThan(a.body.id);
    const main = await t.as('mia').call('GET', `${P}/issues/1`);
    expect(main.body.id).not.toBe(a.body.id);
  });

  it('filters by labels (all of, None, Any), not[labels], state, search, author, assignee, confidential, iids and dates', async () => {
    const F = (await t.root.call('POST', '/projects', { name: 'Filters', namespace_id: 'infra' })).body.id;
    const mk = (b: Json) => t.root.call('POST', `/projects/${F}/issues`, b);
    await mk({ title: 'red apple', labels: 'fruit,red' });
    await mk({ title: 'green apple', labels: 'fruit,green', description: 'crisp' });
    // mia is no member of this project, so GitLab drops her as assignee; root stays.
    await mk({ title: 'plain', assignee_ids: [t.seeded.users.mia!.id, 1] });
    await mk({ title: 'secret', labels: 'red', confidential: true });
    await t.root.call('PUT', `/projects/${F}/issues/2`, { state_event: 'close' });
    const titles = async (q: string) => (await t.root.call('GET', `/projects/${F}/issues?${q}`)).body.map((i: Json) => i.title).sort();
    expect(await titles('labels=fruit,red')).toEqual(['red apple']);
    expect(await titles('labels=None')).toEqual(['plain']);
    expect(await titles('labels=Any')).toEqual(['green apple', 'red apple', 'secret']);
    expect(await titles('not[labels]=red')).toEqual(['green apple', 'plain']);
    expect(await titles('state=opened&labels=fruit')).toEqual(['red apple']);
    expect(await titles('state=closed')).toEqual(['green apple']);
    expect(await titles('search=crisp')).toEqual(['green apple']);
    expect(await titles('search=crisp&in=title')).toEqual([]);
    expect(await titles('assignee_username=root')).toEqual(['plain']);
    expect(await titles('assignee_username=mia')).toEqual([]);
    expect(await titles('author_username=root&confidential=true')).toEqual(['secret']);
    expect(await titles('iids[]=1&iids[]=3')).toEqual(['plain', 'red apple']);
    expect(await titles('updated_after=2999-01-01T00:00:00Z')).toEqual([]);
    const asc = await t.root.call('GET', `/projects/${F}/issues?order_by=created_at&sort=asc`);
    expect(asc.body.map((i: Json) => i.iid)).toEqual([1, 2, 3, 4]);
  });

  it('keeps one label per scope with scoped labels, and both on Free tier', async () => {
    const a = await t.as('mia').call('POST', `${P}/issues`, { title: 'scoped', labels: 'status::todo,kind' });
    const moved = await t.as('mia').call('PUT', `${P}/issues/${a.body.iid}`, { add_labels: 'status::doing' });
    expect(moved.body.labels).toEqual(['kind', 'status::doing']);
    const nested = await t.as('mia').call('PUT', `${P}/issues/${a.body.iid}`, { add_labels: 'a::b::c,a::b::d' });
    expect(nested.body.labels).toEqual(['a::b::d', 'kind', 'status::doing']);
    await t.root.call('PUT', `${P}/issues/${a.body.iid}`, { labels: 'status::todo' });
    const off = await fetch(`${t.sim.url}/-/sim/settings`, { method: 'PUT', headers: { 'PRIVATE-TOKEN': t.sim.rootToken, 'Content-Type': 'application/json' }, body: JSON.stringify({ scoped_labels: false }) });
    expect(off.status).toBe(200);
    const free = await t.as('mia').call('PUT', `${P}/issues/${a.body.iid}`, { add_labels: 'status::done' });
    expect(free.body.labels).toEqual(['status::done', 'status::todo']);
    t.sim.setSettings({ scoped_labels: true });
  });

  it('shows confidential issues only to Planner+ members, the author and assignees', async () => {
    const c = await t.as('gus').call('POST', `${P}/issues`, { title: 'private matter', confidential: true, assignee_ids: [t.seeded.users.dev!.id] });
    expect(c.body.confidential).toBe(true);
    const iid = c.body.iid;
    const seen = async (u: string) => (await t.as(u).call('GET', `${P}/issues/${iid}`)).status;
    expect(await seen('gus')).toBe(200);
    expect(await seen('dev')).toBe(200);
    expect(await seen('pete')).toBe(200);
    expect(await seen('rita')).toBe(200);
    const other = await t.as('mia').call('POST', `${P}/issues`, { title: 'hr only', confidential: true });
    expect((await t.as('gus').call('GET', `${P}/issues/${other.body.iid}`)).status).toBe(404);
    expect((await t.as('gus').call('GET', `${P}/issues/${other.body.iid}/notes`)).body).toEqual({ message: '404 Issue Not Found' });
    const list = await t.as('gus').call('GET', `${P}/issues?per_page=100`);
    expect(list.body.some((i: Json) => i.iid === other.body.iid)).toBe(false);
    expect(list.body.some((i: Json) => i.iid === iid)).toBe(true);
  });

  it('fills an empty description from .gitlab/issue_templates/Default.md and counts its tasks', async () => {
    const r = await t.as('dev').call('POST', '/projects/infra%2Ftemplated/issues', { title: 'From template' });
    expect(r.body.description).toBe('## Checklist\n- [ ] read\n- [x] write\n');
    expect(r.body.task_completion_status).toEqual({ count: 2, completed_count: 1 });
    const given = await t.as('dev').call('POST', '/projects/infra%2Ftemplated/issues', { title: 'Own text', description: 'mine' });
    expect(given.body.description).toBe('mine');
  });

  it('lists the current user\'s issues across projects with GET /issues', async () => {
    const mine = await t.as('gus').call('GET', '/issues?scope=created_by_me');
    expect(mine.body.length).toBeGreaterThan(0);
    expect(mine.body.every((i: Json) => i.author.username === 'gus')).toBe(true);
  });
});
