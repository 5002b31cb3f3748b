import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { startReceiver, startRecordsSim, type Json } from './sim-helpers.js';

const settings = async (url: string, token: string, body?: unknown) => {
  const res = await fetch(`${url}/-/sim/settings`, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: { 'PRIVATE-TOKEN': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
};

describe('simulator: the tier switch', () => {
  it('defaults to premium, follows the tier with scoped labels unless told otherwise, and keeps scopedLabels working', async () => {
    const sim = await startSimulator({ port: 0 });
    expect((await settings(sim.url, sim.rootToken)).body).toEqual({ tier: 'premium', scoped_labels: true });
    expect((await settings(sim.url, sim.rootToken, { tier: 'free' })).body).toEqual({ tier: 'free', scoped_labels: false });
    expect((await settings(sim.url, sim.rootToken, { tier: 'free', scoped_labels: true })).body).toEqual({ tier: 'free', scoped_labels: true });
    expect((await settings(sim.url, sim.rootToken, { scoped_labels: false })).body).toEqual({ tier: 'free', scoped_labels: false });
    expect((await settings(sim.url, sim.rootToken, { tier: 'gold' })).status).toBe(400);
    sim.setSettings({ tier: 'premium' });
    expect((await settings(sim.url, sim.rootToken)).body).toEqual({ tier: 'premium', scoped_labels: true });
    await sim.close();
    const legacy = await startSimulator({ port: 0, scopedLabels: false });
    expect((await settings(legacy.url, legacy.rootToken)).body).toEqual({ tier: 'premium', scoped_labels: false });
    await legacy.close();
    const free = await startSimulator({ port: 0, tier: 'free' });
    expect((await settings(free.url, free.rootToken)).body).toEqual({ tier: 'free', scoped_labels: false });
    await free.close();
  });
});

describe('simulator: group webhooks (Premium)', () => {
  let t: Awaited<ReturnType<typeof startRecordsSim>>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let sub: Awaited<ReturnType<typeof startReceiver>>;
  let G: string;
  let hookId: number;
  let carol: number;
  let subGroup: number;
  beforeAll(async () => {
    t = await startRecordsSim();
    rx = await startReceiver();
    sub = await startReceiver();
    G = `/groups/${t.groupId}`;
    subGroup = (await t.as('bot').call('POST', '/groups', { name: 'Team A', path: 'team-a', parent_id: t.groupId })).body.id;
    carol = (await t.as('bot').call('POST', '/projects', { name: 'carol', namespace_id: subGroup })).body.id;
  });
  afterAll(async () => {
    await t.sim.close();
    await rx.close();
    await sub.close();
  });

  it('lets only the group Owner (or an admin) manage group hooks', async () => {
    const created = await t.as('bot').call('POST', `${G}/hooks`, { url: rx.url, token: 'group-secret', issues_events: true, confidential_issues_events: true, note_events: true, confidential_note_events: true, push_events: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: rx.url, group_id: t.groupId, issues_events: true, confidential_issues_events: true, push_events: false, alert_status: 'executable' });
    expect(created.body).not.toHaveProperty('token');
    expect(created.body).not.toHaveProperty('project_id');
    hookId = created.body.id;
    expect((await t.as('reader').call('GET', `${G}/hooks`)).status).toBe(403);
    expect((await t.as('mgr').call('POST', `${G}/hooks`, { url: rx.url })).status).toBe(403);
    expect((await t.as('olga').call('GET', `${G}/hooks`)).body).toEqual({ message: '404 Group Not Found' });
    expect((await t.root.call('GET', `${G}/hooks`)).body.map((h: Json) => h.id)).toEqual([hookId]);
    expect((await t.as('bot').call('GET', `${G}/hooks/${hookId}`)).body.id).toBe(hookId);
    expect((await t.as('bot').call('GET', `${G}/hooks/999999`)).status).toBe(404);
  });

  it('delivers issue and note events of every project below the group, confidential ones only to hooks that ask', async () => {
    await t.as('bot').call('POST', `/groups/${subGroup}/hooks`, { url: sub.url, issues_events: true, note_events: true });
    const open = (await t.as('mgr').call('POST', `/projects/${t.alice}/issues`, { title: 'open' })).body;
    const conf = (await t.as('mgr').call('POST', `/projects/${t.alice}/issues`, { title: 'private', confidential: true })).body;
    await t.as('mgr').call('POST', `/projects/${t.alice}/issues/${conf.iid}/notes`, { body: 'hush' });
    const deep = (await t.as('bot').call('POST', `/projects/${carol}/issues`, { title: 'deep', labels: 'record::checkpoint' })).body;
    await t.as('bot').call('POST', `/projects/${carol}/issues/${deep.iid}/notes`, { body: 'hello' });
    await t.sim.idle();
    const kinds = rx.got.map((r) => `${r.headers['x-gitlab-event']}:${r.body.object_attributes?.title ?? r.body.object_attributes?.note}`);
    expect(kinds).toEqual(['Issue Hook:open', 'Confidential Issue Hook:private', 'Confidential Note Hook:hush', 'Issue Hook:deep', 'Note Hook:hello']);
    expect(rx.got[0]!.headers).toMatchObject({ 'x-gitlab-token': 'group-secret', 'content-type': 'application/json' });
    expect(rx.got[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(rx.got[0]!.body).toMatchObject({ object_kind: 'issue', event_type: 'issue', project: { id: t.alice, path_with_namespace: 'career-records/alice' }, object_attributes: { iid: open.iid, action: 'open' } });
    expect(rx.got[3]!.body.labels).toEqual([expect.objectContaining({ title: 'record::checkpoint', type: 'GroupLabel', group_id: t.groupId, project_id: null })]);
    // The subgroup's hook sees only its own projects, and no confidential events.
    expect(sub.got.map((r) => r.headers['x-gitlab-event'])).toEqual(['Issue Hook', 'Note Hook']);
    const log = (await t.as('bot').call('GET', `${G}/hooks/${hookId}/events`)).body;
    expect(log).toHaveLength(5);
    expect(log[0]).toMatchObject({ trigger: 'note_hooks', response_status: '200' });
    const resent = await t.as('bot').call('POST', `${G}/hooks/${hookId}/events/${log[4].id}/resend`);
    expect(resent.body).toEqual({ response_status: 200 });
    expect(rx.got.at(-1)!.headers['idempotency-key']).toBe(rx.got[0]!.headers['idempotency-key']);
  });

  it('applies recursion detection to group hooks', async () => {
    rx.got.length = 0;
    const i = (await t.as('bot').call('POST', `/projects/${t.alice}/issues`, { title: 'loop' })).body;
    await t.sim.idle();
    const uuid = String(rx.got[0]!.headers['x-gitlab-event-uuid']);
    await t.as('bot').call('PUT', `/projects/${t.alice}/issues/${i.iid}`, { title: 'loop again' }, { 'X-Gitlab-Event-UUID': uuid });
    await t.sim.idle();
    expect(rx.got).toHaveLength(1);
    expect(t.sim.requests().webhooks.recursionBlocked).toBeGreaterThan(0);
  });

  it('edits, tests and deletes a group hook', async () => {
    const edited = await t.as('bot').call('PUT', `${G}/hooks/${hookId}`, { note_events: false, name: 'records' });
    expect(edited.body).toMatchObject({ note_events: false, name: 'records', issues_events: true });
    expect((await t.as('bot').call('POST', `${G}/hooks/${hookId}/test/push_events`)).body).toEqual({ message: 'Ensure the group has a project with commits.' });
    await t.as('bot').call('POST', `/projects/${t.alice}/repository/files/notes.md`, { branch: 'main', content: 'x', commit_message: 'add' });
    await t.sim.idle();
    const before = rx.got.length;
    expect((await t.as('bot').call('POST', `${G}/hooks/${hookId}/test/push_events`)).status).toBe(201);
    expect(rx.got.slice(before).map((r) => r.headers['x-gitlab-event'])).toEqual(['Push Hook']);
    expect((await t.as('reader').call('DELETE', `${G}/hooks/${hookId}`)).status).toBe(403);
    expect((await t.as('bot').call('DELETE', `${G}/hooks/${hookId}`)).status).toBe(204);
    expect((await t.as('bot').call('GET', `${G}/hooks`)).body).toEqual([]);
  });

  it('auto-disables a failing group hook like a project hook', async () => {
    const bad = await startReceiver(() => 500);
    const id = (await t.as('bot').call('POST', `${G}/hooks`, { url: bad.url, issues_events: true })).body.id;
    for (let n = 0; n < 4; n += 1) await t.as('bot').call('POST', `/projects/${t.alice}/issues`, { title: `fail ${n}` });
    await t.sim.idle();
    expect((await t.as('bot').call('GET', `${G}/hooks/${id}`)).body.alert_status).toBe('temporarily_disabled');
    await bad.close();
  });
});

describe('simulator: group webhooks on the Free tier', () => {
  it('answers 404 {"error":"404 Not Found"} as GitLab CE (no such API) and delivers nothing to existing group hooks', async () => {
    const t = await startRecordsSim();
    const rx = await startReceiver();
    await t.as('bot').call('POST', `/groups/${t.groupId}/hooks`, { url: rx.url, issues_events: true });
    t.sim.setSettings({ tier: 'free' });
    for (const [method, path] of [['GET', 'hooks'], ['POST', 'hooks'], ['GET', 'hooks/1'], ['GET', 'hooks/1/events']] as const) {
      const r = await t.as('bot').call(method, `/groups/${t.groupId}/${path}`, method === 'POST' ? { url: rx.url } : undefined);
      expect([r.status, r.body]).toEqual([404, { error: '404 Not Found' }]);
    }
    await t.as('bot').call('POST', `/projects/${t.alice}/issues`, { title: 'free event' });
    await t.sim.idle();
    expect(rx.got).toEqual([]);
    await t.sim.close();
    await rx.close();
  });
});
