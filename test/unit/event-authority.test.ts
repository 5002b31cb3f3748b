import { describe, expect, it } from 'vitest';
import { authorityLabelsAdded, hasCommands, judgeLabelMove, judgeNote, lastAdders, needsAuthority } from '../../src/core/event-authority.js';
import type { LabelEvent, Note } from '../../src/core/gitlab-port.js';

const BOT = 'trellis-bot';

function note(over: Partial<Note> = {}): Note {
  return { id: 7, body: `@${BOT} approve`, author: 'carol', system: false, createdAt: '2026-05-04T09:00:00Z', updatedAt: '2026-05-04T09:00:00Z', ...over };
}

function ev(action: LabelEvent['action'], label: string, user: string): LabelEvent {
  return { action, label, user, createdAt: '2026-05-04T09:00:00Z' };
}

describe('which labels need authority', () => {
  it('is a scoped label whose value is complete or approved, nothing else', () => {
    expect(['sre-i::complete', 'sre-ii::complete', 'internship::approved', 'a::b::complete'].map(needsAuthority)).toEqual([true, true, true, true]);
    expect(['sre-i::review', 'internship::active', 'internship::completed', 'checkpoint::done', 'complete', 'approved', 'x::complete-ish'].map(needsAuthority)).toEqual([false, false, false, false, false, false, false]);
  });

  it('counts only labels a change adds', () => {
    expect(authorityLabelsAdded(undefined)).toEqual([]);
    expect(authorityLabelsAdded({ previous: ['training-module', 'sre-i::review'], current: ['training-module', 'sre-i::complete'] })).toEqual(['sre-i::complete']);
    // Already there before: this event did not add it (another label changed).
    expect(authorityLabelsAdded({ previous: ['sre-i::complete'], current: ['sre-i::complete', 'extra'] })).toEqual([]);
    expect(authorityLabelsAdded({ previous: ['sre-i::complete'], current: [] })).toEqual([]);
    expect(authorityLabelsAdded({ previous: [], current: ['internship::approved', 'internship::approved'] })).toEqual(['internship::approved']);
  });
});

describe('a payload note against GitLab’s note', () => {
  it('reads back only notes that hold a command for the bot', () => {
    expect(hasCommands(`thanks!\n@${BOT} approve`, BOT)).toBe(true);
    expect(hasCommands(`> @${BOT} approve\n\`\`\`\n@${BOT} sign-off\n\`\`\``, BOT)).toBe(false);
    expect(hasCommands('no commands here, @carol', BOT)).toBe(false);
  });

  it('is genuine when GitLab has the note by that author with the same commands, and goes on with GitLab’s body', () => {
    expect(judgeNote({ actor: 'carol', body: `@${BOT} approve` }, note(), BOT)).toEqual({ kind: 'genuine', body: `@${BOT} approve` });
    expect(judgeNote({ actor: 'Carol', body: `@${BOT} approve` }, note(), BOT).kind).toBe('genuine');
    // Text around the command edited before the event was handled: the command is what carries authority.
    expect(judgeNote({ actor: 'carol', body: `Looks good.\n@${BOT} approve` }, note({ body: `Looks good to me.\n@${BOT} approve` }), BOT)).toEqual({ kind: 'genuine', body: `Looks good to me.\n@${BOT} approve` });
  });

  it('is forged when the note is missing, a system note, by someone else, or holds other commands', () => {
    const claim = { actor: 'carol', body: `@${BOT} approve` };
    expect(judgeNote(claim, null, BOT)).toEqual({ kind: 'forged', reason: 'missing', gitlabAuthor: null });
    expect(judgeNote(claim, note({ system: true, author: 'carol' }), BOT)).toMatchObject({ kind: 'forged', reason: 'system' });
    expect(judgeNote(claim, note({ author: 'alice' }), BOT)).toEqual({ kind: 'forged', reason: 'author', gitlabAuthor: 'alice' });
    expect(judgeNote(claim, note({ body: `@${BOT} status` }), BOT)).toEqual({ kind: 'forged', reason: 'body', gitlabAuthor: 'carol' });
    expect(judgeNote(claim, note({ body: 'approve? not yet' }), BOT)).toMatchObject({ kind: 'forged', reason: 'body' });
    expect(judgeNote({ actor: 'carol', body: `@${BOT} approve @dave` }, note({ body: `@${BOT} approve @erin` }), BOT)).toMatchObject({ kind: 'forged', reason: 'body' });
    expect(judgeNote({ actor: 'carol', body: `@${BOT} decline not now` }, note({ body: `@${BOT} decline not this year` }), BOT)).toMatchObject({ kind: 'forged', reason: 'body' });
  });
});

describe('a payload label move against GitLab’s label events', () => {
  const complete = 'sre-i::complete';

  it('is genuine when the most recent add of each label is by the payload’s actor', () => {
    const events = [ev('add', complete, 'alice'), ev('remove', complete, BOT), ev('add', complete, 'carol')];
    expect(judgeLabelMove('carol', [complete], events)).toEqual({ kind: 'genuine' });
    expect(judgeLabelMove('CAROL', [complete], events)).toEqual({ kind: 'genuine' });
    expect(judgeLabelMove('carol', [], [])).toEqual({ kind: 'genuine' });
  });

  it('names GitLab’s user when someone else added it, and nobody when no one did', () => {
    expect(judgeLabelMove('carol', [complete], [ev('add', complete, 'alice')])).toEqual({ kind: 'reassigned', user: 'alice' });
    expect(judgeLabelMove('carol', [complete], [])).toEqual({ kind: 'forged' });
    expect(judgeLabelMove('carol', [complete], [ev('remove', complete, 'carol'), ev('add', 'sre-i::review', 'carol')])).toEqual({ kind: 'forged' });
    // A label deleted since has no name in GitLab's events: nobody can be named.
    expect(judgeLabelMove('carol', [complete], [ev('add', '', 'carol')])).toEqual({ kind: 'forged' });
    expect(judgeLabelMove('carol', ['a::complete', 'b::approved'], [ev('add', 'a::complete', 'alice'), ev('add', 'b::approved', 'bob')])).toEqual({ kind: 'forged' });
    expect(lastAdders([complete, 'internship::approved'], [ev('add', complete, 'alice'), ev('add', complete, 'carol')])).toEqual([
      { label: complete, user: 'carol' },
      { label: 'internship::approved', user: null },
    ]);
  });
});
