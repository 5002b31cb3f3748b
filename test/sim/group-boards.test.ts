import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { Gitlab } from '@gitbeaker/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRecordsSim, type Json } from './sim-helpers.js';

const run = promisify(execFile);
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

type Records = Awaited<ReturnType<typeof startRecordsSim>>;

/** Group labels of the records group, by name (RECORDS seeds `record::checkpoint`, `record::conversation`, `confidential-hr`). */
async function groupLabels(t: Records): Promise<Record<string, number>> {
  const labels = (await t.as('bot').call('GET', `/groups/${t.groupId}/labels`)).body as Array<{ id: number; name: string }>;
  return Object.fromEntries(labels.map((l) => [l.name, l.id]));
}

describe('group issue boards, as GitLab answers on Premium and on Free', () => {
  let t: Records;
  beforeEach(async () => {
    t = await startRecordsSim();
  });
  afterEach(async () => {
    await t.sim.close();
  });

  it('a group has no board until one is made; a group board names its group and no project', async () => {
    const bot = t.as('bot');
    expect((await bot.call('GET', `/groups/${t.groupId}/boards`)).body).toEqual([]);
    const made = await bot.call('POST', `/groups/${t.groupId}/boards`, { name: 'Career checkpoints' });
    expect(made.status).toBe(201);
    expect(Object.keys(made.body).sort()).toEqual(['assignee', 'group', 'hide_backlog_list', 'hide_closed_list', 'id', 'labels', 'lists', 'milestone', 'name', 'project', 'weight']);
    expect(made.body).toMatchObject({ name: 'Career checkpoints', project: null, lists: [], labels: [], group: { id: t.groupId, name: 'Career records', web_url: `${t.sim.url}/groups/career-records` } });
    expect((await bot.call('POST', `/groups/${t.groupId}/boards`, {})).body).toEqual({ error: 'name is missing' });
    expect((await t.as('olga').call('GET', `/groups/${t.groupId}/boards`)).status).toBe(404);
    expect((await bot.call('GET', `/groups/${t.groupId}/boards/999`)).body).toEqual({ message: '404 Not found' });
  });

  it("takes lists of the group's labels only, in order; moves shift the lists between; the scope takes group labels", async () => {
    const bot = t.as('bot');
    const ids = await groupLabels(t);
    const projectLabel = (await bot.call('POST', `/projects/${t.alice}/labels`, { name: 'alice-only', color: '#000000' })).body.id as number;
    const board = (await bot.call('POST', `/groups/${t.groupId}/boards`, { name: 'Records' })).body;
    for (const name of ['record::checkpoint', 'record::conversation', 'confidential-hr']) {
      expect((await bot.call('POST', `/groups/${t.groupId}/boards/${board.id}/lists`, { label_id: ids[name] })).status).toBe(201);
    }
    expect((await bot.call('POST', `/groups/${t.groupId}/boards/${board.id}/lists`, { label_id: projectLabel })).body).toEqual({ error: 'Label not found' });
    expect((await bot.call('POST', `/groups/${t.groupId}/boards/${board.id}/lists`, { label_id: ids['confidential-hr'] })).body).toEqual({ error: 'Label has already been taken' });
    const lists = (await bot.call('GET', `/groups/${t.groupId}/boards/${board.id}/lists`)).body as Json[];
    expect(lists.map((l) => [l.label.name, l.position])).toEqual([['record::checkpoint', 0], ['record::conversation', 1], ['confidential-hr', 2]]);
    await bot.call('PUT', `/groups/${t.groupId}/boards/${board.id}/lists/${lists[2].id}`, { position: 0 });
    expect((await bot.call('PUT', `/groups/${t.groupId}/boards/${board.id}/lists/${lists[2].id}`, { position: 5 })).body).toEqual({ error: 'List could not be moved!' });
    expect((await bot.call('DELETE', `/groups/${t.groupId}/boards/${board.id}/lists/${lists[0].id}`)).status).toBe(204);
    const scoped = (await bot.call('PUT', `/groups/${t.groupId}/boards/${board.id}`, { labels: 'record::checkpoint' })).body;
    expect(scoped.labels.map((l: Json) => l.name)).toEqual(['record::checkpoint']);
    expect(scoped.lists.map((l: Json) => [l.label.name, l.position])).toEqual([['confidential-hr', 0], ['record::conversation', 1]]);
  });

  it('on Free keeps the one board but has no create or delete route, and drops the scope', async () => {
    const bot = t.as('bot');
    const board = (await bot.call('POST', `/groups/${t.groupId}/boards`, { name: 'Made while Premium' })).body;
    t.sim.setSettings({ tier: 'free' });
    expect(await bot.call('POST', `/groups/${t.groupId}/boards`, { name: 'Second' })).toMatchObject({ status: 404, body: { error: '404 Not Found' } });
    expect((await bot.call('DELETE', `/groups/${t.groupId}/boards/${board.id}`)).status).toBe(404);
    const edited = await bot.call('PUT', `/groups/${t.groupId}/boards/${board.id}`, { name: 'Career checkpoints', labels: 'record::checkpoint' });
    expect(Object.keys(edited.body).sort()).toEqual(['hide_backlog_list', 'hide_closed_list', 'id', 'lists', 'name', 'project']);
    expect(edited.body.name).toBe('Career checkpoints');
    t.sim.setSettings({ tier: 'premium' });
    expect((await bot.call('GET', `/groups/${t.groupId}/boards/${board.id}`)).body.labels).toEqual([]);
  });

  it('gitbeaker GroupIssueBoards: create, lists, move, scope, remove', async () => {
    const api = new Gitlab({ host: t.sim.url, token: 'tok-bot' });
    const ids = await groupLabels(t);
    const board = await api.GroupIssueBoards.create(t.groupId, 'Career checkpoints');
    for (const name of ['record::checkpoint', 'record::conversation']) await api.GroupIssueBoards.createList(t.groupId, board.id, { labelId: ids[name] } as never);
    const lists = await api.GroupIssueBoards.allLists(t.groupId, board.id);
    await api.GroupIssueBoards.editList(t.groupId, board.id, lists[1]!.id, 0);
    expect((await api.GroupIssueBoards.allLists(t.groupId, board.id)).map((l) => (l.label as Json).name)).toEqual(['record::conversation', 'record::checkpoint']);
    const edited = (await api.GroupIssueBoards.edit(t.groupId, board.id, { labels: 'record::checkpoint' })) as Json;
    expect(edited.labels.map((l: Json) => l.name)).toEqual(['record::checkpoint']);
    expect((await api.GroupIssueBoards.all(t.groupId)).map((b) => b.name)).toEqual(['Career checkpoints']);
    await api.GroupIssueBoards.remove(t.groupId, board.id);
    expect(await api.GroupIssueBoards.all(t.groupId)).toEqual([]);
  });

  it('python-gitlab manages group.boards and board.lists', async () => {
    const ids = await groupLabels(t);
    const script = String.raw`
import json, os, gitlab
gl = gitlab.Gitlab(os.environ["SIM_URL"], private_token="tok-bot")
group = gl.groups.get(int(os.environ["GROUP_ID"]))
board = group.boards.create({"name": "Career checkpoints"})
a = board.lists.create({"label_id": int(os.environ["X"])})
b = board.lists.create({"label_id": int(os.environ["Y"])})
b.position = 0
b.save()
board.name = "Checkpoints"
board.save()
again = group.boards.get(board.id)
out = {"lists": [[l.label["name"], l.position] for l in board.lists.list()], "name": again.name, "group": again.group["id"]}
board.lists.delete(a.id)
out["after_delete"] = [l.label["name"] for l in board.lists.list()]
board.delete()
out["boards"] = len(group.boards.list())
print(json.dumps(out))
`;
    const env = { ...process.env, SIM_URL: t.sim.url, GROUP_ID: String(t.groupId), X: String(ids['record::checkpoint']), Y: String(ids['record::conversation']) };
    const { stdout } = await run(PYTHON, ['-c', script], { env, timeout: 30_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`python-gitlab group boards script failed: ${err.stderr ?? err.message}`);
    });
    expect(JSON.parse(stdout.trim())).toEqual({
      lists: [['record::conversation', 0], ['record::checkpoint', 1]],
      name: 'Checkpoints',
      group: t.groupId,
      after_delete: ['record::conversation'],
      boards: 0,
    });
  });
});
