import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { quarterOf } from '../../src/core/fiscal-quarter.js';
import { silentLog } from '../../src/core/log.js';
import { parseRoster } from '../../src/core/parse-roster.js';
import type { Roster } from '../../src/core/roster.js';
import { createMemoryDashboardStore } from '../../src/http/dashboard/dashboard-auth.js';
import { createDashboardData } from '../../src/http/dashboard/dashboard-data.js';
import { dashboardPlugin } from '../../src/http/dashboard/dashboard-plugin.js';
import { createLocalGateway } from '../../src/main.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';

/**
 * The checkpoints page against the simulator over HTTP: listed whole once, then brought up to date
 * from GitLab's `updated_after` listing, in the background while it is being viewed and before it is
 * shown when nobody looked for a while.
 */

const TOKEN = 'dashboard-token-0123456789abcdef';
const BOT = 'trellis-bot';
const GROUP = 'career-records';
const TTL_MS = 30_000;
const WHOLE_MS = 600_000;
/** The dashboard's real-time clock, moved by the tests (no sleeping, so a loaded machine cannot reorder them). */
let clock = 0;
const NOW = new Date('2026-03-10T12:00:00Z');

const rosterText = readFileSync(new URL('../../demo/roster.yml', import.meta.url), 'utf8');
const parsed = parseRoster(rosterText, 'demo/roster.yml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const roster: Roster = parsed.roster;
const quarter = quarterOf(NOW, roster).name;

let sim: RunningSim;
let app: FastifyInstance;
let projects: Record<string, number>;
const listingErrors: unknown[] = [];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.url}/api/v4${path}`, { method, headers: { 'private-token': sim.rootToken, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** A checkpoint of this quarter in `username`'s records project, as Trellis writes them. */
async function checkpoint(username: string, state: string): Promise<{ iid: number; project_id: number }> {
  return api('POST', `/projects/${projects[username]}/issues`, { title: `${quarter} career checkpoint: @${username}`, labels: `career-checkpoint,quarter::${quarter},checkpoint::${state}`, confidential: true });
}

async function page(): Promise<string> {
  const res = await app.inject({ url: '/dashboard/checkpoints', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return res.body;
}

const LISTING = 'GET /groups/:id/issues';
/** Listings of the records group's issues so far (the simulator's counters; the page's board links are read apart). */
const listings = () => sim.requests().byRoute[LISTING] ?? 0;

/** Listing calls the dashboard made while answering `read`. */
async function callsFor(read: () => Promise<unknown>): Promise<number> {
  const before = listings();
  await read();
  return listings() - before;
}

const pill = (state: string, n: number) => `<span class="pill">${state}: ${n}</span>`;
/** Reports of the roster shown without a checkpoint this quarter. */
const missing = (html: string) => Number(/no checkpoint issue: (\d+)/.exec(html)?.[1] ?? 0);
const expired = async () => {
  clock += TTL_MS + 1;
};

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  const people = ['alice', 'bob', 'sam', 'olivia'];
  const seeded = await sim.seed({
    users: [{ username: BOT, name: 'Trellis', tokens: [`tok-${BOT}`] }],
    groups: [{ path: GROUP, members: [{ username: BOT, access_level: 50 }] }],
    projects: [{ path: 'infra/career', default_branch: 'main', members: [{ username: BOT, access_level: 40 }] }, ...people.map((p) => ({ path: `${GROUP}/${p}` }))],
  });
  projects = Object.fromEntries(people.map((p) => [p, seeded.projects[`${GROUP}/${p}`]!.id]));
  // Last quarter's department in GitLab: 150 older checkpoints (of someone not on the roster, so the
  // page ignores them), so the quarter's listing takes two pages and what changes later one.
  sim.setClock('2026-02-02T09:00:00Z');
  for (let i = 0; i < 150; i++) {
    await api('POST', `/projects/${projects.olivia}/issues`, { title: `${quarter} career checkpoint: @former${i}`, labels: `career-checkpoint,quarter::${quarter},checkpoint::done`, confidential: true });
  }
  sim.setClock(null);
  const config = loadConfig({ GITLAB_URL: sim.url, GITLAB_TOKEN: `tok-${BOT}`, GITLAB_PROJECT: 'infra/career', TRELLIS_RECORDS_GROUP: GROUP, WEBHOOK_SECRET: 's', LOG_LEVEL: 'silent' });
  const gitlab = createLocalGateway(config, config.gitlab!, silentLog);
  const data = createDashboardData({
    gitlab: () => gitlab,
    roster: async () => roster,
    queues: () => [],
    inbox: async () => 0,
    lastReconcile: async () => null,
    recordsGroup: GROUP,
    publicUrl: undefined,
    now: () => NOW,
    ttlMs: TTL_MS,
    wholeListingMs: WHOLE_MS,
    onListingError: (err) => listingErrors.push(err),
    clock: () => clock,
  });
  app = Fastify();
  await app.register(dashboardPlugin({ token: TOKEN, store: createMemoryDashboardStore(), data, ttlSeconds: TTL_MS / 1000 }));
});

afterAll(async () => {
  await app?.close();
  await sim?.close();
});

describe("the checkpoints page follows GitLab at the cost of what changed", () => {
  let alice: { iid: number; project_id: number };
  let bob: { iid: number; project_id: number };
  let without = 0;

  it('lists this quarter whole on the first visit', async () => {
    alice = await checkpoint('alice', 'planning');
    bob = await checkpoint('bob', 'planning');
    await checkpoint('sam', 'in-progress');
    let html = '';
    expect(await callsFor(async () => (html = await page()))).toBe(2); // 153 issues, 100 a page
    expect(html).toContain(pill('planning', 2));
    expect(html).toContain(pill('in progress', 1));
    without = missing(html);
    expect(without).toBeGreaterThan(3);
  });

  it('shows what changed after the cache period, from one listing of what changed, without waiting for it', async () => {
    await api('PUT', `/projects/${alice.project_id}/issues/${alice.iid}`, { add_labels: 'checkpoint::review' });
    await api('PUT', `/projects/${bob.project_id}/issues/${bob.iid}`, { remove_labels: `quarter::${quarter}` });
    await checkpoint('olivia', 'planning');
    // Within the cache period: the page as it was, no call to GitLab.
    expect(await callsFor(page)).toBe(0);
    await expired();
    // Past it: still the page as it was (answered at once), and the update starts in the background.
    expect(await page()).toContain(pill('planning', 2));
    await vi.waitFor(async () => expect(await page()).toContain(pill('review', 1)), { timeout: 5_000, interval: 20 });
    const html = await page();
    expect(html).toContain(pill('planning', 1)); // olivia; bob's lost its quarter label
    expect(html).toContain(pill('in progress', 1));
    expect(missing(html)).toBe(without); // bob is missing now, olivia is not
    expect(listingErrors).toEqual([]);
  });

  it('an update costs one listing call, not a page per hundred checkpoints, and keeps the page as it was rendered when nothing changed', async () => {
    const before = await page();
    sim.resetRequests();
    await expired();
    expect(await page()).toBe(before);
    await vi.waitFor(() => expect(listings()).toBe(1), { timeout: 2_000, interval: 10 });
    await new Promise((r) => setTimeout(r, 200));
    expect(listings()).toBe(1);
    expect(await page()).toBe(before);
  });

  it('keeps the page it has when GitLab fails, and says why in the log', async () => {
    const before = await page();
    sim.setFaults({ error_ratio: 1 });
    try {
      await expired();
      await page();
      await vi.waitFor(
        async () => {
          await page();
          expect(listingErrors.length).toBeGreaterThan(0);
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(await page()).toBe(before);
    } finally {
      sim.setFaults({ error_ratio: 0 });
    }
  });

  it('brings the page up to date before answering it when nobody looked for a while, with one call', async () => {
    await api('PUT', `/projects/${alice.project_id}/issues/${alice.iid}`, { add_labels: 'checkpoint::done' });
    expect(await page()).toContain(pill('done', 0));
    clock += 2 * TTL_MS;
    let html = '';
    expect(await callsFor(async () => (html = await page()))).toBe(1);
    expect(html).toContain(pill('done', 1));
    expect(html).toContain(pill('review', 0));
  });

  it('sees a deleted checkpoint at the next whole listing, within the period for it', async () => {
    const sam = (await api<Array<{ iid: number; project_id: number }>>('GET', `/projects/${projects.sam}/issues`))[0]!;
    expect(await page()).toContain(pill('in progress', 1));
    await api('DELETE', `/projects/${sam.project_id}/issues/${sam.iid}`);
    const before = listings();
    await expired();
    await page();
    // An update lists what changed: a deleted issue is not among it.
    await vi.waitFor(() => expect(listings()).toBeGreaterThan(before), { timeout: 5_000, interval: 20 });
    await new Promise((r) => setTimeout(r, 100));
    expect(await page()).toContain(pill('in progress', 1));
    clock += WHOLE_MS;
    await page();
    await vi.waitFor(async () => expect(await page()).not.toContain(pill('in progress', 1)), { timeout: 5_000, interval: 20 });
    expect(missing(await page())).toBe(without + 1);
  });
});
