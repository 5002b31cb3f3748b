import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordsSim, type Json } from './sim-helpers.js';

describe('simulator: GitLab permissions on a private records group', () => {
  let t: Awaited<ReturnType<typeof startRecordsSim>>;
  let A: string;
  let secret: number;
  beforeAll(async () => {
    t = await startRecordsSim();
    A = `/projects/${t.alice}`;
    secret = (await t.as('bot').call('POST', `${A}/issues`, { title: 'Q3 checkpoint', confidential: true, labels: 'record::checkpoint' })).body.iid;
  });
  afterAll(async () => t.sim.close());

  it('shows a confidential issue to Planner, Reporter, Developer, inherited Reporter and admin; not to a Guest or outsiders', async () => {
    const status = async (u: string) => (await t.as(u).call('GET', `${A}/issues/${secret}`)).status;
    const seen: Record<string, number> = {};
    for (const u of ['gina', 'pam', 'rex', 'alice', 'mgr', 'reader', 'bot', 'olga', 'bob', 'root']) seen[u] = await status(u);
    expect(seen).toEqual({ gina: 404, pam: 200, rex: 200, alice: 200, mgr: 200, reader: 200, bot: 200, olga: 404, bob: 404, root: 200 });
    // Non-members do not even see the project: 404 Project Not Found, never 403.
    expect((await t.as('olga').call('GET', A)).body).toEqual({ message: '404 Project Not Found' });
    expect((await t.as('bob').call('GET', `${A}/issues`)).status).toBe(404);
    const listed = async (u: string) => (await t.as(u).call('GET', `${A}/issues`)).body.map((i: Json) => i.iid);
    expect(await listed('gina')).not.toContain(secret);
    expect(await listed('pam')).toContain(secret);
  });

  it('lets a Guest read the confidential issues they author or are assigned to', async () => {
    const own = (await t.as('gina').call('POST', `${A}/issues`, { title: 'my own note', confidential: true })).body;
    expect(own.confidential).toBe(true);
    expect((await t.as('gina').call('GET', `${A}/issues/${own.iid}`)).status).toBe(200);
    expect((await t.as('olga').call('GET', `${A}/issues/${own.iid}`)).status).toBe(404);
  });

  it('grants inherited group membership in every project below, and refuses a lower direct role', async () => {
    expect((await t.as('reader').call('GET', `/projects/${t.bob}`)).status).toBe(200);
    const all = (await t.as('alice').call('GET', `${A}/members/all?per_page=100`)).body;
    const levels = Object.fromEntries(all.map((m: Json) => [m.username, m.access_level]));
    expect(levels).toEqual({ bot: 50, reader: 20, alice: 30, mgr: 30, gina: 10, pam: 15, rex: 20 });
    const lower = await t.as('bot').call('POST', `/projects/${t.bob}/members`, { user_id: t.id('reader'), access_level: 10 });
    expect(lower.status).toBe(400);
    expect(lower.body).toEqual({ message: { access_level: ['should be greater than or equal to Reporter inherited membership from group Career records'] } });
    const higher = await t.as('bot').call('POST', `/projects/${t.bob}/members`, { user_id: t.id('reader'), access_level: 30 });
    expect(higher.status).toBe(201);
    expect((await t.as('bob').call('GET', `/projects/${t.bob}/members/all/${t.id('reader')}`)).body.access_level).toBe(30);
    expect((await t.as('bot').call('DELETE', `/projects/${t.bob}/members/${t.id('reader')}`)).status).toBe(204);
    expect((await t.as('bob').call('GET', `/projects/${t.bob}/members/all/${t.id('reader')}`)).body.access_level).toBe(20);
  });

  it('ignores a Guest\'s labels, assignees, due date, confidentiality and lock on an existing issue; applies title and description', async () => {
    // On a new issue a Guest member may set metadata, but only with labels that exist (no label creation).
    const made = (await t.as('gina').call('POST', `${A}/issues`, { title: 'guest issue', labels: 'record::conversation,brand-new' })).body;
    expect(made.labels).toEqual(['record::conversation']);
    const edit = await t.as('gina').call('PUT', `${A}/issues/${made.iid}`, {
      title: 'guest issue, renamed', description: 'more', labels: 'confidential-hr', assignee_ids: [t.id('gina')], due_date: '2030-01-01', confidential: true, discussion_locked: true,
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ title: 'guest issue, renamed', description: 'more', labels: ['record::conversation'], assignees: [], due_date: null, confidential: false, discussion_locked: null });
    const onlyLabels = await t.as('gina').call('PUT', `${A}/issues/${made.iid}`, { add_labels: 'confidential-hr' });
    expect([onlyLabels.status, onlyLabels.body.labels]).toEqual([200, ['record::conversation']]);
    expect((await t.as('gina').call('PUT', `${A}/issues/${secret}`, { title: 'not hers' })).status).toBe(404);
    const public_ = (await t.as('alice').call('POST', `${A}/issues`, { title: 'alice writes' })).body;
    expect((await t.as('gina').call('PUT', `${A}/issues/${public_.iid}`, { title: 'not hers either' })).status).toBe(403);
    // A Planner may set metadata on existing issues.
    const planner = await t.as('pam').call('PUT', `${A}/issues/${made.iid}`, { add_labels: 'confidential-hr' });
    expect(planner.body.labels).toEqual(['confidential-hr', 'record::conversation']);
    const events = (await t.as('pam').call('GET', `${A}/issues/${made.iid}/resource_label_events`)).body;
    expect(events.map((e: Json) => [e.label.name, e.action, e.user.username])).toEqual([['record::conversation', 'add', 'gina'], ['confidential-hr', 'add', 'pam']]);
  });

  it('filters assignees who cannot read the project, and may assign a Guest to a confidential issue (GitLab 16.8+)', async () => {
    const created = (await t.as('mgr').call('POST', `${A}/issues`, { title: 'assigned', confidential: true, assignee_ids: [t.id('alice'), t.id('olga')] })).body;
    expect(created.assignees.map((u: Json) => u.username)).toEqual(['alice']);
    // olga alone: the parameter is dropped, the assignees stay.
    const kept = await t.as('mgr').call('PUT', `${A}/issues/${created.iid}`, { assignee_ids: [t.id('olga')] });
    expect(kept.body.assignees.map((u: Json) => u.username)).toEqual(['alice']);
    expect((await t.as('gina').call('GET', `${A}/issues/${created.iid}`)).status).toBe(404);
    const guest = await t.as('rex').call('PUT', `${A}/issues/${created.iid}`, { assignee_ids: [t.id('alice'), t.id('gina')] });
    expect(guest.body.assignees.map((u: Json) => u.username)).toEqual(['alice', 'gina']);
    expect((await t.as('gina').call('GET', `${A}/issues/${created.iid}`)).status).toBe(200);
    const cleared = await t.as('rex').call('PUT', `${A}/issues/${created.iid}`, { assignee_ids: [0] });
    expect(cleared.body.assignees).toEqual([]);
    expect((await t.as('gina').call('GET', `${A}/issues/${created.iid}`)).status).toBe(404);
    // The /assign quick action filters the same way.
    const quick = await t.as('rex').call('POST', `${A}/issues/${created.iid}/notes`, { body: '/assign @olga @bob @gina' });
    expect(quick.status).toBe(202);
    expect((await t.as('rex').call('GET', `${A}/issues/${created.iid}`)).body.assignees.map((u: Json) => u.username)).toEqual(['gina']);
  });

  it('lets Planners and Owners delete issues, not Reporters to Maintainers (destroy_issue)', async () => {
    const victim = (await t.as('mgr').call('POST', `${A}/issues`, { title: 'to delete' })).body.iid;
    for (const u of ['gina', 'rex', 'mgr', 'reader']) expect((await t.as(u).call('DELETE', `${A}/issues/${victim}`)).status).toBe(403);
    expect((await t.as('pam').call('DELETE', `${A}/issues/${victim}`)).status).toBe(204);
    const other = (await t.as('mgr').call('POST', `${A}/issues`, { title: 'to delete too' })).body.iid;
    expect((await t.as('bot').call('DELETE', `${A}/issues/${other}`)).status).toBe(204);
  });

  it('keeps one assignee on the Free tier', async () => {
    const free = await startRecordsSim({ tier: 'free' });
    const r = await free.as('mgr').call('POST', `/projects/${free.alice}/issues`, { title: 'two', assignee_ids: [free.id('alice'), free.id('mgr')] });
    expect(r.body.assignees.map((u: Json) => u.username)).toEqual(['alice']);
    const q = await free.as('mgr').call('POST', `/projects/${free.alice}/issues/${r.body.iid}/notes`, { body: '/assign @mgr @alice' });
    expect(q.status).toBe(202);
    expect((await free.as('mgr').call('GET', `/projects/${free.alice}/issues/${r.body.iid}`)).body.assignees.map((u: Json) => u.username)).toEqual(['mgr']);
    await free.sim.close();
  });
});
