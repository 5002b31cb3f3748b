import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runWithEventUuid } from '../../src/gitlab/request-context.js';
import type { RunningSim } from '../../src/sim/index.js';
import { draft } from '../contract/contract-fixture.js';
import { simWithGateway } from '../contract/sim-fixture.js';

/*
 * Webhooks through the gitbeaker adapter. X-Gitlab-Event-UUID: the gateway forwards the UUID of the
 * delivery being handled, so GitLab's recursion detection (here the simulator's) does not fire the
 * same hook again for Trellis's own change. Delivery logs: listed by status and resent. A small
 * HTTP server plays Trellis's webhook endpoint and records what GitLab delivers.
 */

let sim: RunningSim | undefined;
let receiver: Server | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver = undefined;
});

async function startReceiver(answer = 200): Promise<{ url: string; uuids: string[] }> {
  const uuids: string[] = [];
  receiver = createServer((req, res) => {
    const uuid = req.headers['x-gitlab-event-uuid'];
    if (typeof uuid === 'string') uuids.push(uuid);
    req.resume();
    req.on('end', () => res.writeHead(answer).end());
  });
  await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/gitlab`, uuids };
}

describe('webhooks seen through the gitbeaker adapter', () => {
  it("forwards the delivery's UUID, so GitLab does not fire the same hook again for Trellis's change", async () => {
    const made = await simWithGateway();
    sim = made.sim;
    const gw = made.gw;
    const hook = await startReceiver();
    await gw.createHook({ url: hook.url, token: 's3cret', issuesEvents: true, confidentialIssuesEvents: true, noteEvents: false, confidentialNoteEvents: false, pushEvents: false, enableSslVerification: false });
    const issue = await gw.createIssue(draft());
    await sim.idle();
    expect(hook.uuids).toHaveLength(1);
    const delivered = hook.uuids[0] ?? '';

    // Handling that delivery: Trellis's own label change is not delivered back to it.
    await runWithEventUuid(delivered, () => gw.updateIssue(issue.iid, { addLabels: ['sre-i::in-progress'] }));
    await sim.idle();
    expect(hook.uuids).toHaveLength(1);
    expect(sim.requests().webhooks.recursionBlocked).toBe(1);

    // A UUID GitLab has not seen starts a chain of its own, and is the one GitLab delivers with.
    const fresh = randomUUID();
    await runWithEventUuid(fresh, () => gw.updateIssue(issue.iid, { addLabels: ['sre-i::review'] }));
    await sim.idle();
    expect(hook.uuids.at(-1)).toBe(fresh);

    // Outside any delivery nothing is forwarded: GitLab starts a new chain.
    await gw.updateIssue(issue.iid, { addLabels: ['sre-i::complete'] });
    await sim.idle();
    expect(hook.uuids).toHaveLength(3);
    expect(new Set(hook.uuids).size).toBe(3);
  });

  it('lists failed deliveries and resends one', async () => {
    const made = await simWithGateway();
    sim = made.sim;
    const gw = made.gw;
    const receiverDown = await startReceiver(500);
    const hook = await gw.createHook({ url: receiverDown.url, token: 's3cret', issuesEvents: true, confidentialIssuesEvents: true, noteEvents: false, confidentialNoteEvents: false, pushEvents: false, enableSslVerification: false });
    await gw.createIssue(draft());
    await sim.idle();
    const failed = await gw.listHookEvents(hook.id, 'server_failure');
    expect(failed).toHaveLength(1);
    expect(Number(failed[0]?.status)).toBe(500);
    expect(await gw.listHookEvents(hook.id, 'successful')).toEqual([]);
    await gw.resendHookEvent(hook.id, failed[0]?.id ?? 0);
    await sim.idle();
    expect(receiverDown.uuids).toHaveLength(2);
  });
});
