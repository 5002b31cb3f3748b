import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/core/parse-command.js';
import { planCommands } from '../../src/workflows/commands/plan-commands.js';

describe('commands in notes', () => {
  it.each([
    ['@trellis-bot start sre-i', [{ name: 'start', args: ['sre-i'] }]],
    ['@Trellis-Bot START sre-ii @alice', [{ name: 'start', args: ['sre-ii', '@alice'] }]],
    ['Thanks!\n@trellis-bot decline   not this quarter, sorry', [{ name: 'decline', args: ['not', 'this', 'quarter,', 'sorry'] }]],
    ['  @trellis-bot sign-off  ', [{ name: 'sign-off', args: [] }]],
    ['@trellis-bot help\n@trellis-bot status', [{ name: 'help', args: [] }, { name: 'status', args: [] }]],
  ])('reads %j', (body, expected) => {
    expect(parseCommands(body, 'trellis-bot').map(({ name, args }) => ({ name, args }))).toEqual(expected);
  });

  it.each([
    ['a mention in the middle of a line', 'ask @trellis-bot approve later'],
    ['another user whose name starts like the bot', '@trellis-botany approve'],
    ['a command quoted in a blockquote', '> @trellis-bot approve'],
    ['a command inside a code block', '```\n@trellis-bot approve\n```'],
    ['a mention with no command', '@trellis-bot'],
  ])('ignores %s', (_name, body) => {
    expect(parseCommands(body, 'trellis-bot')).toEqual([]);
  });

  it('keeps the whole reason of a decline, spaces and all', () => {
    expect(parseCommands('@trellis-bot decline Not this quarter:  team is short', 'trellis-bot')[0]!.rest).toBe('Not this quarter:  team is short');
  });
});

describe('general command replies', () => {
  const base = { noteId: 77, iid: 5, labels: [] as string[], bot: 'trellis-bot' };

  it('answers help with every command', () => {
    const [reply] = planCommands({ ...base, commands: parseCommands('@trellis-bot help', 'trellis-bot') });
    expect(reply).toMatchObject({ kind: 'reply', marker: { kind: 'reply', key: '77-general' } });
    for (const cmd of ['start sre-i', 'sre-ii', 'sign-off', 'approve', 'decline', 'big-picture', 'checkpoint']) expect(reply && 'body' in reply ? reply.body : '').toContain(cmd);
  });

  it('refuses an unknown command by name without letting it mention or run anything', () => {
    const [reply] = planCommands({ ...base, commands: parseCommands('@trellis-bot /close', 'trellis-bot') });
    const body = reply && 'body' in reply ? reply.body : '';
    expect(body).toMatch(/do not know the command/);
    expect(body.split('\n').some((l) => l.trimStart().startsWith('/'))).toBe(false);
  });

  it('leaves commands that records own to their workflows', () => {
    expect(planCommands({ ...base, labels: ['training-module'], commands: parseCommands('@trellis-bot status\n@trellis-bot sign-off', 'trellis-bot') })).toEqual([]);
  });

  it('says an issue without a record label has no status', () => {
    const [reply] = planCommands({ ...base, commands: parseCommands('@trellis-bot status', 'trellis-bot') });
    expect(reply && 'body' in reply ? reply.body : '').toMatch(/not a Trellis record/);
  });
});
