import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { keysStartingWith } from '../../src/redis/clear-prefix.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { until } from './reliability-helpers.js';

/**
 * `trellis serve --role worker` as a child process, as it runs in production, so a test can SIGKILL
 * it mid-job. It runs in one Node process (`node --import tsx`, not the `tsx` launcher, which would
 * leave the real process running when the launcher is killed).
 */
export interface WorkerProcess {
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<string>;
  /** The last lines it logged, for failure messages. */
  tail(): string;
  kill(signal: NodeJS.Signals): Promise<string>;
}

/**
 * Starts a worker process with `env` over a clean environment, and waits until it logged `trellis started`.
 * `nodeFlags`: V8 flags before the script, e.g. `productionNodeFlags()` for the heap production runs with;
 * `onLine`: sees every whole line it logs.
 */
export async function startWorkerProcess(env: Record<string, string>, opts: { nodeFlags?: readonly string[]; onLine?: (line: string) => void } = {}): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', 'src/cli.ts', 'serve', '--role', 'worker'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let started = false;
  // One reader per stream, each keeping the unfinished end of its last chunk.
  const lineReader = () => {
    let partial = '';
    return (chunk: Buffer) => onText(partial, chunk, (rest) => (partial = rest));
  };
  const onText = (partial: string, chunk: Buffer, keep: (rest: string) => void) => {
    const text = partial + chunk.toString('utf8');
    const cut = text.lastIndexOf('\n');
    keep(text.slice(cut + 1));
    for (const line of text.slice(0, cut + 1).split('\n')) {
      if (line.trim() === '') continue;
      opts.onLine?.(line);
      if (line.includes('"trellis started"')) started = true;
      lines.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (lines.length > 60) lines.shift();
    }
  };
  child.stdout?.on('data', lineReader());
  child.stderr?.on('data', lineReader());
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  let gone = false;
  void exited.then(() => (gone = true));
  const tail = () => lines.join('\n');
  try {
    await until('the worker process to start', () => {
      if (gone) throw new Error(`worker process exited at start:\n${tail()}`);
      return started;
    }, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid ?? 0,
    exited,
    tail,
    async kill(signal) {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}

/**
 * After a worker process died, what Redis does by itself within 30 s: the dead process's locks expire
 * (BullMQ's job locks, `lockDuration` 30 s, its stalled-check throttle key, and Trellis's own record
 * locks, 30 s TTL). Setting them to expire now stands in for waiting; nothing else about the process's
 * work is touched.
 */
export async function expireDeadLocks(redis: Redis, prefix: string, queueName: string): Promise<number> {
  // The throttle key of the stalled check the dead process last ran (PX stalledInterval).
  let expired = await redis.pexpire(`${prefix}:${queueName}:stalled-check`, 1);
  for (const id of await redis.lrange(`${prefix}:${queueName}:active`, 0, -1)) expired += await redis.pexpire(`${prefix}:${queueName}:${id}:lock`, 1);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', keysStartingWith(`${prefix}:lock:`), 'COUNT', 1000);
    cursor = next;
    for (const key of keys) expired += await redis.pexpire(key, 1);
  } while (cursor !== '0');
  await new Promise((r) => setTimeout(r, 20));
  return expired;
}

/**
 * BullMQ's own stalled-job check (the one every worker runs each `stalledInterval`, 30 s by default),
 * run by a stand-alone checker that processes nothing, every 200 ms until `done` holds. A job whose
 * lock is gone is moved back to wait on the second check that sees it, as in production.
 */
export async function recoverStalled(connection: Redis, prefix: string, queueName: string, done: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const checker = new Worker(queueName, null, { connection, prefix, autorun: false, stalledInterval: 200, maxStalledCount: 1 });
  let recovered = 0;
  checker.on('stalled', () => (recovered += 1));
  checker.on('error', () => undefined);
  const running = checker.startStalledCheckTimer();
  try {
    await until(`stalled ${queueName} jobs to be moved back to wait`, done, timeoutMs, 100);
  } finally {
    await checker.close();
    await running.catch(() => undefined);
  }
  return recovered;
}
