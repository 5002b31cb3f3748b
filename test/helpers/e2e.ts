import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import pino from 'pino';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { parseRoster } from '../../src/core/parse-roster.js';
import { recordsLayout } from '../../src/core/records-layout.js';
import { silentLog } from '../../src/core/log.js';
import { createLocalGateway, startTrellis } from '../../src/main.js';
import { runRecordsSetup } from '../../src/workflows/setup/records-setup.js';
import type { Trellis } from '../../src/main.js';
import { inboxBacklog } from '../../src/queue/event-intake.js';
import { EVENTS_QUEUE, JOBS_QUEUE } from '../../src/queue/queue-names.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { connectRedis } from '../../src/redis/connect-redis.js';
import { deletePrefix, randomPrefix, REDIS_URL } from './redis.js';

export const PROJECT = 'infra/career';
export const BOT = 'trellis-bot';
/** The group of the people's private records projects (`career-records/alice`): a top-level group, so nobody inherits access from a parent. */
export const RECORDS_GROUP = 'career-records';

/** An issue by iid in the department project, or any issue as the API returned it (its own project). */
export type IssueTarget = number | { readonly iid: number; readonly project_id: number };

/** An issue as the REST API returns it (the fields tests look at). */
export interface ApiIssue {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  labels: string[];
  assignees: Array<{ username: string }>;
  author: { username: string };
  confidential: boolean;
  due_date: string | null;
  web_url: string;
  project_id: number;
}

export interface ApiNote {
  id: number;
  body: string;
  author: { username: string };
  system: boolean;
}

/** A person using GitLab's REST API on the simulator, as a user would (plain HTTP, no Trellis code). */
export interface UserClient {
  readonly username: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  createIssue(fields: { title: string; description?: string; labels?: string[]; confidential?: boolean; assignees?: string[] }): Promise<ApiIssue>;
  editIssue(target: IssueTarget, fields: Record<string, unknown>): Promise<ApiIssue>;
  comment(target: IssueTarget, body: string): Promise<ApiNote>;
  issue(target: IssueTarget): Promise<ApiIssue>;
  notes(target: IssueTarget): Promise<ApiNote[]>;
  issues(query?: Record<string, string>): Promise<ApiIssue[]>;
  /** Every issue of the records group this user can read (any state), as GitLab's group listing shows them. */
  recordIssues(query?: Record<string, string>): Promise<ApiIssue[]>;
}

export interface E2E {
  readonly sim: RunningSim;
  readonly trellis: Trellis;
  readonly projectId: number;
  readonly prefix: string;
  readonly users: Record<string, number>;
  as(username: string): UserClient;
  /** Waits until the simulator has delivered every webhook and Trellis's queues are empty. */
  settle(timeoutMs?: number): Promise<void>;
  /** Moves the simulator's and Trellis's clocks together (ISO time), or back to real time with null. */
  setClock(iso: string | null): void;
  close(): Promise<void>;
}

export interface E2EOptions {
  /** Roster YAML; default the demo department. */
  readonly roster?: string;
  readonly now?: string;
  /** Extra simulator users not on the roster. */
  readonly extraUsers?: readonly string[];
  readonly env?: Record<string, string>;
  /** Trellis's logger; default silent (or the level `E2E_LOG` names). */
  readonly log?: pino.Logger;
  /** The GitLab tier the simulator plays (default Premium). */
  readonly tier?: 'free' | 'premium';
}

