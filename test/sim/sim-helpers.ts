import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSim, type SimOptions, type SimSeed } from '../../src/sim/index.js';

/** The repository root (test/sim/ is two levels down). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The JSON schemas of GitLab's REST answers the simulator must match (test/fixtures/gitlab-schemas/README.md). */
export const gitlabSchemas = path.join(repoRoot, 'test', 'fixtures', 'gitlab-schemas');
/** GitLab's webhook payloads as its docs print them (webhooks/README.md). */
export const webhookPayloads = path.join(repoRoot, 'webhooks');

/** Parsed JSON in tests: shapes are asserted, not typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** An HTTP answer with its parsed body. */
export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A tiny REST client for one token. */
export interface Client {
  call<T = Json>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
}

/** A client that talks to the simulator's API with a token (PRIVATE-TOKEN header). */
export function client(sim: RunningSim, token: string | null): Client {
  return {
    async call(method, p, body, headers = {}) {
      const res = await fetch(`${sim.url}/api/v4${p}`, {
        method,
        headers: { ...(token ? { 'PRIVATE-TOKEN': token } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // Plain text answers (raw files, 429 "Retry later") stay text.
      }
      return { status: res.status, headers: res.headers, body: parsed as never, text };
    },
  };
}

/** The usual cast: root, a maintainer (mia), a developer (dev), a reporter (rita), a guest (gus), an outsider (olga). */
export const TEAM: SimSeed = {
  users: ['mia', 'dev', 'rita', 'gus', 'olga', 'pete'].map((u) => ({ username: u, name: u.toUpperCase(), tokens: [`tok-${u}`] })),
  groups: [{ path: 'infra', name: 'Infrastructure' }],
  projects: [
    {
      path: 'infra/career',
      default_branch: 'main',
      members: [
        { username: 'mia', access_level: 40 },
        { username: 'dev', access_level: 30 },
        { username: 'rita', access_level: 20 },
        { username: 'pete', access_level: 15 },
        { username: 'gus', access_level: 10 },
      ],
    },
    { path: 'infra/other', default_branch: 'main', members: [{ username: 'mia', access_level: 40 }] },
  ],
};

/** Starts a simulator seeded with TEAM (plus extra seed) and returns clients per user. */
export async function startTeamSim(opts: SimOptions = {}, extra?: SimSeed) {
  const sim = await startSimulator({ port: 0, ...opts });
  const seeded = await sim.seed(TEAM);
  if (extra) await sim.seed(extra);
  const as = (u: string) => client(sim, u === 'root' ? sim.rootToken : `tok-${u}`);
  return { sim, seeded, as, projectId: seeded.projects['infra/career']!.id, root: as('root') };
}

/** One request a webhook receiver got. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  body: Json;
  at: number;
}

/** A local webhook receiver; `status` decides the answer (default 200). */
export async function startReceiver(status: (r: Received) => number = () => 200) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      const r = { headers: req.headers, body: data ? JSON.parse(data) : null, at: Date.now() };
      got.push(r);
      res.writeHead(status(r), { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, got, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Trellis's records layout: a private records group whose Owner is the bot and whose record readers
 * are Reporters; one private project per person with the person and their manager as Developers.
 * Extra direct members of alice's project play the other roles: gina Guest, pam Planner, rex Reporter.
 * olga is no member of anything.
 */
export const RECORDS: SimSeed = {
  users: ['bot', 'alice', 'bob', 'mgr', 'reader', 'gina', 'pam', 'rex', 'olga'].map((u) => ({ username: u, name: u.toUpperCase(), tokens: [`tok-${u}`] })),
  groups: [{
    path: 'career-records', name: 'Career records', visibility: 'private',
    members: [{ username: 'bot', access_level: 50 }, { username: 'reader', access_level: 20 }],
    labels: [{ name: 'record::checkpoint', color: '#112233' }, { name: 'record::conversation', color: '#445566' }, { name: 'confidential-hr', color: '#ff0000' }],
  }],
  projects: [
    {
      path: 'career-records/alice', visibility: 'private',
      members: [
        { username: 'alice', access_level: 30 }, { username: 'mgr', access_level: 30 },
        { username: 'gina', access_level: 10 }, { username: 'pam', access_level: 15 }, { username: 'rex', access_level: 20 },
      ],
    },
    { path: 'career-records/bob', visibility: 'private', members: [{ username: 'bob', access_level: 30 }, { username: 'mgr', access_level: 30 }] },
  ],
};

/** Starts a simulator seeded with RECORDS; `as(user)` gives a client per user. */
export async function startRecordsSim(opts: SimOptions = {}) {
  const sim = await startSimulator({ port: 0, ...opts });
  const seeded = await sim.seed(RECORDS);
  const as = (u: string) => client(sim, u === 'root' ? sim.rootToken : `tok-${u}`);
  const id = (u: string) => seeded.users[u]!.id;
  return { sim, seeded, as, id, root: as('root'), groupId: seeded.groups['career-records']!.id, alice: seeded.projects['career-records/alice']!.id, bob: seeded.projects['career-records/bob']!.id };
}
