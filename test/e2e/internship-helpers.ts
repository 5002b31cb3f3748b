import { expect } from 'vitest';
import { BOT, PROJECT } from '../helpers/e2e.js';
import { runTaskProjectsSetup } from '../../src/workflows/setup/task-projects-setup.js';
import type { ApiIssue, ApiNote, E2E } from '../helpers/e2e.js';
import { requestText } from '../unit/internship-fixtures.js';
import type { Answers } from '../unit/internship-fixtures.js';

/** What the internship e2e suites look at, as a person would in GitLab. */

export const ACCESS_PROJECT = 'infra/access-requests';

/** A person picks the "Internship request" template, fills it in and saves it (its quick actions run as them). */
export async function openRequest(e2e: E2E, who: string, answers: Answers = {}): Promise<ApiIssue> {
  const made = await e2e.as(who).createIssue({ title: `Internship request: ${who}`, description: requestText(answers, { quickActions: true }) });
  await e2e.settle();
  return e2e.as(who).issue(made.iid);
}

/** The request's `internship::` label. */
export function stateOf(issue: ApiIssue): string | undefined {
  return issue.labels.find((l) => l.startsWith('internship::'));
}

/** Trellis's notes on an issue of the records project (or another project by id). */
export async function botNotes(e2e: E2E, iid: number, projectId = e2e.projectId): Promise<ApiNote[]> {
  const notes = await e2e.as('root').api<ApiNote[]>('GET', `/projects/${projectId}/issues/${iid}/notes?per_page=100&sort=asc`);
  return notes.filter((n) => !n.system && n.author.username === BOT);
}

/** Trellis's one status note on a request. */
export async function statusNote(e2e: E2E, iid: number): Promise<string> {
  const notes = (await botNotes(e2e, iid)).filter((n) => n.body.includes('<!-- trellis:status:internship -->'));
  expect(notes, `status notes on #${iid}`).toHaveLength(1);
  return notes[0]!.body;
}

/** Trellis's replies on a request (every note but the status note), oldest first. */
export async function replies(e2e: E2E, iid: number): Promise<string[]> {
  return (await botNotes(e2e, iid)).map((n) => n.body).filter((b) => !b.includes('<!-- trellis:status:internship -->'));
}

/** The id of the access-requests project. */
export async function accessProjectId(e2e: E2E): Promise<number> {
  return (await e2e.as('root').api<{ id: number }>('GET', `/projects/${encodeURIComponent(ACCESS_PROJECT)}`)).id;
}

/**
 * Makes the access-requests project what it is in a department (everyone may see it, so requests
 * can be assigned to them) and, when `hook`, lets `trellis setup` do its part there: with the bot
 * made Maintainer, setup's task-projects step registers the hook that sends its events to Trellis.
 */
export async function openAccessProject(e2e: E2E, people: readonly string[], opts: { hook: boolean }): Promise<number> {
  const id = await accessProjectId(e2e);
  const root = e2e.as('root');
  for (const username of people) await root.api('POST', `/projects/${id}/members`, { user_id: e2e.users[username], access_level: 30 });
  if (opts.hook) {
    await root.api('PUT', `/projects/${id}/members/${e2e.users[BOT]}`, { access_level: 40 });
    const setup = await runTaskProjectsSetup({
      gitlab: e2e.trellis.gitlab!,
      roster: await e2e.trellis.roster!.current(),
      departmentProject: PROJECT,
      webhook: { publicUrl: e2e.trellis.url, secret: 'e2e-secret', resetToken: false },
      dryRun: false,
    });
    expect(setup.rows.map((r) => r.outcome), JSON.stringify(setup.rows)).toEqual(['create']);
  }
  return id;
}

/** A request's task issues (records project and access-requests project), by the kind their marker names. */
export async function tasksOf(e2e: E2E, requestIid: number): Promise<Record<string, ApiIssue[]>> {
  const search = encodeURIComponent(`trellis:internship-task:${requestIid}/`);
  const root = e2e.as('root');
  const here = await root.api<ApiIssue[]>('GET', `/projects/${e2e.projectId}/issues?state=all&per_page=100&search=${search}`);
  const there = await root.api<ApiIssue[]>('GET', `/projects/${await accessProjectId(e2e)}/issues?state=all&per_page=100&search=${search}`);
  const out: Record<string, ApiIssue[]> = {};
  for (const issue of [...here, ...there]) {
    const kind = new RegExp(`trellis:internship-task:${requestIid}/([a-z-]+) -->`).exec(issue.description ?? '')?.[1];
    if (kind) (out[kind] ??= []).push(issue);
  }
  return out;
}

/** The one task of a kind; fails when there is none or more than one. */
export async function theTask(e2e: E2E, requestIid: number, kind: string): Promise<ApiIssue> {
  const found = (await tasksOf(e2e, requestIid))[kind] ?? [];
  expect(found.map((i) => i.iid), `${kind} tasks of #${requestIid}`).toHaveLength(1);
  return found[0]!;
}

/** Closes or reopens an issue in the records project (or another project by id) as `who`. */
export async function setState(e2e: E2E, who: string, issue: ApiIssue, state: 'close' | 'reopen', projectId = e2e.projectId): Promise<void> {
  await e2e.as(who).api('PUT', `/projects/${projectId}/issues/${issue.iid}`, { state_event: state });
  await e2e.settle();
}

/** Issues linked to a request: `#iid` in the records project, `path#iid` elsewhere. */
export async function links(e2e: E2E, iid: number): Promise<string[]> {
  const found = await e2e.as('root').api<Array<{ iid: number; project_id: number }>>('GET', `/projects/${e2e.projectId}/issues/${iid}/links`);
  const access = await accessProjectId(e2e);
  return found.map((l) => (l.project_id === e2e.projectId ? `#${l.iid}` : l.project_id === access ? `${ACCESS_PROJECT}#${l.iid}` : `?#${l.iid}`)).sort();
}
