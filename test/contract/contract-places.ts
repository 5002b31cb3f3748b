import { expect, it } from 'vitest';
import { collect, contractFixture as fx, draft, type ContractContext } from './contract-fixture.js';

/** Groups, projects in groups and members: the private records layout (docs/privacy.md). */
export function placesContract(ctx: ContractContext): void {
  const group = () => ctx.gw().forGroup(fx.recordsGroup);

  it('knows the records group by path, and null for a group that does not exist', async () => {
    expect(await group().group()).toMatchObject({ fullPath: fx.recordsGroup });
    expect(await ctx.gw().forGroup('infra/no-such-group').group()).toBeNull();
  });

  it('creates a private project in the group, found by path afterwards; a missing project is null', async () => {
    const path = `${fx.recordsGroup}/alice`;
    expect(await ctx.gw().forProject(path).findProject()).toBeNull();
    const made = await group().createProject({ path: 'alice', name: 'Career records: alice', description: 'private' });
    expect(made.path).toBe(path);
    expect((await ctx.gw().forProject(path).findProject())?.id).toBe(made.id);
    expect((await group().listProjects()).map((p) => p.path)).toContain(path);
  });

  it('adds, changes and removes a direct project member; removing a non-member is not an error', async () => {
    await group().createProject({ path: 'bob', name: 'bob', description: '' });
    const gw = ctx.gw().forProject(`${fx.recordsGroup}/bob`);
    await gw.setMember('bob', 30);
    await gw.setMember('bob', 30);
    await gw.setMember('alice', 20);
    await gw.setMember('alice', 30);
    const direct = await gw.listMembers({ inherited: false });
    expect(direct.filter((m) => m.username !== fx.bot).map((m) => [m.username, m.accessLevel]).sort()).toEqual([
      ['alice', 30],
      ['bob', 30],
    ]);
    await gw.removeMember('alice');
    await gw.removeMember('alice');
    expect((await gw.listMembers({ inherited: false })).map((m) => m.username)).not.toContain('alice');
  });

  it('lists members inherited from the group with the project, not among its direct members', async () => {
    await group().createProject({ path: 'alice', name: 'alice', description: '' });
    await group().setMember('bob', 20);
    const gw = ctx.gw().forProject(`${fx.recordsGroup}/alice`);
    expect((await gw.listMembers({ inherited: true })).find((m) => m.username === 'bob')?.accessLevel).toBe(20);
    expect((await gw.listMembers({ inherited: false })).map((m) => m.username)).not.toContain('bob');
    expect((await group().listMembers({ inherited: false })).find((m) => m.username === 'bob')?.accessLevel).toBe(20);
    await group().removeMember('bob');
    expect((await gw.listMembers({ inherited: true })).map((m) => m.username)).not.toContain('bob');
  });

  it("lists the issues of every project in the group in one listing, filtered by label", async () => {
    await group().createProject({ path: 'alice', name: 'alice', description: '' });
    await group().createProject({ path: 'bob', name: 'bob', description: '' });
    await ctx.gw().forProject(`${fx.recordsGroup}/alice`).createIssue(draft({ title: 'A', labels: ['career-checkpoint'] }));
    await ctx.gw().forProject(`${fx.recordsGroup}/bob`).createIssue(draft({ title: 'B', labels: ['career-checkpoint'] }));
    await ctx.gw().forProject(`${fx.recordsGroup}/bob`).createIssue(draft({ title: 'C', labels: ['other'] }));
    await ctx.gw().createIssue(draft({ title: 'outside the group', labels: ['career-checkpoint'] }));
    const found = await collect(group().listIssues({ labels: ['career-checkpoint'], state: 'all' }));
    expect(found.map((i) => i.title).sort()).toEqual(['A', 'B']);
    expect(new Set(found.map((i) => i.projectId)).size).toBe(2);
  });

  it('keeps group labels: created, listed and changed', async () => {
    await group().createLabel({ name: 'checkpoint::review', color: '#aabbcc', description: 'review' });
    expect((await group().listLabels()).find((l) => l.name === 'checkpoint::review')).toMatchObject({ color: '#aabbcc', description: 'review' });
    await group().updateLabel({ name: 'checkpoint::review', color: '#112233', description: 'later' });
    expect((await group().listLabels()).find((l) => l.name === 'checkpoint::review')).toMatchObject({ color: '#112233', description: 'later' });
  });

  it('deletes a note; deleting it again is not an error', async () => {
    const issue = await ctx.gw().createIssue(draft());
    const note = await ctx.gw().createNote(issue.iid, 'private words');
    await ctx.gw().deleteNote(issue.iid, note.id);
    await ctx.gw().deleteNote(issue.iid, note.id);
    expect((await ctx.gw().listNotes(issue.iid)).map((n) => n.id)).not.toContain(note.id);
  });

  it('offers group webhooks only where the tier has them: a hook host, or null', async () => {
    const hooks = await group().hooks();
    if (hooks) expect(await hooks.listHooks()).toEqual([]);
    else expect(hooks).toBeNull();
  });
}
