import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordsSim, type Json } from './sim-helpers.js';

const names = (list: Json[]) => list.map((x) => x.username ?? x.name ?? x.title).sort();

describe('simulator: group labels', () => {
  let t: Awaited<ReturnType<typeof startRecordsSim>>;
  let G: string;
  let A: string;
  beforeAll(async () => {
    t = await startRecordsSim();
    G = `/groups/${t.groupId}`;
    A = `/projects/${t.alice}`;
  });
  afterAll(async () => t.sim.close());

  it('creates, reads, edits and deletes group labels; Planner+ of the group manage them', async () => {
    expect(names((await t.as('reader').call('GET', `${G}/labels`)).body)).toEqual(['confidential-hr', 'record::checkpoint', 'record::conversation']);
    const made = await t.as('reader').call('POST', `${G}/labels`, { name: 'growth', color: '#00ff00', description: 'growth areas' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'growth', color: '#00ff00', description: 'growth areas', text_color: '#FFFFFF', subscribed: false });
    expect(made.body).not.toHaveProperty('is_project_label');
    expect((await t.as('reader').call('POST', `${G}/labels`, { name: 'growth', color: '#000000' })).body).toEqual({ message: 'Label already exists' });
    expect((await t.as('reader').call('POST', `${G}/labels`, { name: 'x' })).body).toEqual({ error: 'color is missing' });
    expect((await t.as('mgr').call('POST', `${G}/labels`, { name: 'nope', color: '#000000' })).status).toBe(403);
    expect((await t.as('olga').call('GET', `${G}/labels`)).body).toEqual({ message: '404 Group Not Found' });
    expect((await t.as('mgr').call('GET', `${G}/labels/growth`)).body.id).toBe(made.body.id);
    expect((await t.as('mgr').call('GET', `${G}/labels/${made.body.id}`)).body.name).toBe('growth');
    const byBody = await t.as('bot').call('PUT', `${G}/labels`, { label_id: made.body.id, new_name: 'growth-area', color: 'red' });
    expect(byBody.body).toMatchObject({ id: made.body.id, name: 'growth-area', color: '#ff0000' });
    const byName = await t.as('bot').call('PUT', `${G}/labels/growth-area`, { description: 'changed' });
    expect(byName.body.description).toBe('changed');
    expect((await t.as('bot').call('PUT', `${G}/labels/growth-area`, {})).body).toEqual({ error: 'new_name, color, description, archived are missing, at least one parameter must be provided' });
    expect((await t.as('bot').call('PUT', `${G}/labels`, { new_name: 'x' })).body).toEqual({ error: 'label_id, name are missing, exactly one parameter must be provided' });
    expect((await t.as('bot').call('DELETE', `${G}/labels?name=growth-area`)).status).toBe(204);
    expect((await t.as('bot').call('GET', `${G}/labels/growth-area`)).body).toEqual({ message: '404 Label Not Found' });
  });

  it('lets issues of projects below the group use group labels, in entities, lists, filters and label events', async () => {
    const i = (await t.as('mgr').call('POST', `${A}/issues`, { title: 'Q1', labels: 'record::checkpoint,local' })).body;
    expect(i.labels).toEqual(['local', 'record::checkpoint']);
    const projectLabels = (await t.as('mgr').call('GET', `${A}/labels`)).body;
    expect(projectLabels.map((l: Json) => [l.name, l.is_project_label])).toEqual([['confidential-hr', false], ['local', true], ['record::checkpoint', false], ['record::conversation', false]]);
    expect((await t.as('mgr').call('GET', `${A}/labels?include_ancestor_groups=false`)).body.map((l: Json) => l.name)).toEqual(['local']);
    const groupLabel = projectLabels.find((l: Json) => l.name === 'record::checkpoint');
    expect((await t.as('mgr').call('GET', `${A}/labels/${groupLabel.id}`)).body.name).toBe('record::checkpoint');
    expect((await t.as('bot').call('PUT', `${A}/labels/${groupLabel.id}`, { color: '#000000' })).body).toEqual({ message: '404 Label Not Found' });
    expect((await t.as('bot').call('POST', `${A}/labels`, { name: 'record::checkpoint', color: '#000000' })).body).toEqual({ message: 'Label already exists' });
    const detailed = (await t.as('mgr').call('GET', `${A}/issues/${i.iid}?with_labels_details=true`)).body;
    expect(detailed.labels.find((l: Json) => l.name === 'record::checkpoint').id).toBe(groupLabel.id);
    expect((await t.as('mgr').call('GET', `${A}/issues?labels=record::checkpoint`)).body.map((x: Json) => x.iid)).toEqual([i.iid]);
    expect((await t.as('mgr').call('GET', `${A}/issues?not[labels]=record::checkpoint`)).body.map((x: Json) => x.iid)).not.toContain(i.iid);
    // Scoped labels: a group label replaces another of its scope.
    const moved = await t.as('mgr').call('PUT', `${A}/issues/${i.iid}`, { add_labels: 'record::conversation' });
    expect(moved.body.labels).toEqual(['local', 'record::conversation']);
    const events = (await t.as('mgr').call('GET', `${A}/issues/${i.iid}/resource_label_events`)).body;
    expect(events.map((e: Json) => `${e.action}:${e.label.name}`)).toEqual(['add:record::checkpoint', 'add:local', 'add:record::conversation', 'remove:record::checkpoint']);
    expect(events[0].label.id).toBe(groupLabel.id);
    // Quick actions find group labels too.
    await t.as('mgr').call('POST', `${A}/issues/${i.iid}/notes`, { body: '/label ~confidential-hr' });
    expect((await t.as('mgr').call('GET', `${A}/issues/${i.iid}`)).body.labels).toEqual(['confidential-hr', 'local', 'record::conversation']);
    await t.as('mgr').call('POST', `${A}/issues/${i.iid}/notes`, { body: '/unlabel ~confidential-hr' });
    const counted = (await t.as('mgr').call('GET', `/groups/${t.groupId}/labels?with_counts=true`)).body;
    expect(counted.find((l: Json) => l.name === 'record::conversation')).toMatchObject({ open_issues_count: 1, closed_issues_count: 0 });
    // Renaming or deleting a group label shows on the issues that carry it.
    await t.as('bot').call('PUT', `/groups/${t.groupId}/labels/record::conversation`, { new_name: 'record::talk' });
    expect((await t.as('mgr').call('GET', `${A}/issues/${i.iid}`)).body.labels).toEqual(['local', 'record::talk']);
    await t.as('bot').call('DELETE', `/groups/${t.groupId}/labels/record::talk`);
    expect((await t.as('mgr').call('GET', `${A}/issues/${i.iid}`)).body.labels).toEqual(['local']);
  });

  it('keeps both labels of a scope on the Free tier', async () => {
    t.sim.setSettings({ tier: 'free' });
    const i = (await t.as('mgr').call('POST', `${A}/issues`, { title: 'free', labels: 'record::checkpoint' })).body;
    await t.as('bot').call('POST', `/groups/${t.groupId}/labels`, { name: 'record::done', color: '#123456' });
    const both = await t.as('mgr').call('PUT', `${A}/issues/${i.iid}`, { add_labels: 'record::done' });
    expect(both.body.labels).toEqual(['record::checkpoint', 'record::done']);
    t.sim.setSettings({ tier: 'premium' });
  });
});

