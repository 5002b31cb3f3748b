import type { Action } from '../../core/actions.js';
import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import type { Person, Roster } from '../../core/roster.js';
import type { Templates } from '../workflow.js';
import { focusAreas, ladderPosition, nextLevelName, nextLevelRequirements, STANDING_AREA } from '../../core/role-ladder.js';
import { CHECKPOINT_LABEL, checkpointMarker, checkpointTitle, quarterLabel, stateLabel } from './checkpoint-record.js';
import { safeUrl } from './checkpoint-status.js';
import { reviewDate } from './plan-checkpoint.js';

/** The template of a checkpoint's description (issue_templates/checkpoint.md). */
export const CHECKPOINT_TEMPLATE = 'checkpoint';

/** The report's big-picture conversation as the checkpoint quotes it (text as the person wrote it). */
export interface ConversationLink {
  readonly iid: number;
  readonly values: string | null;
  readonly lighthouse: string | null;
  readonly filledIn: boolean;
}

/** Last quarter's checkpoint as the new one links it. */
export interface PreviousLink {
  readonly iid: number;
  readonly quarter: string;
  readonly chosen: readonly string[];
  readonly unfinished: readonly string[];
}

/** Everything a new checkpoint's issue is written from. */
export interface CreateCheckpointInput {
  readonly ref: string;
  readonly quarter: FiscalQuarter;
  readonly report: Person;
  readonly manager: Person;
  readonly roster: Roster;
  readonly conversation: ConversationLink | null;
  readonly previous: PreviousLink | null;
  readonly reviewDays: number;
  readonly bot: string;
  readonly templates: Templates;
  /** The Career checkpoints board's page, when it exists (docs/boards.md). */
  readonly boardUrl?: string | null;
}

/** Long answers are shortened in the checkpoint: the conversation is one click away. */
const QUOTE_LIMIT = 800;

/** The data issue_templates/checkpoint.md renders with; people's text is escaped by the template's helpers. */
export function checkpointTemplateData(input: Omit<CreateCheckpointInput, 'ref' | 'templates'>): Record<string, unknown> {
  const { quarter: q, report, manager, roster, conversation, previous } = input;
  const position = ladderPosition(roster, report);
  return {
    quarter: q.name,
    start: q.start,
    end: q.end,
    reviewOn: reviewDate(q, input.reviewDays),
    reviewDays: Math.max(0, Math.floor(input.reviewDays)),
    report: { name: report.name, username: report.username },
    manager: { name: manager.name, username: manager.username },
    role: position.current?.title ?? position.role?.title ?? report.role,
    level: report.level,
    nextLevel: nextLevelName(position, report.level),
    ladder: ladderData(position, report.role),
    standingArea: STANDING_AREA,
    efw: report.efw ? safeUrl(report.efw) : null,
    areas: [...focusAreas(position)],
    readers: [...roster.recordReaders],
    bot: input.bot,
    board: input.boardUrl ?? null,
    conversation: conversation
      ? { iid: conversation.iid, values: shorten(conversation.values), lighthouse: shorten(conversation.lighthouse), filledIn: conversation.filledIn }
      : null,
    previous: previous
      ? { iid: previous.iid, quarter: previous.quarter, unfinished: [...previous.unfinished], hasUnfinished: previous.unfinished.length > 0, hasChosen: previous.chosen.length > 0 }
      : null,
  };
}

/** The next level beside the target: what it asks for beyond the current one; null off the ladder or at its top. */
function ladderData(position: ReturnType<typeof ladderPosition>, role: string): Record<string, unknown> | null {
  const { current, next } = position;
  if (!current || !next) return null;
  const requirements = nextLevelRequirements(position);
  return {
    role,
    current: `${current.title} (${current.level})`,
    next: `${next.title} (${next.level})`,
    requirements: [...requirements],
    hasRequirements: requirements.length > 0,
    niceToHave: [...next.niceToHave],
    hasNiceToHave: next.niceToHave.length > 0,
  };
}

/**
 * Creates the report's checkpoint for the quarter, or finds the one an earlier run created (by its
 * marker): confidential, assigned to the report and the manager, due the quarter's last day, in
 * `checkpoint::planning`. Creating it writes nothing else, so a fan-out spends one issue creation
 * per report; the status note comes with the first change.
 */
export function planCreateCheckpoint(input: CreateCheckpointInput): Action[] {
  const { quarter: q, report, manager } = input;
  return [
    {
      kind: 'ensure-issue',
      ref: input.ref,
      marker: checkpointMarker(q.name, report.username),
      draft: {
        title: checkpointTitle(q.name, report.username),
        description: input.templates.render(CHECKPOINT_TEMPLATE, checkpointTemplateData(input)),
        labels: [CHECKPOINT_LABEL, quarterLabel(q.name), stateLabel('planning')],
        assignees: [report.username, manager.username],
        confidential: true,
        dueDate: q.end,
      },
    },
  ];
}

/** `text` cut to `limit` characters with `…` (by code points). */
export function shorten(text: string | null, limit = QUOTE_LIMIT): string | null {
  if (text === null) return null;
  // By code points, so an emoji or accent is never cut in half.
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('').trimEnd()}…`;
}
