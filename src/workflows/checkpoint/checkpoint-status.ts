import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { inlineText, mention } from '../../core/markdown-safety.js';
import type { Person } from '../../core/roster.js';
import { stateLabel } from './checkpoint-record.js';
import type { CheckpointState } from './checkpoint-record.js';
import type { CheckpointReading } from './read-checkpoint.js';

/**
 * The words of Trellis's status note and replies on a checkpoint. Text people wrote (focus areas)
 * goes through markdown-safety; people are mentioned only with `mention` and only in new notes that
 * ask them to act (the review step, the overdue reminder): the status note names them plainly.
 */

/** Who the checkpoint is for, as the roster says now; `report` undefined when they left the roster. */
export interface People {
  readonly report: Person | undefined;
  readonly manager: Person | undefined;
  readonly username: string;
}

/** Everything the status note says. */
export interface StatusFacts {
  readonly state: CheckpointState;
  readonly quarter: FiscalQuarter;
  /** The day the review reminder comes. */
  readonly reviewOn: string;
  readonly reading: CheckpointReading;
  readonly closed: boolean;
  readonly people: People;
}

/** Focus areas as one line: `A; B`, each escaped. */
export function areaList(areas: readonly string[]): string {
  return areas.map((a) => inlineText(a, 120)).join('; ');
}

/** Trellis's one status note on a checkpoint. */
export function statusNoteBody(f: StatusFacts): string {
  const { quarter: q, reading, people } = f;
  const n = reading.chosen.length;
  const efw = people.report?.efw ? ` ([EFW](${safeUrl(people.report.efw)}))` : '';
  let text: string;
  switch (f.state) {
    case 'planning': {
      const ticked = n === 0 ? 'No focus areas are ticked yet.' : n === 1 ? `One focus area is ticked: ${areaList(reading.chosen)}.` : `${n} focus areas are ticked: ${areaList(reading.chosen)}.`;
      const ask = n > 3 ? 'Choose two or three of them: untick the ones to leave for another quarter.' : `At the first 1:1 of ${q.name}, choose two or three focus areas together and tick them under *Focus areas*.`;
      text = `**Checkpoint: planning.** ${ticked} ${ask}`;
      break;
    }
    case 'in-progress':
      text = `**Checkpoint: in progress.** Focus areas: ${areaList(reading.chosen)}. Work on them and mentor on them in weekly 1:1s, noting progress under *Goals, targets and ideas*. Trellis asks for the summary of progress on ${f.reviewOn}.`;
      break;
    case 'review':
      if (reading.summary !== '') {
        text = `**Checkpoint: review.** The summary of progress is written. Update the EFW${efw} and close this issue; Trellis closes it when ${q.name} ends on ${q.end}.`;
      } else if (f.closed) {
        text = `**Checkpoint: review.** This checkpoint was closed without a summary of progress. Write it at the bottom of the description; the checkpoint is done once it is there.`;
      } else {
        const who = people.report && people.manager ? `${inlineText(people.report.username)} and ${inlineText(people.manager.username)}: ` : '';
        text = `**Checkpoint: review.** ${q.name} ends on ${q.end}. ${who}${reviewWork(efw)}`;
      }
      break;
    case 'done':
      text = `**Checkpoint: done.** The summary of progress is recorded${n > 0 ? ` for ${areaList(reading.chosen)}` : ''}. Next quarter's checkpoint links back here.`;
      break;
    case 'overdue':
      text = `**Checkpoint: overdue.** ${q.name} ended on ${q.end} without a summary of progress. Write it at the bottom of the description${f.closed ? '' : ' and close this issue'}; Trellis marks the checkpoint done then.`;
      break;
  }
  const left = people.report ? '' : `\n\n${inlineText(people.username)} is not on the roster any more, so Trellis sends no reminders about this checkpoint; it stays as the record of the quarter.`;
  return `${text}${left}\n\n_Trellis keeps this note and the \`checkpoint::\` label in step with the description and the calendar (${q.name}: ${q.start} to ${q.end})._`;
}

function reviewWork(efw: string): string {
  return `at your last 1:1 of the quarter, record the summary of progress at the bottom of the description (what moved in each focus area, what you learned, what carries over) and update the EFW${efw}. Then close this issue.`;
}

/**
 * The new note that asks both people for the summary when a checkpoint reaches review. The status
 * note names them without a mention: it is edited in place, and GitLab emails nobody about a mention
 * added by an edit (docs/gitlab/facts.md#mentions).
 */
export function reviewAsk(people: { readonly report: Person; readonly manager: Person }, q: FiscalQuarter): string {
  const efw = people.report.efw ? ` ([EFW](${safeUrl(people.report.efw)}))` : '';
  return `${mention(people.report.username)} and ${mention(people.manager.username)}: this checkpoint is in review (${q.name} ends on ${q.end}): ${reviewWork(efw)}`;
}

/** The reply to more than three focus areas ticked. */
export function tooManyAreasReply(chosen: readonly string[]): string {
  return `${chosen.length} focus areas are ticked: ${areaList(chosen)}. The handbook asks for two or three, so each gets real attention this quarter: please choose two or three and untick the rest. This checkpoint stays in \`checkpoint::planning\` until then.`;
}

/** The reply to a checkpoint closed with an empty summary. */
export function closedEmptyReply(state: CheckpointState, q: FiscalQuarter): string {
  const then = state === 'overdue' ? `${q.name} has ended, so it is \`checkpoint::overdue\`` : `it is \`checkpoint::review\` until then`;
  return `This checkpoint was closed without a summary of progress. Please write the summary at the bottom of the description (at your last 1:1 of ${q.name}) and update the EFW; the checkpoint is done once the summary is there. It stays closed; ${then}.`;
}

/** The one reminder to the manager when the quarter ended without a summary. */
export function overdueReminder(people: People, q: FiscalQuarter): string {
  const report = people.report ? `${inlineText(people.report.name, 80)} (${inlineText(people.report.username)})` : inlineText(people.username);
  const to = people.manager ? `${mention(people.manager.username)}, ` : '';
  return `${to}${q.name} ended on ${q.end} and the checkpoint of ${report} has no summary of progress yet. Please write it together at your next 1:1 and update the EFW; Trellis marks the checkpoint done once the summary is there.`;
}

/** The reply when someone set a `checkpoint::` label the checkpoint does not bear out, and Trellis put the right one back. */
export function labelPutBackReply(actor: string, set: CheckpointState, state: CheckpointState): string {
  return [
    `${inlineText(actor)} set \`${stateLabel(set)}\`, but this checkpoint is \`${stateLabel(state)}\` by its description and the calendar, so Trellis put that back.`,
    'The label follows the checkpoint: two or three focus areas ticked make it in progress; from the review date, or once the summary of progress is written, it is in review; it is done when the summary is written and the issue closed.',
  ].join(' ');
}

/** The reply when someone made a checkpoint public. */
export const CONFIDENTIAL_REPLY = 'Career checkpoints are private (they are assigned to the report and their manager only), so Trellis made this one confidential again.';

/** A roster link safe inside Markdown's `(...)`: spaces, brackets and angle brackets percent-encoded. */
export function safeUrl(url: string): string {
  return url.replace(/[\s()<>[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
