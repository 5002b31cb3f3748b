import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { checkpointOf, DEPARTMENT, REPORTS, runJob, stateOf, tickAreas } from './checkpoint-helpers.js';

/**
 * The private layout on GitLab Free (docs/privacy.md, "Tiers"): no group webhooks, so setup keeps a
 * project hook in every person's records project; one assignee per issue, so a checkpoint is
 * assigned to the report alone and a reconcile does not keep asking for the manager Free drops.
 */

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E({ roster: DEPARTMENT, now: '2026-02-01T09:00:00.000Z', tier: 'free' });
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

describe('private records on GitLab Free', () => {
  it('setup made a project hook in every report\'s records project, as Free has no group hooks', async () => {
    const root = e2e.as('root');
    await expect(root.api('GET', `/groups/${encodeURIComponent(RECORDS_GROUP)}/hooks`)).rejects.toThrow(/404/);
    for (const report of REPORTS) {
      const hooks = await root.api<Array<{ url: string; confidential_issues_events: boolean }>>('GET', `/projects/${encodeURIComponent(`${RECORDS_GROUP}/${report}`)}/hooks`);
      expect(hooks.map((h) => [h.url, h.confidential_issues_events]), report).toEqual([[`${e2e.trellis.url}/webhooks/gitlab`, true]]);
    }
  });

  it('a checkpoint is assigned to the report (Free keeps one assignee), ticks reach Trellis through the project hook, and a reconcile writes nothing', async () => {
    await runJob(e2e, 'checkpoint:open-quarter');
    const alice = await checkpointOf(e2e, 'FY27-Q1', 'alice');
    expect(alice.assignees.map((a) => a.username)).toEqual(['alice']);
    await e2e.as('alice').editIssue(alice, { description: tickAreas(alice.description ?? '', [0, 2]) });
    await e2e.settle();
    expect(stateOf(await checkpointOf(e2e, 'FY27-Q1', 'alice'))).toBe('checkpoint::in-progress');
    e2e.sim.resetRequests();
    await runJob(e2e, 'reconcile:run');
    expect(e2e.sim.requests().byClass.write).toBe(0);
  }, 60_000);
});
