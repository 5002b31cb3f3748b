import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { runQuarterCommand } from '../../src/commands/run-quarter.js';
import { loadConfig } from '../../src/config.js';
import { demoEnv, demoStatePath, runningDemo } from '../../src/demo/demo-state.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { GITLAB_TEMPLATES_DIR, ISSUE_TEMPLATE_NAMES, TRELLIS_LABELS } from '../../src/workflows/setup/setup-catalog.js';
import type { DemoState } from '../../src/demo/demo-state.js';
import { productionNodeFlags } from '../../bench/lib/proc.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { deletePrefix, randomPrefix, REDIS_URL, testRedis } from '../helpers/redis.js';

/**
 * `npm start` without GitLab, as a person runs it: the demo comes up in motion, listens on this machine
 * only, and `trellis tour` in a second terminal plays its story against it (the smoke test of demo mode).
 */

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const prefix = randomPrefix('demo');
const dataDir = mkdtempSync(path.join(tmpdir(), 'trellis-demo-'));
const stateFile = demoStatePath(dataDir);
let demo: ChildProcess;
let printed = '';
let state: DemoState;

/** The environment of a terminal with no Trellis variables set, but this test's Redis and data directory. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDIS_URL, TRELLIS_DATA_DIR: dataDir, TRELLIS_QUEUE_PREFIX: prefix, ...extra };
}

/** `npx trellis <args>` in a second terminal, to completion. */
function trellis(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`${what} did not happen; the demo printed:\n${printed.slice(-6000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** GitLab's REST API as a demo person. */
async function api<T>(who: string, urlPath: string): Promise<T> {
  const res = await fetch(`${state.gitlabUrl}/api/v4${urlPath}`, { headers: { 'private-token': `demo-${who}-token` } });
  expect(res.status, urlPath).toBe(200);
  return (await res.json()) as T;
}

type Issue = { iid: number; title: string; labels: string[]; state: string };

async function issueTitled(who: string, project: string, title: string): Promise<Issue> {
  const found = (await api<Issue[]>(who, `/projects/${encodeURIComponent(project)}/issues?state=all&per_page=100&search=${encodeURIComponent(title)}`)).filter((i) => i.title === title);
  expect(found.map((i) => i.title), title).toHaveLength(1);
  return found[0]!;
}

function externalAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address;
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
}

beforeAll(async () => {
  demo = spawn(process.execPath, [...productionNodeFlags(), '--import', 'tsx', 'src/cli.ts', 'serve', '--role', 'all'], {
    cwd: REPO_ROOT,
    env: env({ PORT: '0', LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (c: Buffer) => (printed = (printed + c.toString('utf8')).slice(-100_000));
  demo.stdout?.on('data', keep);
  demo.stderr?.on('data', keep);
  await until('the demo to write its state file', () => runningDemo(stateFile) !== null, 150_000);
  state = runningDemo(stateFile)!;
}, 180_000);

afterAll(async () => {
  if (demo && demo.exitCode === null) {
    demo.kill('SIGKILL');
    await new Promise((r) => demo.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
  const redis = testRedis();
  await deletePrefix(redis, prefix).finally(() => redis.disconnect());
});

describe('the demo, as `npm start` runs it without GitLab', () => {
  it('starts in motion and prints where everything is, the dashboard token and a tour to try', () => {
    expect(printed).toMatch(/✓ FY\d\d-Q\d: 12 reports; 12 checkpoints and 12 big-picture conversations created/);
    expect(printed).toMatch(/✓ alice: SRE I signed off by carol, SRE II opened/);
    expect(printed).toMatch(/✓ bob: SRE I at sre-i::review/);
    expect(printed).toMatch(/✓ olivia: SRE I at sre-i::in-progress/);
    expect(printed).toMatch(/✓ ian: internship request at internship::pending-approval, waiting for grace/);
    expect(printed).toContain(`dashboard          ${state.trellisUrl}/dashboard   token ${state.dashboardToken}`);
    expect(printed).toContain('npx trellis tour');
    expect(printed).not.toContain('✗');
  });

  it('keeps its state file for this user only, with the dashboard on', async () => {
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(state.dashboardToken).toMatch(/^[\w-]{16,}$/);
    const page = await fetch(state.dashboardUrl, { headers: { authorization: `Bearer ${state.dashboardToken}` } });
    expect(page.status).toBe(200);
    expect((await fetch(state.dashboardUrl, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('is set up as `trellis setup` does: coloured labels with descriptions, the issue templates and the boards', async () => {
    const project = encodeURIComponent(state.project);
    const labels = await api<{ name: string; color: string; description: string | null }[]>('trellis-bot', `/projects/${project}/labels?per_page=100`);
    for (const wanted of TRELLIS_LABELS) {
      const label = labels.find((l) => l.name === wanted.name);
      expect(label, wanted.name).toMatchObject({ color: wanted.color, description: wanted.description });
    }
    const tree = await api<{ name: string }[]>('trellis-bot', `/projects/${project}/repository/tree?path=${encodeURIComponent(GITLAB_TEMPLATES_DIR)}&per_page=100`);
    expect(tree.map((f) => f.name).sort()).toEqual(Object.values(ISSUE_TEMPLATE_NAMES).map((n) => `${n}.md`).sort());
    const boards = await api<{ name: string }[]>('trellis-bot', `/projects/${project}/boards`);
    expect(boards.map((b) => b.name).sort()).toEqual(['Internships', 'Training']);
  });

  it('listens on 127.0.0.1 only: Trellis and the simulator do not answer on the machine address', async () => {
    const address = externalAddress();
    expect(address, 'this machine has no address besides loopback, so the test cannot tell').toBeDefined();
    for (const url of [state.trellisUrl, state.gitlabUrl]) {
      const { hostname, port } = new URL(url);
      expect(hostname).toBe('127.0.0.1');
      expect(await answers(`${url}/`)).toBe(true);
      expect(await answers(`http://${address}:${port}/`)).toBe(false);
    }
  });

  it('a command in a second terminal finds the running demo without exporting variables', async () => {
    const run = await trellis(['plan', 'quarter']);
    expect(run.stderr).toContain(`using the running demo at ${state.trellisUrl}`);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('alice');
  }, 60_000);

  it('`trellis tour` plays its story, printing each issue it changed, and GitLab shows each step', async () => {
    const run = await trellis(['tour']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1\. alice ticks[^\n]*\n\s+Trellis moved the label sre-ii::not-started → sre-ii::in-progress/);
    expect(run.stdout).toMatch(/internship::pending-approval → internship::active/);
    expect(run.stdout).toMatch(/checkpoint::planning → checkpoint::in-progress/);
    expect(run.stdout).toContain(`${state.gitlabUrl}/infra/career/-/issues/`);

    expect((await issueTitled('alice', 'infra/career', 'SRE II training: @alice')).labels).toContain('sre-ii::in-progress');
    const request = await issueTitled('grace', 'infra/career', 'Internship request: ian');
    expect(request.labels).toContain('internship::active');
    expect(await api<unknown[]>('grace', `/projects/${encodeURIComponent('infra/career')}/issues/${request.iid}/links`)).toHaveLength(5);
    const checkpoints = await api<Issue[]>('alice', `/projects/${encodeURIComponent('career-records/alice')}/issues?labels=career-checkpoint`);
    expect(checkpoints.map((c) => c.labels.find((l) => l.startsWith('checkpoint::')))).toEqual(['checkpoint::in-progress']);
  }, 120_000);

  it('played again, the tour finds every step done and changes nothing', async () => {
    const run = await trellis(['tour']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout.match(/already done/g)).toHaveLength(3);
  }, 60_000);

  it('seeding again (what a restart does first) finds every story told and creates nothing', async () => {
    const count = async () => {
      const department = await api<Issue[]>('vera', `/projects/${encodeURIComponent('infra/career')}/issues?state=all&per_page=100`);
      const records = await api<Issue[]>('vera', `/groups/${encodeURIComponent(state.recordsGroup)}/issues?state=all&per_page=100`);
      return department.length + records.length;
    };
    const before = await count();
    const lines: string[] = [];
    const cfg = loadConfig({ ...demoEnv(state), LOG_LEVEL: 'silent' });
    const seeded = await seedDemo({
      gitlabUrl: state.gitlabUrl,
      project: state.project,
      bot: 'trellis-bot',
      now: new Date(),
      timeoutMs: 30_000,
      print: (l) => lines.push(l),
      runQuarter: async () => {
        const said: string[] = [];
        await runQuarterCommand(cfg, pino({ level: 'silent' }), { print: (l) => said.push(l), progress: () => undefined });
        return said[0] ?? '';
      },
    });
    expect(seeded.problems).toEqual([]);
    expect(lines.join('\n')).toMatch(/0 checkpoints and 0 big-picture conversations created, 0 updated, 12 already in place/);
    expect(await count()).toBe(before);
  }, 60_000);

  it('a second demo in the same directory refuses to start, rather than clear the running one\'s state', async () => {
    const run = await trellis(['serve', '--role', 'all'], { PORT: '0' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`a Trellis demo is already running at ${state.trellisUrl}`);
    expect(runningDemo(stateFile)?.pid).toBe(demo.pid);
  }, 60_000);

  it('stops cleanly on SIGTERM and removes its state file, so commands stop finding it', async () => {
    demo.kill('SIGTERM');
    await new Promise((r) => demo.once('exit', r));
    expect(existsSync(stateFile)).toBe(false);
    const run = await trellis(['tour']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no running demo found');
  }, 60_000);
});
