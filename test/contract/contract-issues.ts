import { expect, it } from 'vitest';
import { PermanentError } from '../../src/core/errors.js';
import { collect, contractFixture as fx, draft, sorted, type ContractContext } from './contract-fixture.js';

/** Creating, reading and changing one issue. */
export function issueContract(ctx: ContractContext): void {
  it('creates an issue as drafted, authored by the bot, and reads it back', async () => {
    const created = await ctx.gw().createIssue(
      draft({ title: 'FY27-Q4 career checkpoint: @alice', labels: ['career-checkpoint', 'checkpoint::planning'], assignees: ['alice', 'bob'], confidential: true, dueDate: '2026-12-15' }),
    );
    expect(created).toMatchObject({ title: 'FY27-Q4 career checkpoint: @alice', description: 'Work through the module.', state: 'opened', author: fx.bot, confidential: true, dueDate: '2026-12-15', closedAt: null });
    expect(sorted(created.labels)).toEqual(['career-checkpoint', 'checkpoint::planning']);
    expect(sorted(created.assignees)).toEqual(['alice', 'bob']);
    expect(created.projectId).toBe((await ctx.gw().project()).id);
    expect(created.webUrl).toContain(`/-/issues/${created.iid}`);
    const read = await ctx.gw().getIssue(created.iid);
    expect(read).toMatchObject({ id: created.id, iid: created.iid, title: created.title, confidential: true, dueDate: '2026-12-15' });
    expect(sorted(read?.labels ?? [])).toEqual(sorted(created.labels));
  });

  it('numbers issues per project', async () => {
    const first = await ctx.gw().createIssue(draft());
    const second = await ctx.gw().createIssue(draft());
    const elsewhere = await ctx.gw().forProject(fx.otherProjectPath).createIssue(draft());
    expect(second.iid).toBe(first.iid + 1);
    expect(elsewhere.iid).toBe(1);
    expect(elsewhere.projectId).not.toBe(first.projectId);
  });

  it('creates labels it has not seen as project labels', async () => {
    await ctx.gw().createIssue(draft({ labels: ['sre-i::not-started', 'training-module'] }));
    const names = (await ctx.gw().listLabels()).map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['sre-i::not-started', 'training-module']));
  });

  it('returns null for an issue that does not exist', async () => {
    expect(await ctx.gw().getIssue(424_242)).toBeNull();
  });

  it('refuses an unknown assignee without creating anything', async () => {
    await expect(ctx.gw().createIssue(draft({ assignees: ['alice', 'no-such-person'] }))).rejects.toBeInstanceOf(PermanentError);
    expect(await collect(ctx.gw().listIssues({}))).toEqual([]);
    const issue = await ctx.gw().createIssue(draft({ assignees: ['alice'] }));
    await expect(ctx.gw().updateIssue(issue.iid, { assignees: ['no-such-person'] })).rejects.toBeInstanceOf(PermanentError);
    expect((await ctx.gw().getIssue(issue.iid))?.assignees).toEqual(['alice']);
  });

  it('adds and removes labels, leaving the others alone', async () => {
    const issue = await ctx.gw().createIssue(draft({ labels: ['training-module', 'sre-i::not-started'] }));
    const updated = await ctx.gw().updateIssue(issue.iid, { addLabels: ['urgent'], removeLabels: ['training-module'] });
    expect(sorted(updated.labels)).toEqual(['sre-i::not-started', 'urgent']);
    expect(sorted((await ctx.gw().getIssue(issue.iid))?.labels ?? [])).toEqual(['sre-i::not-started', 'urgent']);
  });

  it('keeps one label per scope: adding a scoped label replaces its sibling', async () => {
    const issue = await ctx.gw().createIssue(draft({ labels: ['career-checkpoint', 'checkpoint::planning', 'quarter::FY27-Q4'] }));
    const updated = await ctx.gw().updateIssue(issue.iid, { addLabels: ['checkpoint::in-progress'] });
    expect(sorted(updated.labels)).toEqual(['career-checkpoint', 'checkpoint::in-progress', 'quarter::FY27-Q4']);
  });

  it('closes and reopens an issue', async () => {
    const issue = await ctx.gw().createIssue(draft());
    const closed = await ctx.gw().updateIssue(issue.iid, { stateEvent: 'close' });
    expect(closed.state).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    const reopened = await ctx.gw().updateIssue(issue.iid, { stateEvent: 'reopen' });
    expect(reopened).toMatchObject({ state: 'opened', closedAt: null });
  });

  it('changes assignees, confidentiality, due date, title and description', async () => {
    const issue = await ctx.gw().createIssue(draft({ assignees: ['alice'] }));
    const changed = await ctx.gw().updateIssue(issue.iid, { assignees: ['bob'], confidential: true, dueDate: '2027-01-31', title: 'Renamed', description: 'New text' });
    expect(changed).toMatchObject({ assignees: ['bob'], confidential: true, dueDate: '2027-01-31', title: 'Renamed', description: 'New text' });
    const cleared = await ctx.gw().updateIssue(issue.iid, { assignees: [], confidential: false, dueDate: null });
    expect(cleared).toMatchObject({ assignees: [], confidential: false, dueDate: null, title: 'Renamed' });
  });

  it('treats an empty change as a read', async () => {
    const issue = await ctx.gw().createIssue(draft({ labels: ['training-module'] }));
    expect(await ctx.gw().updateIssue(issue.iid, {})).toMatchObject({ iid: issue.iid, labels: ['training-module'] });
  });

  it('reports a change to a missing issue as not found', async () => {
    await expect(ctx.gw().updateIssue(424_242, { addLabels: ['x'] })).rejects.toMatchObject({ code: 'gitlab_not_found' });
  });
}

