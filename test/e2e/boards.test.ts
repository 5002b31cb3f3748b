import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { setupCommand } from '../../src/commands/setup.js';
import { loadConfig } from '../../src/config.js';
import { silentLog } from '../../src/core/log.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim, SimTier } from '../../src/sim/index.js';
import { startE2E } from '../helpers/e2e.js';
import { checkpointOf, DEPARTMENT, runJob } from './checkpoint-helpers.js';
import { botNotes, command, theModule } from './training-helpers.js';

/*
 * `trellis setup` keeps three issue boards (docs/boards.md), against the GitLab simulator over real
 * HTTP: Training and Internships in the department project, Career checkpoints as a group board of
 * the records group, where every person's private checkpoints live.
 */

const PROJECT = 'infra/career';
const RECORDS_GROUP = 'career-records';
const NOW = new Date('2026-03-10T12:00:00Z'); // FY27-Q1 with the demo roster's February fiscal year
const TRAINING = ['sre-i::not-started', 'sre-i::in-progress', 'sre-i::review', 'sre-i::complete', 'sre-ii::not-started', 'sre-ii::in-progress', 'sre-ii::review', 'sre-ii::complete'];
const CHECKPOINTS = ['checkpoint::planning', 'checkpoint::in-progress', 'checkpoint::review', 'checkpoint::done', 'checkpoint::overdue'];
const INTERNSHIPS = ['internship::requested', 'internship::needs-info', 'internship::pending-approval', 'internship::approved', 'internship::active', 'internship::completed', 'internship::declined'];

interface ApiList { id: number; label: { id: number; name: string } | null; position: number }
interface ApiBoard { id: number; name: string; labels?: Array<{ name: string }>; lists: ApiList[] }

let sim: RunningSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(tier: SimTier): Promise<{ sim: RunningSim; projectId: number; groupId: number }> {
  const s = await startSimulator({ tier });
  sim = s;
  const department = (parseYaml(readFileSync(DEMO_ROSTER, 'utf8')) as { people: Array<{ username: string }> }).people.map((p) => p.username);
  const seeded = await s.seed({
    users: [{ username: 'trellis-bot', name: 'Trellis', tokens: ['tok-bot'] }, { username: 'dev', tokens: ['tok-dev'] }, ...department.filter((u) => u !== 'dev').map((username) => ({ username }))],
    groups: [{ path: 'infra' }, { path: RECORDS_GROUP, members: [{ username: 'trellis-bot', access_level: 50 }] }],
    projects: [
      { path: PROJECT, default_branch: 'main', members: [{ username: 'trellis-bot', access_level: 40 }, { username: 'dev', access_level: 30 }], files: { '.trellis/roster.yml': readFileSync(DEMO_ROSTER, 'utf8') } },
      { path: 'infra/access-requests', default_branch: 'main', members: [{ username: 'trellis-bot', access_level: 40 }] },
    ],
  });
  return { sim: s, projectId: seeded.projects[PROJECT]!.id, groupId: seeded.groups[RECORDS_GROUP]!.id };
}

async function setup(s: RunningSim, dryRun = false): Promise<{ code: number; out: string }> {
  const config = loadConfig({
    GITLAB_URL: s.url,
    GITLAB_TOKEN: 'tok-bot',
    GITLAB_PROJECT: PROJECT,
    TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
    WEBHOOK_SECRET: 'secret-1',
    TRELLIS_PUBLIC_URL: 'http://127.0.0.1:9',
    GITLAB_API_PER_MINUTE: '0',
  });
  const lines: string[] = [];
  const code = await setupCommand(config, { dryRun, resetToken: false, log: silentLog, print: (l) => lines.push(l), now: NOW });
  return { code, out: lines.join('\n') };
}

