import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

const ROSTER = encodeURIComponent('.trellis/roster.yml');

async function pushRoster(content: string, as = 'root'): Promise<void> {
  await e2e.as(as).api('PUT', `/projects/${e2e.projectId}/repository/files/${ROSTER}`, { branch: 'main', content, commit_message: 'roster update' });
}

describe('foundation, end to end on the simulator', () => {
  it('answers help in a note, once, even when GitLab delivers the note twice', async () => {
    e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
    const issue = await e2e.as('alice').createIssue({ title: 'Where do I start?' });
    await e2e.as('alice').comment(issue.iid, 'Hi!\n@trellis-bot help');
    await e2e.settle();
    e2e.sim.setFaults({ webhook_duplicate_ratio: 0 });
    const notes = (await e2e.as('alice').notes(issue.iid)).filter((n) => !n.system);
    const replies = notes.filter((n) => n.author.username === 'trellis-bot');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('@trellis-bot sign-off');
    expect(e2e.sim.requests().webhooks.duplicated).toBeGreaterThan(0);
  });

  it("does not react to its own notes (the bot's events are skipped)", async () => {
    const issue = await e2e.as('alice').createIssue({ title: 'own events' });
    await e2e.as('trellis-bot').comment(issue.iid, '@trellis-bot help');
    await e2e.settle();
    const notes = (await e2e.as('alice').notes(issue.iid)).filter((n) => !n.system);
    expect(notes).toHaveLength(1);
  });

  it('opens one config-error issue for an invalid roster push, keeps the last valid roster, and closes it when fixed', async () => {
    const res = await fetch(`${e2e.sim.url}/api/v4/projects/${e2e.projectId}/repository/files/${ROSTER}/raw?ref=main`, { headers: { 'private-token': 'tok-carol' } });
    const original = await res.text();
    const broken = String(original).replace('manager: carol, team: reliability-foundations, role: site-reliability-engineer', 'manager: zed, team: reliability-foundations, role: site-reliability-engineer');
    expect(broken).not.toBe(original);
    await pushRoster(broken);
    await e2e.settle();
    await pushRoster(`${broken}\n# still broken\n`);
    await e2e.settle();
    const errors = await e2e.as('carol').issues({ labels: 'trellis-config-error' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.state).toBe('opened');
    const status = (await e2e.as('carol').notes(errors[0]!.iid)).filter((n) => n.author.username === 'trellis-bot');
    expect(status).toHaveLength(1);
    expect(status[0]!.body).toMatch(/zed/);
    expect(status[0]!.body).toMatch(/line \d+|:\d+:\d+/);
    // Trellis still works from the last valid roster.
    expect((await e2e.trellis.roster!.current()).people.find((p) => p.username === 'alice')?.manager).toBe('carol');

    await pushRoster(String(original));
    await e2e.settle();
    const after = await e2e.as('carol').issue(errors[0]!.iid);
    expect(after.state).toBe('closed');
  });
});
