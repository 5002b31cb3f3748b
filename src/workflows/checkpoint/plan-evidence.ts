import type { Action } from '../../core/actions.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { inlineText, quoteBlock } from '../../core/markdown-safety.js';
import { marker } from '../../core/markers.js';
import { managerReportPairs } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { identifyCheckpoint, labelledState } from './checkpoint-record.js';
import { areaList } from './checkpoint-status.js';
import { shorten } from './plan-create-checkpoint.js';
import { readCheckpoint } from './read-checkpoint.js';

/**
 * 360 feedback and talent assessment (docs/architecture.md#what-it-serves: "the checkpoint records are the evidence used
 * then"): on each of the roster's `review_dates`, every report's latest checkpoint gets one note
 * gathering the year's checkpoints with their focus areas and summaries. The note is keyed by the
 * date, so re-running the job edits it in place and a later date writes a new one.
 */

/** Summaries are quoted up to this many characters; the checkpoint holds the rest. */
const SUMMARY_LIMIT = 1500;

/** The note's marker for a review date (`evidence:2026-09-01`). */
export function evidenceMarker(date: string): ReturnType<typeof marker> {
  return marker('evidence', date);
}

/** The review date, the roster and the year's listed checkpoints. */
export interface EvidenceInput {
  /** Today (the review date) in the roster's time zone, YYYY-MM-DD. */
  readonly date: string;
  readonly roster: Roster;
  /** The year's quarters, oldest first (the current one last). */
  readonly quarters: readonly FiscalQuarter[];
  /** Every checkpoint of those quarters. */
  readonly checkpoints: readonly Issue[];
}

/** One note per report who has a checkpoint in the year, on their latest one. */
export function planEvidence(input: EvidenceInput): Array<{ readonly report: string; readonly issue: Issue; readonly actions: Action[] }> {
  const names = input.quarters.map((q) => q.name);
  const byReport = new Map<string, Map<string, Issue>>();
  for (const issue of [...input.checkpoints].sort((a, b) => a.iid - b.iid)) {
    const id = identifyCheckpoint(issue);
    if (!id || !names.includes(id.quarter)) continue;
    const mine = byReport.get(id.report.toLowerCase()) ?? new Map<string, Issue>();
    if (!mine.has(id.quarter)) mine.set(id.quarter, issue);
    byReport.set(id.report.toLowerCase(), mine);
  }
  const out: Array<{ report: string; issue: Issue; actions: Action[] }> = [];
  for (const { report } of managerReportPairs(input.roster)) {
    const mine = byReport.get(report.username.toLowerCase());
    const latest = [...names].reverse().map((n) => mine?.get(n)).find((i) => i !== undefined);
    if (!mine || !latest) continue;
    const body = evidenceBody(input.date, report.name, input.quarters, mine);
    out.push({ report: report.username, issue: latest, actions: [{ kind: 'upsert-note', issue: { iid: latest.iid }, marker: evidenceMarker(input.date), body }] });
  }
  return out;
}

/** The note: a table of the year, then each checkpoint's focus areas and summary. */
export function evidenceBody(date: string, name: string, quarters: readonly FiscalQuarter[], mine: ReadonlyMap<string, Issue>): string {
  const first = quarters[0]?.name ?? '';
  const last = quarters[quarters.length - 1]?.name ?? '';
  const lines = [
    `**360 feedback and talent assessment, ${date}: ${inlineText(name, 80)}'s checkpoints from ${first} to ${last}**`,
    '',
    'The handbook uses the quarterly checkpoints as evidence for 360 feedback and talent assessment. Trellis gathered them here; each checkpoint stays the record.',
    '',
    '| Quarter | Checkpoint | State | Focus areas | Targets reached |',
    '|---|---|---|---|---|',
  ];
  const details: string[] = [];
  for (const q of quarters) {
    const issue = mine.get(q.name);
    if (!issue) {
      lines.push(`| ${q.name} | none | | | |`);
      continue;
    }
    const reading = readCheckpoint(issue.description);
    const reached = reading.chosen.filter((a) => !reading.unfinished.includes(a));
    const state = labelledState(issue.labels) ?? issue.state;
    lines.push(`| ${q.name} | #${issue.iid} | ${state} | ${reading.chosen.length > 0 ? areaList(reading.chosen) : 'none chosen'} | ${reached.length > 0 ? areaList(reached) : 'none'} |`);
    const summary = shorten(reading.summary, SUMMARY_LIMIT) ?? '';
    details.push('', `#### ${q.name} (#${issue.iid})`, '', summary === '' ? '_No summary of progress was recorded._' : quoteBlock(summary));
  }
  return [...lines, '', '**Summaries of progress**', ...details].join('\n');
}
