import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { inboxBacklog } from '../../src/queue/event-intake.js';
import { EVENTS_QUEUE, JOBS_QUEUE } from '../../src/queue/queue-names.js';
import type { RunningSim } from '../../src/sim/index.js';
import { RECORDS_GROUP } from '../helpers/e2e.js';
import type { ApiIssue, ApiNote } from '../helpers/e2e.js';

/**
 * What every reliability test shares: the figure line it prints, a seeded random source, GitLab's
 * webhook headers, the simulator seeded like the e2e helper does (without starting a Trellis), and
 * reads of what a person would see in GitLab.
 */

export const BOT = 'trellis-bot';
export const PROJECT = 'infra/career';
export { RECORDS_GROUP };
export const SECRET = 'reliability-secret';

/** Prints one figure line (`reliability duplicates: ...`) so CI logs show what each run threw and kept. */
export function figure(name: string, text: string): string {
  const line = `reliability ${name}: ${text}`;
  console.log(line);
  return line;
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The headers GitLab sends with a delivery (docs/gitlab/facts.md#webhook-delivery). */
export function gitlabHeaders(event: string, opts: { token?: string; idempotencyKey?: string; webhookUuid?: string } = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.6.0',
    'x-gitlab-event': event,
    'x-gitlab-token': opts.token ?? SECRET,
    'x-gitlab-webhook-uuid': opts.webhookUuid ?? randomUUID(),
  };
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return headers;
}

/** POSTs one delivery to a Trellis over real HTTP; status 0 when no HTTP answer came (connection refused or reset). */
export async function deliver(url: string, body: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(`${url}/webhooks/gitlab`, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** `trellis_webhooks_total` of an api process, by outcome (queued, duplicate, ignored, ...). */
export async function webhookOutcomes(app: FastifyInstance): Promise<Record<string, number>> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  const out: Record<string, number> = {};
  for (const line of res.body.split('\n')) {
    const m = /^trellis_webhooks_total\{[^}]*outcome="([^"]+)"[^}]*\} (\d+)/.exec(line);
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

/** GitLab API requests an api process made (`trellis_gitlab_requests_total`), summed. */
export async function gitlabRequestsOf(app: FastifyInstance): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  return res.body
    .split('\n')
    .filter((l) => l.startsWith('trellis_gitlab_requests_total{'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

/** The sum of a metric's samples in an api process's `/metrics`. */
export async function metricSum(app: FastifyInstance, name: string): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  return res.body
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

export { seedRecords } from '../helpers/e2e.js';

/** GET on the simulator's REST API as root (or a token given), every page when `all`. */
export async function rest<T>(sim: RunningSim, path: string, token = sim.rootToken): Promise<T> {
  const res = await fetch(`${sim.url}/api/v4${path}`, { headers: { 'private-token': token } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every item of a paginated list. */
export async function restAll<T>(sim: RunningSim, path: string): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const batch = await rest<T[]>(sim, `${path}${sep}per_page=100&page=${page}`);
    out.push(...batch);
    if (batch.length < 100) return out;
  }
}

/**
 * Every career record (checkpoints, big-picture conversations; any state), across everyone's private
 * records project, as root sees them in the records group; optionally filtered by labels. Each has its
 * own `project_id`: read its notes with `allNotes(sim, record.project_id, record.iid)`.
 */
export async function allRecords(sim: RunningSim, labels?: string): Promise<ApiIssue[]> {
  return restAll<ApiIssue>(sim, `/groups/${encodeURIComponent(RECORDS_GROUP)}/issues?state=all${labels ? `&labels=${encodeURIComponent(labels)}` : ''}`);
}

/** Every issue of the department project (any state), optionally filtered by labels. */
export async function allIssues(sim: RunningSim, projectId: number, labels?: string): Promise<ApiIssue[]> {
  return restAll<ApiIssue>(sim, `/projects/${projectId}/issues?state=all${labels ? `&labels=${encodeURIComponent(labels)}` : ''}`);
}

/** Every note of an issue, oldest first, system notes included. */
export async function allNotes(sim: RunningSim, projectId: number, iid: number): Promise<ApiNote[]> {
  return restAll<ApiNote>(sim, `/projects/${projectId}/issues/${iid}/notes?sort=asc`);
}

/** How many of each title there are: the copies of a record beyond the first are duplicates. */
export function countByTitle(issues: readonly ApiIssue[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of issues) out.set(i.title, (out.get(i.title) ?? 0) + 1);
  return out;
}

/** Events and jobs still in flight (in the inbox; waiting, active, retrying); job schedulers' next runs excluded. */
export async function jobsInFlight(connection: Redis, prefix: string): Promise<number> {
  let n = await inboxBacklog(connection, prefix);
  for (const name of [EVENTS_QUEUE, JOBS_QUEUE]) {
    const q = new Queue(name, { connection, prefix });
    try {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'paused');
      n += Object.values(c).reduce((a, b) => a + b, 0);
      n += (await q.getDelayed()).filter((j) => !String(j.id).startsWith('repeat:')).length;
    } finally {
      await q.close();
    }
  }
  return n;
}

/** Waits until `check` holds, polling; throws with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A pause. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A person's REST client on the simulator (plain HTTP with their token, no Trellis code). */
export function asUser(sim: RunningSim, username: string): <T = unknown>(method: string, path: string, body?: unknown) => Promise<T> {
  const token = username === 'root' ? sim.rootToken : `tok-${username}`;
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${sim.url}/api/v4${path}`, {
      method,
      headers: { 'private-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} as ${username}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** The usernames of a roster's people. */
export function rosterPeople(yaml: string): string[] {
  return [...yaml.matchAll(/username:\s*([A-Za-z0-9_.-]+)/g)].map((m) => m[1]!);
}

/** The headers of a recorded delivery that GitLab sets (not the transport's own). */
export function gitlabHeadersOf(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k === 'content-type' || k === 'user-agent' || k === 'idempotency-key' || k.startsWith('x-gitlab-')));
}
