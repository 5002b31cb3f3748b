import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (bench/lib/ is two levels down). */
export const ROOT = new URL('../../', import.meta.url).pathname;

/** How child processes run Trellis: the built `dist/` (as in production) or tsx when the build failed. */
export type Runner = 'dist' | 'tsx';

/** A child process the bench started; `stop` ends only this process, by its id. */
export interface Child {
  readonly pid: number;
  readonly name: string;
  /** Memory of the process now, from /proc/<pid>/status. */
  memory(): { rssMb: number; hwmMb: number };
  /** CPU time used so far, in ms. */
  cpuMs(): number;
  /** Lines the child printed that matched a pattern, for readiness. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

/** Resident set size now and its peak (VmHWM), in MB; zeros once the process is gone. */
export function procMemory(pid: number): { rssMb: number; hwmMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
}

/** CPU time (user + system) the process has used so far, in ms; clock ticks are 10 ms on Linux. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The machine's CPU counters (all cores), for `machineBusy`. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The share of all cores busy since `from` (every process on the machine, not only the bench's). */
export function machineBusy(from: { busy: number; total: number }): number {
  const now = machineCpu();
  return now.total === from.total ? 0 : (now.busy - from.busy) / (now.total - from.total);
}

/** Every child still running, so an interrupted bench stops them (by pid) instead of leaving them behind. */
const running = new Set<Child>();

/** Stops every child the bench started and has not stopped yet. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

/**
 * Starts `node <args>` with the environment given (plus PATH, and BENCH_NODE_OPTIONS as NODE_OPTIONS,
 * to try V8 flags on the children); output is kept only to spot readiness and errors.
 */
export function startChild(name: string, args: readonly string[], env: Record<string, string>): Child {
  const nodeOptions = process.env.BENCH_NODE_OPTIONS;
  const child: ChildProcess = spawn(process.execPath, [...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start`);
  const pid = child.pid;
  let tail = '';
  let exited: number | null = null;
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  // Only the last few KB are kept: a child's log must never grow the bench's own memory.
  const onData = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
    for (const w of [...waiters]) {
      const line = tail.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const done = new Promise<void>((resolve) => child.once('exit', (code) => ((exited = code ?? 0), resolve())));
  const handle: Child = {
    pid,
    name,
    memory: () => procMemory(pid),
    cpuMs: () => procCpuMs(pid),
    waitFor(pattern, timeoutMs) {
      const seen = tail.split('\n').find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms${exited === null ? '' : ` (exited ${exited})`}; last output:\n${tail.slice(-2000)}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void done.then(() => setTimeout(() => waiters.length > 0 && reject(new Error(`${name} exited (${exited}):\n${tail.slice(-2000)}`)), 50));
      });
    },
    async stop() {
      running.delete(handle);
      if (exited !== null) return;
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(killed);
    },
  };
  running.add(handle);
  return handle;
}

/**
 * The V8 flags production runs Trellis with, per role: `npm start` (the api, or both roles in one
 * process) and `npm run start:worker` (a worker), as package.json has them; the Docker image's
 * NODE_OPTIONS and docker-compose.yml's workers carry the same (a unit test keeps them equal).
 * Workers add a 4 MB young generation (memory at 10,000 people), which cost the api a fifth of its
 * ingress rate (docs/performance.md), so the api keeps V8's default.
 */
export function productionNodeFlags(role: 'api' | 'all' | 'worker' = 'all'): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (role === 'worker' ? scripts['start:worker'] : scripts.start)?.split(/\s+/) ?? [];
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/cli.js')).filter((w) => w.startsWith('--'));
}

/** The node arguments that run `trellis <args>` as production does (the role's flags), with the chosen runner. */
export function trellisArgs(runner: Runner, args: readonly string[]): string[] {
  const role = args[args.indexOf('--role') + 1];
  const flags = productionNodeFlags(role === 'worker' || role === 'api' ? role : 'all');
  return runner === 'dist' ? [...flags, 'dist/cli.js', ...args] : [...flags, '--import', 'tsx', 'src/cli.ts', ...args];
}

/** The node arguments that run a TypeScript file of the bench. */
export function tsArgs(file: string, args: readonly string[] = []): string[] {
  return ['--import', 'tsx', join(ROOT, file), ...args];
}

/**
 * `dist/` as production runs it: rebuilt when any source file is newer than the last build. When the
 * build fails (another engineer's work in progress), children run the sources through tsx instead,
 * which costs a little memory (the loader thread) and says so in the results.
 */
export async function ensureBuild(print: (line: string) => void): Promise<Runner> {
  const built = join(ROOT, 'dist/cli.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt > 0 && newestMtime(join(ROOT, 'src')) <= builtAt) return 'dist';
  print('building dist/ (sources changed since the last build)...');
  const code = await new Promise<number>((resolve) => {
    const p = spawn('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    p.once('exit', (c) => {
      if (c !== 0) print(`build failed; children run through tsx instead:\n${err}`);
      resolve(c ?? 1);
    });
  });
  return code === 0 ? 'dist' : 'tsx';
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
