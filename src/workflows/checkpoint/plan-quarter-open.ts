import { sameAssignees } from '../../core/assignees.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { managerReportPairs } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { CONVERSATION_LABEL, identifyConversation, readConversation } from '../conversation/conversation-record.js';
import { identifyCheckpoint } from './checkpoint-record.js';
import { shorten } from './plan-create-checkpoint.js';
import type { ConversationLink, PreviousLink } from './plan-create-checkpoint.js';
import { readCheckpoint } from './read-checkpoint.js';

/**
 * The quarter's fan-out, planned from listings made once (docs/architecture.md#principles, principle 10): one job per report
 * whose checkpoint (or big-picture conversation) is missing or whose checkpoint no longer matches
 * the roster, carrying what the job needs so that it never searches GitLab itself.
 */

/** The per-report job. */
export const ENSURE_JOB = 'checkpoint:ensure-checkpoint';

/** A listed checkpoint, as much of it as the job compares. */
export interface ListedCheckpoint {
  readonly iid: number;
  readonly assignees: readonly string[];
  readonly confidential: boolean;
  readonly dueDate: string | null;
}

/** Data of an `ensure-checkpoint` job: null means "absent as of the listing". */
export interface EnsureCheckpointData {
  readonly quarter: string;
  readonly report: string;
  readonly checkpoint: ListedCheckpoint | null;
  readonly conversation: ConversationLink | null;
  readonly previous: PreviousLink | null;
}

/** What the fan-out listed: the quarter's checkpoints, and (when any is missing) last quarter's and the conversations. */
export interface QuarterListings {
  readonly checkpoints: readonly Issue[];
  readonly previous: readonly Issue[] | null;
  readonly conversations: readonly Issue[] | null;
}

/** One line of `trellis plan quarter`. */
export interface QuarterRow {
  readonly report: string;
  readonly manager: string;
  readonly checkpoint: 'create' | 'exists' | 'update';
  readonly checkpointIid: number | null;
  readonly conversation: 'create' | 'exists' | 'not listed';
  readonly conversationIid: number | null;
  /** What an update changes (`assignees`, `confidential`, `due date`). */
  readonly changes: readonly string[];
}

/** What the fan-out does: rows for people (`trellis plan quarter`), jobs for the queue. */
export interface QuarterOpenPlan {
  readonly quarter: FiscalQuarter;
  readonly rows: readonly QuarterRow[];
  readonly jobs: ReadonlyArray<{ readonly name: string; readonly id: string; readonly data: EnsureCheckpointData }>;
  /** The quarter's checkpoints of people no longer on the roster with a manager: kept, not reminded. */
  readonly departed: readonly Issue[];
}

/** True when some report has no checkpoint this quarter, so the fan-out must list the rest as well. */
export function needsContext(roster: Roster, quarter: FiscalQuarter, checkpoints: readonly Issue[]): boolean {
  const have = byReport(checkpoints, quarter.name);
  return managerReportPairs(roster).some(({ report }) => !have.has(report.username.toLowerCase()));
}

