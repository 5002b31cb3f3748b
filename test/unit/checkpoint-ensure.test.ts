import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { TransientError } from '../../src/core/errors.js';
import { createExecutor } from '../../src/core/executor.js';
import { silentLog } from '../../src/core/log.js';
import { createMemoryCache, createMemoryLocks } from '../../src/core/state-ports.js';
import { createMemoryGateway } from '../../src/gitlab/memory-adapter.js';
import type { MemoryGateway } from '../../src/gitlab/memory-adapter.js';
import { ensureCheckpoint } from '../../src/workflows/checkpoint/ensure-checkpoint.js';
import type { EnsureArgs } from '../../src/workflows/checkpoint/ensure-checkpoint.js';
import { ensureFromJob, openQuarter } from '../../src/workflows/checkpoint/open-quarter.js';
import type { WorkflowContext } from '../../src/workflows/workflow.js';
import { person, quarter, renderer, roster } from './checkpoint-fixtures.js';

/**
 * The thin handlers of the fan-out, over the in-memory GitLab: they must spend one creation per
 * record, never search when the listing said "absent", and never create twice.
 */

type Queued = { name: string; id?: string; data: Record<string, unknown> };

function world(): { ctx: WorkflowContext; gitlab: MemoryGateway; queued: Queued[] } {
  const gitlab = createMemoryGateway({ users: ['vera', 'carol', 'erin', 'alice', 'bob', 'olivia'], groups: ['infra', 'infra/career-records'] });
  const cache = createMemoryCache();
  const executor = createExecutor({ gitlab, locks: createMemoryLocks(), cache, log: silentLog, botUsername: async () => 'trellis-bot', recordsProject: 'infra/career' });
  const queued: Queued[] = [];
  const templates = renderer();
  const ctx: WorkflowContext = {
    config: loadConfig({ GITLAB_URL: 'http://gitlab.test', GITLAB_TOKEN: 't', GITLAB_PROJECT: 'infra/career' }),
    gitlab,
    executor,
    cache,
    templates,
    roster: async () => roster(),
    bot: () => gitlab.currentUser(),
    now: () => new Date('2026-02-01T09:00:00.000Z'),
    log: silentLog,
    jobs: {
      async add(name, data, opts) {
        queued.push({ name, data, ...(opts?.id ? { id: opts.id } : {}) });
      },
      async addBulk(jobs) {
        queued.push(...jobs);
      },
    },
  };
  return { ctx, gitlab, queued };
}

function args(report: string, fields: Partial<EnsureArgs> = {}): EnsureArgs {
  const r = roster();
  const p = person(r, report);
  return { quarter: quarter('FY27-Q1'), report: p, manager: person(r, p.manager ?? ''), roster: r, checkpoint: null, conversation: null, previous: null, listed: true, ...fields };
}

const methods = (gitlab: MemoryGateway) => gitlab.calls.map((c) => c.method);

async function titles(gitlab: MemoryGateway): Promise<string[]> {
  const out: string[] = [];
  for await (const issue of gitlab.forGroup('infra/career-records').listIssues({ state: 'all' })) out.push(issue.title);
  return out.sort();
}

/** The reports' private records projects, made as setup makes them, with the calls forgotten. */
async function withProjects(gitlab: MemoryGateway, ...people: string[]): Promise<void> {
  for (const p of people) await gitlab.forGroup('infra/career-records').createProject({ path: p, name: p, description: '' });
  gitlab.resetCalls();
}

