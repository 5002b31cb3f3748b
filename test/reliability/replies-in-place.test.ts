import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, startE2E } from '../helpers/e2e.js';
import type { E2E } from '../helpers/e2e.js';
import { allNotes, figure } from './reliability-helpers.js';

/**
 * A command written on an issue of another project that sends Trellis its events (the roster's
 * internship access-requests project here): the reply must land on that issue, never on the issue
 * with the same number in the department project.
 */
let e2e: E2E;
let accessId: number;

beforeAll(async () => {
  e2e = await startE2E();
  const root = e2e.as('root');
  accessId = (await root.api<{ id: number }>('GET', `/projects/${encodeURIComponent('infra/access-requests')}`)).id;
  await root.api('POST', `/projects/${accessId}/members`, { user_id: e2e.users.alice, access_level: 30 });
  await root.api('POST', `/projects/${accessId}/hooks`, { url: `${e2e.trellis.url}/webhooks/gitlab`, token: 'e2e-secret', issues_events: true, note_events: true, confidential_issues_events: true, confidential_note_events: true });
}, 90_000);

afterAll(async () => {
  await e2e?.close();
});

describe('commands written in another project', () => {
  it('are answered where they were written', async () => {
    const alice = e2e.as('alice');
    // The same issue numbers in both projects, so a reply sent to the wrong one is easy to see.
    const records: number[] = [];
    const access: number[] = [];
    const commands = ['help', 'status', 'frobnicate'];
    for (const command of commands) {
      records.push((await alice.createIssue({ title: `Department issue for ${command}` })).iid);
      access.push((await alice.api<{ iid: number }>('POST', `/projects/${accessId}/issues`, { title: `Access request for ${command}` })).iid);
    }
    expect(access).toEqual(records);
    for (const [i, command] of commands.entries()) await alice.api('POST', `/projects/${accessId}/issues/${access[i]}/notes`, { body: `@${BOT} ${command}` });
    await e2e.settle();

    const botNotes = async (project: number, iids: number[]) => (await Promise.all(iids.map((iid) => allNotes(e2e.sim, project, iid)))).flat().filter((n) => n.author.username === BOT);
    const inPlace = await botNotes(accessId, access);
    const misplaced = await botNotes(e2e.projectId, records);
    figure('replies in place', `${commands.length} commands (${commands.join(', ')}) written on issues of infra/access-requests whose numbers also exist in infra/career -> ${inPlace.length} answered where written, ${misplaced.length} answered on the department project's issue of the same number`);
    expect({ answered: inPlace.length, misplaced: misplaced.length }).toEqual({ answered: commands.length, misplaced: 0 });
  }, 60_000);
});
