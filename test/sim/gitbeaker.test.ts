import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { startReceiver, startRecordsSim, type Json } from './sim-helpers.js';

describe('a third-party client: @gitbeaker/rest against the simulator', () => {
  let sim: RunningSim;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await sim.close();
    await rx.close();
  });

  it('sets up, creates, labels, pages, comments, links and closes with gitbeaker', async () => {
    const root = new Gitlab({ host: sim.url, token: sim.rootToken });
    const user = await root.Users.create({ username: 'beaker', name: 'Beaker', email: 'beaker@example.com', password: 'secret-pass-123' });
    const pat = await root.Users.createPersonalAccessToken(user.id, 'beaker', ['api']);
    const group = await root.Groups.create('Lab', 'lab');
    const project = await root.Projects.create({ name: 'bench', namespaceId: group.id });
    await root.ProjectMembers.add(project.id, 40, { userId: user.id });
    await root.RepositoryFiles.create(project.id, '.gitlab/issue_templates/Default.md', 'main', '- [ ] step', 'template');
    await root.ProjectHooks.add(project.id, rx.url, { issuesEvents: true, noteEvents: true });

    const api = new Gitlab({ host: sim.url, token: pat.token as string });
    const me = await api.Users.showCurrentUser();
    expect(me.username).toBe('beaker');
    for (let n = 0; n < 23; n += 1) await api.Issues.create(project.id, `bench ${n}`, { labels: n % 2 ? 'odd' : 'even' });
    const all = await api.Issues.all({ projectId: project.id, perPage: 10 });
    expect(all).toHaveLength(23);
    const odd = await api.Issues.all({ projectId: 'lab/bench', labels: 'odd' });
    expect(odd).toHaveLength(11);
    const first = await api.Issues.show(1, { projectId: project.id });
    expect(first.description).toBe('- [ ] step');
    const edited = await api.Issues.edit(project.id, 1, { addLabels: 'status::open', stateEvent: 'close' });
    expect(edited.state).toBe('closed');
    expect(edited.labels).toEqual(['even', 'status::open']);
    const note = await api.IssueNotes.create(project.id, 1, 'from gitbeaker');
    expect(note.body).toBe('from gitbeaker');
    // Trellis reads a command note back by id, and who moved a label from the label events.
    const byId = await api.IssueNotes.show(project.id, 1, note.id);
    expect([byId.body, (byId.author as { username: string }).username]).toEqual(['from gitbeaker', 'beaker']);
    const events = await api.IssueLabelEvents.all(project.id, 1);
    expect(events.map((e) => [e.action, (e.label as { name: string }).name, (e.user as { username: string }).username])).toEqual([
      ['add', 'even', 'beaker'],
      ['add', 'status::open', 'beaker'],
    ]);
    expect((await api.IssueLabelEvents.show(project.id, 1, events[1]!.id)).action).toBe('add');
    await api.IssueLinks.create(project.id, 1, project.id, 2);
    const links = await api.IssueLinks.all(project.id, 1);
    expect(links.map((l) => l.iid)).toEqual([2]);
    await api.Commits.create(project.id, 'main', 'sync templates', [
      { action: 'update', filePath: '.gitlab/issue_templates/Default.md', content: '- [ ] step 2' },
      { action: 'create', filePath: '.gitlab/issue_templates/Other.md', content: 'other' },
    ]);
    const file = await api.RepositoryFiles.show(project.id, '.gitlab/issue_templates/Default.md', 'main');
    expect(Buffer.from(file.content, 'base64').toString()).toBe('- [ ] step 2');
    const tree = await api.Repositories.allRepositoryTrees(project.id, { path: '.gitlab/issue_templates' });
    expect(tree.map((e) => e.name)).toEqual(['Default.md', 'Other.md']);
    await sim.idle();
    // 23 `open`, then the edit: its state event first (`close`), then the label change (`update`).
    const actions = rx.got.filter((r) => r.body.object_kind === 'issue').map((r) => r.body.object_attributes.action);
    expect(actions.slice(23)).toEqual(['close', 'update']);
    expect(sim.requests().byRoute['POST /projects/:id/issues']).toBe(23);
  });

  it('surfaces GitLab\'s error bodies through GitbeakerRequestError', async () => {
    const api = new Gitlab({ host: sim.url, token: 'bad-token' });
    const err = (await api.Users.showCurrentUser().catch((e: unknown) => e)) as { cause?: { response?: { status: number }; description?: string } };
    expect(err.cause?.response?.status).toBe(401);
    expect(err.cause?.description).toBe('401 Unauthorized');
  });

  it('manages group hooks, labels, issues, members and projects with gitbeaker, under GitLab\'s permission rules', async () => {
    const t = await startRecordsSim();
    const as = (u: string) => new Gitlab({ host: t.sim.url, token: u === 'root' ? t.sim.rootToken : `tok-${u}` });
    const bot = as('bot');
    const status = (p: Promise<unknown>) => p.then(() => 200, (e: { cause?: { response?: { status: number } } }) => e.cause?.response?.status);
    rx.got.length = 0;

    // gitbeaker sends camelCase options as GitLab's snake_case and returns GitLab's keys untouched.
    const hook = await bot.GroupHooks.add(t.groupId, rx.url, { issuesEvents: true, confidentialIssuesEvents: true, token: 'beaker-group' });
    expect(hook as Json).toMatchObject({ group_id: t.groupId, issues_events: true, confidential_issues_events: true });
    const edited = await bot.GroupHooks.edit(t.groupId, hook.id, rx.url, { noteEvents: true });
    expect((edited as Json).note_events).toBe(true);
    expect((await bot.GroupHooks.all(t.groupId)).map((h) => h.id)).toEqual([hook.id]);
    expect(await status(as('reader').GroupHooks.all(t.groupId))).toBe(403);

    const label = await bot.GroupLabels.create(t.groupId, 'beaker', '#abcdef');
    const renamed = await bot.GroupLabels.edit(t.groupId, label.id, { newName: 'beaker-2' });
    expect(renamed.name).toBe('beaker-2');
    expect((await bot.GroupLabels.all(t.groupId)).map((l) => l.name)).toContain('beaker-2');
    await bot.GroupLabels.remove(t.groupId, label.id);
    expect((await bot.GroupLabels.all(t.groupId)).map((l) => l.name)).not.toContain('beaker-2');

    const secret = await bot.Issues.create(t.alice, 'beaker checkpoint', { labels: 'record::checkpoint', confidential: true });
    expect(secret.labels).toEqual(['record::checkpoint']);
    await as('alice').Issues.create(t.alice, 'alice own');
    const titles = (list: Json[]) => list.map((i) => i.title).sort();
    expect(titles(await as('reader').Issues.all({ groupId: t.groupId }))).toEqual(['alice own', 'beaker checkpoint']);
    expect(titles(await as('gina').Issues.all({ groupId: t.groupId }))).toEqual(['alice own']);
    expect(titles(await as('alice').Issues.all({ scope: 'all' }))).toEqual(['alice own', 'beaker checkpoint']);
    expect(titles(await as('alice').Issues.all({ scope: 'created_by_me' }))).toEqual(['alice own']);
    expect(titles(await as('alice').Issues.all())).toEqual(['alice own']);
    expect(await status(as('gina').Issues.show(secret.iid, { projectId: t.alice }))).toBe(404);
    expect(await status(as('olga').Projects.show(t.alice))).toBe(404);

    // A Guest edits the title of their issue; the label change is silently ignored.
    const mine = await as('gina').Issues.create(t.alice, 'gina asks');
    const guestEdit = await as('gina').Issues.edit(t.alice, mine.iid, { title: 'gina asks again', labels: 'confidential-hr' });
    expect([guestEdit.title, guestEdit.labels]).toEqual(['gina asks again', []]);
    // Assigning a Guest to an existing confidential issue works; an outsider is dropped.
    const assigned = await as('rex').Issues.edit(t.alice, secret.iid, { assigneeIds: [t.id('gina'), t.id('olga')] });
    expect(assigned.assignees?.map((a) => a.username)).toEqual(['gina']);
    expect((await as('gina').Issues.show(secret.iid, { projectId: t.alice })).title).toBe('beaker checkpoint');

    const levels = (list: Json[]) => Object.fromEntries(list.map((m) => [m.username, m.access_level]));
    expect(levels(await bot.GroupMembers.all(t.groupId, { includeInherited: true }))).toEqual({ bot: 50, reader: 20 });
    expect(levels(await bot.ProjectMembers.all(t.alice, { includeInherited: true }))).toMatchObject({ reader: 20, bot: 50, alice: 30, mgr: 30 });
    const up = await bot.GroupMembers.edit(t.groupId, t.id('reader'), 30);
    expect(up.access_level).toBe(30);
    expect((await bot.GroupMembers.show(t.groupId, t.id('reader'))).access_level).toBe(30);
    await bot.GroupMembers.remove(t.groupId, t.id('reader'));
    expect(await status(as('reader').Projects.show(t.alice))).toBe(404);

    const made = await bot.Projects.create({ name: 'beaker-proj', namespaceId: t.groupId, visibility: 'private' });
    expect(made.path_with_namespace).toBe('career-records/beaker-proj');
    expect(await status(as('mgr').Projects.create({ name: 'nope', namespaceId: t.groupId }))).toBe(403);
    expect((await bot.Groups.allProjects(t.groupId, { includeSubgroups: true })).map((p) => p.path).sort()).toEqual(['alice', 'beaker-proj', 'bob']);
    await bot.Projects.remove(made.id);
    expect(await status(bot.Projects.show(made.id))).toBe(404);

    await t.sim.idle();
    expect(rx.got.map((r) => r.headers['x-gitlab-event'])).toEqual(['Confidential Issue Hook', 'Issue Hook', 'Issue Hook', 'Issue Hook', 'Confidential Issue Hook']);
    expect(rx.got[0]!.headers['x-gitlab-token']).toBe('beaker-group');
    await t.sim.close();
  });
});
