import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { startReceiver } from './sim-helpers.js';

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
});
