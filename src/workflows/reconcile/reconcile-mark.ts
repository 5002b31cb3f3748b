import { createHash } from 'node:crypto';
import { localDate } from '../../core/fiscal-quarter.js';
import type { Issue, IssueQuery } from '../../core/gitlab-port.js';
import type { Roster } from '../../core/roster.js';
import { recordsOf } from '../records.js';
import type { WorkflowContext } from '../workflow.js';

/*
 * Whether an hourly reconcile has anything to re-derive
 * (docs/operations.md#reconcile-nothing-lost-when-webhooks-are). Re-deriving reads every open record:
 * for 10,000 people some 400 listing pages an hour. At rest nothing changed, and GitLab can say so in
 * one call per place: `GET /groups/:id/issues?updated_after=...&state=all` lists every issue of the
 * records group's projects updated on or after a time (GitLab's REST docs, doc/api/issues.md, "List
 * group issues": `updated_after`, "Return issues updated on or after the given time"; the project
 * listing takes the same). Every change to an issue a workflow rules on moves its `updated_at` (a
 * label, the text, the state, a note), so an issue whose webhook was lost is in that listing; so are
 * Trellis's own writes, which makes the run after a run that wrote a full one.
 */

/** Where the last run left off, in the record cache's state (Redis, under the queue prefix). */
export interface ReconcileMark {
  /** The next run lists what changed on or after this: the start of this run by Trellis's clock, less `CLOCK_MARGIN_MS`. */
  readonly since: string;
  /** Issues already accounted for at their `updated_at` (`<id>@<updatedAt>`), changed on or after `since`. */
  readonly seen: readonly string[];
  /** The roster's local date of the last full run: a new day re-derives everything (dates move states). */
  readonly day: string;
  /** A hash of the roster the last full run ruled with. */
  readonly roster: string;
}

export const MARK_STATE = 'reconcile-mark';

/** Trellis's clock may run ahead of GitLab's; a change that close to a run is listed again, never lost. */
export const CLOCK_MARGIN_MS = 60_000;

/** What a run is to do: everything, and why; or only what never depends on records (failed deliveries). */
export type SweepDecision = { readonly full: true; readonly why: string } | { readonly full: false; readonly why: string };

/** The places whose issues workflows rule on: the records group, the department project, the internship access-requests project. */
function places(ctx: WorkflowContext, roster: Roster): Array<{ listIssues(query: IssueQuery): AsyncIterable<Issue> }> {
  const access = roster.internships.accessRequestsProject;
  const department = ctx.config.gitlab?.project;
  return [ctx.gitlab.forGroup(recordsOf(ctx).group), ctx.gitlab, ...(access && access !== department ? [ctx.gitlab.forProject(access)] : [])];
}

/**
 * Every issue of those places updated on or after `since`, open or closed, as id and time only: the
 * run holds this list until it leaves its mark, and after a quarter's fan-out it is thousands of
 * checkpoints whose text would stay in the worker's heap for the whole run.
 */
export async function changedSince(ctx: WorkflowContext, roster: Roster, since: string): Promise<Change[]> {
  const out: Change[] = [];
  for (const place of places(ctx, roster)) {
    for await (const issue of place.listIssues({ state: 'all', updatedAfter: since })) out.push({ id: issue.id, updatedAt: issue.updatedAt });
  }
  return out;
}

/** A hash of the roster as parsed: any change to people, teams or settings is a different hash. */
export function rosterHash(roster: Roster): string {
  return createHash('sha256').update(JSON.stringify(roster)).digest('hex').slice(0, 32);
}

/** What the mark needs of a changed issue: not its text (after a quarter's fan-out, thousands changed). */
type Change = Pick<Issue, 'id' | 'updatedAt'>;

const version = (issue: Change): string => `${issue.id}@${Date.parse(issue.updatedAt)}`;

/** Full or not, from the last mark and what changed since it (`changed`: null when there was no mark to list from). */
export function decideSweep(mark: ReconcileMark | null, changed: readonly Change[] | null, today: string, roster: string): SweepDecision {
  if (!mark || !changed) return { full: true, why: 'no earlier run recorded' };
  if (mark.day !== today) return { full: true, why: `first run of ${today}` };
  if (mark.roster !== roster) return { full: true, why: 'the roster changed' };
  const seen = new Set(mark.seen);
  const unseen = changed.filter((i) => !seen.has(version(i)));
  if (unseen.length > 0) return { full: true, why: `${unseen.length} issue${unseen.length === 1 ? '' : 's'} changed since ${mark.since}` };
  return { full: false, why: `nothing changed since ${mark.since}` };
}

/** The mark a run leaves: changes from `start` less the margin on are listed again next time, those listed now are accounted for. */
export function nextMark(start: Date, listed: readonly Change[], day: string, roster: string): ReconcileMark {
  const since = new Date(start.getTime() - CLOCK_MARGIN_MS);
  return { since: since.toISOString(), seen: listed.filter((i) => Date.parse(i.updatedAt) >= since.getTime()).map(version), day, roster };
}

export function parseMark(raw: string | null): ReconcileMark | null {
  if (!raw) return null;
  try {
    const m = JSON.parse(raw) as Partial<ReconcileMark>;
    return typeof m.since === 'string' && Array.isArray(m.seen) && typeof m.day === 'string' && typeof m.roster === 'string' ? (m as ReconcileMark) : null;
  } catch {
    return null;
  }
}

/**
 * Reads the mark and what changed since it, and decides. `listed` is what the next mark accounts
 * for: the changes since the mark, or (no mark) those within the margin before `start`.
 */
export async function checkSweep(ctx: WorkflowContext, start: Date): Promise<{ decision: SweepDecision; listed: Change[]; day: string; roster: string }> {
  const r = await ctx.roster();
  const day = localDate(start, r.timezone);
  const roster = rosterHash(r);
  const mark = parseMark(await ctx.cache.getState(MARK_STATE));
  const listed = await changedSince(ctx, r, mark?.since ?? new Date(start.getTime() - CLOCK_MARGIN_MS).toISOString());
  return { decision: decideSweep(mark, mark ? listed : null, day, roster), listed, day, roster };
}
