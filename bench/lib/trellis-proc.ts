import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startChild, trellisArgs, waitForHttp } from './proc.js';
import type { Child, Runner } from './proc.js';
import { REDIS_URL } from './redis.js';

export const WEBHOOK_SECRET = 'bench-secret';

/** What a Trellis child process is pointed at. */
export interface TrellisTarget {
  readonly runner: Runner;
  readonly prefix: string;
  /** The simulator's URL; the api role never calls it but needs it configured to leave demo mode. */
  readonly gitlabUrl: string;
  readonly env?: Record<string, string>;
}

/** A free loopback port (the api role prints its address only at info level, which the bench keeps quiet). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function env(t: TrellisTarget, extra: Record<string, string>): Record<string, string> {
  return {
    GITLAB_URL: t.gitlabUrl,
    GITLAB_TOKEN: 'tok-trellis-bot',
    GITLAB_PROJECT: 'infra/career',
    WEBHOOK_SECRET,
    REDIS_URL,
    TRELLIS_QUEUE_PREFIX: t.prefix,
    HOST: '127.0.0.1',
    // Request logs at info would measure pino writing to a pipe, not Trellis; warnings still show.
    LOG_LEVEL: 'warn',
    TRELLIS_SHUTDOWN_TIMEOUT_MS: '5000',
    ...t.env,
    ...extra,
  };
}

/** `trellis serve --role api` in its own process; resolves once /healthz answers. */
export async function startApi(t: TrellisTarget): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = startChild('trellis api', trellisArgs(t.runner, ['serve', '--role', 'api']), env(t, { PORT: String(port) }));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 30_000).catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  return { child, url };
}

/**
 * `trellis serve --role worker` in its own process; resolves once it says it started (info level:
 * a worker logs nothing per event it lets go, so this costs nothing while it drains).
 */
export async function startWorker(t: TrellisTarget, name: string): Promise<Child> {
  const child = startChild(name, trellisArgs(t.runner, ['serve', '--role', 'worker']), env(t, { LOG_LEVEL: 'info' }));
  await child.waitFor(/"msg":"trellis started"/, 60_000).catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  return child;
}
