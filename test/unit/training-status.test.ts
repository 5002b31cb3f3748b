import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/core/parse-checklist.js';
import { checklistState, parseSignOff, renderMissing, statusNoteBody } from '../../src/workflows/training/module-status.js';
import type { StatusNoteInput } from '../../src/workflows/training/module-status.js';
import { BOT, checklist, demoRoster } from './training-fixtures.js';

function note(description: string, fields: Partial<StatusNoteInput> = {}): string {
  const c = parseChecklist(description);
  return statusNoteBody({ kind: 'sre-i', learner: 'alice', checklist: c, state: checklistState(c), closed: false, signOff: null, roster: demoRoster(), bot: BOT, ...fields });
}

describe('the state a checklist implies', () => {
  it.each([
    ['nothing ticked', { A: [false, false] }, 'not-started'],
    ['one item ticked', { A: [true, false] }, 'in-progress'],
    ['only an optional item ticked', { A: [false, '- [x] Read more *(optional)*'] }, 'in-progress'],
    ['every required item ticked, an optional one not', { A: [true, '- [ ] Read more (optional)'] }, 'review'],
    ['every required item ticked with a capital X', { A: ['- [X] one', '- [X] two'] }, 'review'],
    ['the last one left struck through', { A: [true, '- [ ] ~~Does not apply to Delivery~~'] }, 'review'],
    ['nested items, one left', { A: ['- [x] parent', '  - [ ] child', '  - [x] child two'] }, 'in-progress'],
    ['nested items, all ticked', { A: ['- [x] parent', '  - [x] child'] }, 'review'],
    ['every section complete but one', { A: [true, true], B: [true], C: [false] }, 'in-progress'],
  ] as const)('%s: %s', (_, sections, state) => {
    expect(checklistState(parseChecklist(checklist(sections)))).toBe(state);
  });

  it('a description without items has not started', () => {
    expect(checklistState(parseChecklist('No checklist here'))).toBe('not-started');
  });
});

describe('the status note', () => {
  it('shows progress per section as done/total with a bar, and what is next', () => {
    const body = note(checklist({ 'On-call': [true, true], Runbooks: [true, false, false, false] }));
    expect(body).toContain('**Required items: 3 of 6**');
    expect(body).toContain('| On-call | 2/2 | ▓▓▓▓▓▓▓▓▓▓ 100% ✓ |');
    expect(body).toContain('| Runbooks | 1/4 | ▓▓░░░░░░░░ 25% |');
    expect(body).toContain('**Next:** Runbooks, 3 required items left there (3 in all).');
  });

  it('is the same text after an edit that changes no count (rewording an item, swapping which one is ticked)', () => {
    const before = note(checklist({ A: ['- [x] Read the runbooks', '- [ ] Shadow on-call'] }));
    const after = note(checklist({ A: ['- [ ] Read the runbooks index', '- [x] Shadow on-call for two weeks'] }));
    expect(after).toBe(before);
  });

  it('changes when a count changes', () => {
    expect(note(checklist({ A: [true, false] }))).not.toBe(note(checklist({ A: [true, true, false] })));
  });

  it('names the mentor without mentioning them while the learner works', () => {
    const body = note(checklist({ A: [true, false] }));
    expect(body).toContain('Mentor: Carol Chen (carol)');
    expect(body).not.toMatch(/@carol/);
  });

  it('at review, mentions the manager to sign off and says how', () => {
    const body = note(checklist({ A: [true, true] }));
    expect(body).toContain('**Ready for sign-off.** carol:');
    expect(body).toContain('`sre-i::complete`');
    expect(body).toContain(`\`@${BOT} sign-off\``);
  });

  it('at review for a learner without a manager, says nobody can sign off (and mentions nobody)', () => {
    const body = note(checklist({ A: [true] }), { learner: 'grace' });
    expect(body).toContain('no manager on the roster');
    // Code spans (the sign-off command) are never mentions.
    expect(body.replace(/`[^`]*`/g, '')).not.toContain('@');
  });

  it('says when the issue is closed without a sign-off', () => {
    expect(note(checklist({ A: [true, false] }), { closed: true })).toContain('closed without a sign-off');
  });

  it('records who signed off and when, so it can be read back from GitLab', () => {
    const body = note(checklist({ A: [true] }), { state: 'complete', closed: true, signOff: { by: 'carol', at: '2026-03-09T14:41:05.000Z' } });
    expect(body).toContain('**Signed off** by Carol Chen (carol) on 2026-03-09 14:41 UTC.');
    expect(body).not.toContain('@carol');
    expect(parseSignOff(body)).toEqual({ by: 'carol', at: '2026-03-09T14:41:05.000Z' });
  });

  it('records no sign-off before there is one', () => {
    expect(parseSignOff(note(checklist({ A: [true] })))).toBeNull();
  });

  it('shows section titles people wrote literally: no mention, reference, HTML or quick action', () => {
    const body = note(checklist({ '@all <img src=x> ~label #1 /close': [false] }));
    expect(body).not.toMatch(/@all|<img|(^|\s)~label|(^|\s)#1/);
    expect(body).toContain('&lt;img');
  });
});

describe('the list of missing items', () => {
  it('names the section and item, escaped, and counts the rest', () => {
    const c = parseChecklist(checklist({ 'On-call': ['- [ ] Ask @bob about /close', ...Array.from({ length: 11 }, () => false)] }));
    const list = renderMissing(c);
    expect(list.split('\n')).toHaveLength(11);
    expect(list).toContain('- On-call: Ask @\u200Dbob about /close');
    expect(list).toContain('- … and 2 more');
  });
});
