import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTeamSim, type Json } from './sim-helpers.js';

const run = promisify(execFile);
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

type Team = Awaited<ReturnType<typeof startTeamSim>>;

async function labels(t: Team, ...names: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) ids.push((await t.as('mia').call('POST', `/projects/${t.projectId}/labels`, { name, color: '#123456' })).body.id);
  return ids;
}

describe('issue boards: a project board with label lists, as GitLab 17 answers', () => {
  let t: Team;
  beforeAll(async () => {
    t = await startTeamSim();
  });
  afterAll(async () => {
    await t.sim.close();
  });

  it('a new project has no board until one is created, and a board starts without label lists', async () => {
    const mia = t.as('mia');
    expect((await mia.call('GET', `/projects/${t.projectId}/boards`)).body).toEqual([]);
    const made = await mia.call('POST', `/projects/${t.projectId}/boards`, { name: 'Development' });
    expect(made.status).toBe(201);
    expect(Object.keys(made.body).sort()).toEqual(
      ['assignee', 'group', 'hide_backlog_list', 'hide_closed_list', 'id', 'labels', 'lists', 'milestone', 'name', 'project', 'weight'],
    );
    expect(made.body).toMatchObject({ name: 'Development', hide_backlog_list: false, hide_closed_list: false, lists: [], labels: [], group: null, milestone: null, assignee: null, weight: null });
    expect(made.body.project).toMatchObject({ id: t.projectId, path_with_namespace: 'infra/career', name_with_namespace: 'Infrastructure / career' });
    expect(made.body.project.namespace).toMatchObject({ full_path: 'infra' });
    // Free plays CE: no group and no scope fields (EE::API::Entities::Board), lists without WIP limits.
    t.sim.setSettings({ tier: 'free' });
    const free = await mia.call('GET', `/projects/${t.projectId}/boards/${made.body.id}`);
    expect(Object.keys(free.body).sort()).toEqual(['hide_backlog_list', 'hide_closed_list', 'id', 'lists', 'name', 'project']);
    // Several project boards are allowed on Free (Project#multiple_issue_boards_available?).
    const second = await mia.call('POST', `/projects/${t.projectId}/boards`, { name: 'Second' });
    expect(second.status).toBe(201);
    t.sim.setSettings({ tier: 'premium' });
    expect((await mia.call('DELETE', `/projects/${t.projectId}/boards/${second.body.id}`)).status).toBe(204);
    expect((await mia.call('GET', `/projects/${t.projectId}/boards/${second.body.id}`)).body).toEqual({ message: '404 Not found' });
  });

  it.each([
    ['a Planner creates a board', 'pete', 201],
    ['a Guest may not', 'gus', 403],
    ['a non-member of the private project gets 404', 'olga', 404],
  ])('%s', async (_what, user, status) => {
    expect((await t.as(user).call('POST', `/projects/${t.projectId}/boards`, { name: `by ${user}` })).status).toBe(status);
  });

  it('refuses a list for an unknown label, a second list of one label, an impossible move, and the Open and Closed lists', async () => {
    const mia = t.as('mia');
    const [a] = await labels(t, 'err-a');
    const board = (await mia.call('POST', `/projects/${t.projectId}/boards`, { name: 'errors' })).body;
    const base = `/projects/${t.projectId}/boards/${board.id}/lists`;
    expect(await mia.call('POST', base, { label_id: 99999 })).toMatchObject({ status: 400, body: { error: 'Label not found' } });
    expect(await mia.call('POST', base, {})).toMatchObject({ status: 400, body: { error: 'label_id is missing' } });
    const list = (await mia.call('POST', base, { label_id: a })).body;
    expect(list).toEqual({ id: list.id, label: expect.objectContaining({ id: a, name: 'err-a' }), position: 0, max_issue_count: 0, max_issue_weight: 0, limit_metric: null });
    expect(await mia.call('POST', base, { label_id: a })).toMatchObject({ status: 400, body: { error: 'Label has already been taken' } });
    expect(await mia.call('PUT', `${base}/${list.id}`, { position: 0 })).toMatchObject({ status: 400, body: { error: 'List could not be moved!' } });
    expect(await mia.call('PUT', `${base}/${list.id}`, { position: 1 })).toMatchObject({ status: 400, body: { error: 'List could not be moved!' } });
    // The board's Open and Closed lists take the two ids before its first label list; the API never shows them.
    expect((await mia.call('GET', `${base}/${list.id - 1}`)).status).toBe(404);
    expect((await mia.call('DELETE', `${base}/${list.id - 2}`)).status).toBe(404);
    expect((await t.as('gus').call('GET', base)).body.map((l: Json) => l.id)).toEqual([list.id]);
    expect((await t.as('gus').call('POST', base, { label_id: a })).status).toBe(403);
    expect((await mia.call('PUT', `/projects/${t.projectId}/boards/${board.id}`, { name: '' }))).toMatchObject({ status: 400, body: { message: { name: ["can't be blank"] } } });
  });

  it('a deleted label takes its list with it', async () => {
    const mia = t.as('mia');
    const [gone, stays] = await labels(t, 'gone', 'stays');
    const board = (await mia.call('POST', `/projects/${t.projectId}/boards`, { name: 'labels go' })).body;
    for (const id of [gone, stays]) await mia.call('POST', `/projects/${t.projectId}/boards/${board.id}/lists`, { label_id: id });
    await mia.call('DELETE', `/projects/${t.projectId}/labels/${gone}`);
    const lists = (await mia.call('GET', `/projects/${t.projectId}/boards/${board.id}/lists`)).body;
    expect(lists.map((l: Json) => [l.label.name, l.position])).toEqual([['stays', 1]]);
  });
});

