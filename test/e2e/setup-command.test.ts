import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupCommand } from '../../src/commands/setup.js';
import { loadConfig } from '../../src/config.js';
import { silentLog } from '../../src/core/log.js';
import { DEMO_ROSTER } from '../../src/demo/start-demo.js';
import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { loadTemplates } from '../../src/templates/load-templates.js';
import { ISSUE_TEMPLATE_NAMES, templatePath, TRELLIS_LABELS } from '../../src/workflows/setup/setup-catalog.js';

/** Stands in for Trellis's webhook route: records deliveries, accepts only `accept` as X-Gitlab-Token. */
interface Receiver {
  url: string;
  deliveries: IncomingHttpHeaders[];
  accept: string;
  status: number | null;
  close(): Promise<void>;
}

async function startReceiver(accept: string): Promise<Receiver> {
  const r = { deliveries: [] as IncomingHttpHeaders[], accept, status: null as number | null };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      r.deliveries.push(req.headers);
      res.statusCode = r.status ?? (req.headers['x-gitlab-token'] === r.accept ? 202 : 401);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

const PROJECT = 'infra/career';
const RECORDS_GROUP = 'career-records';
const NOW = new Date('2026-03-10T12:00:00Z'); // FY27-Q1 with the demo roster's February fiscal year
let sim: RunningSim;
let receiver: Receiver;
let projectId: number;
/** Templates in issue_templates/: those GitLab's dropdown gets, and Trellis's own. */
let synced: number;
let own: number;

beforeAll(async () => {
  const templates = await loadTemplates();
  synced = Object.keys(templates).filter((name) => templatePath(name) !== null).length;
  own = Object.keys(templates).length - synced;
  sim = await startSimulator({ port: 0 });
  receiver = await startReceiver('secret-1');
  const department = (parseYaml(readFileSync(DEMO_ROSTER, 'utf8')) as { people: Array<{ username: string }> }).people.map((p) => p.username).filter((u) => u !== 'alice');
  const seeded = await sim.seed({
    users: [
      { username: 'trellis-bot', name: 'Trellis', tokens: ['tok-bot'] },
      { username: 'dev', name: 'Dev', tokens: ['tok-dev'] },
      { username: 'alice', name: 'Alice', tokens: ['tok-alice'] },
      ...department.map((username) => ({ username })),
    ],
    groups: [{ path: 'infra' }, { path: RECORDS_GROUP, members: [{ username: 'trellis-bot', access_level: 50 }] }],
    projects: [
      {
        path: PROJECT,
        default_branch: 'main',
        members: [{ username: 'trellis-bot', access_level: 40 }, { username: 'dev', access_level: 30 }, { username: 'alice', access_level: 30 }],
        files: { '.trellis/roster.yml': readFileSync(DEMO_ROSTER, 'utf8') },
      },
      // The roster's access_requests_project: Trellis writes access requests there, so setup hooks it too.
      { path: 'infra/access-requests', default_branch: 'main', members: [{ username: 'trellis-bot', access_level: 40 }] },
    ],
  });
  projectId = seeded.projects[PROJECT]!.id;
});

afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

beforeEach(() => {
  receiver.status = null;
});

async function setup(opts: { token?: string; secret?: string; dryRun?: boolean; resetToken?: boolean; recordsGroup?: string } = {}): Promise<{ code: number; out: string }> {
  const config = loadConfig({
    GITLAB_URL: sim.url,
    GITLAB_TOKEN: opts.token ?? 'tok-bot',
    GITLAB_PROJECT: PROJECT,
    TRELLIS_RECORDS_GROUP: opts.recordsGroup ?? RECORDS_GROUP,
    WEBHOOK_SECRET: opts.secret ?? 'secret-1',
    TRELLIS_PUBLIC_URL: receiver.url,
    GITLAB_API_PER_MINUTE: '0',
  });
  const lines: string[] = [];
  const code = await setupCommand(config, { dryRun: opts.dryRun ?? false, resetToken: opts.resetToken ?? false, log: silentLog, print: (l) => lines.push(l), now: NOW });
  return { code, out: lines.join('\n') };
}

async function api<T>(method: string, path: string, body?: unknown, token = sim.rootToken): Promise<T> {
  const res = await fetch(`${sim.url}/api/v4${path}`, {
    method,
    headers: { 'private-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface ApiHook { id: number; url: string; issues_events: boolean; confidential_issues_events: boolean; note_events: boolean; confidential_note_events: boolean; push_events: boolean; alert_status: string }

const hooks = () => api<ApiHook[]>('GET', `/projects/${projectId}/hooks`);
const writes = () => sim.requests().byClass.write;
const commits = () => sim.requests().byRoute['POST /projects/:id/repository/commits'] ?? 0;
/** Rows of the printed table about the department project whose RESULT column is `result`. */
const rowsWith = (out: string, result: string) => out.split('\n').filter((l) => !l.includes(RECORDS_GROUP) && new RegExp(`\\s${result}(\\s|$)`).test(l));
/** Rows about the private records (the records group and the people's projects). */
const recordRows = (out: string, result: string) => out.split('\n').filter((l) => l.includes(RECORDS_GROUP) && new RegExp(`\\s${result}(\\s|$)`).test(l));
/** Reports of the demo roster (everyone but vera and grace, who have no manager): one private project each. */
const REPORTS = 12;
const templateFile = (name: string) => `.gitlab/issue_templates/${ISSUE_TEMPLATE_NAMES[name]}.md`;

async function openIssue(title: string): Promise<void> {
  await api('POST', `/projects/${projectId}/issues`, { title }, 'tok-alice');
  await sim.idle();
}

describe('trellis setup on the simulator', () => {
  it('stops a Developer token before reading or writing anything, and says Maintainer is needed', async () => {
    const before = writes();
    const { code, out } = await setup({ token: 'tok-dev' });
    expect(code).toBe(1);
    expect(out).toContain('@dev has Developer access (30) to infra/career; setup needs Maintainer (40)');
    expect(out).toContain('setup stopped');
    expect(writes()).toBe(before);
    expect(sim.requests().byRoute['GET /projects/:id/hooks'] ?? 0).toBe(0);
  });

  it('in a dry run plans every label, both templates and the webhook, and writes nothing', async () => {
    const before = writes();
    const { code, out } = await setup({ dryRun: true });
    expect(code).toBe(0);
    expect(writes()).toBe(before);
    // Every label, the two quarter labels, each synced template and the hook; the templates share one commit.
    // ... plus the hook of the access-requests project, where closing the last task must reach Trellis.
    // ... and the Training and Internships boards (docs/boards.md; test/e2e/boards.test.ts).
    expect(rowsWith(out, 'would create')).toHaveLength(TRELLIS_LABELS.length + 2 + synced + 1 + 1 + 2);
    expect(out).toMatch(/infra\/access-requests: .*\/webhooks\/gitlab\s+would create\s+task project/);
    expect(rowsWith(out, 'skipped')).toHaveLength(own);
    // The private records: 7 record labels and 2 quarter labels on the group, a project per report with
    // its two members (one row each), vera as record reader, and the group webhook (Premium).
    // ... and the Career checkpoints group board.
    expect(recordRows(out, 'would create')).toHaveLength(9 + REPORTS + REPORTS + 1 + 1 + 1);
    expect(out).toContain(`dry run: ${TRELLIS_LABELS.length + 2 + 1 + 1 + 9 + REPORTS * 2 + 1 + 1 + 1 + 3} writes needed, 0 problems`);
  });

  it('creates the labels (with their colours), the templates in one commit and the hook with the secret', async () => {
    const { code, out } = await setup();
    expect(code, out).toBe(0);
    const labels = await api<Array<{ name: string; color: string; description: string }>>('GET', `/projects/${projectId}/labels?per_page=100`);
    for (const wanted of TRELLIS_LABELS) expect(labels.find((l) => l.name === wanted.name), wanted.name).toMatchObject({ color: wanted.color, description: wanted.description });
    expect(labels.map((l) => l.name)).toEqual(expect.arrayContaining(['quarter::FY27-Q1', 'quarter::FY27-Q2']));

    expect(commits()).toBe(1);
    const raw = await fetch(`${sim.url}/api/v4/projects/${projectId}/repository/files/${encodeURIComponent(templateFile('sre-i'))}/raw?ref=main`, { headers: { 'private-token': sim.rootToken } });
    expect(await raw.text()).toBe(readFileSync(new URL('../../issue_templates/sre-i.md', import.meta.url), 'utf8'));

    const [hook, ...others] = await hooks();
    expect(others).toHaveLength(0);
    expect(hook).toMatchObject({ url: `${receiver.url}/webhooks/gitlab`, issues_events: true, confidential_issues_events: true, note_events: true, confidential_note_events: true, push_events: true });
    await openIssue('a first event');
    expect(receiver.deliveries.at(-1)?.['x-gitlab-token']).toBe('secret-1');
  });

  it('run again, reports every item unchanged and makes no write', async () => {
    const before = writes();
    const { code, out } = await setup();
    expect(code, out).toBe(0);
    expect(writes()).toBe(before);
    expect(rowsWith(out, 'created|updated')).toEqual([]);
    expect(rowsWith(out, 'unchanged').length).toBe(1 + 1 + TRELLIS_LABELS.length + 2 + synced + 1 + 1 + 2);
    expect(recordRows(out, 'created|updated|PROBLEM')).toEqual([]);
    expect(out).toContain('done: 0 writes, 0 problems');
  });

  it('hooks the access-requests project too, or says the bot needs Maintainer there', async () => {
    const access = encodeURIComponent('infra/access-requests');
    const [hook, ...others] = await api<ApiHook[]>('GET', `/projects/${access}/hooks`);
    expect(others).toHaveLength(0);
    expect(hook).toMatchObject({ url: `${receiver.url}/webhooks/gitlab`, issues_events: true, confidential_issues_events: true });
    const bot = (await api<Array<{ id: number }>>('GET', '/users?username=trellis-bot'))[0]!;
    await api('PUT', `/projects/${access}/members/${bot.id}`, { access_level: 30 });
    try {
      const { code, out } = await setup();
      expect(code).toBe(1);
      expect(out).toMatch(/infra\/access-requests\s+PROBLEM\s+the bot needs Maintainer on infra\/access-requests .*internships complete only at the hourly reconcile/);
    } finally {
      await api('PUT', `/projects/${access}/members/${bot.id}`, { access_level: 40 });
    }
  });

  it('puts back a label someone recoloured and a template someone edited, committing only that file', async () => {
    await api('PUT', `/projects/${projectId}/labels/${encodeURIComponent('sre-i::review')}`, { color: '#000000' });
    await api('PUT', `/projects/${projectId}/repository/files/${encodeURIComponent(templateFile('sre-ii'))}`, { branch: 'main', content: 'edited by hand', commit_message: 'edit' });
    const commitsBefore = commits();
    const before = writes();
    const { code, out } = await setup();
    expect(code, out).toBe(0);
    const updated = rowsWith(out, 'updated');
    expect(updated).toHaveLength(2);
    expect(updated[0]).toMatch(/^label {5}sre-i::review\s+updated\s+colour #000000 -> #f0ad4e$/);
    expect(updated[1]).toContain(templateFile('sre-ii'));
    expect(commits() - commitsBefore).toBe(1);
    expect(writes() - before).toBe(2);
  });

  it('turns back on the events someone switched off on the hook', async () => {
    const [hook] = await hooks();
    await api('PUT', `/projects/${projectId}/hooks/${hook!.id}`, { note_events: false, token: 'secret-1' });
    const { code, out } = await setup();
    expect(code, out).toBe(0);
    expect(out).toMatch(/webhook .* updated .*enable note events/);
    expect((await hooks())[0]).toMatchObject({ note_events: true });
  });

  it('sets the secret again when the hook\'s last delivery was refused with 401 (WEBHOOK_SECRET rotated)', async () => {
    receiver.accept = 'secret-2';
    await openIssue('refused: the old secret');
    expect(receiver.deliveries.at(-1)?.['x-gitlab-token']).toBe('secret-1');
    const { code, out } = await setup({ secret: 'secret-2,secret-1' });
    expect(code, out).toBe(0);
    expect(out).toContain('refused with 401');
    await openIssue('accepted: the new secret');
    expect(receiver.deliveries.at(-1)?.['x-gitlab-token']).toBe('secret-2');
    const again = await setup({ secret: 'secret-2,secret-1' });
    expect(rowsWith(again.out, 'updated')).toEqual([]);
  });

  it('reports a hook GitLab disabled after failed deliveries and re-enables it with a test delivery', async () => {
    receiver.status = 500;
    for (let i = 0; i < 4; i += 1) await openIssue(`failing delivery ${i}`);
    expect((await hooks())[0]?.alert_status).toBe('temporarily_disabled');
    // While Trellis still fails, the test delivery fails too: setup says so and exits 1.
    const failing = await setup({ secret: 'secret-2' });
    expect(failing.code).toBe(1);
    expect(rowsWith(failing.out, 'PROBLEM')[0]).toContain('failed');
    expect((await hooks())[0]?.alert_status).toBe('temporarily_disabled');
    receiver.status = 200;
    const { code, out } = await setup({ secret: 'secret-2' });
    expect(code).toBe(0);
    expect(out).toContain('disabled by GitLab until');
    expect(out).toContain('trellis reconcile');
    expect((await hooks())[0]?.alert_status).toBe('executable');
  });

  it('makes the department private: each report reads only their own records project, and someone added to the records group by hand is removed', async () => {
    const group = encodeURIComponent(RECORDS_GROUP);
    const members = (path: string) => api<Array<{ username: string; access_level: number }>>('GET', `/projects/${encodeURIComponent(path)}/members`);
    expect((await members(`${RECORDS_GROUP}/alice`)).map((m) => [m.username, m.access_level]).sort()).toEqual([
      ['alice', 30],
      ['carol', 30],
    ]);
    await expect(api('GET', `/projects/${encodeURIComponent(`${RECORDS_GROUP}/alice`)}`, undefined, 'tok-dev')).rejects.toThrow(/404/);
    await api('POST', `/groups/${group}/members`, { user_id: (await api<Array<{ id: number }>>('GET', '/users?username=dev'))[0]!.id, access_level: 30 });
    const { code, out } = await setup({ secret: 'secret-2' });
    expect(code, out).toBe(0);
    expect(recordRows(out, 'updated')).toEqual([expect.stringMatching(/^overreader +career-records: dev +updated +removed \(access 30\)/)]);
    expect((await api<Array<{ username: string }>>('GET', `/groups/${group}/members`)).map((m) => m.username).sort()).toEqual(['trellis-bot', 'vera']);
  });

  it('where the token may not create the records group, prints the change an administrator must make and exits 1', async () => {
    const before = writes();
    const { code, out } = await setup({ secret: 'secret-2', recordsGroup: 'hr/career-records' });
    expect(code).toBe(1);
    expect(rowsWith(out, 'PROBLEM')).toEqual([]);
    const [problem] = out.split('\n').filter((l) => l.includes('hr/career-records') && l.includes('PROBLEM'));
    expect(problem).toContain('An administrator must create the private group hr/career-records');
    expect(problem).toContain('make @trellis-bot its Owner');
    expect(writes()).toBe(before);
  });
});