/** Starts the GitLab simulator and a whole Trellis (api + workers) on it, with a webhook registered. */
export async function startE2E(opts: E2EOptions = {}): Promise<E2E> {
  const roster = opts.roster ?? readFileSync(DEMO_ROSTER, 'utf8');
  const people = rosterUsernames(roster);
  const usernames = [...new Set([...people, ...(opts.extraUsers ?? [])])];
  let clock: Date | null = opts.now ? new Date(opts.now) : null;
  const sim = await startSimulator({ port: 0, ...(opts.tier ? { tier: opts.tier } : {}) });
  if (opts.now) sim.setClock(opts.now);
  const { projectId, users } = await seedRecords(sim, roster, usernames);
  const prefix = randomPrefix('e2e');
  const config = loadConfig({
    GITLAB_URL: sim.url,
    GITLAB_TOKEN: `tok-${BOT}`,
    GITLAB_PROJECT: PROJECT,
    TRELLIS_RECORDS_GROUP: RECORDS_GROUP,
    WEBHOOK_SECRET: 'e2e-secret',
    TRELLIS_QUEUE_PREFIX: prefix,
    REDIS_URL,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    GITLAB_API_PER_MINUTE: '0',
    GITLAB_ISSUE_CREATE_PER_MINUTE: '0',
    GITLAB_NOTE_CREATE_PER_MINUTE: '0',
    TRELLIS_WORKER_CONCURRENCY: '4',
    TRELLIS_SHUTDOWN_TIMEOUT_MS: '5000',
    ...opts.env,
  });
  const trellis = await startTrellis(config, { role: 'all', log: opts.log ?? pino({ level: process.env.E2E_LOG ?? 'silent' }), now: () => clock ?? new Date() });
  const root = userClient(sim, 'root', sim.rootToken);
  await root.api('POST', `/projects/${projectId}/hooks`, {
    url: `${trellis.url}/webhooks/gitlab`,
    token: 'e2e-secret',
    issues_events: true,
    confidential_issues_events: true,
    note_events: true,
    confidential_note_events: true,
    push_events: true,
  });
  // The people's private records projects, their members and the group webhook, as `trellis setup` makes them.
  const parsed = parseRoster(roster, 'roster.yml');
  if (parsed.ok) {
    const records = await runRecordsSetup({
      gitlab: createLocalGateway(config, config.gitlab!, silentLog),
      layout: recordsLayout(RECORDS_GROUP),
      roster: parsed.roster,
      webhook: { publicUrl: trellis.url, secret: 'e2e-secret', resetToken: false },
      now: clock ?? new Date(),
      dryRun: false,
      log: silentLog,
    });
    const problems = records.rows.filter((r) => r.outcome === 'problem');
    if (problems.length > 0) throw new Error(`e2e: records setup: ${problems.map((p) => `${p.name}: ${p.detail}`).join('; ')}`);
  }
  // The Redis Trellis uses (one Redis, or the cluster of REDIS_URL in opts.env).
  const conn = connectRedis(trellis.redisUrl, { maxRetriesPerRequest: 3 });
  const queues = [new Queue(EVENTS_QUEUE, { connection: conn, prefix }), new Queue(JOBS_QUEUE, { connection: conn, prefix })];

  async function busy(): Promise<number> {
    // Events stored by the api and not yet relayed into the events queue.
    let n = await inboxBacklog(conn, prefix);
    for (const q of queues) {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      n += Object.values(c).reduce((a, b) => a + b, 0);
      // A job scheduler (a workflow's weekly or quarterly schedule) always keeps its next run delayed
      // (id `repeat:<scheduler>:<time>`): that is not work in flight. Retries and delayed fan-outs are.
      n += (await q.getDelayed()).filter((j) => !String(j.id).startsWith('repeat:')).length;
    }
    return n;
  }

  return {
    sim,
    trellis,
    projectId,
    prefix,
    users,
    as: (username) => userClient(sim, username, username === 'root' ? sim.rootToken : `tok-${username}`, projectId),
    async settle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      while (quiet < 3) {
        if (Date.now() > deadline) throw new Error(`e2e: not settled after ${timeoutMs} ms (${await busy()} jobs still queued)`);
        await sim.idle();
        const n = await busy();
        quiet = n === 0 ? quiet + 1 : 0;
        await new Promise((r) => setTimeout(r, n === 0 ? 15 : 25));
      }
    },
    setClock(iso) {
      clock = iso ? new Date(iso) : null;
      sim.setClock(iso);
    },
    async close() {
      await trellis.close();
      for (const q of queues) await q.close();
      await deletePrefix(conn, prefix);
      await conn.quit();
      await sim.close();
    },
  };
}

/** The webhooks GitLab delivered about these issues (issue hooks, and note hooks on them), read from the hook's log as `trellis replay` would. */
export async function deliveriesAbout(e2e: E2E, iids: readonly number[]): Promise<Array<{ header: string; body: Record<string, unknown> }>> {
  const root = e2e.as('root');
  const [hook] = await root.api<Array<{ id: number }>>('GET', `/projects/${e2e.projectId}/hooks`);
  const out: Array<{ header: string; body: Record<string, unknown> }> = [];
  for (let page = 1; ; page++) {
    const logs = await root.api<Array<{ request_headers: Record<string, string>; request_data: Record<string, unknown> }>>('GET', `/projects/${e2e.projectId}/hooks/${hook!.id}/events?per_page=100&page=${page}`);
    for (const { request_headers: headers, request_data: data } of logs) {
      const about = data.object_kind === 'note' ? (data.issue as { iid?: number } | undefined)?.iid : (data.object_attributes as { iid?: number } | undefined)?.iid;
      if (about !== undefined && iids.includes(about)) out.push({ header: headers['X-Gitlab-Event'] ?? '', body: data });
    }
    if (logs.length < 100) return out;
  }
}

