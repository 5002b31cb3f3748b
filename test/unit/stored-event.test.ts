import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../src/events/normalize.js';
import type { TrellisEvent } from '../../src/events/types.js';
import type { EventJobData } from '../../src/queue/queue-names.js';
import { readStoredEvent, writeStoredEvent } from '../../src/queue/stored-event.js';

/** A real GitLab issue hook: a learner ticking one item of an SRE I module. */
function tickEvent(): TrellisEvent {
  const payload: unknown = JSON.parse(readFileSync(new URL('../../webhooks/issue_hook_update_description.json', import.meta.url), 'utf8'));
  const parsed = parseWebhook('Issue Hook', payload);
  if (parsed.kind !== 'event') throw new Error(`fixture did not parse: ${JSON.stringify(parsed)}`);
  return parsed.event;
}

function withDescriptions(previous: string | null, current: string): EventJobData {
  const event = tickEvent();
  if (event.type !== 'issue') throw new Error('expected an issue event');
  return {
    event: { ...event, issue: { ...event.issue, description: current }, changes: { ...event.changes, description: { previous } } },
    receivedAt: 1_796_530_600_674,
    deliveryKey: 'a3b1c2d4-0000-4000-8000-000000000001',
  };
}

const LONG = `<!-- trellis:sre-i:alice -->\n## SRE I training\n\n${Array.from({ length: 40 }, (_, i) => `- [ ] Item ${i}: read the runbook\n`).join('')}`;

describe('events as stored in the inbox', () => {
  it('a ticked item is stored as what differs, and reads back as GitLab sent it', () => {
    const data: EventJobData = { event: tickEvent(), receivedAt: 1, deliveryKey: 'k' };
    const stored = writeStoredEvent(data);
    expect(readStoredEvent(stored)).toEqual(data);
    // The description travels once, not twice: the old text costs a few characters, not its length.
    const previous = data.event.type === 'issue' ? (data.event.changes.description?.previous ?? '') : '';
    expect(previous.length).toBeGreaterThan(300);
    expect(JSON.stringify(data).length - stored.length).toBeGreaterThan(previous.length - 40);
    expect(stored.split('Read the incident management handbook page').length - 1).toBe(1);
  });

  it.each([
    ['one item ticked in a long module', LONG, LONG.replace('- [ ] Item 17', '- [x] Item 17')],
    ['an item added at the end', LONG, `${LONG}- [ ] Item 40: new\n`],
    ['an item removed at the start', LONG, LONG.replace('- [ ] Item 0: read the runbook\n', '')],
    ['a repeated text growing (common start and end could overlap)', 'a'.repeat(100), 'a'.repeat(101)],
    ['a repeated text shrinking', 'ab'.repeat(60), 'ab'.repeat(59)],
    ['a wholly different text', LONG, 'Nothing alike at all, from the first character to the last one here.'],
    ['emptied', LONG, ''],
    ['unchanged', LONG, LONG],
    ['an emoji changed (the texts differ inside a surrogate pair)', `${LONG}🎉 done`, `${LONG}🎊 done`],
    ['an old text too short to be worth it', 'short', 'short and longer'],
    ['no old text', null, LONG],
  ])('%s reads back exactly', (_name, previous, current) => {
    const data = withDescriptions(previous, current);
    expect(readStoredEvent(writeStoredEvent(data))).toEqual(data);
  });

  it('an event stored before this form reads as it was written', () => {
    const data = withDescriptions(LONG, LONG.replace('- [ ] Item 3', '- [x] Item 3'));
    expect(readStoredEvent(JSON.stringify(data))).toEqual(data);
  });

  it('events other than issue edits are stored as plain JSON', () => {
    const note = parseWebhook('Note Hook', JSON.parse(readFileSync(new URL('../../webhooks/note_hook_issue.json', import.meta.url), 'utf8')));
    if (note.kind !== 'event') throw new Error('fixture did not parse');
    const data: EventJobData = { event: note.event, receivedAt: 2, deliveryKey: 'n' };
    expect(writeStoredEvent(data)).toBe(JSON.stringify(data));
  });
});