async function api<T>(s: RunningSim, method: string, path: string, body?: unknown, token = s.rootToken): Promise<T> {
  const res = await fetch(`${s.url}/api/v4${path}`, {
    method,
    headers: { 'private-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const names = (b: ApiBoard | undefined) => (b?.lists ?? []).map((l) => l.label?.name);
const boardRows = (out: string) => out.split('\n').filter((l) => l.startsWith('board '));
const boardWrites = (s: RunningSim) => Object.entries(s.requests().byRoute).filter(([route]) => /^(POST|PUT|DELETE) .*\/boards/.test(route)).reduce((n, [, c]) => n + c, 0);

describe('trellis setup keeps the boards people use (Premium)', () => {
  it('a dry run shows the three boards it would create and writes none', async () => {
    const { sim: s, projectId } = await start('premium');
    const { out } = await setup(s, true);
    expect(boardRows(out).filter((l) => /would create/.test(l)).map((l) => l.split(/\s{2,}/)[1])).toEqual([`${PROJECT}: Training`, `${RECORDS_GROUP}: Career checkpoints`, `${PROJECT}: Internships`]);
    expect(out).toMatch(/board\s+career-records: Career checkpoints\s+would create\s+lists checkpoint::planning, checkpoint::in-progress, checkpoint::review, checkpoint::done, checkpoint::overdue; scoped to quarter::FY27-Q1/);
    expect(boardWrites(s)).toBe(0);
    expect(await api<ApiBoard[]>(s, 'GET', `/projects/${projectId}/boards`)).toEqual([]);
  });

  it('setup creates Training, Internships and Career checkpoints with their lists in order, and a second setup writes nothing', async () => {
    const { sim: s, projectId, groupId } = await start('premium');
    const first = await setup(s);
    expect(first.code, first.out).toBe(0);
    const boards = await api<ApiBoard[]>(s, 'GET', `/projects/${projectId}/boards`);
    expect(boards.map((b) => b.name).sort()).toEqual(['Internships', 'Training']);
    expect(names(boards.find((b) => b.name === 'Training'))).toEqual(TRAINING);
    expect(names(boards.find((b) => b.name === 'Internships'))).toEqual(INTERNSHIPS);
    const [checkpoints, ...others] = await api<ApiBoard[]>(s, 'GET', `/groups/${groupId}/boards`);
    expect(others).toEqual([]);
    expect(checkpoints?.name).toBe('Career checkpoints');
    expect(names(checkpoints)).toEqual(CHECKPOINTS);
    expect(checkpoints?.labels?.map((l) => l.name)).toEqual(['quarter::FY27-Q1']);
    expect(first.out).toContain(`/groups/${RECORDS_GROUP}/-/boards/`);

    const before = s.requests().byClass.write;
    const second = await setup(s);
    expect(second.code, second.out).toBe(0);
    expect(s.requests().byClass.write).toBe(before);
    expect(boardRows(second.out).every((l) => /\sunchanged\s/.test(l))).toBe(true);
    expect(boardRows(second.out)).toHaveLength(3);
  });

  it("changes only the lists that differ, keeps people's own boards, and reports a second board of Trellis's name", async () => {
    const { sim: s, projectId } = await start('premium');
    await setup(s);
    const training = (await api<ApiBoard[]>(s, 'GET', `/projects/${projectId}/boards`)).find((b) => b.name === 'Training')!;
    // A person moves sre-ii::review to the front and removes sre-i::complete; makes a board of their own and a second "Training".
    const review = training.lists.find((l) => l.label?.name === 'sre-ii::review')!;
    await api(s, 'PUT', `/projects/${projectId}/boards/${training.id}/lists/${review.id}`, { position: 0 });
    await api(s, 'DELETE', `/projects/${projectId}/boards/${training.id}/lists/${training.lists.find((l) => l.label?.name === 'sre-i::complete')!.id}`);
    const mine = await api<ApiBoard>(s, 'POST', `/projects/${projectId}/boards`, { name: 'Team kanban' });
    const label = (await api<Array<{ id: number; name: string }>>(s, 'GET', `/projects/${projectId}/labels?search=internship::active`))[0]!;
    await api(s, 'POST', `/projects/${projectId}/boards/${mine.id}/lists`, { label_id: label.id });
    const copy = await api<ApiBoard>(s, 'POST', `/projects/${projectId}/boards`, { name: 'Training' });

    const before = boardWrites(s);
    const { code, out } = await setup(s);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`board\\s+${PROJECT}: Training\\s+updated\\s+.*add sre-i::complete; reorder`));
    expect(out).toMatch(new RegExp(`${PROJECT}: Training\\s+PROBLEM\\s+.*/-/boards/${copy.id} is also named Training`));
    expect(boardRows(out).filter((l) => /Internships|Career checkpoints/.test(l)).every((l) => /\sunchanged\s/.test(l))).toBe(true);
    // One list created (appended), then two moves put it and sre-ii::review back in place.
    expect(boardWrites(s) - before).toBe(3);
    const after = await api<ApiBoard[]>(s, 'GET', `/projects/${projectId}/boards`);
    expect(names(after.find((b) => b.id === training.id))).toEqual(TRAINING);
    expect(names(after.find((b) => b.id === mine.id))).toEqual(['internship::active']);
    expect(names(after.find((b) => b.id === copy.id))).toEqual([]);

    const again = boardWrites(s);
    await setup(s);
    expect(boardWrites(s)).toBe(again);
  });
});

describe('trellis setup keeps the boards on GitLab Free', () => {
  it('creates the project boards; for the group board, says what a person must do, since Free cannot create it through the API', async () => {
    const { sim: s, projectId, groupId } = await start('free');
    const { out } = await setup(s);
    expect((await api<ApiBoard[]>(s, 'GET', `/projects/${projectId}/boards`)).map((b) => b.name).sort()).toEqual(['Internships', 'Training']);
    expect(await api<ApiBoard[]>(s, 'GET', `/groups/${groupId}/boards`)).toEqual([]);
    expect(out).toMatch(/board\s+career-records: Career checkpoints\s+skipped\s+GitLab Free gives a group one board and its API cannot create it: make it at http:\/\/\S+\/groups\/career-records\/-\/boards named "Career checkpoints"/);
  });

  it("keeps the lists of the group's one board once it is named Career checkpoints, unscoped; leaves a board of another name alone", async () => {
    const { sim: s, groupId } = await start('free');
    // The group's one board, made by a person (in GitLab's UI; here while the simulator plays Premium).
    s.setSettings({ tier: 'premium' });
    const theirs = await api<ApiBoard>(s, 'POST', `/groups/${groupId}/boards`, { name: 'Development' });
    s.setSettings({ tier: 'free' });
    const left = await setup(s);
    expect(left.out).toMatch(/Career checkpoints\s+skipped\s+GitLab Free gives a group one board, and career-records has "Development"/);
    expect(names((await api<ApiBoard[]>(s, 'GET', `/groups/${groupId}/boards`))[0])).toEqual([]);

    await api(s, 'PUT', `/groups/${groupId}/boards/${theirs.id}`, { name: 'Career checkpoints' });
    const kept = await setup(s);
    expect(kept.out).toMatch(/Career checkpoints\s+updated\s+.*add checkpoint::planning.*not scoped to the quarter: board scope is GitLab Premium/);
    const [board] = await api<ApiBoard[]>(s, 'GET', `/groups/${groupId}/boards`);
    expect(names(board)).toEqual(CHECKPOINTS);
    expect(board?.labels).toBeUndefined();
    const before = s.requests().byClass.write;
    await setup(s);
    expect(s.requests().byClass.write).toBe(before);
  });
});

describe('the issues Trellis writes and the dashboard link to the boards', () => {
  it("a new module's welcome links to the Training board, and the dashboard pages to their boards", async () => {
    const e2e = await startE2E({ env: { DASHBOARD_TOKEN: 'dash-token-for-boards-e2e-0123456789' } });
    try {
      const root = e2e.as('root');
      const training = await root.api<ApiBoard>('POST', `/projects/${e2e.projectId}/boards`, { name: 'Training' });
      const group = (await root.api<Array<{ id: number; full_path: string }>>('GET', `/groups?search=${RECORDS_GROUP}`)).find((g) => g.full_path === RECORDS_GROUP)!;
      const checkpoints = await root.api<ApiBoard>('POST', `/groups/${group.id}/boards`, { name: 'Career checkpoints' });
      await command(e2e, 'alice', 'start sre-i');
      const module = await theModule(e2e, 'alice', 'sre-i');
      const welcome = (await botNotes(e2e, module.iid)).find((n) => n.body.includes('<!-- trellis:welcome:'));
      expect(welcome?.body).toContain(`across the [Training board](${e2e.sim.url}/${PROJECT}/-/boards/${training.id})`);

      const page = async (name: string) => (await fetch(`${e2e.trellis.url}/dashboard/${name}`, { headers: { authorization: 'Bearer dash-token-for-boards-e2e-0123456789' } })).text();
      expect(await page('training')).toContain(`<a href="${e2e.sim.url}/${PROJECT}/-/boards/${training.id}">Open the Training board in GitLab</a>`);
      expect(await page('checkpoints')).toContain(`<a href="${e2e.sim.url}/groups/${RECORDS_GROUP}/-/boards/${checkpoints.id}">Open the Career checkpoints board in GitLab</a>`);
      expect(await page('internships')).not.toContain('Open the Internships board');
    } finally {
      await e2e.close();
    }
  }, 60_000);
});

describe('when a quarter opens', () => {
  it("the checkpoints board is scoped to the new quarter's label, and each new checkpoint links to it", async () => {
    const e2e = await startE2E({ roster: DEPARTMENT, now: '2026-02-01T09:00:00.000Z' });
    try {
      const root = e2e.as('root');
      const group = (await root.api<Array<{ id: number; full_path: string }>>('GET', `/groups?search=${RECORDS_GROUP}`)).find((g) => g.full_path === RECORDS_GROUP)!;
      await root.api('POST', `/groups/${group.id}/labels`, { name: 'quarter::FY26-Q4', color: '#6e49cb' });
      const board = await root.api<ApiBoard>('POST', `/groups/${group.id}/boards`, { name: 'Career checkpoints' });
      await root.api('PUT', `/groups/${group.id}/boards/${board.id}`, { labels: 'quarter::FY26-Q4' });
      await runJob(e2e, 'checkpoint:open-quarter');
      const after = await root.api<ApiBoard>('GET', `/groups/${group.id}/boards/${board.id}`);
      expect(after.labels?.map((l) => l.name)).toEqual(['quarter::FY27-Q1']);
      const carol = await checkpointOf(e2e, 'FY27-Q1', 'carol');
      expect(carol.description).toContain(`The [Career checkpoints board](${e2e.sim.url}/groups/${RECORDS_GROUP}/-/boards/${board.id}) shows every checkpoint you may read`);
    } finally {
      await e2e.close();
    }
  }, 60_000);
});