/** The fan-out: rows for people, jobs for the queue. `template` is the rendered conversation template. */
export function planQuarterOpen(input: { roster: Roster; quarter: FiscalQuarter; listings: QuarterListings; template: string }): QuarterOpenPlan {
  const { roster, quarter: q, listings } = input;
  const current = byReport(listings.checkpoints, q.name);
  const previous = listings.previous ? previousLinks(listings.previous) : new Map<string, PreviousLink>();
  const conversations = listings.conversations ? conversationLinks(listings.conversations, input.template) : null;
  const rows: QuarterRow[] = [];
  const jobs: Array<QuarterOpenPlan['jobs'][number]> = [];
  const pairs = managerReportPairs(roster);
  for (const { report, manager } of pairs) {
    const key = report.username.toLowerCase();
    const existing = current.get(key) ?? null;
    const conversation = conversations?.get(key) ?? null;
    const changes = existing ? differences(existing, [report.username, manager], q) : [];
    const createConversation = conversations !== null && conversation === null;
    rows.push({
      report: report.username,
      manager,
      checkpoint: existing === null ? 'create' : changes.length > 0 ? 'update' : 'exists',
      checkpointIid: existing?.iid ?? null,
      conversation: conversations === null ? 'not listed' : createConversation ? 'create' : 'exists',
      conversationIid: conversation?.iid ?? null,
      changes,
    });
    if (existing !== null && changes.length === 0 && !createConversation) continue;
    const data: EnsureCheckpointData = {
      quarter: q.name,
      report: report.username,
      checkpoint: existing && { iid: existing.iid, assignees: existing.assignees, confidential: existing.confidential, dueDate: existing.dueDate },
      conversation,
      previous: previous.get(key) ?? null,
    };
    // Creation is keyed by report alone, so re-running the fan-out never queues it twice; an
    // update also names the manager, so a later change of manager is a new job.
    const id = existing === null || createConversation ? `checkpoint:${q.name}:${report.username}` : `checkpoint:${q.name}:${report.username}+${manager}`;
    jobs.push({ name: ENSURE_JOB, id, data });
  }
  const onRoster = new Set(pairs.map((p) => p.report.username.toLowerCase()));
  const departed = [...current.entries()].filter(([who]) => !onRoster.has(who)).map(([, issue]) => issue);
  return { quarter: q, rows, jobs, departed };
}

/** What differs between a listed checkpoint and what the roster asks for. */
export function differences(issue: Pick<Issue, 'assignees' | 'confidential' | 'dueDate'>, assignees: readonly string[], q: FiscalQuarter): string[] {
  const out: string[] = [];
  if (!sameAssignees(issue.assignees, assignees)) out.push('assignees');
  if (!issue.confidential) out.push('confidential');
  if (issue.dueDate !== q.end) out.push('due date');
  return out;
}

/** The quarter's checkpoints by report (lowercase); the oldest wins if a person made a second. */
function byReport(issues: readonly Issue[], quarter: string): Map<string, Issue> {
  const out = new Map<string, Issue>();
  for (const issue of [...issues].sort((a, b) => a.iid - b.iid)) {
    const id = identifyCheckpoint(issue);
    if (id?.quarter === quarter && !out.has(id.report.toLowerCase())) out.set(id.report.toLowerCase(), issue);
  }
  return out;
}

function previousLinks(issues: readonly Issue[]): Map<string, PreviousLink> {
  const out = new Map<string, PreviousLink>();
  for (const issue of [...issues].sort((a, b) => a.iid - b.iid)) {
    const id = identifyCheckpoint(issue);
    if (!id || out.has(id.report.toLowerCase())) continue;
    const reading = readCheckpoint(issue.description);
    out.set(id.report.toLowerCase(), { iid: issue.iid, quarter: id.quarter, chosen: reading.chosen, unfinished: reading.unfinished });
  }
  return out;
}

/** Conversations by person (the listing is by label); Trellis's own (with a marker) before one a person opened by hand. */
export function conversationLinks(issues: readonly Issue[], template: string): Map<string, ConversationLink> {
  const out = new Map<string, ConversationLink>();
  const ranked = [...issues].sort((a, b) => Number(b.description.includes('trellis:big-picture:')) - Number(a.description.includes('trellis:big-picture:')) || a.iid - b.iid);
  for (const issue of ranked) {
    // One opened from GitLab's template dropdown under another title is its author's, most likely.
    const who = (identifyConversation(issue)?.person ?? (issue.labels.includes(CONVERSATION_LABEL) ? issue.author : undefined))?.toLowerCase();
    if (!who || out.has(who)) continue;
    const reading = readConversation(issue.description, template);
    // Shortened here already: job data carries no more of people's text than the checkpoint shows.
    out.set(who, { iid: issue.iid, values: shorten(reading.values), lighthouse: shorten(reading.lighthouse), filledIn: reading.filledIn });
  }
  return out;
}