describe('issue boards through gitbeaker and python-gitlab', () => {
  let t: Team;
  beforeAll(async () => {
    t = await startTeamSim();
  });
  afterAll(async () => {
    await t.sim.close();
  });

  it('gitbeaker creates a board, adds label lists in order, moves and removes one, scopes and hides', async () => {
    const api = new Gitlab({ host: t.sim.url, token: 'tok-mia' });
    const [todo, doing, done] = await labels(t, 'To do', 'Doing', 'Done');
    const board = await api.ProjectIssueBoards.create(t.projectId, 'Career');
    for (const labelId of [todo!, doing!, done!]) await api.ProjectIssueBoards.createList(t.projectId, board.id, { labelId });
    const names = async () => (await api.ProjectIssueBoards.allLists(t.projectId, board.id)).map((l) => [(l.label as Json).name, l.position]);
    expect(await names()).toEqual([['To do', 0], ['Doing', 1], ['Done', 2]]);
    const lists = await api.ProjectIssueBoards.allLists(t.projectId, board.id);
    const moved = await api.ProjectIssueBoards.editList(t.projectId, board.id, lists[2]!.id, 0);
    expect(moved.position).toBe(0);
    expect(await names()).toEqual([['Done', 0], ['To do', 1], ['Doing', 2]]);
    await api.ProjectIssueBoards.removeList(t.projectId, board.id, lists[0]!.id);
    expect(await names()).toEqual([['Done', 0], ['Doing', 1]]);
    expect((await api.ProjectIssueBoards.showList(t.projectId, board.id, lists[1]!.id)).position).toBe(1);

    const edited = await api.ProjectIssueBoards.edit(t.projectId, board.id, { name: 'Career board', labels: 'Doing,Done', hideBacklogList: true } as never) as Json;
    expect([edited.name, edited.hide_backlog_list, edited.hide_closed_list, edited.labels.map((l: Json) => l.name)]).toEqual(['Career board', true, false, ['Doing', 'Done']]);
    const shown = await api.ProjectIssueBoards.show(t.projectId, board.id) as Json;
    expect(shown.lists.map((l: Json) => l.label.name)).toEqual(['Done', 'Doing']);
    expect((await api.ProjectIssueBoards.all(t.projectId)).map((b) => b.name)).toEqual(['Career board']);
    await api.ProjectIssueBoards.remove(t.projectId, board.id);
    expect(await api.ProjectIssueBoards.all(t.projectId)).toEqual([]);
  });

  it('python-gitlab manages project.boards and board.lists', async () => {
    const [x, y] = await labels(t, 'py-x', 'py-y');
    const script = String.raw`
import json, os, gitlab
gl = gitlab.Gitlab(os.environ["SIM_URL"], private_token="tok-mia")
project = gl.projects.get(int(os.environ["PROJECT_ID"]))
board = project.boards.create({"name": "py board"})
a = board.lists.create({"label_id": int(os.environ["X"])})
b = board.lists.create({"label_id": int(os.environ["Y"])})
b.position = 0
b.save()
board.name = "py board 2"
board.hide_closed_list = True
board.save()
again = project.boards.get(board.id)
out = {
  "lists": [[l.label["name"], l.position] for l in board.lists.list()],
  "one": board.lists.get(a.id).position,
  # board.lists is the list manager; the board's own lists stay in its attributes.
  "board": [again.name, again.hide_closed_list, [l["label"]["name"] for l in again.attributes["lists"]]],
}
board.lists.delete(a.id)
out["after_delete"] = [l.label["name"] for l in board.lists.list()]
board.delete()
out["boards"] = len(project.boards.list())
print(json.dumps(out))
`;
    const env = { ...process.env, SIM_URL: t.sim.url, PROJECT_ID: String(t.projectId), X: String(x), Y: String(y) };
    const { stdout } = await run(PYTHON, ['-c', script], { env, timeout: 30_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`python-gitlab boards script failed: ${err.stderr ?? err.message}`);
    });
    expect(JSON.parse(stdout.trim())).toEqual({
      lists: [['py-y', 0], ['py-x', 1]],
      one: 1,
      board: ['py board 2', true, ['py-y', 'py-x']],
      after_delete: ['py-y'],
      boards: 0,
    });
  }, 40_000);
});
