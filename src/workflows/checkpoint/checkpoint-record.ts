import { scopedValue } from '../../core/labels.js';
import { findMarkers, marker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import { parseQuarterName, quarterName } from '../../core/fiscal-quarter.js';
import { nextLevelName } from '../../core/role-ladder.js';
import type { Issue } from '../../core/gitlab-port.js';

/**
 * What a quarterly career checkpoint is in GitLab: one confidential issue per report and fiscal
 * quarter, titled `FY27-Q4 career checkpoint: @alice`, labelled `career-checkpoint`,
 * `quarter::FY27-Q4` and one `checkpoint::` state, carrying the marker `checkpoint:FY27-Q4/alice`.
 * Shared vocabulary of the checkpoint plans; everything here is pure.
 */

export const CHECKPOINT_LABEL = 'career-checkpoint';

/** The columns of the checkpoint board, in order. */
export const CHECKPOINT_STATES = ['planning', 'in-progress', 'review', 'done', 'overdue'] as const;
export type CheckpointState = (typeof CHECKPOINT_STATES)[number];

/** `checkpoint::in-progress` */
export function stateLabel(state: CheckpointState): string {
  return `checkpoint::${state}`;
}

/** `quarter::FY27-Q4` */
export function quarterLabel(quarter: string): string {
  return `quarter::${quarter}`;
}

/** The title docs/architecture.md#contracts promises: `FY27-Q4 career checkpoint: @alice`. */
export function checkpointTitle(quarter: string, report: string): string {
  return `${quarter} career checkpoint: @${report}`;
}

/** The marker of a report's checkpoint for a quarter: `checkpoint:FY27-Q4/alice`. */
export function checkpointMarker(quarter: string, report: string): Marker {
  return marker('checkpoint', `${quarter}/${report}`);
}

/** Trellis's one status note on a checkpoint, edited in place. */
export const STATUS_MARKER = marker('status', 'checkpoint');

/** The one ask for the summary, to the report and their manager, when a checkpoint reaches review. */
export const REVIEW_ASK_MARKER = marker('reminder', 'review');

/** The one reminder to the manager when a quarter ends without a summary. */
export const OVERDUE_MARKER = marker('reminder', 'overdue');

/** Which report and quarter a checkpoint issue is for, read from its marker. */
export interface CheckpointIdentity {
  readonly quarter: string;
  readonly report: string;
}

const TITLE = /^\s*(FY\d{2}-Q[1-4]) career checkpoint:\s*@([A-Za-z0-9_.][A-Za-z0-9_.-]*)\s*$/i;

/**
 * The checkpoint an issue is, by Trellis's marker, or by its title when someone deleted the marker
 * with the rest of a line (so it is still kept in step, and never opened a second time). Null for
 * any other issue.
 */
export function identifyCheckpoint(issue: Pick<Issue, 'description'> & Partial<Pick<Issue, 'title'>>): CheckpointIdentity | null {
  for (const m of findMarkers(issue.description)) {
    if (m.kind !== 'checkpoint') continue;
    const slash = m.key.indexOf('/');
    const parsed = slash > 0 ? parseQuarterName(m.key.slice(0, slash)) : null;
    if (parsed) return { quarter: quarterName(parsed.fiscalYear, parsed.quarter), report: m.key.slice(slash + 1) };
  }
  const t = issue.title === undefined ? null : TITLE.exec(issue.title);
  const parsed = t?.[1] ? parseQuarterName(t[1]) : null;
  return parsed && t?.[2] ? { quarter: quarterName(parsed.fiscalYear, parsed.quarter), report: t[2] } : null;
}

/** The board column an issue's labels put it in, or null when it has no known state label. */
export function labelledState(labels: readonly string[]): CheckpointState | null {
  const value = scopedValue(labels, 'checkpoint');
  return CHECKPOINT_STATES.find((s) => s === value) ?? null;
}

/** The level after `level` on the usual ladder, or `the next level` when the ladder does not know it. */
export function nextLevel(level: string): string {
  return nextLevelName({ role: undefined, current: null, next: null }, level);
}
