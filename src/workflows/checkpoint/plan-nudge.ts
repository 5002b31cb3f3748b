import { createHash } from 'node:crypto';
import type { Action } from '../../core/actions.js';
import { daysBetween } from '../../core/fiscal-quarter.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import type { Issue, Note } from '../../core/gitlab-port.js';
import { inlineText, mention } from '../../core/markdown-safety.js';
import { hasMarker, marker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import type { Roster } from '../../core/roster.js';
import type { CheckpointIdentity } from './checkpoint-record.js';
import { peopleOf } from './plan-checkpoint.js';
import { readCheckpoint } from './read-checkpoint.js';
import { notesAbout, planOf, readFocusPlans } from './read-focus.js';

/**
 * The 1:1 nudge: a ticked focus area with nothing noted under it for the roster's
 * `focus_nudge_weeks` gets one note to the report and the manager, at most once per area per
 * quarter (a reply with a hidden marker naming quarter and area, so a re-run, a restart or a second
 * worker finds it and writes nothing), never in the last two weeks of the quarter (or the review
 * window, when longer), which the review reminder covers.
 */

const DAY_MS = 86_400_000;

/** Days at the end of a quarter without nudges, at the least. */
export const QUIET_DAYS = 14;

/** The nudge's marker for an area of a quarter: `nudge:FY27-Q4/<hash of the area>`. */
export function nudgeMarker(quarter: string, area: string): Marker {
  const key = createHash('sha1').update(area.replace(/\s+/g, ' ').trim().toLowerCase()).digest('hex').slice(0, 12);
  return marker('nudge', `${quarter}/${key}`);
}

/** Whether nudges may go out on `today`: on, and not within the quiet days at the quarter's end. */
export function nudgeDay(roster: Pick<Roster, 'focusNudgeWeeks'>, quarter: FiscalQuarter, today: string, reviewDays: number): boolean {
  return roster.focusNudgeWeeks > 0 && daysBetween(today, quarter.end) >= Math.max(QUIET_DAYS, reviewDays);
}

/** One checkpoint as the nudge pass sees it. */
export interface NudgeInput {
  readonly issue: Issue;
  readonly id: CheckpointIdentity;
  readonly quarter: FiscalQuarter;
  readonly notes: readonly Note[];
  /** When the areas were chosen, as far as GitLab tells: the checkpoint's move to in progress (ISO). */
  readonly since: string;
  readonly roster: Roster;
  readonly now: Date;
  readonly today: string;
  readonly reviewDays: number;
  readonly bot: string;
}

/** The nudges a checkpoint needs now (none when every ticked area was noted on recently or was nudged already). */
export function planNudges(input: NudgeInput): Action[] {
  const { issue, quarter: q, roster, bot } = input;
  if (issue.state !== 'opened' || !nudgeDay(roster, q, input.today, input.reviewDays)) return [];
  const people = peopleOf(roster, input.id.report);
  if (!people.report || !people.manager) return [];
  const wait = roster.focusNudgeWeeks * 7 * DAY_MS;
  const plans = readFocusPlans(issue.description).areas;
  const actions: Action[] = [];
  for (const area of readCheckpoint(issue.description).chosen) {
    const mark = nudgeMarker(q.name, area);
    if (planOf(plans, area).reached || input.notes.some((n) => n.author.toLowerCase() === bot.toLowerCase() && hasMarker(n.body, mark))) continue;
    const last = [input.since, ...notesAbout(input.notes, area, bot).map((n) => n.createdAt)].reduce((a, b) => (b > a ? b : a));
    if (input.now.getTime() - Date.parse(last) < wait) continue;
    const body = [
      `${mention(people.report.username)} ${mention(people.manager.username)}: nothing has been noted under **${inlineText(area, 120)}** since ${last.slice(0, 10)} (${roster.focusNudgeWeeks} weeks or more).`,
      `At your next 1:1, talk about where it stands and write a note that names it; or, if it no longer fits ${q.name}, untick it and choose another. \`@${bot} agenda\` prepares the 1:1.`,
      `This is the only reminder about this area in ${q.name}.`,
    ].join(' ');
    actions.push({ kind: 'reply', issue: { iid: issue.iid }, marker: mark, body });
  }
  return actions;
}