describe('ensuring a report’s quarter from the fan-out', () => {
  it('a report absent from the listing gets the conversation, then the checkpoint linking it: two creations, no search', async () => {
    const { ctx, gitlab } = world();
    await withProjects(gitlab, 'alice');
    const result = await ensureCheckpoint(ctx, args('alice'));
    // Reading the boards (the checkpoint links to its board, workflows/boards.ts) is not a records read.
    expect(methods(gitlab).filter((m) => m !== 'currentUser' && m !== 'listBoards')).toEqual(['createIssue', 'createIssue']);
    expect(gitlab.calls.filter((c) => c.method === 'createIssue').map((c) => c.project)).toEqual(['infra/career-records/alice', 'infra/career-records/alice']);
    expect(result).toMatchObject({ checkpoint: { created: true }, conversation: { created: true }, writes: 2 });
    const checkpoint = await gitlab.forProject('infra/career-records/alice').getIssue(result.checkpoint.iid);
    expect(checkpoint?.description).toContain(`big-picture career conversation: #${result.conversation?.iid}`);
  });

  it('a create whose answer was lost is not repeated: the retry searches and finds it', async () => {
    const { ctx, gitlab } = world();
    await withProjects(gitlab, 'alice');
    gitlab.failNext('createIssue', new TransientError('gitlab_ambiguous_write', 'POST sent, no answer'), { applied: true });
    await expect(ensureCheckpoint(ctx, args('alice'))).rejects.toThrow('no answer');
    await ensureCheckpoint(ctx, args('alice'));
    expect(await titles(gitlab)).toEqual(['Big picture career conversation: @alice', 'FY27-Q1 career checkpoint: @alice']);
    expect(methods(gitlab)).toContain('listIssues');
  });

  it('the same report ensured twice at once, as by two workers, gets one checkpoint', async () => {
    const { ctx, gitlab } = world();
    await withProjects(gitlab, 'bob');
    await Promise.all([ensureCheckpoint(ctx, args('bob')), ensureCheckpoint(ctx, args('bob')), ensureCheckpoint(ctx, args('bob'))]);
    expect(await titles(gitlab)).toEqual(['Big picture career conversation: @bob', 'FY27-Q1 career checkpoint: @bob']);
  });

  it('an existing checkpoint whose manager changed is reassigned from the listing, without reading it first', async () => {
    const { ctx, gitlab } = world();
    await withProjects(gitlab, 'olivia');
    const made = await ensureCheckpoint(ctx, args('olivia'));
    gitlab.resetCalls();
    const moved = { ...args('olivia'), manager: person(roster(), 'carol') };
    await ensureCheckpoint(ctx, { ...moved, checkpoint: { iid: made.checkpoint.iid, assignees: ['olivia', 'erin'], confidential: true, dueDate: '2026-04-30' }, conversation: { iid: made.conversation!.iid, values: null, lighthouse: null, filledIn: false } });
    expect(methods(gitlab)).toEqual(['updateIssue']);
    expect((await gitlab.forProject('infra/career-records/olivia').getIssue(made.checkpoint.iid))?.assignees).toEqual(['olivia', 'carol']);
  });

  it('the fan-out queues one keyed job per report; each job creates what it carries; running it again queues nothing', async () => {
    const { ctx, gitlab, queued } = world();
    await withProjects(gitlab, 'carol', 'erin', 'alice', 'bob', 'olivia');
    await openQuarter({}, ctx);
    expect(queued.map((j) => j.id)).toEqual(['checkpoint:FY27-Q1:carol', 'checkpoint:FY27-Q1:erin', 'checkpoint:FY27-Q1:alice', 'checkpoint:FY27-Q1:bob', 'checkpoint:FY27-Q1:olivia']);
    for (const job of queued.splice(0)) await ensureFromJob(job.data, ctx);
    expect(methods(gitlab).filter((m) => m === 'createIssue')).toHaveLength(10);
    expect(methods(gitlab).filter((m) => m === 'listGroupIssues')).toHaveLength(3);
    gitlab.resetCalls();
    await openQuarter({}, ctx);
    expect(queued).toEqual([]);
    expect(methods(gitlab).filter((m) => m !== 'currentUser' && m !== 'listBoards')).toEqual(['listGroupIssues']);
  });

  it("a report with no records project yet gets one, private to them and their manager, before their records", async () => {
    const { ctx, gitlab } = world();
    const result = await ensureCheckpoint(ctx, args('alice'));
    expect(result.checkpoint.created).toBe(true);
    const project = gitlab.forProject('infra/career-records/alice');
    expect((await project.listMembers({ inherited: false })).map((m) => [m.username, m.accessLevel])).toEqual([
      ['alice', 30],
      ['carol', 30],
    ]);
    expect(await titles(gitlab)).toEqual(['Big picture career conversation: @alice', 'FY27-Q1 career checkpoint: @alice']);
  });

  it('on GitLab Free (no group hooks) a records project made here gets Trellis\'s webhook, so its events arrive before setup runs again', async () => {
    const { ctx, gitlab } = world();
    const config = loadConfig({ GITLAB_URL: 'http://gitlab.test', GITLAB_TOKEN: 't', GITLAB_PROJECT: 'infra/career', TRELLIS_PUBLIC_URL: 'https://trellis.test', WEBHOOK_SECRET: 's3cret' });
    await ensureCheckpoint({ ...ctx, config }, args('bob'));
    const hooks = await gitlab.forProject('infra/career-records/bob').listHooks();
    expect(hooks.map((h) => [h.url, h.confidentialIssuesEvents, h.noteEvents])).toEqual([['https://trellis.test/webhooks/gitlab', true, true]]);
  });

  it('in a dry run nothing is created and the job does not fail', async () => {
    const { ctx, gitlab } = world();
    const dry = createExecutor({ gitlab, locks: createMemoryLocks(), cache: createMemoryCache(), log: silentLog, botUsername: async () => 'trellis-bot', recordsProject: 'infra/career', dryRun: true });
    const result = await ensureCheckpoint({ ...ctx, executor: dry }, args('alice'));
    expect(result.writes).toBe(0);
    expect(gitlab.writeCalls()).toEqual([]);
  });

  it('a job for a report who left the roster since the fan-out does nothing', async () => {
    const { ctx, gitlab } = world();
    const gone: WorkflowContext = { ...ctx, roster: async () => ({ ...roster(), people: roster().people.filter((p) => p.username !== 'bob') }) };
    expect(await ensureFromJob({ quarter: 'FY27-Q1', report: 'bob', checkpoint: null, conversation: null, previous: null }, gone)).toBeNull();
    expect(methods(gitlab)).toEqual([]);
  });

  it('a job with broken data fails for good instead of retrying', async () => {
    const { ctx } = world();
    await expect(ensureFromJob({ quarter: 'FY27-Q1' }, ctx)).rejects.toMatchObject({ code: 'payload_invalid' });
  });
});
