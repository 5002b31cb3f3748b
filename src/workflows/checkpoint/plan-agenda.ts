import { daysBetween, quarterByName } from '../../core/fiscal-quarter.js';
import type { Issue, Note } from '../../core/gitlab-port.js';
import { inlineText } from '../../core/markdown-safety.js';
import { findMarkers, marker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import { ladderPosition, nextLevelName, STANDING_AREA } from '../../core/role-ladder.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { CheckpointIdentity } from './checkpoint-record.js';
import { readCheckpoint } from './read-checkpoint.js';
import { notesAbout, planOf, readFocusPlans } from './read-focus.js';

/**
 * `@<bot> agenda`: the standing agenda of the next 1:1, written on the person's checkpoint. Pure: it
 * reads the checkpoint's description and notes as GitLab has them. "Since the last agenda" is since
 * Trellis's latest agenda note on the checkpoint (found by its hidden marker), else since the quarter began.
 */

/** The marker of the agenda Trellis writes for a command note: once per command, and findable as "the last agenda". */
export function agendaMarker(noteId: number): Marker {
  return marker('agenda', String(noteId));
}

/** Everything an agenda is written from. */
export interface AgendaInput {
  readonly issue: Issue;
  readonly id: CheckpointIdentity;
  /** The checkpoint's notes, oldest first. */
  readonly notes: readonly Note[];
  readonly roster: Roster;
  /** Today in the roster's time zone. */
  readonly today: string;
  readonly bot: string;
}

/** Notes quoted per area at most; the rest are counted. */
const NOTES_PER_AREA = 5;

/** The agenda's text. */
export function agendaBody(input: AgendaInput): string {
  const { issue, id, roster, bot } = input;
  const q = quarterByName(id.quarter, roster);
  const reading = readCheckpoint(issue.description);
  const { areas: plans, nextLevelTarget } = readFocusPlans(issue.description);
  const since = lastAgendaAt(input.notes, bot);
  const fresh = input.notes.filter((n) => since === null || n.createdAt > since);
  const person = findPerson(roster, id.report);
  const who = person ? inlineText(person.name, 80) : inlineText(id.report);
  const left = Math.max(0, daysBetween(input.today, q.end));
  const out: string[] = [
    `**Agenda for ${who}'s next 1:1** (${q.name}: ${left === 1 ? '1 day' : `${left} days`} left, it ends on ${q.end}).`,
    '',
    since === null ? `Notes since ${q.name} began:` : `Notes since the last agenda (${since.slice(0, 10)}):`,
  ];
  if (reading.chosen.length === 0) out.push('', 'No focus areas are ticked yet: choose two or three together and tick them in the description.');
  for (const area of reading.chosen) {
    const plan = planOf(plans, area);
    out.push('', `### ${inlineText(area, 120)}${plan.reached ? ' (target reached)' : ''}`, '');
    out.push(`- Goals: ${answer(plan.goals)}`, `- Targets: ${answer(plan.targets)}`);
    out.push(...noted(notesAbout(fresh, area, bot)));
  }
  const standing = planOf(plans, `${STANDING_AREA} (standing area)`);
  out.push('', `### ${STANDING_AREA} (standing area)`, '', `- Goals: ${answer(standing.goals)}`, ...noted(notesAbout(fresh, STANDING_AREA, bot)));
  const level = person ? nextLevelName(ladderPosition(roster, person), person.level) : 'the next level';
  out.push('', `### Towards the next level (${inlineText(level, 60)})`, '', `- Target: ${answer(nextLevelTarget)}`);
  out.push('', `Notes name an area to be listed under it (its title, or the words before its first colon). \`@${bot} agenda\` again before the next 1:1.`);
  return out.join('\n');
}

/** When Trellis last wrote an agenda on this checkpoint (ISO time), or null. */
export function lastAgendaAt(notes: readonly Note[], bot: string): string | null {
  let last: string | null = null;
  for (const n of notes) {
    if (n.author.toLowerCase() !== bot.toLowerCase() || !findMarkers(n.body).some((m) => m.kind === 'agenda')) continue;
    if (last === null || n.createdAt > last) last = n.createdAt;
  }
  return last;
}

function answer(text: string): string {
  return text === '' ? '_not written yet_' : inlineText(text, 300);
}

function noted(notes: readonly Note[]): string[] {
  if (notes.length === 0) return ['- Noted: nothing yet'];
  const shown = notes.slice(-NOTES_PER_AREA).map((n) => `  - ${n.createdAt.slice(0, 10)}, ${inlineText(n.author)}: ${inlineText(n.body, 200)}`);
  const more = notes.length > NOTES_PER_AREA ? [`  - and ${notes.length - NOTES_PER_AREA} earlier`] : [];
  return [`- Noted (${notes.length}):`, ...more, ...shown];
}
