import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.js';
import { TransientError } from '../../src/core/errors.js';
import { createExecutor, indexIssues } from '../../src/core/executor.js';
import type { ExecutorDeps } from '../../src/core/executor.js';
import { silentLog } from '../../src/core/log.js';
import { marker } from '../../src/core/markers.js';
import { createMemoryCache, createMemoryLocks } from '../../src/core/state-ports.js';
import { createMemoryGateway } from '../../src/gitlab/memory-adapter.js';
import type { MemoryGateway } from '../../src/gitlab/memory-adapter.js';

function setup(opts: { dryRun?: boolean } = {}) {
  const gitlab = createMemoryGateway({ users: ['alice', 'carol'], otherProjects: ['infra/access-requests'] });
  const locks = createMemoryLocks();
  const cache = createMemoryCache();
  const deps = (over: Partial<ExecutorDeps> = {}): ExecutorDeps => ({
    gitlab,
    locks,
    cache,
    log: silentLog,
    botUsername: async () => 'trellis-bot',
    recordsProject: 'infra/career',
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...over,
  });
  return { gitlab, locks, cache, deps, executor: createExecutor(deps()) };
}

const M = marker('sre-i', 'alice');
const ensure: Action = {
  kind: 'ensure-issue',
  ref: 'module',
  marker: M,
  draft: { title: 'SRE I training: @alice', description: 'Checklist', labels: ['training-module', 'sre-i::not-started'], assignees: ['alice'], confidential: false },
};

async function allIssues(gitlab: MemoryGateway) {
  const out = [];
  for await (const i of gitlab.listIssues({ state: 'all' })) out.push(i);
  return out;
}

