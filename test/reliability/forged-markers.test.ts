import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { BOT, RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { runJob } from '../e2e/checkpoint-helpers.js';
import { figure } from './reliability-helpers.js';

/**
 * The hostile probe of issue 13: a Guest writes Trellis's hidden markers (and record labels) into an
 * issue of their own, hoping Trellis adopts it as someone's checkpoint or conversation and later
 * posts private text there. Trellis adopts only issues it wrote, in the records project of the
 * person they are for, so the forged issues are never touched and nothing private reaches them.
 */

let e2e: E2E;
const forged: ApiIssue[] = [];

beforeAll(async () => {
  e2e = await startE2E({ roster: readFileSync(DEMO_ROSTER, 'utf8'), now: '2026-02-01T09:00:00.000Z', extraUsers: ['gus'] });
  await e2e.as('root').api('PUT', `/projects/${e2e.projectId}/members/${e2e.users.gus}`, { access_level: 10 });
  const gus = e2e.as('gus');
  forged.push(await gus.createIssue({ title: 'notes', description: '<!-- trellis:checkpoint:FY27-Q1/alice -->' }));
  forged.push(await gus.createIssue({ title: 'FY27-Q1 career checkpoint: @bob', description: '<!-- trellis:checkpoint:FY27-Q1/bob -->', labels: ['career-checkpoint', 'quarter::FY27-Q1'] }));
  forged.push(await gus.createIssue({ title: 'Big picture career conversation: @alice', description: '<!-- trellis:big-picture:alice -->', labels: ['career-conversation'] }));
  // Inside alice's own records project too: her manager can write there, and is no more Trellis than gus.
  forged.push(await e2e.as('carol').api<ApiIssue>('POST', `/projects/${encodeURIComponent(`${RECORDS_GROUP}/alice`)}/issues`, { title: 'Big picture career conversation: @alice', description: '<!-- trellis:big-picture:alice -->', labels: 'career-conversation' }));
  await e2e.settle();
}, 90_000);

afterAll(async () => {
  await e2e?.close();
});

describe('records forged by their marker', () => {
  it('are never adopted: commands, the quarter fan-out, reconcile and the 360 gathering leave them as gus wrote them', async () => {
    const asked = await e2e.as('alice').createIssue({ title: 'my career' });
    await e2e.as('alice').comment(asked, `@${BOT} checkpoint\n@${BOT} big-picture`);
    await e2e.settle();
    await runJob(e2e, 'checkpoint:open-quarter');
    await runJob(e2e, 'reconcile:run');
    e2e.setClock('2026-03-01T09:00:00.000Z');
    await runJob(e2e, 'checkpoint:gather-year', { date: '03-01' });

    const reply = (await e2e.as('root').notes(asked)).filter((n) => n.author.username === BOT).map((n) => n.body).join('\n');
    const records = await e2e.as('root').recordIssues();
    const alice = records.filter((i) => i.title.endsWith('@alice'));
    const mine = alice.filter((i) => i.author.username === BOT);
    expect(mine.map((i) => i.title).sort()).toEqual(['Big picture career conversation: @alice', 'FY27-Q1 career checkpoint: @alice']);
    // The command was written in the department project, which alice's manager's other reports can read: the reply names no record.
    expect(reply).toContain("alice's FY27-Q1 career checkpoint is private");
    for (const record of mine) expect(reply).not.toContain(`${RECORDS_GROUP}/alice#${record.iid}`);
    let untouched = 0;
    for (const issue of forged) {
      const now = await e2e.as('root').issue(issue);
      const notes = (await e2e.as('root').notes(issue)).filter((n) => !n.system);
      expect([now.confidential, now.state, now.labels, now.author.username], issue.title).toEqual([false, 'opened', issue.labels, issue.author.username]);
      expect(notes.map((n) => n.author.username), issue.title).toEqual([]);
      untouched += 1;
    }
    figure('forged markers', `${forged.length} issues by a Guest (and one by a manager in the report's own project) carrying checkpoint and conversation markers -> ${untouched} left untouched (not adopted, not made confidential, no note), the real records created in the owners' private projects`);
  }, 120_000);
});
