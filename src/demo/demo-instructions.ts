import { DEMO_PEOPLE } from './start-demo.js';
import { REQUEST_STORY } from './seed-demo.js';
import type { DemoIssue } from './demo-client.js';
import type { DemoState } from './demo-state.js';

export interface InstructionsInput {
  readonly state: DemoState;
  readonly projectId: number;
  /** Where the state file is; null when it could not be written (then commands need the variables). */
  readonly stateFile: string | null;
  /** The issue a seeded person's story left (by username). */
  readonly issue: (who: string) => DemoIssue | undefined;
  readonly seconds: number;
  readonly problems: readonly string[];
}

/** What demo mode prints once it is ready: where everything is, and commands that work when pasted. */
export function demoInstructions(i: InstructionsInput): string[] {
  const { state } = i;
  const api = `${state.gitlabUrl}/api/v4`;
  const bob = i.issue('bob');
  const request = i.issue(REQUEST_STORY.requester);
  const note = (who: string, iid: number, body: string) => [
    `  curl -s -o /dev/null -w '%{http_code}\\n' -X POST -H 'PRIVATE-TOKEN: demo-${who}-token' -H 'content-type: application/json' \\`,
    `    -d '{"body":"${body}"}' ${api}/projects/${i.projectId}/issues/${iid}/notes`,
  ];
  return [
    '',
    `Trellis demo ready in ${i.seconds} s${i.problems.length ? ` (${i.problems.length} seeding step${i.problems.length === 1 ? '' : 's'} failed, see above)` : ''}: no GITLAB_URL set, so Trellis runs against its built-in GitLab simulator.`,
    `  Trellis            ${state.trellisUrl}   (health ${state.trellisUrl}/healthz, readiness ${state.trellisUrl}/readyz)`,
    `  dashboard          ${state.dashboardUrl}   token ${state.dashboardToken}`,
    `  GitLab simulator   ${api}   (REST API and webhooks, no web pages; add ?private_token=demo-<name>-token to read in a browser)`,
    `  department project ${state.project} (id ${i.projectId}): training modules, internship requests, the roster in .trellis/roster.yml`,
    `  private records    ${state.recordsGroup}/<person>: each report's checkpoints and big-picture conversation`,
    `  people             ${DEMO_PEOPLE.join(', ')}: token demo-<name>-token`,
    i.stateFile ? `  demo state         ${i.stateFile}   (how \`npx trellis <command>\` in this directory finds this demo)` : '  demo state         not written: set GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT for other commands',
    '',
    'Try it, in a second terminal in this directory:',
    '  npx trellis tour                        # a short story: a tick moves a label, a manager approves an internship, a checkpoint gets its focus areas',
    '  npx trellis plan quarter                # the checkpoints and big-picture conversations of this quarter',
    '  npx trellis report gearing --dry-run    # the Staff+ IC gearing table',
    `  open ${state.dashboardUrl} in a browser and sign in with the token above`,
    '',
    'Or by hand, with curl as the demo people:',
    ...(bob ? [`  # carol signs off bob's SRE I (#${bob.iid}, at review): Trellis closes it and opens his SRE II`, ...note('carol', bob.iid, '@trellis-bot sign-off')] : []),
    ...(request ? [`  # grace approves ian's internship request (#${request.iid}): Trellis plans it as linked task issues`, ...note(REQUEST_STORY.manager, request.iid, '@trellis-bot approve')] : []),
    '  # every training module and its label, as carol sees them',
    `  curl -s -H 'PRIVATE-TOKEN: demo-carol-token' '${api}/projects/${i.projectId}/issues?labels=training-module&state=all' | grep -o '"title":"[^"]*"\\|"sre-i*::[a-z-]*"'`,
    '',
  ];
}
