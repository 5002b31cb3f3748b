import { demoUser, issueTitled, projectRef, rawFile, reload, scoped, tickItems, waitFor } from './demo-client.js';
import type { DemoIssue, DemoUser } from './demo-client.js';
import { fillRequest, mondayAfter } from './fill-request.js';

/** Where each demo person's SRE I module stands once the demo is ready. */
export const MODULE_STORIES = [
  { learner: 'alice', manager: 'carol', reach: 'complete' },
  { learner: 'bob', manager: 'carol', reach: 'review' },
  { learner: 'olivia', manager: 'erin', reach: 'in-progress' },
] as const;

/** The internship request waiting for its manager's approval when the demo is ready. */
export const REQUEST_STORY = { requester: 'ian', manager: 'grace', title: 'Internship request: ian' } as const;

export interface SeedOptions {
  readonly gitlabUrl: string;
  readonly project: string;
  readonly bot: string;
  /** The quarter's fan-out, as `trellis run-quarter` runs it; resolves with its summary line. */
  runQuarter(): Promise<string>;
  readonly print: (line: string) => void;
  readonly now: Date;
  /** How long one step may wait for Trellis. */
  readonly timeoutMs: number;
}

/**
 * Puts the demo department in motion through Trellis's own workflows: the quarter's checkpoints and
 * big-picture conversations, SRE I modules in each state (one signed off, so SRE II opened), and an
 * internship request waiting for approval. People act through the REST API and Trellis answers their
 * webhooks. Each story looks before it acts, so seeding a department that has them changes nothing.
 * Returns what it left where (by person) and the problems (a story that failed leaves the others done).
 */
export async function seedDemo(o: SeedOptions): Promise<{ issues: Map<string, DemoIssue>; problems: string[] }> {
  const stories: Array<[string, () => Promise<Told>]> = [
    ['quarter', async () => ({ line: await o.runQuarter() })],
    ...MODULE_STORIES.map((s): [string, () => Promise<Told>] => [s.learner, () => moduleStory(o, s.learner, s.manager, s.reach)]),
    [REQUEST_STORY.requester, () => requestStory(o)],
  ];
  const issues = new Map<string, DemoIssue>();
  const problems: string[] = [];
  await Promise.all(
    stories.map(async ([name, run]) => {
      try {
        const told = await run();
        if (told.issue) issues.set(name, told.issue);
        o.print(`  ✓ ${told.line}`);
      } catch (err) {
        problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        o.print(`  ✗ ${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  return { issues, problems };
}

/** What a story reports: a line for the terminal and the issue it leaves for people to look at. */
interface Told {
  readonly line: string;
  readonly issue?: DemoIssue;
}

type Reach = (typeof MODULE_STORIES)[number]['reach'];

/** The learner makes SRE I from the template, ticks items until `reach`; for `complete` the manager signs it off. */
async function moduleStory(o: SeedOptions, learner: string, manager: string, reach: Reach): Promise<Told> {
  const me = demoUser(o.gitlabUrl, learner);
  const title = `SRE I training: @${learner}`;
  let issue = await issueTitled(me, o.project, title);
  if (!issue) {
    const template = await rawFile(me, o.project, '.gitlab/issue_templates/SRE I training.md');
    const made = await me.api<DemoIssue>('POST', `/projects/${projectRef(o.project)}/issues`, { title: 'SRE I training', description: template });
    issue = await until(o, `Trellis to adopt ${learner}'s SRE I module`, me, made, (i) => i.title === title && scoped(i, 'sre-i') !== undefined);
  }
  const state = () => scoped(issue!, 'sre-i');
  if (state() === 'sre-i::not-started') {
    const ticked = tickItems(issue.description ?? '', reach === 'in-progress' ? 6 : Number.MAX_SAFE_INTEGER);
    await me.api('PUT', `/projects/${issue.project_id}/issues/${issue.iid}`, { description: ticked });
    const next = reach === 'in-progress' ? 'sre-i::in-progress' : 'sre-i::review';
    issue = await until(o, `Trellis to move ${learner}'s SRE I to ${next}`, me, issue, (i) => scoped(i, 'sre-i') === next);
  }
  if (reach === 'complete' && state() === 'sre-i::review') {
    await demoUser(o.gitlabUrl, manager).api('POST', `/projects/${issue.project_id}/issues/${issue.iid}/notes`, { body: `@${o.bot} sign-off` });
    issue = await until(o, `Trellis to record ${manager}'s sign-off of ${learner}'s SRE I`, me, issue, (i) => scoped(i, 'sre-i') === 'sre-i::complete');
  }
  if (reach === 'complete') {
    const second = await waitFor(`Trellis to open ${learner}'s SRE II`, () => issueTitled(me, o.project, `SRE II training: @${learner}`), o.timeoutMs);
    return { line: `${learner}: SRE I signed off by ${manager}, SRE II opened  ${second.web_url}`, issue: second };
  }
  return { line: `${learner}: SRE I at ${state()}  ${issue.web_url}`, issue };
}

/** The requester fills in the "Internship request" template; Trellis checks it and asks the manager to approve. */
async function requestStory(o: SeedOptions): Promise<Told> {
  const { requester, manager, title } = REQUEST_STORY;
  const me = demoUser(o.gitlabUrl, requester);
  let issue = await issueTitled(me, o.project, title);
  if (!issue) {
    const template = await rawFile(me, o.project, '.gitlab/issue_templates/Internship request.md');
    const description = fillRequest(template, {
      team: 'Verify: Pipeline Execution',
      role: 'Backend Engineer',
      manager: `@${manager}`,
      timezone: 'Europe/Dublin',
      start: mondayAfter(o.now, 3),
      length: '6 weeks',
      share: '20%',
      goal: 'How we keep Postgres healthy under load, and how an incident is run from the first page to the review.',
      pairing: 'the Redis sharding OKR',
      onCall: true,
      delivery: false,
      systems: ['Grafana', 'Kibana'],
    });
    issue = await me.api<DemoIssue>('POST', `/projects/${projectRef(o.project)}/issues`, { title, description });
  }
  issue = await until(o, `Trellis to check ${requester}'s internship request`, me, issue, (i) => scoped(i, 'internship') !== undefined && scoped(i, 'internship') !== 'internship::requested');
  return { line: `${requester}: internship request at ${scoped(issue, 'internship')}, waiting for ${manager}  ${issue.web_url}`, issue };
}

function until(o: SeedOptions, what: string, user: DemoUser, issue: DemoIssue, done: (i: DemoIssue) => boolean): Promise<DemoIssue> {
  return waitFor(what, async () => {
    const now = await reload(user, issue);
    return done(now) ? now : null;
  }, o.timeoutMs);
}
