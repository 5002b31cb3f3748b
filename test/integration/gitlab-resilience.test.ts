import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/core/errors.js';
import type { GitLabGateway } from '../../src/core/gitlab-port.js';
import type { RunningSim } from '../../src/sim/index.js';
import { draft } from '../contract/contract-fixture.js';
import { simWithGateway } from '../contract/sim-fixture.js';

/*
 * How the gitbeaker adapter behaves when GitLab (the simulator, over real HTTP) fails: what it
 * retries, what it refuses to retry, and how many requests reach GitLab. Counts come from the
 * simulator's own request counters.
 */

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(): Promise<{ sim: RunningSim; gw: GitLabGateway; gateway: Awaited<ReturnType<typeof simWithGateway>>['gateway'] }> {
  const made = await simWithGateway();
  sim = made.sim;
  return made;
}

/** Polls until `check` holds: the simulator runs in this process, so a few ms suffice. */
async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const routes = {
  getIssue: 'GET /projects/:id/issues/:issue_iid',
  putIssue: 'PUT /projects/:id/issues/:issue_iid',
  postIssue: 'POST /projects/:id/issues',
  postNote: 'POST /projects/:id/issues/:issue_iid/notes',
  postLink: 'POST /projects/:id/issues/:issue_iid/links',
};

describe('GitLab failures through the gitbeaker adapter', () => {
  it('retries a 5xx on a read and returns the issue', async () => {
    const { sim, gw } = await start();
    const issue = await gw.createIssue(draft());
    sim.setFaults({ error_ratio: 1 });
    const pending = gw.getIssue(issue.iid);
    // The first attempt has been answered with a 5xx once the simulator counted it.
    await until(() => (sim.requests().byRoute[routes.getIssue] ?? 0) >= 1);
    sim.setFaults({ error_ratio: 0 });
    expect((await pending)?.iid).toBe(issue.iid);
    expect(sim.requests().byRoute[routes.getIssue]).toBe(2);
  });

  it('retries a 5xx on an update (PUT is idempotent) and applies it once', async () => {
    const { sim, gw } = await start();
    const issue = await gw.createIssue(draft({ labels: ['training-module'] }));
    sim.setFaults({ error_ratio: 1 });
    const pending = gw.updateIssue(issue.iid, { addLabels: ['sre-i::in-progress'] });
    await until(() => (sim.requests().byRoute[routes.putIssue] ?? 0) >= 1);
    sim.setFaults({ error_ratio: 0 });
    expect([...(await pending).labels].sort()).toEqual(['sre-i::in-progress', 'training-module']);
    expect(sim.requests().byRoute[routes.putIssue]).toBe(2);
  });

  it('gives up after maxAttempts with a transient error when GitLab stays down', async () => {
    const { sim, gateway } = await start();
    const gw = gateway({ maxAttempts: 3 });
    await gw.project();
    sim.setFaults({ error_ratio: 1 });
    await expect(gw.getIssue(1)).rejects.toMatchObject({ code: 'gitlab_unavailable' });
    expect(sim.requests().byRoute[routes.getIssue]).toBe(3);
  });

  it('retries a read that timed out, and returns the issue', async () => {
    const { sim, gateway } = await start();
    const gw = gateway({ fetchTimeoutMs: 500 });
    const issue = await gw.createIssue(draft());
    sim.setFaults({ latency_ms: 2_000 });
    const pending = gw.getIssue(issue.iid);
    await until(() => (sim.requests().byRoute[routes.getIssue] ?? 0) >= 1);
    sim.setFaults({ latency_ms: 0 });
    expect((await pending)?.iid).toBe(issue.iid);
    expect(sim.requests().byRoute[routes.getIssue]).toBe(2);
  });

  it('reports a creation that timed out as ambiguous, without sending it again', async () => {
    const { sim, gateway } = await start();
    const gw = gateway({ fetchTimeoutMs: 500 });
    await gw.project();
    sim.setFaults({ latency_ms: 2_000 });
    // GitLab may still create it after we stopped waiting: only a find-by-marker can tell.
    await expect(gw.createIssue(draft())).rejects.toMatchObject({ code: 'gitlab_ambiguous_write', details: { timedOut: true } });
    expect(sim.requests().byRoute[routes.postIssue]).toBe(1);
  });

  it.each([
    ['creating an issue', routes.postIssue, (gw: GitLabGateway) => gw.createIssue(draft())],
    ['creating a note', routes.postNote, (gw: GitLabGateway) => gw.createNote(1, 'Status: in progress')],
    ['linking issues', routes.postLink, (gw: GitLabGateway, projectId: number) => gw.linkIssues(1, { projectId, iid: 2 })],
  ])('never blindly retries %s after a 5xx: the write may have happened', async (_what, route, write) => {
    const { sim, gw } = await start();
    const [one, two] = [await gw.createIssue(draft()), await gw.createIssue(draft())];
    expect([one.iid, two.iid]).toEqual([1, 2]);
    const before = sim.requests().byRoute[route] ?? 0;
    const { id } = await gw.project();
    sim.setFaults({ error_ratio: 1 });
    const err: unknown = await write(gw, id).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: 'gitlab_ambiguous_write' });
    expect(sim.requests().byRoute[route]).toBe(before + 1);
  });

  it.each([
    ['an unknown issue (404)', (gw: GitLabGateway) => gw.updateIssue(999, { addLabels: ['x'] }), 'gitlab_not_found', routes.putIssue],
    ['an empty note (400)', (gw: GitLabGateway) => gw.createNote(1, ''), 'gitlab_rejected', routes.postNote],
  ])('does not retry %s', async (_what, call, code, route) => {
    const { sim, gw } = await start();
    await gw.createIssue(draft());
    await expect(call(gw)).rejects.toBeInstanceOf(PermanentError);
    await expect(call(gw)).rejects.toMatchObject({ code });
    expect(sim.requests().byRoute[route]).toBe(2);
  });

  it('does not retry a rejected token (401) and never puts the token in the error', async () => {
    const { sim, gateway } = await start();
    const gw = gateway({ token: 'glpat-wrong-token-value' });
    const err: unknown = await gw.currentUser().then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'gitlab_unauthorized' });
    expect(err).toBeInstanceOf(PermanentError);
    expect(JSON.stringify({ err, message: (err as Error).message, details: (err as PermanentError).details })).not.toContain('glpat-wrong-token-value');
    expect(sim.requests().total).toBe(1);
  });
});
