import type { Action } from '../core/actions.js';
import type { ApplyResult } from '../core/executor.js';
import { recordsLayout } from '../core/records-layout.js';
import type { RecordsLayout } from '../core/records-layout.js';
import type { Issue, IssueQuery } from '../core/gitlab-port.js';
import type { WorkflowContext } from './workflow.js';

/*
 * Private career records (checkpoints, big-picture conversations) as workflows reach them: each in
 * its person's records project (core/records-layout.ts), listed for the whole department with one
 * group query, and trusted only when Trellis wrote it where it belongs.
 */

/** The records layout of this deployment. */
export function recordsOf(ctx: Pick<WorkflowContext, 'config'>): RecordsLayout {
  return recordsLayout(ctx.config.gitlab?.recordsGroup ?? 'career-records');
}

/**
 * Whether `issue` is a record of `person` that Trellis may act on: Trellis wrote it, and it stands in
 * that person's own records project. A marker or title is text anyone can type into an issue of
 * their own; only its author and place say whose record it is.
 */
export function isOwnRecord(ctx: Pick<WorkflowContext, 'config'>, issue: Pick<Issue, 'author' | 'webUrl'>, person: string, bot: string): boolean {
  return issue.author.toLowerCase() === bot.toLowerCase() && recordsOf(ctx).ownerOfIssue(issue.webUrl) === person.toLowerCase();
}

/** Whether Trellis wrote the issue an event is about: by the payload's author id, or its author's name. */
export function writtenByBot(event: { readonly issue: Pick<Issue, 'author'>; readonly issueAuthorId?: number }, bot: { readonly id: number; readonly username: string }): boolean {
  return event.issueAuthorId !== undefined ? event.issueAuthorId === bot.id : event.issue.author.toLowerCase() === bot.username.toLowerCase();
}

/** Every issue matching `query` in the records group (one paged group listing), Trellis's own only, as the pages arrive. */
export async function* eachRecord(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'bot'>, query: IssueQuery): AsyncGenerator<Issue> {
  const bot = (await ctx.bot()).username.toLowerCase();
  for await (const issue of ctx.gitlab.forGroup(recordsOf(ctx).group).listIssues(query)) {
    if (issue.author.toLowerCase() === bot) yield issue;
  }
}

/** eachRecord, collected. */
export async function listRecords(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'bot'>, query: IssueQuery): Promise<Issue[]> {
  const out: Issue[] = [];
  for await (const issue of eachRecord(ctx, query)) out.push(issue);
  return out;
}

/** Applies a plan about a record in its person's project (`known`: the record as listed or delivered). */
export function applyToRecord(ctx: Pick<WorkflowContext, 'config' | 'executor'>, person: string, actions: readonly Action[], known: readonly Issue[] = []): Promise<ApplyResult> {
  return ctx.executor.apply(actions, { known, project: recordsOf(ctx).projectOf(person) });
}
