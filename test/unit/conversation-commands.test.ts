import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/core/parse-command.js';
import { conversationReplyAction, conversationStatus, planBigPicture, planEnsureConversation } from '../../src/workflows/conversation/plan-conversation.js';
import { BOT, conversationTemplate, person, roster } from './checkpoint-fixtures.js';

const template = conversationTemplate();
const bigPicture = (actor: string, text: string, existing: { iid: number } | null = null, repliesInPrivate = true) =>
  planBigPicture({ command: parseCommands(`@${BOT} ${text}`, BOT)[0]!, actor, roster: roster(), bot: BOT, existing, template, project: `infra/career-records/${/@(\w+)/.exec(text)?.[1] ?? actor}`, repliesInPrivate });

describe('`big-picture [@user]`', () => {
  it.each([
    ['a person for themselves', 'alice', 'big-picture', ['alice', 'carol']],
    ['a manager for a report', 'carol', 'big-picture @bob', ['bob', 'carol']],
  ])('%s opens a confidential conversation assigned to the person and the manager', (_name, actor, text, assignees) => {
    const plan = bigPicture(actor, text);
    expect(plan.actions).toHaveLength(1);
    const [action] = plan.actions;
    expect(action?.kind === 'ensure-issue' && action.draft).toMatchObject({
      title: `Big picture career conversation: @${assignees[0]}`,
      labels: ['career-conversation'],
      assignees,
      confidential: true,
    });
    expect(action?.kind === 'ensure-issue' && action.marker).toEqual({ kind: 'big-picture', key: assignees[0] });
    expect(plan.reply(new Map([['conversation', { iid: 31 }]]), true)).toContain(`Opened ${assignees[0]}'s big-picture career conversation: infra/career-records/${assignees[0]}#31 in ${assignees[0]}'s private records project, assigned to ${assignees[0]} and carol.`);
  });

  it('someone else, not the manager, is refused with the reason and nothing is opened', () => {
    const plan = bigPicture('olivia', 'big-picture @alice');
    expect(plan.actions).toEqual([]);
    expect(plan.reply(new Map(), false)).toBe('Only alice or their manager (carol) can open a big-picture career conversation for alice.');
  });

  it('a person who has one gets a link instead of a second one', () => {
    const plan = bigPicture('alice', 'big-picture', { iid: 9 });
    expect(plan.actions).toEqual([]);
    expect(plan.reply(new Map(), false)).toContain("alice's big-picture career conversation is infra/career-records/alice#9; Trellis did not open another.");
  });

  it('one found by its marker while opening is named as existing, not as opened', () => {
    expect(bigPicture('alice', 'big-picture').reply(new Map([['conversation', { iid: 9 }]]), false)).toBe("alice's big-picture career conversation is infra/career-records/alice#9; Trellis did not open another.");
  });

  it('the issue introduces the person and manager by name, escaped, above the template', () => {
    const r = roster();
    const action = planEnsureConversation({ person: { ...person(r, 'alice'), name: 'Alice <b>@all</b>' }, manager: person(r, 'carol'), template });
    expect(action.kind === 'ensure-issue' && action.draft.description).toMatch(/^For Alice &lt;b>@\u200Dall&lt;\/b> \(alice\), with Carol Chen \(carol\), their manager\.\n\n## Big picture career conversation/);
  });

  it.each([
    ['opened', null],
    ['already there', { iid: 9 }],
  ])('written where others may read it (%s), the reply names no record and says who finds it', (_name, existing) => {
    const plan = bigPicture('carol', 'big-picture @bob', existing, false);
    expect(plan.actions).toHaveLength(existing ? 0 : 1);
    const reply = plan.reply(new Map([['conversation', { iid: 31 }]]), !existing);
    expect(reply).toBe("Done. bob's big-picture career conversation is private, so this reply does not link it: bob and carol find it among the issues assigned to them, in bob's private records project.");
    expect(reply).not.toMatch(/#\d|career-records/);
  });

  it('a note is answered once: the reply is keyed by the note id', () => {
    expect(conversationReplyAction(3, 55, 'x')).toEqual({ kind: 'reply', issue: { iid: 3 }, marker: { kind: 'reply', key: '55-conversation' }, body: 'x' });
  });
});

describe('`status` on a conversation', () => {
  it('lists the parts written and the next one', () => {
    const description = template.replace('Your lighthouse:\n', 'Your lighthouse:\n\nTeach SRE.\n');
    const text = conversationStatus({ description }, 'alice', template);
    expect(text).toContain("alice's big-picture career conversation: 1 of 8 parts written.");
    expect(text).toContain('- [x] Your lighthouse');
    expect(text).toContain('- [ ] What matters to you (core values)');
    expect(text).toContain('Next: What matters to you (core values).');
  });
});