describe('executor', () => {
  it('creates an issue once, with its marker, and a second run writes nothing', async () => {
    const { gitlab, executor } = setup();
    const first = await executor.apply([ensure]);
    expect(first.writes).toBe(1);
    const created = first.refs.get('module')!;
    expect(created.description).toContain('<!-- trellis:sre-i:alice -->');
    gitlab.resetCalls();
    const second = await executor.apply([ensure]);
    expect(second.writes).toBe(0);
    expect(gitlab.writeCalls()).toEqual([]);
    expect(await allIssues(gitlab)).toHaveLength(1);
  });

  it('finds its issue by marker in GitLab when the cache was lost (Redis flushed)', async () => {
    const { gitlab, deps } = setup();
    await createExecutor(deps()).apply([ensure]);
    const fresh = createExecutor(deps({ cache: createMemoryCache() }));
    gitlab.resetCalls();
    const result = await fresh.apply([ensure]);
    expect(result.writes).toBe(0);
    expect(await allIssues(gitlab)).toHaveLength(1);
  });

  it.each([
    ['found by a search', false],
    ['listed in an index', true],
  ])('never adopts an issue someone else wrote carrying the marker (%s): it creates its own', async (_how, listed) => {
    const { gitlab, executor } = setup();
    const forged = gitlab.seedIssue({ title: 'anything', description: '<!-- trellis:sre-i:alice -->', author: 'carol' });
    const result = await executor.apply([ensure], listed ? { index: indexIssues([forged], false) } : {});
    expect(result.steps[0]?.outcome).toBe('created');
    expect(result.refs.get('module')?.iid).not.toBe(forged.iid);
    expect(result.refs.get('module')?.author).toBe('trellis-bot');
  });

  it('creates exactly one issue when two workers ensure it at the same time', async () => {
    const { gitlab, deps } = setup();
    const a = createExecutor(deps());
    const b = createExecutor(deps());
    await Promise.all([a.apply([ensure]), b.apply([ensure]), a.apply([ensure])]);
    expect(await allIssues(gitlab)).toHaveLength(1);
  });

  it('makes no search when a complete index says the issue is absent', async () => {
    const { gitlab, executor } = setup();
    await executor.apply([ensure], { index: indexIssues([], true) });
    expect(gitlab.calls.map((c) => c.method)).toEqual(['createIssue']);
  });

  it('does not create a second issue after a create whose answer was lost', async () => {
    const { gitlab, executor } = setup();
    gitlab.failNext('createIssue', new TransientError('gitlab_ambiguous_write', 'timeout'), { applied: true });
    await expect(executor.apply([ensure])).rejects.toThrow('timeout');
    const retry = await executor.apply([ensure]);
    expect(retry.writes).toBe(0);
    expect(await allIssues(gitlab)).toHaveLength(1);
  });

  it('keeps one label per scope and writes nothing when labels already match', async () => {
    const { gitlab, executor } = setup();
    const issue = gitlab.seedIssue({ title: 't', labels: ['training-module', 'sre-i::not-started', 'team::sre'] });
    const r1 = await executor.apply([{ kind: 'set-labels', issue: { iid: issue.iid }, add: ['sre-i::in-progress'] }]);
    expect(r1.writes).toBe(1);
    expect((await gitlab.getIssue(issue.iid))!.labels).toEqual(expect.arrayContaining(['training-module', 'sre-i::in-progress', 'team::sre']));
    expect((await gitlab.getIssue(issue.iid))!.labels).not.toContain('sre-i::not-started');
    gitlab.resetCalls();
    const current = (await gitlab.getIssue(issue.iid))!;
    gitlab.resetCalls();
    const r2 = await executor.apply([{ kind: 'set-labels', issue: { iid: issue.iid }, add: ['sre-i::in-progress'], remove: ['absent'] }], { known: [current] });
    expect(r2.writes).toBe(0);
    expect(gitlab.calls).toEqual([]);
  });

  it('edits its one note in place and skips unchanged text without any call', async () => {
    const { gitlab, executor } = setup();
    const issue = gitlab.seedIssue({ title: 't' });
    const note = (body: string): Action => ({ kind: 'upsert-note', issue: { iid: issue.iid }, marker: marker('status', 'training'), body });
    expect((await executor.apply([note('1/10 done')], { known: [issue] })).steps[0]!.outcome).toBe('created');
    expect((await executor.apply([note('2/10 done')], { known: [issue] })).steps[0]!.outcome).toBe('updated');
    gitlab.resetCalls();
    expect((await executor.apply([note('2/10 done')], { known: [issue] })).steps[0]!.outcome).toBe('unchanged');
    expect(gitlab.calls).toEqual([]);
    const notes = await gitlab.listNotes(issue.iid);
    expect(notes.filter((n) => !n.system)).toHaveLength(1);
    expect(notes.find((n) => !n.system)!.body).toMatch(/^2\/10 done/);
  });

  it('finds its note again after losing the cache, and never edits a note a person wrote', async () => {
    const { gitlab, deps } = setup();
    const issue = gitlab.seedIssue({ title: 't' });
    const m = marker('status', 'training');
    gitlab.seedNote(issue.iid, 'a person quoting <!-- trellis:status:training -->', { author: 'alice' });
    await createExecutor(deps()).apply([{ kind: 'upsert-note', issue: { iid: issue.iid }, marker: m, body: 'one' }], { known: [issue] });
    await createExecutor(deps({ cache: createMemoryCache() })).apply([{ kind: 'upsert-note', issue: { iid: issue.iid }, marker: m, body: 'two' }], { known: [issue] });
    const notes = (await gitlab.listNotes(issue.iid)).filter((n) => !n.system);
    expect(notes.map((n) => [n.author, n.body.split('\n')[0]])).toEqual([
      ['alice', 'a person quoting <!-- trellis:status:training -->'],
      ['trellis-bot', 'two'],
    ]);
  });

  it('writes a note again when a person deleted it', async () => {
    const { gitlab, executor, cache } = setup();
    const issue = gitlab.seedIssue({ title: 't' });
    const m = marker('status', 'x');
    await executor.apply([{ kind: 'upsert-note', issue: { iid: issue.iid }, marker: m, body: 'one' }], { known: [issue] });
    const memo = await cache.noteFor('infra/career', issue.iid, 'status:x');
    await cache.rememberNote('infra/career', issue.iid, 'status:x', { noteId: memo!.noteId + 999, hash: 'stale' });
    const r = await executor.apply([{ kind: 'upsert-note', issue: { iid: issue.iid }, marker: m, body: 'two' }], { known: [issue] });
    expect(r.steps[0]!.outcome).toBe('created');
  });

  it('replies to a command once, even when the same note is handled twice', async () => {
    const { gitlab, deps } = setup();
    const issue = gitlab.seedIssue({ title: 't' });
    const reply: Action = { kind: 'reply', issue: { iid: issue.iid }, marker: marker('reply', '1241'), body: 'Done.' };
    await createExecutor(deps()).apply([reply], { known: [issue] });
    await createExecutor(deps({ cache: createMemoryCache() })).apply([{ ...reply, body: 'Done again?' }], { known: [issue] });
    expect((await gitlab.listNotes(issue.iid)).filter((n) => !n.system)).toHaveLength(1);
  });

  it('closes, reopens and updates only what differs', async () => {
    const { gitlab, executor } = setup();
    const issue = gitlab.seedIssue({ title: 't', assignees: ['alice'] });
    const r = await executor.apply(
      [
        { kind: 'set-state', issue: { iid: issue.iid }, state: 'opened' },
        { kind: 'update-issue', issue: { iid: issue.iid }, assignees: ['alice'], dueDate: '2026-12-31' },
        { kind: 'set-state', issue: { iid: issue.iid }, state: 'closed' },
      ],
      { known: [issue] },
    );
    expect(r.steps.map((s) => s.outcome)).toEqual(['unchanged', 'updated', 'updated']);
    const after = (await gitlab.getIssue(issue.iid))!;
    expect(after).toMatchObject({ state: 'closed', dueDate: '2026-12-31', assignees: ['alice'] });
  });

  it('links issues once, across projects', async () => {
    const { gitlab, executor } = setup();
    const a = gitlab.seedIssue({ title: 'a' });
    const plan: Action[] = [
      { kind: 'ensure-issue', ref: 'access', project: 'infra/access-requests', marker: marker('access', 'alice'), draft: { title: 'Access for alice', description: 'x', labels: [], assignees: [], confidential: false } },
      { kind: 'link-issues', issue: { iid: a.iid }, target: { ref: 'access' } },
    ];
    const first = await executor.apply(plan, { known: [a] });
    const second = await executor.apply(plan, { known: [a] });
    expect(first.writes).toBe(2);
    expect(second.writes).toBe(0);
    expect(await gitlab.listLinks(a.iid)).toHaveLength(1);
  });

  it('writes nothing in a dry run and says what it would do', async () => {
    const { gitlab, executor } = setup({ dryRun: true });
    const issue = gitlab.seedIssue({ title: 't' });
    gitlab.resetCalls();
    const r = await executor.apply([ensure, { kind: 'set-labels', issue: { iid: issue.iid }, add: ['x'] }], { known: [issue] });
    expect(r.steps.map((s) => s.outcome)).toEqual(['would-change', 'would-change']);
    expect(gitlab.writeCalls()).toEqual([]);
  });
});

