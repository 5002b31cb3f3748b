import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import path from 'node:path';
import type { Log } from '../core/log.js';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/**
 * The Redis to use. With REDIS_URL set, that. Otherwise 127.0.0.1:6379 if something answers there,
 * else a private `redis-server` (append-only file on) in `dataDir`, started and announced, so
 * `npm start` works on a fresh machine that has redis-server installed but not running.
 */
export async function ensureRedis(opts: {
  url: string | undefined;
  dataDir: string;
  log: Log;
  print?: (line: string) => void;
  /** Where to look first (tests change it); default 6379. */
  defaultPort?: number;
  /** Where the private one listens; default 6391. */
  privatePort?: number;
}): Promise<{ url: string; stop?: () => void }> {
  if (opts.url) return { url: opts.url };
  const defaultPort = opts.defaultPort ?? 6379;
  if (await answers('127.0.0.1', defaultPort)) return { url: defaultPort === 6379 ? DEFAULT_URL : `redis://127.0.0.1:${defaultPort}` };
  const port = opts.privatePort ?? 6391;
  if (await answers('127.0.0.1', port)) return { url: `redis://127.0.0.1:${port}` };
  const dir = path.resolve(opts.dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''], {
    stdio: 'ignore',
    detached: false,
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`nothing answers on 127.0.0.1:6379, REDIS_URL is unset, and redis-server could not start (${err.message}); install Redis or set REDIS_URL`)));
  });
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([answers('127.0.0.1', port), failed]))) {
    if (Date.now() > deadline) throw new Error('started redis-server but it did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const line = `No Redis on 127.0.0.1:${defaultPort} and REDIS_URL unset: started a private redis-server on 127.0.0.1:${port} (append-only file in ${dir}).`;
  opts.log.info({ port, dir }, 'started a private redis-server');
  opts.print?.(line);
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (d) => done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')));
  });
}
