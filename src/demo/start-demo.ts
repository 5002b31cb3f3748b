import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { startSimulator } from '../sim/index.js';
import type { RunningSim } from '../sim/index.js';

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

/**
 * Demo mode: the built-in GitLab simulator seeded with a demo department, and a Config pointing
 * Trellis at it. `register` adds the project webhook once Trellis listens.
 */
export async function startDemo(config: Config, simPort: number): Promise<{ sim: RunningSim; config: Config; register(trellisUrl: string): Promise<void>; instructions(trellisUrl: string): string[] }> {
  const sim = await startSimulator({ port: simPort, host: config.demoSimHost });
  const roster = await readFile(DEMO_ROSTER, 'utf8');
  const seed = await sim.seed({
    users: [
      { username: 'trellis-bot', name: 'Trellis', tokens: [BOT_TOKEN] },
      ...DEMO_PEOPLE.map((u) => ({ username: u, name: u[0]!.toUpperCase() + u.slice(1), tokens: [`demo-${u}-token`] })),
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
      { path: 'infra/access-requests', name: 'Access requests', default_branch: 'main', members: [{ username: 'trellis-bot', access_level: 30 }] },
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
  });
  const projectId = seed.projects[DEMO_PROJECT]?.id;
  return {
    sim,
    config: demoConfig,
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
    instructions(trellisUrl) {
      return [
        '',
        'Trellis demo mode: no GITLAB_URL set, so Trellis runs against its built-in GitLab simulator.',
        `  GitLab simulator   ${sim.url}/api/v4   (root token: ${sim.rootToken})`,
        `  department project ${DEMO_PROJECT} (id ${projectId}), roster in .trellis/roster.yml`,
        `  private records    ${DEMO_RECORDS_GROUP}/<person>: each report's checkpoints and career conversation, readable by them, their manager and vera (record reader)`,
        `  Trellis            ${trellisUrl}   (health: ${trellisUrl}/healthz, readiness: ${trellisUrl}/readyz)`,
        config.dashboardToken ? `  dashboard          ${trellisUrl}/dashboard   (sign in with DASHBOARD_TOKEN)` : '  dashboard          off: set DASHBOARD_TOKEN to turn on /dashboard and /admin/queues',
        `  people             ${DEMO_PEOPLE.join(', ')}: token demo-<name>-token (e.g. demo-alice-token)`,
        '',
        'Try it (as alice, with curl or any GitLab client):',
        `  curl -s -H 'PRIVATE-TOKEN: demo-alice-token' -H 'content-type: application/json' \\`,
        `    -X POST ${sim.url}/api/v4/projects/${projectId}/issues -d '{"title":"hello"}'`,
        `  curl -s -H 'PRIVATE-TOKEN: demo-alice-token' ${sim.url}/api/v4/projects/${projectId}/issues | head -c 600`,
        '',
      ];
    },
  };
}
