import { expect } from 'vitest';
import pino from 'pino';
import { BOT } from '../helpers/e2e.js';
import type { ApiIssue, ApiNote, E2E, IssueTarget } from '../helpers/e2e.js';

/** What the checkpoint e2e suites look at, as a person would in GitLab. */

/** A small department: vera manages carol and erin; carol manages alice and bob; erin manages olivia. */
export { DEPARTMENT } from '../unit/checkpoint-fixtures.js';

export const REPORTS = ['carol', 'erin', 'alice', 'bob', 'olivia'];
export const MANAGER: Record<string, string> = { carol: 'vera', erin: 'vera', alice: 'carol', bob: 'carol', olivia: 'erin' };

const log = pino({ level: process.env.E2E_LOG ?? 'silent' });

/** Runs a checkpoint job as its schedule would, then waits for what it queued and the webhooks. */
export async function runJob(e2e: E2E, name: string, data: Record<string, unknown> = {}): Promise<void> {
  await e2e.trellis.dispatcher!.runJob(name, data, log);
  await e2e.settle();
}

/** Every private record (any state) in the people's records projects, as an administrator sees them. */
export async function allIssues(e2e: E2E, query: Record<string, string> = {}): Promise<ApiIssue[]> {
  return e2e.as('root').recordIssues(query);
}

/** The quarter's checkpoints by report; fails when a report has more than one. */
export async function checkpoints(e2e: E2E, quarter: string): Promise<Map<string, ApiIssue>> {
  const issues = await allIssues(e2e, { labels: `quarter::${quarter}` });
  const out = new Map<string, ApiIssue>();
  for (const issue of issues) {
    const who = /career checkpoint: @(\S+)$/.exec(issue.title)?.[1] ?? '?';
    expect(out.has(who), `${who} has two ${quarter} checkpoints`).toBe(false);
    out.set(who, issue);
  }
  return out;
}

/** The report's one checkpoint of a quarter. */
export async function checkpointOf(e2e: E2E, quarter: string, report: string): Promise<ApiIssue> {
  const found = (await checkpoints(e2e, quarter)).get(report);
  expect(found, `${report}'s ${quarter} checkpoint`).toBeDefined();
  return found!;
}

/** Big-picture conversations by person; fails on a second one. */
export async function conversations(e2e: E2E): Promise<Map<string, ApiIssue>> {
  const out = new Map<string, ApiIssue>();
  for (const issue of await allIssues(e2e, { labels: 'career-conversation' })) {
    const who = /conversation: @(\S+)$/.exec(issue.title)?.[1] ?? '?';
    expect(out.has(who), `${who} has two conversations`).toBe(false);
    out.set(who, issue);
  }
  return out;
}

/** The scoped checkpoint state. */
export function stateOf(issue: ApiIssue): string | undefined {
  return issue.labels.find((l) => l.startsWith('checkpoint::'));
}

export function assigneesOf(issue: ApiIssue): string[] {
  return issue.assignees.map((a) => a.username).sort();
}

/** Trellis's notes on an issue. */
export async function botNotes(e2e: E2E, issue: IssueTarget): Promise<ApiNote[]> {
  return (await e2e.as('root').notes(issue)).filter((n) => !n.system && n.author.username === BOT);
}

/** Trellis's one status note (fails when there are two). */
export async function statusNote(e2e: E2E, issue: IssueTarget): Promise<string | undefined> {
  const notes = (await botNotes(e2e, issue)).filter((n) => n.body.includes('<!-- trellis:status:checkpoint -->'));
  expect(notes.length, `status notes on ${JSON.stringify(issue)}`).toBeLessThanOrEqual(1);
  return notes[0]?.body;
}

/** Ticking focus areas and writing the summary, as people do in the description. */
export { tickAreas, withSummary } from '../unit/checkpoint-fixtures.js';
