import type { IssueEvent } from '../events/types.js';
import type { EventJobData } from './queue-names.js';

/**
 * How an event is written into the inbox (event-intake.ts) and read back (the relay, and a worker
 * reading a large event's body): JSON of its EventJobData, except that an issue edit's old
 * description is kept as what differs from the new one.
 *
 * Why: the most frequent delivery Trellis receives is a learner ticking one item of a module, and
 * GitLab sends the whole description twice (`object_attributes.description` and
 * `changes.description.previous`). Storing the old text as [length of the common start, length of
 * the common end, the differing middle] halves what the api writes to Redis per tick (the inbox
 * backlog, and Redis's CPU per stored byte, with it), and costs one scan of the text. A stored event
 * without it (written before this form existed) reads as it always did.
 */
export function writeStoredEvent(data: EventJobData): string {
  const event = data.event;
  if (event.type !== 'issue') return JSON.stringify(data);
  const previous = event.changes.description?.previous;
  const current = event.issue.description;
  if (typeof previous !== 'string' || typeof current !== 'string' || previous.length < SHORTEST_WORTH_IT) return JSON.stringify(data);
  const { description: _omitted, ...changes } = event.changes;
  const stored: StoredIssueEvent = { ...event, changes: { ...changes, description: { previousAround: around(previous, current) } } };
  return JSON.stringify({ ...data, event: stored });
}

/** The inverse of writeStoredEvent: the EventJobData as it was stored (throws on text that is not JSON). */
export function readStoredEvent(text: string): EventJobData {
  const data = JSON.parse(text) as EventJobData;
  const event = data.event as TrellisEventAsStored | undefined;
  const around = event?.type === 'issue' ? (event.changes?.description as { previousAround?: unknown } | undefined)?.previousAround : undefined;
  if (!isAround(around) || event?.type !== 'issue' || typeof event.issue?.description !== 'string') return data;
  const current = event.issue.description;
  const [head, tail, middle] = around;
  const previous = current.slice(0, head) + middle + current.slice(current.length - tail);
  const restored: IssueEvent = { ...event, changes: { ...event.changes, description: { previous } } };
  return { ...data, event: restored };
}

/** Shorter old texts are stored whole: the scan and the extra fields would save nothing. */
const SHORTEST_WORTH_IT = 64;

/** [common start, common end, what `previous` has between them]; the two never overlap in either text. */
type Around = readonly [head: number, tail: number, middle: string];

type StoredIssueEvent = Omit<IssueEvent, 'changes'> & {
  readonly changes: Omit<IssueEvent['changes'], 'description'> & { readonly description: { readonly previousAround: Around } };
};
type TrellisEventAsStored = EventJobData['event'] | StoredIssueEvent;

function around(previous: string, current: string): Around {
  const limit = Math.min(previous.length, current.length);
  let head = 0;
  while (head < limit && previous.charCodeAt(head) === current.charCodeAt(head)) head++;
  let tail = 0;
  while (tail < limit - head && previous.charCodeAt(previous.length - 1 - tail) === current.charCodeAt(current.length - 1 - tail)) tail++;
  return [head, tail, previous.slice(head, previous.length - tail)];
}

function isAround(value: unknown): value is Around {
  return Array.isArray(value) && value.length === 3 && Number.isSafeInteger(value[0]) && Number.isSafeInteger(value[1]) && value[0] >= 0 && value[1] >= 0 && typeof value[2] === 'string';
}
