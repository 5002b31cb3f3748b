import { demoUser, issueTitled, projectRef, reload, scoped, tickItems, waitFor } from '../demo/demo-client.js';
import type { DemoIssue, DemoUser } from '../demo/demo-client.js';
import type { DemoState } from '../demo/demo-state.js';
import { REQUEST_STORY } from '../demo/seed-demo.js';

export interface TourOptions {
  readonly print: (line: string) => void;
  /** How long each step waits for Trellis to answer. */
  readonly timeoutMs?: number;
}

/** One step of the tour: who does what, and what Trellis is expected to do about it. */
interface Step {
  readonly title: string;
  run(): Promise<string[]>;
}

/**
 * `trellis tour`: a short story played against the running demo, through GitLab's REST API as the demo
 * people: alice ticks an item of her SRE II module and Trellis moves its label; grace approves ian's
 * internship request and Trellis plans it as linked task issues; alice and carol choose the focus areas
 * of her checkpoint and Trellis moves it to in-progress. Each step prints the links of the issues it
 * changed; a step Trellis does not answer within the timeout fails the tour (exit code 1). Running it
 * again finds the steps done and says so.
 */
export async function tourCommand(state: DemoState, opts: TourOptions): Promise<number> {
  const t: Tour = { state, timeoutMs: opts.timeoutMs ?? 30_000, as: (who) => demoUser(state.gitlabUrl, who) };
  const steps: Step[] = [
    { title: 'alice ticks the first item of her SRE II training module', run: () => tickModule(t, 'alice') },
    { title: `${REQUEST_STORY.manager}, ${REQUEST_STORY.requester}'s manager, approves the internship request`, run: () => approveRequest(t) },
    { title: 'alice and carol choose two focus areas of her checkpoint at their first 1:1', run: () => chooseFocusAreas(t, 'alice') },
  ];
  opts.print(`Trellis tour of the demo at ${state.trellisUrl} (GitLab simulator ${state.gitlabUrl})`);
  for (const [n, step] of steps.entries()) {
    opts.print('');
    opts.print(`${n + 1}. ${step.title}`);
    try {
      for (const line of await step.run()) opts.print(`   ${line}`);
    } catch (err) {
      opts.print(`   FAILED: ${err instanceof Error ? err.message : String(err)}`);
      opts.print('');
      opts.print('The tour stopped: is the demo (npm start) still running, and are its workers answering? Its terminal shows what Trellis did.');
      return 1;
    }
  }
  opts.print('');
  opts.print(`Done. The dashboard shows the department: ${state.dashboardUrl} (token ${state.dashboardToken})`);
  return 0;
}

interface Tour {
  readonly state: DemoState;
  readonly timeoutMs: number;
  as(username: string): DemoUser;
}

async function tickModule(t: Tour, learner: string): Promise<string[]> {
  const me = t.as(learner);
  const title = `SRE II training: @${learner}`;
  const module = await issueTitled(me, t.state.project, title);
  if (!module) throw new Error(`${learner} has no "${title}" issue in ${t.state.project}: the demo was not seeded (its terminal says why)`);
  const before = scoped(module, 'sre-ii') ?? 'no state label';
  if (before !== 'sre-ii::not-started') return [`already done: the module is at ${before}`, link(t, module, learner)];
  await me.api('PUT', issuePath(module), { description: tickItems(module.description ?? '', 1) });
  const moved = await until(t, me, module, `Trellis to move ${title} from ${before}`, (i) => scoped(i, 'sre-ii') === 'sre-ii::in-progress');
  return [`Trellis moved the label ${before} → ${scoped(moved, 'sre-ii')} and updated its status note`, link(t, moved, learner)];
}

async function approveRequest(t: Tour): Promise<string[]> {
  const { requester, manager, title } = REQUEST_STORY;
  const boss = t.as(manager);
  const request = await issueTitled(boss, t.state.project, title);
  if (!request) throw new Error(`there is no "${title}" issue in ${t.state.project}: the demo was not seeded (its terminal says why)`);
  const before = scoped(request, 'internship');
  if (before === 'internship::pending-approval') {
    await boss.api('POST', `${issuePath(request)}/notes`, { body: '@trellis-bot approve' });
  } else if (before !== 'internship::active' && before !== 'internship::approved') {
    throw new Error(`${requester}'s request is at ${before ?? 'no internship:: label'}, not waiting for approval`);
  }
  const active = await until(t, boss, request, `Trellis to plan ${requester}'s internship`, (i) => scoped(i, 'internship') === 'internship::active');
  const links = await boss.api<DemoIssue[]>('GET', `${issuePath(request)}/links`);
  return [
    `${before === 'internship::pending-approval' ? `Trellis recorded the approval: ${before} → ${scoped(active, 'internship')}` : `already done: the request is at ${scoped(active, 'internship')}`}`,
    link(t, active, manager),
    `${links.length} linked issues (tasks, an access request, training modules):`,
    ...links.map((l) => `  ${l.title}  ${l.web_url}`),
  ];
}

async function chooseFocusAreas(t: Tour, report: string): Promise<string[]> {
  const me = t.as(report);
  const project = `${t.state.recordsGroup}/${report}`;
  const found = await me.api<DemoIssue[]>('GET', `/projects/${projectRef(project)}/issues?labels=career-checkpoint&state=opened&per_page=100`);
  const checkpoint = found.filter((i) => i.title.endsWith(`career checkpoint: @${report}`)).sort((a, b) => b.iid - a.iid)[0];
  if (!checkpoint) throw new Error(`${report} has no open checkpoint in ${project}: the quarter was not opened (the demo's terminal says why)`);
  const before = scoped(checkpoint, 'checkpoint') ?? 'no checkpoint:: label';
  if (before !== 'checkpoint::planning') return [`already done: the checkpoint is at ${before}`, link(t, checkpoint, report)];
  await me.api('PUT', issuePath(checkpoint), { description: tickItems(checkpoint.description ?? '', 2, '## Focus areas') });
  const moved = await until(t, me, checkpoint, `Trellis to move ${checkpoint.title} from ${before}`, (i) => scoped(i, 'checkpoint') === 'checkpoint::in-progress');
  return [`Trellis moved the label ${before} → ${scoped(moved, 'checkpoint')}; only ${report}, their manager and the record readers can open it`, link(t, moved, report)];
}

function issuePath(issue: Pick<DemoIssue, 'project_id' | 'iid'>): string {
  return `/projects/${issue.project_id}/issues/${issue.iid}`;
}

/** The issue's GitLab link, and the simulator's API address of it that opens in a browser. */
function link(t: Tour, issue: DemoIssue, who: string): string {
  return `${issue.title}: ${issue.web_url}\n     (in a browser: ${t.state.gitlabUrl}/api/v4${issuePath(issue)}?private_token=demo-${who}-token)`;
}

function until(t: Tour, user: DemoUser, issue: DemoIssue, what: string, done: (i: DemoIssue) => boolean): Promise<DemoIssue> {
  return waitFor(what, async () => {
    const now = await reload(user, issue);
    return done(now) ? now : null;
  }, t.timeoutMs);
}