describe('simulator: group issues and GET /issues scopes', () => {
  let t: Awaited<ReturnType<typeof startRecordsSim>>;
  const titles = async (u: string, q: string) => (await t.as(u).call('GET', q)).body.map((i: Json) => i.title).sort();
  beforeAll(async () => {
    t = await startRecordsSim();
    const sub = (await t.as('bot').call('POST', '/groups', { name: 'Team', path: 'team', parent_id: t.groupId })).body.id;
    const carol = (await t.as('bot').call('POST', '/projects', { name: 'carol', namespace_id: sub })).body.id;
    await t.as('bot').call('POST', `/projects/${t.alice}/issues`, { title: 'alice open', labels: 'record::checkpoint' });
    await t.as('bot').call('POST', `/projects/${t.alice}/issues`, { title: 'alice secret', confidential: true, assignee_ids: [t.id('alice')] });
    await t.as('bot').call('POST', `/projects/${t.bob}/issues`, { title: 'bob secret', confidential: true });
    await t.as('gina').call('POST', `/projects/${t.alice}/issues`, { title: 'gina own', confidential: true });
    await t.as('bot').call('POST', `/projects/${carol}/issues`, { title: 'carol deep' });
    await t.as('bot').call('PUT', `/projects/${t.alice}/issues/1`, { state_event: 'close' });
  });
  afterAll(async () => t.sim.close());

  it('lists issues of every project below the group that the user may read, by each project\'s confidential rules', async () => {
    const G = `/groups/${t.groupId}/issues`;
    const every = ['alice open', 'alice secret', 'bob secret', 'carol deep', 'gina own'];
    expect(await titles('reader', G)).toEqual(every);
    expect(await titles('bot', G)).toEqual(every);
    expect(await titles('root', G)).toEqual(every);
    expect(await titles('mgr', G)).toEqual(['alice open', 'alice secret', 'bob secret', 'gina own']);
    expect(await titles('alice', G)).toEqual(['alice open', 'alice secret', 'gina own']);
    expect(await titles('gina', G)).toEqual(['alice open', 'gina own']);
    expect(await titles('bob', G)).toEqual(['bob secret']);
    expect((await t.as('olga').call('GET', G)).body).toEqual({ message: '404 Group Not Found' });
    expect(await titles('reader', `${G}?state=closed`)).toEqual(['alice open']);
    expect(await titles('reader', `${G}?labels=record::checkpoint`)).toEqual(['alice open']);
    expect(await titles('reader', `${G}?confidential=true&search=secret`)).toEqual(['alice secret', 'bob secret']);
    expect(await titles('reader', `${G}?scope=created_by_me`)).toEqual([]);
    expect(await titles('alice', `${G}?scope=assigned_to_me`)).toEqual(['alice secret']);
    const page = await t.as('reader').call('GET', `${G}?per_page=2`);
    expect([page.body.length, page.headers.get('x-total')]).toEqual([2, '5']);
  });

  it('answers GET /issues with created_by_me by default, assigned_to_me, and all (admins: everything)', async () => {
    expect(await titles('gina', '/issues')).toEqual(['gina own']);
    expect(await titles('alice', '/issues?scope=assigned_to_me')).toEqual(['alice secret']);
    expect(await titles('alice', '/issues?scope=all')).toEqual(['alice open', 'alice secret', 'gina own']);
    expect(await titles('gina', '/issues?scope=all')).toEqual(['alice open', 'gina own']);
    expect(await titles('root', '/issues?scope=all')).toEqual(['alice open', 'alice secret', 'bob secret', 'carol deep', 'gina own']);
    expect(await titles('olga', '/issues?scope=all')).toEqual([]);
  });
});

