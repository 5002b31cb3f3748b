import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

/**
 * `GET /groups/:id/issues?updated_after=` as the hourly reconcile uses it (one listing of what changed
 * in every project of the records group), through gitbeaker: GitLab lists issues updated on or after
 * the time (doc/api/issues.md, "List group issues"), of every project and subgroup below, open or
 * closed with `state=all`, and a label, an edit, a close or a note each move `updated_at`.
 */
describe('a third-party client lists what changed in a group since a time', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('finds the issues labelled, edited, closed or commented since, in every project of the group and its subgroups', async () => {
    const root = new Gitlab({ host: sim.url, token: sim.rootToken });
    sim.setClock('2026-05-04T09:00:00.000Z');
    const group = await root.Groups.create('Records', 'records');
    const sub = await root.Groups.create('Team', 'team', { parentId: group.id });
    const alice = await root.Projects.create({ name: 'alice', namespaceId: group.id });
    const bob = await root.Projects.create({ name: 'bob', namespaceId: sub.id });
    for (const p of [alice.id, bob.id]) for (let n = 1; n <= 5; n += 1) await root.Issues.create(p, `record ${n}`);

    sim.setClock('2026-05-04T10:00:00.000Z');
    await root.Issues.edit(alice.id, 1, { addLabels: 'checkpoint::review' });
    await root.Issues.edit(alice.id, 2, { description: 'ticked' });
    await root.Issues.edit(bob.id, 3, { stateEvent: 'close' });
    await root.IssueNotes.create(bob.id, 4, 'a comment');

    const since = async (at: string) => {
      const found = await root.Issues.all({ groupId: group.id, updatedAfter: at, scope: 'all', state: 'all', perPage: 100 });
      return found.map((i) => `${i.project_id === alice.id ? 'alice' : 'bob'}#${i.iid}`).sort();
    };
    expect(await since('2026-05-04T09:30:00.000Z')).toEqual(['alice#1', 'alice#2', 'bob#3', 'bob#4']);
    // On or after: the exact time of a change includes it.
    expect(await since('2026-05-04T10:00:00.000Z')).toEqual(['alice#1', 'alice#2', 'bob#3', 'bob#4']);
    expect(await since('2026-05-04T10:00:00.001Z')).toEqual([]);
    expect(await since('2026-05-04T08:00:00.000Z')).toHaveLength(10);
  });
});
