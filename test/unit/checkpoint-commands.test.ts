import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/core/parse-command.js';
import {
  checkpointCommandReply,
  checkpointCommands,
  checkpointReplyAction,
  checkpointStatusReply,
  decideCheckpointCommand,
} from '../../src/workflows/checkpoint/plan-commands.js';
import { BOT, checkpointIssue, person, quarter, roster, tickAreas } from './checkpoint-fixtures.js';

const Q = quarter('FY27-Q1');
const command = (text: string) => parseCommands(`@${BOT} ${text}`, BOT)[0]!;
const decide = (actor: string, text: string) => decideCheckpointCommand({ command: command(text), actor, roster: roster(), bot: BOT, quarter: Q });

describe('`checkpoint [@user]`: who may open a checkpoint for whom', () => {
  it.each([
    ['a person for themselves', 'alice', 'checkpoint', 'alice'],
    ['a manager for a report', 'carol', 'checkpoint @alice', 'alice'],
    ['a manager for a report, without the @', 'carol', 'checkpoint alice', 'alice'],
    ['a manager of managers for a manager', 'vera', 'checkpoint @carol', 'carol'],
  ])('%s is allowed', (_name, actor, text, who) => {
    const d = decide(actor, text);
    expect(d.kind === 'ensure' && [d.person.username, d.manager.username]).toEqual([who, person(roster(), who).manager]);
  });

  it.each([
    ['a teammate for someone else', 'bob', 'checkpoint @alice', 'Only alice or their manager (carol) can open a FY27-Q1 career checkpoint for alice.'],
    ["a skip-level manager (the roster names the direct one)", 'vera', 'checkpoint @alice', 'Only alice or their manager (carol)'],
    ['anyone for someone not on the roster', 'carol', 'checkpoint @zed', 'zed is not on the roster, so Trellis cannot open a FY27-Q1 career checkpoint for them.'],
    ['someone not on the roster for themselves', 'zed', 'checkpoint', 'You are not on the roster'],
    ['a person without a manager', 'vera', 'checkpoint', 'vera has no manager on the roster'],
    ['a name that is not a username', 'carol', 'checkpoint @a!b', '“@\u200Da!b” is not a username. Use `@trellis-bot checkpoint`'],
  ])('%s is refused, saying why', (_name, actor, text, why) => {
    const d = decide(actor, text);
    expect(d.kind).toBe('refuse');
    expect(d.kind === 'refuse' && d.reply).toContain(why);
  });

  it('written where others may read it, the reply names no record', () => {
    const args = { person: person(roster(), 'alice'), manager: person(roster(), 'carol'), quarter: Q, project: 'infra/career-records/alice', iid: 12, repliesInPrivate: false };
    for (const created of [true, false]) {
      const reply = checkpointCommandReply({ ...args, created, conversation: { iid: 11, created } });
      expect(reply).toBe("Done. alice's FY27-Q1 career checkpoint is private, so this reply does not link it: alice and carol find it among the issues assigned to them, in alice's private records project.");
    }
  });

  it('in the person\'s own records project the reply says whether the checkpoint was opened now or already there, and mentions nobody', () => {
    const args = { person: person(roster(), 'alice'), manager: person(roster(), 'carol'), quarter: Q, project: 'infra/career-records/alice', iid: 12, repliesInPrivate: true };
    const opened = checkpointCommandReply({ ...args, created: true, conversation: { iid: 11, created: true } });
    expect(opened).toContain("Opened alice's FY27-Q1 career checkpoint: infra/career-records/alice#12 in alice's private records project, assigned to alice and carol, due 2026-04-30.");
    expect(opened).toContain("Trellis also opened alice's big-picture career conversation, infra/career-records/alice#11");
    expect(checkpointCommandReply({ ...args, created: false, conversation: { iid: 11, created: false } })).toBe("alice's FY27-Q1 career checkpoint is infra/career-records/alice#12; Trellis did not open another.");
    expect(opened).not.toContain('@');
  });

  it('a note is answered once: the reply is keyed by the note id', () => {
    expect(checkpointReplyAction(40, 987, 'hi')).toEqual({ kind: 'reply', issue: { iid: 40 }, marker: { kind: 'reply', key: '987-checkpoint' }, body: 'hi' });
  });

  it('`status` is this workflow’s only on a checkpoint; `checkpoint` anywhere', () => {
    const both = parseCommands(`@${BOT} status\n@${BOT} checkpoint\n@${BOT} help`, BOT);
    expect(checkpointCommands(both, true).map((c) => c.name)).toEqual(['status', 'checkpoint']);
    expect(checkpointCommands(both, false).map((c) => c.name)).toEqual(['checkpoint']);
  });

  it('`status` on a checkpoint says where it stands, without mentioning anyone', () => {
    const issue = checkpointIssue('FY27-Q1', 'alice');
    const reply = checkpointStatusReply({ issue: { ...issue, description: tickAreas(issue.description, [0, 1]) }, id: { quarter: 'FY27-Q1', report: 'alice' }, roster: roster(), today: '2026-04-20', reviewDays: 14 });
    expect(reply).toContain("alice's FY27-Q1 checkpoint is **review** (`checkpoint::review`).");
    expect(reply).toContain('The summary of progress is not written yet. The review reminder comes on 2026-04-16; FY27-Q1 ends on 2026-04-30.');
    expect(reply).not.toContain('@');
  });
});