/**
 * Seeds the bot and `usernames` (each with token `tok-<name>`), the `infra` group, the records project
 * holding `roster` (the bot Maintainer, people Developers) and `infra/access-requests`.
 */
export async function seedRecords(sim: RunningSim, roster: string, usernames: readonly string[]): Promise<{ projectId: number; users: Record<string, number> }> {
  const names = [...new Set(usernames)];
  const seeded = await sim.seed({
    users: [{ username: BOT, name: 'Trellis', tokens: [`tok-${BOT}`] }, ...names.map((u) => ({ username: u, name: u, tokens: [`tok-${u}`] }))],
    groups: [{ path: 'infra' }, { path: RECORDS_GROUP, members: [{ username: BOT, access_level: 50 }] }],
    projects: [
      {
        path: PROJECT,
        default_branch: 'main',
        members: [{ username: BOT, access_level: 40 }, ...names.map((u) => ({ username: u, access_level: 30 }))],
        files: { '.trellis/roster.yml': roster },
      },
      { path: 'infra/access-requests', default_branch: 'main', members: [{ username: BOT, access_level: 30 }] },
    ],
  });
  await leaveRecordsGroup(sim);
  return { projectId: seeded.projects[PROJECT]!.id, users: Object.fromEntries(Object.entries(seeded.users).map(([u, v]) => [u, v.id])) };
}

/**
 * The administrator who created the records group leaves it once the bot is its Owner, as the setup
 * guide says: otherwise they stay an Owner who can read every record, and setup reports them.
 */
export async function leaveRecordsGroup(sim: RunningSim): Promise<void> {
  const res = await fetch(`${sim.url}/api/v4/groups/${encodeURIComponent(RECORDS_GROUP)}/members/1`, { method: 'DELETE', headers: { 'private-token': sim.rootToken } });
  if (!res.ok && res.status !== 404) throw new Error(`e2e: root could not leave ${RECORDS_GROUP}: ${res.status} ${await res.text()}`);
}

function rosterUsernames(yaml: string): string[] {
  const doc = parseYaml(yaml) as { people?: Array<{ username?: string }> } | null;
  return (doc?.people ?? []).map((p) => p.username).filter((u): u is string => typeof u === 'string');
}

function userClient(sim: RunningSim, username: string, token: string, projectId?: number): UserClient {
  const base = `${sim.url}/api/v4`;
  const project = () => {
    if (projectId === undefined) throw new Error('no project');
    return `/projects/${projectId}`;
  };
  const client: UserClient = {
    username,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(base + path, {
        method,
        headers: { 'private-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} as ${username}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async createIssue(f) {
      const assignee_ids = f.assignees ? await Promise.all(f.assignees.map(async (u) => (await client.api<Array<{ id: number }>>('GET', `/users?username=${u}`))[0]!.id)) : undefined;
      return client.api('POST', `${project()}/issues`, { title: f.title, description: f.description, labels: f.labels?.join(','), confidential: f.confidential, assignee_ids });
    },
    editIssue: (target, fields) => client.api('PUT', issuePath(target), fields),
    comment: (target, body) => client.api('POST', `${issuePath(target)}/notes`, { body }),
    issue: (target) => client.api('GET', issuePath(target)),
    notes: (target) => client.api('GET', `${issuePath(target)}/notes?per_page=100&sort=asc`),
    issues: (query = {}) => client.api('GET', `${project()}/issues?${new URLSearchParams({ per_page: '100', state: 'all', ...query })}`),
    async recordIssues(query = {}) {
      const out: ApiIssue[] = [];
      for (let page = 1; ; page++) {
        const batch = await client.api<ApiIssue[]>('GET', `/groups/${encodeURIComponent(RECORDS_GROUP)}/issues?${new URLSearchParams({ per_page: '100', state: 'all', ...query, page: String(page) })}`);
        out.push(...batch);
        if (batch.length < 100) return out;
      }
    },
  };
  function issuePath(target: IssueTarget): string {
    return typeof target === 'number' ? `${project()}/issues/${target}` : `/projects/${target.project_id}/issues/${target.iid}`;
  }
  return client;
}