/** `listIssues`: filters and paging. */
export function listingContract(ctx: ContractContext): void {
  it('filters by labels (all of them), absent labels, state, author, assignee and iids; newest first', async () => {
    const gw = ctx.gw();
    const a = await gw.createIssue(draft({ title: 'A', labels: ['training-module', 'sre-i::review'], assignees: ['alice'] }));
    const b = await gw.createIssue(draft({ title: 'B', labels: ['training-module', 'sre-i::complete'], assignees: ['bob'] }));
    const c = await gw.createIssue(draft({ title: 'C', labels: ['career-checkpoint'] }));
    await gw.updateIssue(b.iid, { stateEvent: 'close' });
    const iids = async (q: Parameters<typeof gw.listIssues>[0]) => (await collect(gw.listIssues(q))).map((i) => i.iid);

    expect(await iids({})).toEqual([c.iid, b.iid, a.iid]);
    expect(await iids({ labels: ['training-module'] })).toEqual([b.iid, a.iid]);
    expect(await iids({ labels: ['training-module', 'sre-i::review'] })).toEqual([a.iid]);
    expect(await iids({ notLabels: ['training-module'] })).toEqual([c.iid]);
    expect(await iids({ state: 'opened' })).toEqual([c.iid, a.iid]);
    expect(await iids({ state: 'closed' })).toEqual([b.iid]);
    expect(await iids({ state: 'all', labels: ['sre-i::complete'] })).toEqual([b.iid]);
    expect(await iids({ assignee: 'bob' })).toEqual([b.iid]);
    expect(await iids({ author: fx.bot })).toEqual([c.iid, b.iid, a.iid]);
    expect(await iids({ author: 'alice' })).toEqual([]);
    expect(await iids({ iids: [a.iid, c.iid] })).toEqual([c.iid, a.iid]);
  });

  it('searches titles and descriptions', async () => {
    const gw = ctx.gw();
    const byTitle = await gw.createIssue(draft({ title: 'Internship request: shadowing Delivery', description: 'two weeks' }));
    const byText = await gw.createIssue(draft({ title: 'Something else', description: 'I would like to try Delivery shadowing.' }));
    await gw.createIssue(draft({ title: 'Unrelated', description: 'Nothing to see.' }));
    const found = (await collect(gw.listIssues({ search: 'shadowing' }))).map((i) => i.iid);
    expect(found).toEqual([byText.iid, byTitle.iid]);
  });

  it('pages through more than 100 issues', async () => {
    const gw = ctx.gw();
    const made: number[] = [];
    for (let n = 0; n < 105; n += 1) made.push((await gw.createIssue(draft({ title: `Module ${n}`, labels: ['training-module'] }))).iid);
    await gw.createIssue(draft({ title: 'Not a module' }));
    const listed = (await collect(gw.listIssues({ labels: ['training-module'] }))).map((i) => i.iid);
    expect(listed).toHaveLength(105);
    expect(listed).toEqual([...made].reverse());
  });
}
