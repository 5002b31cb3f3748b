import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTeamSim } from './sim-helpers.js';

describe('simulator: authentication and permissions, as GitLab answers them', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  beforeAll(async () => {
    t = await startTeamSim();
  });
  afterAll(async () => t.sim.close());

  it('answers 401 {"message":"401 Unauthorized"} without a token or with a wrong one', async () => {
    for (const token of [null, 'nope']) {
      const r = await client(t.sim, token).call('GET', '/user');
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ message: '401 Unauthorized' });
    }
  });

  it('accepts PRIVATE-TOKEN and Authorization: Bearer', async () => {
    const a = await t.as('dev').call('GET', '/user');
    const res = await fetch(`${t.sim.url}/api/v4/user`, { headers: { Authorization: 'Bearer tok-dev' } });
    expect(a.body.username).toBe('dev');
    expect(((await res.json()) as { username: string }).username).toBe('dev');
  });

  it('hides a private project from a non-member with 404 Project Not Found', async () => {
    const r = await t.as('olga').call('GET', '/projects/infra%2Fcareer');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: '404 Project Not Found' });
    const byId = await t.as('olga').call('GET', `/projects/${t.projectId}/issues`);
    expect(byId.status).toBe(404);
  });

  it('finds a project by numeric id or URL-encoded path', async () => {
    const a = await t.as('gus').call('GET', `/projects/${t.projectId}`);
    const b = await t.as('gus').call('GET', '/projects/infra%2Fcareer');
    expect(a.body.id).toBe(b.body.id);
    expect(b.body.path_with_namespace).toBe('infra/career');
    expect(b.body.namespace).toMatchObject({ kind: 'group', full_path: 'infra' });
  });

  it('forbids a guest to create a label (403) and lets a reporter, as admin_label needs Planner+', async () => {
    const guest = await t.as('gus').call('POST', `/projects/${t.projectId}/labels`, { name: 'x', color: '#ff0000' });
    expect(guest.status).toBe(403);
    expect(guest.body).toEqual({ message: '403 Forbidden' });
    const reporter = await t.as('rita').call('POST', `/projects/${t.projectId}/labels`, { name: 'by-reporter', color: '#00ff00' });
    expect(reporter.status).toBe(201);
  });

  it('forbids non-admins to create users and tokens', async () => {
    const r = await t.as('mia').call('POST', '/users', { username: 'x', name: 'x', email: 'x@example.com', password: 'secret123' });
    expect(r.status).toBe(403);
    const tok = await t.as('mia').call('POST', '/users/2/personal_access_tokens', { name: 't', scopes: ['api'] });
    expect(tok.status).toBe(403);
  });

  it('lets a developer read but not manage hooks or members (403)', async () => {
    expect((await t.as('dev').call('GET', `/projects/${t.projectId}/hooks`)).status).toBe(403);
    expect((await t.as('dev').call('POST', `/projects/${t.projectId}/members`, { user_id: 7, access_level: 30 })).status).toBe(403);
  });

  it('sets up users, tokens, groups, projects and members the way an admin does', async () => {
    const root = t.root;
    const missing = await root.call('POST', '/users', { username: 'nina', name: 'Nina' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'email is missing' });
    const user = await root.call('POST', '/users', { username: 'nina', name: 'Nina', email: 'nina@example.com', reset_password: true });
    expect(user.status).toBe(201);
    expect(user.body).toMatchObject({ username: 'nina', name: 'Nina', state: 'active', email: 'nina@example.com', is_admin: false });
    const dup = await root.call('POST', '/users', { username: 'nina', name: 'N', email: 'other@example.com', password: 'x12345678' });
    expect(dup.status).toBe(409);
    const pat = await root.call('POST', `/users/${user.body.id}/personal_access_tokens`, { name: 'bot', scopes: ['api'] });
    expect(pat.status).toBe(201);
    expect(pat.body.token).toMatch(/^glpat-/);
    const nina = client(t.sim, pat.body.token);
    expect((await nina.call('GET', '/user')).body.username).toBe('nina');
    const found = await root.call('GET', '/users?username=NINA');
    expect(found.body.map((u: { id: number }) => u.id)).toEqual([user.body.id]);
    expect((await root.call('GET', `/users/${user.body.id}`)).body.username).toBe('nina');

    const group = await root.call('POST', '/groups', { name: 'Ops', path: 'ops' });
    expect(group.status).toBe(201);
    expect((await root.call('GET', '/groups/ops')).body.id).toBe(group.body.id);
    const project = await root.call('POST', '/projects', { name: 'Runbooks', namespace_id: group.body.id });
    expect(project.status).toBe(201);
    expect(project.body).toMatchObject({ path: 'runbooks', path_with_namespace: 'ops/runbooks', default_branch: 'main', visibility: 'private' });
    expect((await nina.call('GET', '/projects/ops%2Frunbooks')).status).toBe(404);
    const member = await root.call('POST', `/projects/${project.body.id}/members`, { user_id: user.body.id, access_level: 30 });
    expect(member.status).toBe(201);
    expect(member.body).toMatchObject({ username: 'nina', access_level: 30 });
    expect((await root.call('POST', `/projects/${project.body.id}/members`, { user_id: user.body.id, access_level: 30 })).status).toBe(409);
    const all = await root.call('GET', `/projects/${project.body.id}/members/all`);
    expect(all.body.map((m: { username: string }) => m.username).sort()).toEqual(['nina', 'root']);
    const one = await nina.call('GET', `/projects/${project.body.id}/members/all/${user.body.id}`);
    expect(one.body.access_level).toBe(30);
    expect((await nina.call('GET', '/projects/ops%2Frunbooks')).status).toBe(200);
  });

  it('counts access levels 10/15/20/30/40/50 and inherits group membership in members/all', async () => {
    await t.root.call('POST', '/groups/infra/members', { user_id: t.seeded.users.olga!.id, access_level: 20 });
    const m = await t.as('olga').call('GET', `/projects/${t.projectId}/members/all/${t.seeded.users.olga!.id}`);
    expect(m.body.access_level).toBe(20);
    const planner = await t.as('pete').call('GET', `/projects/${t.projectId}/members/all/${t.seeded.users.pete!.id}`);
    expect(planner.body.access_level).toBe(15);
  });
});
