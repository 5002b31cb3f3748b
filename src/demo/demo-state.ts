import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a running demo tells the `trellis` commands of a second terminal: where its GitLab simulator,
 * Trellis and Redis are, and the tokens to use. Kept in `<TRELLIS_DATA_DIR>/demo.json` (mode 0600: it
 * holds tokens), written once the demo is ready and removed when it stops.
 */
export interface DemoState {
  readonly pid: number;
  readonly startedAt: string;
  readonly trellisUrl: string;
  readonly gitlabUrl: string;
  /** The bot's token: what Trellis itself uses. */
  readonly token: string;
  readonly rootToken: string;
  readonly project: string;
  readonly recordsGroup: string;
  readonly webhookSecret: string;
  readonly dashboardUrl: string;
  readonly dashboardToken: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
}

/** Where the running demo's state is, for a data directory (relative to the working directory). */
export function demoStatePath(dataDir: string): string {
  return path.resolve(dataDir, 'demo.json');
}

/** Writes the state, readable by this user only. */
export function writeDemoState(file: string, state: DemoState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the state if it is this process's (a newer demo may have replaced it). */
export function removeDemoState(file: string, pid = process.pid): void {
  const state = readState(file);
  if (state?.pid === pid) rmSync(file, { force: true });
}

/** The state of a demo that is running now; null when there is none, or its process is gone (a crash left the file). */
export function runningDemo(file: string): DemoState | null {
  const state = readState(file);
  return state && alive(state.pid) ? state : null;
}

/** The variables a command reads, as the running demo has them. */
export function demoEnv(state: DemoState): Record<string, string> {
  return {
    GITLAB_URL: state.gitlabUrl,
    GITLAB_TOKEN: state.token,
    GITLAB_PROJECT: state.project,
    TRELLIS_RECORDS_GROUP: state.recordsGroup,
    WEBHOOK_SECRET: state.webhookSecret,
    DASHBOARD_TOKEN: state.dashboardToken,
    REDIS_URL: state.redisUrl,
    TRELLIS_QUEUE_PREFIX: state.queuePrefix,
  };
}

const GITLAB_VARS = ['GITLAB_URL', 'GITLAB_TOKEN', 'GITLAB_PROJECT'] as const;

/**
 * The environment a command runs with: as given when it names a GitLab; otherwise the running demo's
 * settings under it (a variable that is set always wins), announced with one line.
 */
export function withRunningDemo(env: Record<string, string | undefined>, announce: (line: string) => void): Record<string, string | undefined> {
  if (GITLAB_VARS.some((k) => env[k])) return env;
  const state = runningDemo(demoStatePath(env.TRELLIS_DATA_DIR || '.trellis-data'));
  if (!state) return env;
  announce(`using the running demo at ${state.trellisUrl} (GitLab simulator ${state.gitlabUrl}, pid ${state.pid})`);
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return { ...demoEnv(state), ...given };
}

function readState(file: string): DemoState | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoState>;
    return typeof parsed.pid === 'number' && typeof parsed.gitlabUrl === 'string' && typeof parsed.trellisUrl === 'string' ? (parsed as DemoState) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