describe('seeing issue versions out of order', () => {
  const v = (updatedAt: string, fp: string) => ({ updatedAt, fp });
  it.each([
    ['a newer version', [v('2026-11-01T10:00:00Z', 'a'), v('2026-11-01T10:00:01Z', 'b')], 'newest'],
    ['an older version after a newer one', [v('2026-11-01T10:00:01Z', 'b'), v('2026-11-01T10:00:00Z', 'a')], 'stale'],
    ['the same version twice (a redelivery)', [v('2026-11-01T10:00:00Z', 'a'), v('2026-11-01T10:00:00Z', 'a')], 'newest'],
    ['a different version in the same second', [v('2026-11-01T10:00:00Z', 'a'), v('2026-11-01T10:00:00Z', 'b')], 'stale'],
  ])('%s is %s', async (_name, versions, expected) => {
    const cache = createMemoryCache();
    let last = '';
    for (const x of versions) last = await cache.observeIssue('p', 1, x.updatedAt, x.fp);
    expect(last).toBe(expected);
  });

  it("records Trellis's own writes, so a payload older than them is read fresh", async () => {
    const { gitlab, executor, cache } = setup();
    const issue = gitlab.seedIssue({ title: 't', labels: [] });
    await executor.apply([{ kind: 'set-labels', issue: { iid: issue.iid }, add: ['x'] }], { known: [issue] });
    expect(await cache.observeIssue(String(issue.projectId), issue.iid, issue.updatedAt, 'old payload')).toBe('stale');
  });
});