describe('simulator: projects in groups and group members', () => {
  let t: Awaited<ReturnType<typeof startRecordsSim>>;
  let sandbox: number;
  beforeAll(async () => {
    t = await startRecordsSim();
    sandbox = (await t.as('bot').call('POST', '/groups', { name: 'Sandbox', path: 'sandbox' })).body.id;
    await t.as('bot').call('POST', `/groups/${sandbox}/members`, { user_id: t.id('bob'), access_level: 30 });
    await t.as('bot').call('POST', `/groups/${sandbox}/members`, { user_id: t.id('rex'), access_level: 40 });
    await t.as('bot').call('POST', `/groups/${sandbox}/members`, { user_id: t.id('pam'), access_level: 20 });
  });
  afterAll(async () => t.sim.close());

  it('creates projects in a group by project_creation_level (default: Developer and up)', async () => {
    const made = await t.as('bob').call('POST', '/projects', { name: 'Bob Notes', path: 'bob-notes', namespace_id: sandbox, description: 'notes', visibility: 'private' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ path_with_namespace: 'sandbox/bob-notes', name: 'Bob Notes', description: 'notes', visibility: 'private', namespace: { id: sandbox, kind: 'group' } });
    expect((await t.as('bob').call('GET', `/projects/${made.body.id}/members/all/${t.id('bob')}`)).body.access_level).toBe(40);
    expect((await t.as('pam').call('POST', '/projects', { name: 'x', namespace_id: sandbox })).status).toBe(403);
    expect((await t.as('mgr').call('POST', '/projects', { name: 'x', namespace_id: t.groupId })).status).toBe(403);
    expect((await t.as('olga').call('POST', '/projects', { name: 'x', namespace_id: t.groupId })).status).toBe(404);
    const pub = await t.as('bot').call('POST', '/projects', { name: 'open', namespace_id: sandbox, visibility: 'public' });
    expect(pub.body).toEqual({ message: { visibility_level: ['Public is not allowed in a private group.'] } });
    expect((await t.as('rex').call('PUT', `/groups/${sandbox}`, { project_creation_level: 'maintainer' })).status).toBe(403);
    const group = await t.as('bot').call('PUT', `/groups/${sandbox}`, { project_creation_level: 'maintainer' });
    expect(group.body.project_creation_level).toBe('maintainer');
    expect((await t.as('bob').call('POST', '/projects', { name: 'again', namespace_id: sandbox })).status).toBe(403);
    expect((await t.as('rex').call('POST', '/projects', { name: 'rex', namespace_id: sandbox })).status).toBe(201);
  });

  it('lists a group\'s projects the user may see, with include_subgroups, search and pages', async () => {
    const sub = (await t.as('bot').call('POST', '/groups', { name: 'Team', path: 'team', parent_id: t.groupId })).body.id;
    await t.as('bot').call('POST', '/projects', { name: 'carol', namespace_id: sub });
    const G = `/groups/${t.groupId}/projects`;
    expect(names((await t.as('reader').call('GET', G)).body)).toEqual(['alice', 'bob']);
    expect(names((await t.as('reader').call('GET', `${G}?include_subgroups=true`)).body)).toEqual(['alice', 'bob', 'carol']);
    expect(names((await t.as('alice').call('GET', G)).body)).toEqual(['alice']);
    expect(names((await t.as('reader').call('GET', `${G}?search=bo`)).body)).toEqual(['bob']);
    const page = await t.as('reader').call('GET', `${G}?per_page=1&page=2`);
    expect([page.body.length, page.headers.get('x-total'), page.headers.get('x-page')]).toEqual([1, '2', '2']);
    expect((await t.as('olga').call('GET', G)).status).toBe(404);
  });

  it('deletes a project for its Owners and admins only (202), and then answers 404', async () => {
    const doomed = (await t.as('bot').call('POST', '/projects', { name: 'doomed', namespace_id: t.groupId })).body.id;
    await t.as('bot').call('POST', `/projects/${doomed}/members`, { user_id: t.id('mgr'), access_level: 40 });
    await t.as('bot').call('POST', `/projects/${doomed}/issues`, { title: 'gone soon', labels: 'record::checkpoint' });
    expect((await t.as('mgr').call('DELETE', `/projects/${doomed}`)).status).toBe(403);
    expect((await t.as('reader').call('DELETE', `/projects/${doomed}`)).status).toBe(403);
    const gone = await t.as('bot').call('DELETE', `/projects/${doomed}`);
    expect([gone.status, gone.body]).toEqual([202, { message: '202 Accepted' }]);
    expect((await t.as('bot').call('GET', `/projects/${doomed}`)).status).toBe(404);
    expect((await t.as('bot').call('GET', `/groups/${t.groupId}/issues`)).body.map((i: Json) => i.title)).not.toContain('gone soon');
    expect((await t.as('olga').call('GET', `/projects/${t.alice}`)).status).toBe(404);
  });

  it('manages group members: Owners only, no lower role than inherited, never the last Owner', async () => {
    const G = `/groups/${t.groupId}`;
    expect((await t.as('reader').call('GET', `${G}/members/${t.id('reader')}`)).body.access_level).toBe(20);
    expect((await t.as('bot').call('PUT', `${G}/members/${t.id('reader')}`, { access_level: 30 })).body).toMatchObject({ username: 'reader', access_level: 30 });
    expect((await t.as('bot').call('PUT', `${G}/members/${t.id('olga')}`, { access_level: 30 })).status).toBe(404);
    expect((await t.as('bot').call('PUT', `${G}/members/${t.id('reader')}`, { access_level: 33 })).status).toBe(400);
    // A group Maintainer may not manage group members (admin_group_member is Owner-only).
    expect((await t.as('rex').call('PUT', `/groups/${sandbox}/members/${t.id('bob')}`, { access_level: 20 })).status).toBe(403);
    expect((await t.as('rex').call('POST', `/groups/${sandbox}/members`, { user_id: t.id('olga'), access_level: 10 })).status).toBe(403);
    expect((await t.as('rex').call('DELETE', `/groups/${sandbox}/members/${t.id('bob')}`)).status).toBe(403);
    // bot is the only Owner of sandbox: it may be neither changed nor removed.
    expect((await t.as('bot').call('PUT', `/groups/${sandbox}/members/${t.id('bot')}`, { access_level: 40 })).status).toBe(403);
    expect((await t.as('bot').call('DELETE', `/groups/${sandbox}/members/${t.id('bot')}`)).status).toBe(403);
    // Anyone may leave.
    expect((await t.as('pam').call('DELETE', `/groups/${sandbox}/members/${t.id('pam')}`)).status).toBe(204);
    const sub = (await t.as('bot').call('POST', '/groups', { name: 'Leads', path: 'leads', parent_id: t.groupId })).body.id;
    const low = await t.as('bot').call('POST', `/groups/${sub}/members`, { user_id: t.id('reader'), access_level: 20 });
    expect(low.body).toEqual({ message: { access_level: ['should be greater than or equal to Developer inherited membership from group Career records'] } });
    await t.as('bot').call('POST', `/groups/${sub}/members`, { user_id: t.id('reader'), access_level: 40 });
    const all = (await t.as('reader').call('GET', `/groups/${sub}/members/all`)).body;
    expect(Object.fromEntries(all.map((m: Json) => [m.username, m.access_level]))).toEqual({ bot: 50, reader: 40 });
    expect((await t.as('reader').call('GET', `/groups/${sub}/members/all/${t.id('bot')}`)).body.access_level).toBe(50);
    expect((await t.as('reader').call('GET', `/groups/${sub}/members/1`)).status).toBe(404);
  });

  it('filters member lists by query and user_ids, for groups and projects', async () => {
    const G = `/groups/${t.groupId}`;
    expect(names((await t.as('bot').call('GET', `${G}/members?query=READ`)).body)).toEqual(['reader']);
    expect(names((await t.as('bot').call('GET', `${G}/members?user_ids=${t.id('bot')},${t.id('reader')}`)).body)).toEqual(['bot', 'reader']);
    expect(names((await t.as('bot').call('GET', `${G}/members/all?user_ids[]=${t.id('bot')}`)).body)).toEqual(['bot']);
    const A = `/projects/${t.alice}`;
    expect(names((await t.as('alice').call('GET', `${A}/members?query=al`)).body)).toEqual(['alice']);
    expect(names((await t.as('alice').call('GET', `${A}/members/all?query=read`)).body)).toEqual(['reader']);
    expect(names((await t.as('alice').call('GET', `${A}/members/all?user_ids=${t.id('mgr')},${t.id('bot')}`)).body)).toEqual(['bot', 'mgr']);
  });

  it('removes a group member\'s direct memberships below the group too, unless skip_subresources', async () => {
    const G = `/groups/${t.groupId}`;
    await t.as('bot').call('POST', `${G}/members`, { user_id: t.id('mgr'), access_level: 20 });
    expect((await t.as('bot').call('DELETE', `${G}/members/${t.id('mgr')}?skip_subresources=true`)).status).toBe(204);
    expect((await t.as('mgr').call('GET', `/projects/${t.alice}`)).status).toBe(200);
    await t.as('bot').call('POST', `${G}/members`, { user_id: t.id('mgr'), access_level: 20 });
    expect((await t.as('bot').call('DELETE', `${G}/members/${t.id('mgr')}`)).status).toBe(204);
    expect((await t.as('mgr').call('GET', `/projects/${t.alice}`)).status).toBe(404);
    expect((await t.as('mgr').call('GET', `/projects/${t.bob}`)).status).toBe(404);
  });
});

