import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { AppError } from '../core/errors.js';
import { startSimulator } from '../sim/index.js';
import type { RunningSim } from '../sim/index.js';
import { demoStatePath, runningDemo } from './demo-state.js';
import { demoToken } from './demo-client.js';

export const DEMO_ROSTER = fileURLToPath(new URL('../../demo/roster.yml', import.meta.url));
export const DEMO_PROJECT = 'infra/career';
/** The group of the demo department's private records projects: top-level, so no parent group's members inherit access. */
export const DEMO_RECORDS_GROUP = 'career-records';
const BOT_TOKEN = 'demo-trellis-bot-token';
const SECRET = 'demo-webhook-secret';
/** The Redis key prefix of demo mode's queues and caches. */
export const DEMO_PREFIX = '{trellis-demo}';

/** People of the demo roster, who get simulator accounts with token `demo-<name>-token`. */
export const DEMO_PEOPLE = ['vera', 'carol', 'erin', 'dave', 'frank', 'grace', 'alice', 'bob', 'sam', 'olivia', 'pat', 'dan', 'sofia', 'ian'];

/** A demo's simulator, seeded, and the Config that points Trellis at it. */
export interface StartedDemo {
  readonly sim: RunningSim;
  readonly config: Config;
  readonly projectId: number;
  /** Adds the department project's webhook once Trellis listens at `trellisUrl`. */
  register(trellisUrl: string): Promise<void>;
}

/**
 * Throws when another demo of this data directory runs: a second one would clear the Redis keys the
 * first one works with (demo mode starts from empty state).
 */
export function refuseSecondDemo(config: Config): void {
  const other = runningDemo(demoStatePath(config.dataDir));
  if (other && other.pid !== process.pid) {
    throw new AppError('config_invalid', `a Trellis demo is already running at ${other.trellisUrl} (pid ${other.pid}); stop it first, or use \`npx trellis <command>\` to work with it`);
  }
}

/**
 * Demo mode: the built-in GitLab simulator seeded with a demo department (people, projects, the
 * roster), and a Config pointing Trellis at it, with the dashboard on.
 */
export async function startDemo(config: Config, simPort: number): Promise<StartedDemo> {
  const sim = await startSimulator({ port: simPort, host: config.demoSimHost });
  const roster = await readFile(DEMO_ROSTER, 'utf8');
  const seed = await sim.seed({
    users: [
      { username: 'trellis-bot', name: 'Trellis', tokens: [BOT_TOKEN] },
      ...DEMO_PEOPLE.map((u) => ({ username: u, name: u[0]!.toUpperCase() + u.slice(1), tokens: [demoToken(u)] })),
    ],
    // The records group holds each report's private records project; only the bot is a member of it
    // (and the roster's record readers, added by setup), so no department member inherits access.
    groups: [
      { path: 'infra', name: 'Infrastructure' },
      { path: DEMO_RECORDS_GROUP, name: 'Career records', members: [{ username: 'trellis-bot', access_level: 50 }] },
    ],
    projects: [
      {
        path: DEMO_PROJECT,
        name: 'Career',
        default_branch: 'main',
        members: [{ username: 'trellis-bot', access_level: 40 }, ...DEMO_PEOPLE.map((u) => ({ username: u, access_level: 30 }))],
        files: { '.trellis/roster.yml': roster, 'README.md': '# Career development records\n\nManaged with Trellis.\n' },
      },
      // The roster's access_requests_project: interns' access requests are assigned there, and setup
      // adds the hook that tells Trellis when one closes (which needs the bot to be Maintainer).
      {
        path: 'infra/access-requests',
        name: 'Access requests',
        default_branch: 'main',
        members: [{ username: 'trellis-bot', access_level: 40 }, ...DEMO_PEOPLE.map((u) => ({ username: u, access_level: 30 }))],
      },
    ],
  });
  // The administrator who made the records group leaves it (the bot is its Owner): an Owner reads every record.
  const left = await fetch(`${sim.url}/api/v4/groups/${encodeURIComponent(DEMO_RECORDS_GROUP)}/members/1`, { method: 'DELETE', headers: { 'private-token': sim.rootToken } });
  if (!left.ok && left.status !== 404) throw new Error(`demo: root could not leave ${DEMO_RECORDS_GROUP}: ${left.status} ${await left.text()}`);
  const demoConfig: Config = Object.freeze({
    ...config,
    gitlab: { url: sim.url, token: BOT_TOKEN, project: DEMO_PROJECT, recordsGroup: DEMO_RECORDS_GROUP },
    // Each demo starts a new, empty simulator: its queues and caches must not meet a real deployment's
    // or an earlier demo's (serve clears this prefix at start).
    queuePrefix: config.queuePrefix === '{trellis}' ? DEMO_PREFIX : config.queuePrefix,
    webhookSecrets: config.webhookSecrets.length > 0 ? config.webhookSecrets : [SECRET],
    // A new token for each demo run (printed at start, kept in the demo state file), unless one is set.
    dashboardToken: config.dashboardToken ?? randomBytes(12).toString('base64url'),
  });
  const projectId = seed.projects[DEMO_PROJECT]?.id ?? 0;
  return {
    sim,
    config: demoConfig,
    projectId,
    async register(trellisUrl) {
      const res = await fetch(`${sim.url}/api/v4/projects/${projectId}/hooks`, {
        method: 'POST',
        headers: { 'private-token': sim.rootToken, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: `${trellisUrl}/webhooks/gitlab`,
          token: demoConfig.webhookSecrets[0],
          issues_events: true,
          confidential_issues_events: true,
          note_events: true,
          confidential_note_events: true,
          push_events: true,
        }),
      });
      if (!res.ok) throw new Error(`demo: registering the webhook failed: ${res.status} ${await res.text()}`);
    },
  };
}
