import { expect, it } from 'vitest';
import { contractFixture as fx, draft, type ContractContext } from './contract-fixture.js';

/** Notes on an issue and links between issues. */
export function notesAndLinksContract(ctx: ContractContext): void {
  it('creates notes as the bot and lists them oldest first', async () => {
    const issue = await ctx.gw().createIssue(draft());
    const first = await ctx.gw().createNote(issue.iid, 'Status: not started <!-- trellis:status:sre-i/alice -->');
    const second = await ctx.gw().createNote(issue.iid, 'Thanks, @alice.');
    expect(first).toMatchObject({ author: fx.bot, system: false, body: 'Status: not started <!-- trellis:status:sre-i/alice -->' });
    const notes = (await ctx.gw().listNotes(issue.iid)).filter((n) => !n.system);
    expect(notes.map((n) => n.id)).toEqual([first.id, second.id]);
    expect(notes[0]?.body).toContain('<!-- trellis:status:sre-i/alice -->');
  });

  it('edits a note in place, keeping its id', async () => {
    const issue = await ctx.gw().createIssue(draft());
    const note = await ctx.gw().createNote(issue.iid, 'Status: not started');
    const edited = await ctx.gw().updateNote(issue.iid, note.id, 'Status: in progress');
    expect(edited).toMatchObject({ id: note.id, body: 'Status: in progress', author: fx.bot });
    const notes = (await ctx.gw().listNotes(issue.iid)).filter((n) => !n.system);
    expect(notes.map((n) => [n.id, n.body])).toEqual([[note.id, 'Status: in progress']]);
  });

  it('reads one note by id as GitLab has it now (author, body), and a missing note or issue as null', async () => {
    const issue = await ctx.gw().createIssue(draft());
    const other = await ctx.gw().createIssue(draft({ title: 'SRE I training: @bob' }));
    const note = await ctx.gw().createNote(issue.iid, '@trellis-bot status');
    await ctx.gw().updateNote(issue.iid, note.id, '@trellis-bot help');
    expect(await ctx.gw().getNote(issue.iid, note.id)).toMatchObject({ id: note.id, author: fx.bot, system: false, body: '@trellis-bot help' });
    expect(await ctx.gw().getNote(issue.iid, 424_242)).toBeNull();
    // A note is found only on its own issue: the id of a note on another issue is not one of this issue's.
    expect(await ctx.gw().getNote(other.iid, note.id)).toBeNull();
    expect(await ctx.gw().getNote(424_242, note.id)).toBeNull();
  });

  it('lists no notes for a fresh issue and reports notes on a missing issue as not found', async () => {
    const issue = await ctx.gw().createIssue(draft());
    expect((await ctx.gw().listNotes(issue.iid)).filter((n) => !n.system)).toEqual([]);
    await expect(ctx.gw().createNote(424_242, 'hello')).rejects.toMatchObject({ code: 'gitlab_not_found' });
  });

  it('lists who added and removed which label, oldest first (one scope label replacing another is both)', async () => {
    const issue = await ctx.gw().createIssue(draft({ labels: ['training-module', 'sre-i::in-progress'] }));
    await ctx.gw().updateIssue(issue.iid, { addLabels: ['sre-i::review'] });
    const events = await ctx.gw().listLabelEvents(issue.iid);
    const seen = events.map((e) => `${e.action} ${e.label} by ${e.user}`);
    expect(seen.slice(0, 2).sort()).toEqual(['add sre-i::in-progress by trellis-bot', 'add training-module by trellis-bot']);
    expect(seen.slice(2).sort()).toEqual(['add sre-i::review by trellis-bot', 'remove sre-i::in-progress by trellis-bot']);
    expect(events.every((e) => !Number.isNaN(Date.parse(e.createdAt)))).toBe(true);
  });

  it('links issues both ways, across projects, and linking again changes nothing', async () => {
    const request = await ctx.gw().createIssue(draft({ title: 'Internship request: @alice' }));
    const task = await ctx.gw().createIssue(draft({ title: 'Internship task: pair on an OKR' }));
    const training = await ctx.gw().forProject(fx.otherProjectPath).createIssue(draft({ title: 'SRE I training: @alice' }));
    const here = { projectId: request.projectId, iid: request.iid };

    await ctx.gw().linkIssues(request.iid, { projectId: task.projectId, iid: task.iid });
    await ctx.gw().linkIssues(request.iid, { projectId: training.projectId, iid: training.iid });
    await ctx.gw().linkIssues(request.iid, { projectId: task.projectId, iid: task.iid });

    const links = await ctx.gw().listLinks(request.iid);
    expect(links).toHaveLength(2);
    expect(links).toEqual(expect.arrayContaining([{ projectId: task.projectId, iid: task.iid }, { projectId: training.projectId, iid: training.iid }]));
    expect(await ctx.gw().listLinks(task.iid)).toEqual([here]);
    expect(await ctx.gw().forProject(fx.otherProjectPath).listLinks(training.iid)).toEqual([here]);
  });
}
