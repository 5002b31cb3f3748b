import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { fiscalQuarter } from '../../src/core/fiscal-quarter.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { parseRoster } from '../../src/core/parse-roster.js';
import type { Roster } from '../../src/core/roster.js';
import { createMemoryDashboardStore } from '../../src/http/dashboard/dashboard-auth.js';
import { createDashboardData } from '../../src/http/dashboard/dashboard-data.js';
import type { DashboardData } from '../../src/http/dashboard/dashboard-data.js';
import { paginate, pageNumber } from '../../src/http/dashboard/dashboard-pagination.js';
import { dashboardPlugin } from '../../src/http/dashboard/dashboard-plugin.js';
import { checkpointsView, gearingView } from '../../src/http/dashboard/dashboard-view.js';
import { NO_BOARD_LINKS } from '../../src/workflows/boards.js';

/** A department too large for one page: what the dashboard shows of it, and how often it builds that. */

const TOKEN = 'dashboard-token-0123456789abcdef';

/** `managers` teams of a manager and nine engineers under one director. */
function department(managers: number): Roster {
  const lines = ['fiscal_year_start_month: 2', 'timezone: Europe/London', 'teams:'];
  for (let m = 1; m <= managers; m++) lines.push(`  - { id: t${m}, name: Team ${m}, kind: sre, manager: m${m} }`);
  lines.push('people:', '  - { username: dir, name: Director, team: t1, role: senior-engineering-manager, level: director, timezone: Europe/London }');
  for (let m = 1; m <= managers; m++) {
    lines.push(`  - { username: m${m}, name: Manager ${String(m).padStart(3, '0')}, manager: dir, team: t${m}, role: engineering-manager, level: manager, timezone: Europe/London }`);
    for (let e = 1; e <= 9; e++) lines.push(`  - { username: m${m}e${e}, name: Engineer ${m}-${e}, manager: m${m}, team: t${m}, role: site-reliability-engineer, level: intermediate, timezone: Europe/London }`);
  }
  const parsed = parseRoster(lines.join('\n'), 'roster.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  return parsed.roster;
}

const roster = department(45);
const Q = fiscalQuarter(2027, 1, roster);
let iid = 0;
const checkpoints: Issue[] = roster.people
  .filter((p) => p.manager && p.username !== 'm1e1')
  .map((p) => {
    iid += 1;
    return {
      id: iid, iid, projectId: iid, title: `FY27-Q1 career checkpoint: @${p.username}`, description: 'x'.repeat(2000), state: 'opened', labels: ['career-checkpoint', 'quarter::FY27-Q1', 'checkpoint::planning'],
      assignees: [p.username], author: 'trellis-bot', confidential: true, dueDate: null, webUrl: `https://gitlab.example/career-records/${p.username}/-/issues/1`, createdAt: '2026-02-01T09:00:00Z', updatedAt: '2026-02-01T09:00:00Z', closedAt: null,
    } satisfies Issue;
  });

describe('a long list, a page at a time', () => {
  it.each([
    [0, 1, 10, null],
    [10, 1, 10, null],
    [11, 1, 10, { page: 1, pages: 2, from: 1, to: 10, total: 11, prev: null, next: '?page=2', last: '?page=2' }],
    [11, 2, 10, { page: 2, pages: 2, from: 11, to: 11, total: 11, prev: '?page=1', next: null, last: null }],
    [25, 99, 10, { page: 3, pages: 3, from: 21, to: 25, total: 25, prev: '?page=2', next: null, last: null }],
  ])('%i items, page %i of %i a page', (count, page, size, pager) => {
    const items = Array.from({ length: count }, (_, i) => i);
    const out = paginate(items, page, size);
    expect(out.pager).toEqual(pager);
    expect(out.items.length).toBe(pager ? pager.to - pager.from + 1 : count);
  });

  it.each([
    ['3', 3],
    [undefined, 1],
    ['0', 1],
    ['-2', 1],
    ['2.5', 1],
    ['9999999', 1],
    [['2', '3'], 1],
  ])('?page=%j asks for page %i', (raw, page) => {
    expect(pageNumber(raw)).toBe(page);
  });
});

describe('the checkpoints page of a department of 45 teams', () => {
  it('counts the whole department, then shows 20 managers a page with links to the others', async () => {
    const app = await serve(fixedData());
    const first = await get(app, '/dashboard/checkpoints');
    expect(first).toContain('Department: <span class="pill">planning: 449</span>');
    expect(first).toContain('no checkpoint issue: 1');
    expect(first).toContain('Managers 1 to 20 of 46 (page 1 of 3)');
    expect(first).toContain('<a href="?page=2" rel="next">next</a>');
    expect(first).toContain('<h2>Manager 001</h2>');
    expect(first).not.toContain('<h2>Manager 030</h2>');

    const third = await get(app, '/dashboard/checkpoints?page=3');
    expect(third).toContain('Managers 41 to 46 of 46 (page 3 of 3)');
    expect(third).not.toContain('rel="next"');
    // Past the last page: the last page.
    expect(await get(app, '/dashboard/checkpoints?page=7')).toBe(third);
    await app.close();
  });

  it('a small department sees every manager and no pager', async () => {
    const small = department(3);
    const view = checkpointsView([], small, Q);
    const app = await serve({ ...fixedData(), checkpoints: async () => ({ ok: true, data: view, at: '' }) });
    const html = await get(app, '/dashboard/checkpoints');
    expect(html).toContain('<h2>Manager 003</h2>');
    expect(html).not.toContain('class="pager"');
    await app.close();
  });

  it('pages the gearing table by 100 teams and keeps the summary by kind on every page', async () => {
    const big = department(150);
    const app = await serve({ ...fixedData(), gearing: async () => ({ ok: true, data: gearingView(big), at: '' }) });
    const second = await get(app, '/dashboard/gearing?page=2');
    expect(second).toContain('Teams 101 to 150 of 150 (page 2 of 2)');
    expect(second).toContain('<h2>By kind</h2>');
    await app.close();
  });
});

describe('from the cache, a page is built once', () => {
  it('answers the same section object while the listing and the roster are the same, and a new one after', async () => {
    let listings = 0;
    let now = Date.parse('2026-02-10T09:00:00Z');
    let current = roster;
    const data = createDashboardData({
      gitlab: () => ({ forGroup: () => ({ async *listIssues() { listings += 1; yield* checkpoints; } }) }) as never,
      roster: async () => current,
      queues: () => [],
      inbox: async () => 0,
      lastReconcile: async () => null,
      recordsGroup: 'career-records',
      publicUrl: undefined,
      now: () => new Date(now),
    });
    const first = await data.checkpoints();
    now += 60_000;
    expect(await data.checkpoints()).toBe(first);
    expect(listings).toBe(1);
    expect(first.ok && first.data.managers.length).toBe(46);

    current = department(45);
    const after = await data.checkpoints();
    expect(after).not.toBe(first);
    expect(after.ok && after.data).toEqual(first.ok && first.data);
  });

  it('renders a page again only when its section changed', async () => {
    let view = checkpointsView(checkpoints, roster, Q);
    let shaped = 0;
    const app = await serve({
      ...fixedData(),
      checkpoints: async () => {
        shaped += 1;
        return { ok: true, data: view, at: '' };
      },
    });
    const a = await get(app, '/dashboard/checkpoints');
    expect(await get(app, '/dashboard/checkpoints')).toBe(a);
    view = { ...view, quarter: 'FY27-Q2' };
    expect(await get(app, '/dashboard/checkpoints')).toContain('Checkpoints FY27-Q2');
    expect(shaped).toBe(3);
    await app.close();
  });
});

function fixedData(): DashboardData {
  const checkpointsSection = { ok: true, data: checkpointsView(checkpoints, roster, Q), at: '' } as const;
  const gearing = { ok: true, data: gearingView(roster), at: '' } as const;
  return {
    training: async () => ({ ok: true, data: { people: [], totals: [] }, at: '' }),
    checkpoints: async () => checkpointsSection,
    internships: async () => ({ ok: true, data: { columns: [], unlabelled: 0 }, at: '' }),
    gearing: async () => gearing,
    roles: async () => ({ ok: false, error: 'not read' }),
    health: async () => ({ ok: false, error: 'not read' }),
    boards: async () => NO_BOARD_LINKS,
  };
}

async function serve(data: DashboardData) {
  const app = Fastify();
  await app.register(dashboardPlugin({ token: TOKEN, store: createMemoryDashboardStore(), data, ttlSeconds: 30 }));
  return app;
}

async function get(app: Awaited<ReturnType<typeof serve>>, url: string): Promise<string> {
  const res = await app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode, url).toBe(200);
  return res.body;
}
