import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';

/**
 * The shell commands of README.md and docs/ run as written (docs/testing.md, "The commands in these
 * pages are tested"): a fenced `sh` or `bash` block must exit 0; `sh serve` must become ready on
 * /readyz; `sh no-run: <why>` is left alone, and must say why.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Block {
  where: string;
  mode: 'run' | 'serve' | 'no-run';
  reason: string;
  script: string;
}

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? pages(full) : name.endsWith('.md') ? [full] : [];
  });
}

/** The shell blocks of one page; an unknown word after `sh` fails, so a typo cannot skip a block. */
function shellBlocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${path.relative(ROOT, file)}:${i + 1}: a fence that is never closed`);
    const [lang, info = ''] = [open[1], open[2]!.trim()];
    if (lang === 'sh' || lang === 'bash') {
      const where = `${path.relative(ROOT, file)}:${i + 1}`;
      const noRun = /^no-run:\s*(.*)$/.exec(info);
      const mode = info === '' ? 'run' : info === 'serve' ? 'serve' : noRun ? 'no-run' : null;
      if (!mode) throw new Error(`${where}: unknown info string "${info}" (sh, sh serve or sh no-run: <why>)`);
      blocks.push({ where, mode, reason: noRun?.[1] ?? '', script: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return blocks;
}

const blocks = [path.join(ROOT, 'README.md'), ...pages(path.join(ROOT, 'docs'))].flatMap(shellBlocks);
const scratch = mkdtempSync(path.join(tmpdir(), 'trellis-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment of a documented command: this machine's, without a real GitLab, its data in a scratch directory. */
function docEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TRELLIS_DATA_DIR: path.join(scratch, 'data'), ...extra };
  for (const key of ['GITLAB_URL', 'GITLAB_TOKEN', 'GITLAB_PROJECT', 'NODE_ENV', 'REDIS_URL', 'PORT', 'HOST', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID']) delete env[key];
  return { ...env, ...extra };
}

describe('the shell commands in README.md and docs/', () => {
  it('are found: runnable blocks, a server, and blocks left alone with a reason', () => {
    expect(blocks.filter((b) => b.mode === 'run').length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => b.mode === 'serve').length).toBeGreaterThanOrEqual(1);
    expect(blocks.filter((b) => b.mode === 'no-run' && b.reason.length < 10).map((b) => b.where)).toEqual([]);
  });

  it.each(blocks.filter((b) => b.mode === 'run').map((b) => [b.where, b] as const))('%s runs and exits 0', (_where, block) => {
    // setsid: the block runs in a process group of its own, so whatever it left running in the
    // background (a simulator it started) ends with it.
    const r = spawnSync('setsid', ['bash', '-euo', 'pipefail', '-c', block.script], { cwd: ROOT, env: docEnv(), encoding: 'utf8', timeout: 60_000 });
    try { process.kill(-r.pid, 'SIGKILL'); } catch { /* nothing left */ }
    expect({ code: r.status, signal: r.signal, stderr: r.status === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ code: 0, signal: null, stderr: '' });
  }, 70_000);

  it.each(blocks.filter((b) => b.mode === 'serve').map((b) => [b.where, b] as const))('%s starts and answers /readyz', async (_where, block) => {
    const port = await freePortPair();
    const prefix = randomPrefix('docs');
    const child = spawn('bash', ['-euo', 'pipefail', '-c', block.script], {
      cwd: ROOT, env: docEnv({ PORT: String(port), TRELLIS_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const ready = await readyWithin(`http://127.0.0.1:${port}/readyz`, child, 60_000);
      expect(ready ? 'ready' : `not ready; it said:\n${output.slice(-3000)}`).toBe('ready');
    } finally {
      await stop(child);
      const redis = testRedis();
      await deletePrefix(redis, prefix).finally(() => redis.quit());
    }
  }, 90_000);
});

async function readyWithin(url: string, child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && child.exitCode === null) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** SIGTERM to the whole process group (bash, npm, node), SIGKILL if it has not ended in 15 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } }, 15_000);
  await exited;
  clearTimeout(timer);
}

/** A free port whose next port is free too (demo mode puts the simulator on PORT+1). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await listenOn(0);
    if (await listenOn(port + 1).then(() => true, () => false)) return port;
  }
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
