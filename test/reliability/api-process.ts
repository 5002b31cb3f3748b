import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { productionNodeFlags } from '../../bench/lib/proc.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { REDIS_URL } from '../helpers/redis.js';
import { SECRET, until } from './reliability-helpers.js';

/** `trellis serve --role api` as a child process, with the V8 flags production runs it with (npm start, the Docker image). */
export interface ApiProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The last 20 KB it logged, for failure messages. */
  log(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<string>;
}

/** Starts the api role on a free port under `prefix`, and waits until it logged `trellis started`. */
export async function startApiProcess(prefix: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const child = spawn(process.execPath, [...productionNodeFlags('api'), '--import', 'tsx', 'src/cli.ts', 'serve', '--role', 'api'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      REDIS_URL,
      TRELLIS_QUEUE_PREFIX: prefix,
      WEBHOOK_SECRET: SECRET,
      // The api role never calls GitLab; configuring it keeps Trellis out of demo mode.
      GITLAB_URL: 'http://127.0.0.1:9',
      GITLAB_TOKEN: 'unused',
      GITLAB_PROJECT: 'infra/career',
      HOST: '127.0.0.1',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let url = '';
  const onData = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
    url ||= /"msg":"trellis started"/.test(log) ? (/"url":"([^"]+)"/.exec(log)?.[1] ?? '') : '';
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  await until('the api process to start', () => url !== '' || child.exitCode !== null, 30_000);
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`the api process did not start:\n${log}`);
  }
  return { url, child, log: () => log, exited };
}
