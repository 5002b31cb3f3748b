import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startReceiver, startTeamSim, type Json } from './sim-helpers.js';

type Team = Awaited<ReturnType<typeof startTeamSim>>;

describe('GitLab behaviours clients rely on (issue 17), over plain HTTP', () => {
  let t: Team;
  let P: string;
  beforeAll(async () => {
    t = await startTeamSim();
    P = `/projects/${t.projectId}`;
  });
  afterAll(async () => t.sim.close());

  describe('sudo (lib/api/helpers.rb sudo!)', () => {
    it.each([
      ['the Sudo header, by username', { sudo: 'dev' }, ''],
      ['the sudo parameter, by id', {}, 'sudo=ID'],
    ])('an administrator\'s token with the sudo scope acts as the named user: %s', async (_how, headers, query) => {
      const id = t.seeded.users.dev!.id;
      const me = await t.root.call('GET', `/user${query ? `?${query.replace('ID', String(id))}` : ''}`, undefined, headers);
      expect(me.body.username).toBe('dev');
    });

    it('the request runs with the named user\'s rights and authorship', async () => {
      const made = await t.root.call('POST', `${P}/issues`, { title: 'as dev' }, { Sudo: 'dev' });
      expect(made.body.author.username).toBe('dev');
      // A `sudo` in the JSON body counts too (Grape's params merge query and body).
      expect((await t.root.call('POST', `${P}/issues`, { title: 'as rita', sudo: 'rita' })).body.author.username).toBe('rita');
      expect((await t.root.call('GET', `${P}`, undefined, { Sudo: 'olga' })).status).toBe(404);
    });

    it.each([
      ['an unknown user', 'sim-root-token', 'nobody', 404, { message: "404 User with ID or username 'nobody' Not Found" }],
      ['a token that is not an administrator\'s', 'tok-mia', 'dev', 403, { message: '403 Forbidden - Must be admin to use sudo' }],
    ])('refuses %s', async (_what, token, sudo, status, body) => {
      const r = await client(t.sim, token).call('GET', '/user', undefined, { Sudo: sudo });
      expect([r.status, r.body]).toEqual([status, body]);
    });

    it('refuses an administrator\'s token without the sudo scope', async () => {
      const pat = (await t.root.call('POST', '/users/1/personal_access_tokens', { name: 'no-sudo', scopes: ['api'] })).body;
      const r = await client(t.sim, pat.token).call('GET', '/user', undefined, { Sudo: 'dev' });
      expect([r.status, r.body.scope, r.body.error]).toEqual([403, 'sudo', 'insufficient_scope']);
    });
  });

  it('counts the issue-creation limit per user and project', async () => {
    t.sim.setLimits({ issue_create_per_minute: 2 });
    try {
      const other = t.seeded.projects['infra/other']!.id;
      const mia = t.as('mia');
      const statuses: number[] = [];
      for (const project of [t.projectId, t.projectId, t.projectId, other, other, other]) statuses.push((await mia.call('POST', `/projects/${project}/issues`, { title: 'limited' })).status);
      expect(statuses).toEqual([201, 201, 429, 201, 201, 429]);
      expect((await t.as('dev').call('POST', `${P}/issues`, { title: 'another user' })).status).toBe(201);
    } finally {
      t.sim.setLimits({ issue_create_per_minute: 0 });
    }
  });

  it('edits and deletes a project label named in the body (PUT/DELETE /projects/:id/labels, lib/api/labels.rb)', async () => {
    const mia = t.as('mia');
    const label = (await mia.call('POST', `${P}/labels`, { name: 'body-label', color: '#111111' })).body;
    expect((await mia.call('PUT', `${P}/labels`, { name: 'body-label', new_name: 'body-label-2' })).body.name).toBe('body-label-2');
    expect((await mia.call('PUT', `${P}/labels`, { label_id: label.id, color: '#222222' })).body.color).toBe('#222222');
    expect((await mia.call('PUT', `${P}/labels`, { label_id: label.id, name: 'x', color: '#222222' })).body).toEqual({ error: 'label_id, name are mutually exclusive' });
    expect((await mia.call('DELETE', `${P}/labels`, { name: 'body-label-2' })).status).toBe(204);
    expect((await mia.call('GET', `${P}/labels/${label.id}`)).status).toBe(404);
  });

  it.each([
    ['form-encoded', () => ({ body: 'email=f%40example.com&name=Form&username=form&password=secret-pass-123', type: 'application/x-www-form-urlencoded' })],
    ['multipart', () => {
      const fd = new FormData();
      for (const [k, v] of Object.entries({ email: 'm@example.com', name: 'Multi', username: 'multi', password: 'secret-pass-123' })) fd.set(k, v);
      fd.set('avatar', new Blob([Buffer.from('not really a png')], { type: 'image/png' }), 'me.png');
      return { body: fd, type: undefined };
    }],
  ])('reads a %s body as GitLab (Grape) does', async (_kind, make) => {
    const { body, type } = make();
    const res = await fetch(`${t.sim.url}/api/v4/users`, { method: 'POST', headers: { 'PRIVATE-TOKEN': t.sim.rootToken, ...(type ? { 'Content-Type': type } : {}) }, body });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Json).name).toMatch(/^(Form|Multi)$/);
  });

  it('initialize_with_readme commits README.md as "Initial commit", listed by /repository/commits and /repository/tree', async () => {
    const made = (await t.root.call('POST', '/projects', { name: 'readme', initialize_with_readme: true, description: 'with a readme' })).body;
    expect([made.empty_repo, made.readme_url]).toEqual([false, `${made.web_url}/-/blob/main/README.md`]);
    const base = `/projects/${made.id}/repository`;
    expect((await t.root.call('GET', `${base}/tree`)).body.map((e: Json) => e.path)).toEqual(['README.md']);
    await t.root.call('POST', `${base}/commits`, { branch: 'main', commit_message: 'docs', actions: [{ action: 'create', file_path: 'docs/a.md', content: 'a' }] });
    const log = (await t.root.call('GET', `${base}/commits`)).body;
    expect(log.map((c: Json) => c.title)).toEqual(['docs', 'Initial commit']);
    expect(log[0]).not.toHaveProperty('stats');
    expect((await t.root.call('GET', `${base}/commits?path=docs&with_stats=true`)).body.map((c: Json) => [c.title, c.stats.additions])).toEqual([['docs', 1]]);
    expect((await t.root.call('GET', `${base}/commits?ref_name=nope`)).body).toEqual([]);
    const plain = (await t.root.call('POST', '/projects', { name: 'no-readme' })).body;
    expect([plain.empty_repo, plain.readme_url]).toEqual([true, null]);
  });

  it('tests a hook with issues and note events, as TestHooks::ProjectService builds them', async () => {
    const rx = await startReceiver();
    try {
      const project = (await t.root.call('POST', '/projects', { name: 'hook-tests' })).body;
      const base = `/projects/${project.id}/hooks`;
      const hook = (await t.root.call('POST', base, { url: rx.url })).body;
      expect((await t.root.call('POST', `${base}/${hook.id}/test/issues_events`)).body).toEqual({ message: 'Ensure the project has issues.' });
      expect((await t.root.call('POST', `${base}/${hook.id}/test/push_events`)).body).toEqual({ message: 'Ensure the project has at least one commit.' });
      expect((await t.root.call('POST', `${base}/${hook.id}/test/bogus`)).body).toEqual({ error: 'trigger does not have a valid value' });
      await t.root.call('POST', `/projects/${project.id}/issues`, { title: 'first' });
      expect((await t.root.call('POST', `${base}/${hook.id}/test/note_events`)).body).toEqual({ message: 'Ensure the project has notes.' });
      await t.root.call('POST', `/projects/${project.id}/issues/1/notes`, { body: 'a note' });
      for (const trigger of ['issues_events', 'note_events']) expect((await t.root.call('POST', `${base}/${hook.id}/test/${trigger}`)).status).toBe(201);
      expect(rx.got.map((r) => r.headers['x-gitlab-event'])).toEqual(['Issue Hook', 'Note Hook']);
      expect(rx.got[0]!.body.object_attributes).not.toHaveProperty('action');
      expect(rx.got[1]!.body.object_attributes).toMatchObject({ note: 'a note', action: 'create' });
    } finally {
      await rx.close();
    }
  });

  it('lists subgroups (direct) and descendant groups (all below) the user may see', async () => {
    const root = t.root;
    const top = (await root.call('POST', '/groups', { name: 'Top', path: 'top' })).body;
    const b = (await root.call('POST', '/groups', { name: 'B', path: 'b', parent_id: top.id })).body;
    const a = (await root.call('POST', '/groups', { name: 'A', path: 'a', parent_id: top.id })).body;
    await root.call('POST', '/groups', { name: 'Deep', path: 'deep', parent_id: a.id });
    expect((await root.call('GET', `/groups/${top.id}/subgroups`)).body.map((g: Json) => g.full_path)).toEqual(['top/a', 'top/b']);
    expect((await root.call('GET', `/groups/${top.id}/descendant_groups`)).body.map((g: Json) => g.full_path)).toEqual(['top/a', 'top/b', 'top/a/deep']);
    expect((await root.call('GET', `/groups/${top.id}/subgroups?search=b`)).body.map((g: Json) => g.id)).toEqual([b.id]);
    expect((await t.as('olga').call('GET', `/groups/${top.id}/subgroups`)).status).toBe(404);
  });
});