describe('simulator: seeds with groups', () => {
  it('seeds group members, visibility and labels, and project visibility, and answers group ids', async () => {
    const t = await startRecordsSim();
    const seeded = await t.sim.seed({
      groups: [{ path: 'handbook', visibility: 'public', members: [{ username: 'rex', access_level: 40 }], labels: [{ name: 'howto' }], project_creation_level: 'maintainer' }],
      projects: [{ path: 'handbook/guide', visibility: 'public' }, { path: 'handbook/drafts' }],
    });
    const id = seeded.groups.handbook!.id;
    expect((await t.as('olga').call('GET', `/groups/${id}`)).body).toMatchObject({ visibility: 'public', project_creation_level: 'maintainer' });
    expect((await t.as('olga').call('GET', '/projects/handbook%2Fguide')).body.visibility).toBe('public');
    expect((await t.as('olga').call('GET', '/projects/handbook%2Fdrafts')).status).toBe(404);
    expect((await t.as('olga').call('GET', `/groups/${id}/members/${t.id('rex')}`)).body.access_level).toBe(40);
    expect((await t.as('olga').call('GET', `/groups/${id}/labels`)).body.map((l: Json) => l.name)).toEqual(['howto']);
    expect((await t.as('rex').call('GET', '/projects/handbook%2Fdrafts')).status).toBe(200);
    // A second run updates levels instead of failing.
    await t.sim.seed({ groups: [{ path: 'handbook', members: [{ username: 'rex', access_level: 20 }] }] });
    expect((await t.as('rex').call('GET', `/groups/${id}/members/${t.id('rex')}`)).body.access_level).toBe(20);
    await t.sim.close();
  });
});
