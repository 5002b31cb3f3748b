import { expect, it } from 'vitest';
import { AppError, PermanentError } from '../../src/core/errors.js';
import type { HookSettings } from '../../src/core/gitlab-port.js';
import { contractFixture as fx, type ContractContext } from './contract-fixture.js';

/** Project, token user, user lookup and access level. */
export function projectContract(ctx: ContractContext): void {
  it('knows the records project by path, with its default branch', async () => {
    const project = await ctx.gw().project();
    expect(project.path).toBe(fx.projectPath);
    expect(project.defaultBranch).toBe(fx.defaultBranch);
    expect(project.id).toBeGreaterThan(0);
  });

  it('can be aimed at another project by path or id', async () => {
    const other = await ctx.gw().forProject(fx.otherProjectPath).project();
    expect(other.path).toBe(fx.otherProjectPath);
    expect((await ctx.gw().forProject(other.id).project()).path).toBe(fx.otherProjectPath);
    expect(other.id).not.toBe((await ctx.gw().project()).id);
  });

  it('reports a project that does not exist as a permanent not-found error', async () => {
    await expect(ctx.gw().forProject('infra/no-such-project').project()).rejects.toMatchObject({ code: 'gitlab_not_found' });
  });

  it('names the token user as the bot', async () => {
    const me = await ctx.gw().currentUser();
    expect(me.username).toBe(fx.bot);
    expect(me.state).toBe('active');
  });

  it('finds people by username and returns null for someone unknown', async () => {
    const alice = await ctx.gw().findUser('alice');
    expect(alice).toMatchObject({ username: 'alice', state: 'active' });
    expect(alice?.id).toBeGreaterThan(0);
    expect(await ctx.gw().findUser('nobody-by-this-name')).toBeNull();
  });

  it('reports the bot as a maintainer of the records project', async () => {
    expect(await ctx.gw().accessLevel()).toBe(fx.botAccessLevel);
  });
}

const hook: HookSettings = {
  url: 'http://127.0.0.1:9/webhooks/gitlab',
  token: 'hook-secret',
  issuesEvents: true,
  confidentialIssuesEvents: true,
  noteEvents: true,
  confidentialNoteEvents: true,
  pushEvents: false,
  enableSslVerification: false,
};

/** Repository files, project labels and project hooks. */
export function repositoryContract(ctx: ContractContext): void {
  it('reads a file from the default branch, and null for a missing one', async () => {
    const file = await ctx.gw().getFile('.trellis/roster.yml');
    expect(file).toMatchObject({ path: '.trellis/roster.yml', content: fx.files['.trellis/roster.yml'] });
    expect(file?.lastCommitId).toMatch(/^[0-9a-f]{8,}$/);
    expect(await ctx.gw().getFile('.trellis/missing.yml')).toBeNull();
  });

  it('commits new and changed files in one commit', async () => {
    const before = await ctx.gw().getFile('README.md');
    await ctx.gw().commitFiles('Sync issue templates', [
      { path: '.gitlab/issue_templates/Internship.md', content: '## Internship request\n', action: 'create' },
      { path: 'README.md', content: '# Career records (managed)\n', action: 'update' },
    ]);
    const created = await ctx.gw().getFile('.gitlab/issue_templates/Internship.md');
    const updated = await ctx.gw().getFile('README.md');
    expect(created?.content).toBe('## Internship request\n');
    expect(updated?.content).toBe('# Career records (managed)\n');
    expect(updated?.lastCommitId).not.toBe(before?.lastCommitId);
    expect(created?.lastCommitId).toBe(updated?.lastCommitId);
  });

  it('refuses to create a file that already exists', async () => {
    const attempt = ctx.gw().commitFiles('Again', [{ path: 'README.md', content: 'x\n', action: 'create' }]);
    await expect(attempt).rejects.toBeInstanceOf(PermanentError);
    expect((await ctx.gw().getFile('README.md'))?.content).toBe(fx.files['README.md']);
  });

  it('creates, lists and updates project labels', async () => {
    await ctx.gw().createLabel({ name: 'sre-i::review', color: '#428bca', description: 'Waiting for sign-off' });
    let label = (await ctx.gw().listLabels()).find((l) => l.name === 'sre-i::review');
    expect(label).toEqual({ name: 'sre-i::review', color: '#428bca', description: 'Waiting for sign-off' });
    await ctx.gw().updateLabel({ name: 'sre-i::review', color: '#ff0000', description: 'Ready for review' });
    label = (await ctx.gw().listLabels()).find((l) => l.name === 'sre-i::review');
    expect(label).toEqual({ name: 'sre-i::review', color: '#ff0000', description: 'Ready for review' });
  });

  it('refuses a label that already exists', async () => {
    await ctx.gw().createLabel({ name: 'training-module', color: '#428bca', description: null });
    const again = ctx.gw().createLabel({ name: 'training-module', color: '#428bca', description: null });
    await expect(again).rejects.toBeInstanceOf(PermanentError);
  });

  it('creates, lists and updates project hooks without revealing their secret', async () => {
    const created = await ctx.gw().createHook(hook);
    expect(created).toMatchObject({ url: hook.url, issuesEvents: true, confidentialIssuesEvents: true, noteEvents: true, pushEvents: false, alertStatus: 'executable', disabledUntil: null });
    expect(JSON.stringify(created)).not.toContain('hook-secret');
    const updated = await ctx.gw().updateHook(created.id, { ...hook, pushEvents: true, noteEvents: false });
    expect(updated).toMatchObject({ id: created.id, pushEvents: true, noteEvents: false });
    const hooks = await ctx.gw().listHooks();
    expect(hooks.map((h) => h.id)).toEqual([created.id]);
    expect(hooks[0]).toMatchObject({ pushEvents: true, noteEvents: false });
  });

  it('lists no deliveries for a new hook, and cannot resend one that never happened', async () => {
    const created = await ctx.gw().createHook(hook);
    expect(await ctx.gw().listHookEvents(created.id)).toEqual([]);
    expect(await ctx.gw().listHookEvents(created.id, 'server_failure')).toEqual([]);
    await expect(ctx.gw().resendHookEvent(created.id, 999_999)).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'gitlab_not_found');
  });
}
