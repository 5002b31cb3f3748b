import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/core/log.js';
import { parseWebhook } from '../../src/events/normalize.js';
import { deliveriesAbout, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { command, modulesOf, moveCard, replies, stateOf, statusNote, theModule, tick } from '../e2e/training-helpers.js';
import { figure, seededRandom } from './reliability-helpers.js';

/**
 * GitLab moves an issue's `updated_at` for a note (new, edited, or a system note such as a link's)
 * only when the issue was last touched more than a minute ago (Note#touch_noteable, ThrottledTouch).
 * So a comment a few seconds after an edit reaches Trellis with the issue's time unchanged, and Trellis,
 * which orders events by that time, must still end where in-order delivery ends.
 */

let e2e: E2E;
const START = Date.parse('2026-06-01T09:00:00.000Z');
let now = START;
function step(seconds: number): void {
  now += seconds * 1000;
  e2e.setClock(new Date(now).toISOString());
}

beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);

afterEach(() => {
  e2e.sim.setFaults({ webhook_reorder: false, webhook_delay_ms: 0 });
  e2e.setClock(null);
});

afterAll(async () => {
  await e2e?.close();
});

/** `2026-06-01 09:00:10 UTC` (webhook form) as epoch ms. */
const hookMs = (text: unknown) => Date.parse(String(text).replace(' UTC', 'Z').replace(' ', 'T'));

describe('events reordered and late, with comments and links that leave updated_at alone in between', () => {
  it('end with the labels and status note the last checklist says, and a late replay of all of them changes nothing', async () => {
    step(0);
    const asked = await command(e2e, 'sofia', 'start sre-i');
    let module = await theModule(e2e, 'sofia', 'sre-i');
    e2e.sim.setFaults({ webhook_reorder: true, webhook_delay_ms: 300 });
    const root = e2e.as('root');
    const link = { target_project_id: e2e.projectId, target_issue_iid: asked };
    let description = module.description ?? '';
    for (let round = 0; round < 4; round++) {
      step(70);
      description = tick(description, 2);
      await e2e.as('sofia').editIssue(module.iid, { description });
      // Within the minute after the edit: a comment and a link, neither moves updated_at.
      step(10);
      await e2e.as('sofia').comment(module.iid, `round ${round}: two more done`);
      step(10);
      const made = await root.api<{ source_issue: { iid: number }; target_issue: { iid: number } }>('POST', `/projects/${e2e.projectId}/issues/${module.iid}/links`, link);
      expect(made.target_issue.iid).toBe(asked);
      // More than a minute after the edit: this comment moves it (the issue event before it is now "older").
      step(50);
      await e2e.as('sofia').comment(module.iid, `round ${round}: a minute later`);
      step(5);
      const [first] = await root.api<Array<{ issue_link_id: number }>>('GET', `/projects/${e2e.projectId}/issues/${module.iid}/links`);
      await root.api('DELETE', `/projects/${e2e.projectId}/issues/${module.iid}/links/${first!.issue_link_id}`);
    }
    step(20);
    await moveCard(e2e, 'sam', await e2e.as('sofia').issue(module.iid), 'sre-i', 'review');
    step(10);
    await e2e.as('sam').comment(module.iid, 'moved it, I think it is ready');
    await e2e.settle();

    module = await e2e.as('sofia').issue(module.iid);
    expect(stateOf(module, 'sre-i')).toBe('sre-i::in-progress');
    expect(await statusNote(e2e, module.iid)).toContain('**Required items: 8 of 62**');
    expect((await replies(e2e, module.iid)).filter((r) => /sre-i::review/.test(r)).length).toBeLessThanOrEqual(1);
    expect(await modulesOf(e2e, 'sofia', 'sre-i')).toHaveLength(1);

    // The deliveries really carried what GitLab sends: comments that left the time alone, and some that moved it.
    const deliveries = await deliveriesAbout(e2e, [module.iid]);
    const notes = deliveries.filter((d) => d.header === 'Note Hook').map((d) => d.body as { issue: { updated_at: string }; object_attributes: { created_at: string } });
    const untouched = notes.filter((n) => hookMs(n.issue.updated_at) < hookMs(n.object_attributes.created_at)).length;
    const touched = notes.filter((n) => hookMs(n.issue.updated_at) === hookMs(n.object_attributes.created_at)).length;
    expect(untouched).toBeGreaterThan(0);
    expect(touched).toBeGreaterThan(0);

    // Every delivery again, in a seeded random order, long after (a worker's retries, a resend after the dedupe window).
    const before = { issue: await root.issue(module.iid), notes: await root.notes(module.iid) };
    const random = seededRandom(17);
    const shuffled = [...deliveries];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    e2e.sim.resetRequests();
    for (const { header, body } of shuffled) {
      const parsed = parseWebhook(header, body);
      if (parsed.kind === 'event') await e2e.trellis.dispatcher!.handleEvent(parsed.event, silentLog);
    }
    await e2e.settle();
    const { byClass } = e2e.sim.requests();
    expect([byClass.issue_create, byClass.note_create, byClass.write]).toEqual([0, 0, 0]);
    expect({ issue: await root.issue(module.iid), notes: await root.notes(module.iid) }).toEqual(before);
    figure('note-touch-order', `${deliveries.length} deliveries (${untouched} comments left updated_at alone, ${touched} moved it) reordered, then replayed late: state as in order, 0 writes`);
  }, 60_000);
});
