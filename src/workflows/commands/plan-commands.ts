import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import { marker } from '../../core/markers.js';
import type { Command } from '../../core/parse-command.js';

/** Every command Trellis understands, with what it does, for `help` and for refusing unknown ones. */
export const COMMANDS: ReadonlyArray<{ readonly usage: string; readonly what: string }> = [
  { usage: 'help', what: 'this list' },
  { usage: 'status', what: 'where this record stands' },
  { usage: 'start sre-i [@user]', what: 'open a training module (`sre-i` or `sre-ii`) for yourself, or for a report of yours' },
  { usage: 'sign-off', what: "the learner's manager signs off a module whose checklist is complete" },
  { usage: 'big-picture [@user]', what: 'open a big-picture career conversation' },
  { usage: 'checkpoint [@user]', what: "open this quarter's career checkpoint if it is missing" },
  { usage: 'agenda [@user]', what: "the standing agenda of the next 1:1 (focus areas, goals, what was noted, the next-level target, days left), written on the person's checkpoint" },
  { usage: 'approve [@buddy] [pair @engineer]', what: "the requester's manager approves an internship request; `@buddy` chooses the on-call buddy (default: the one the request names, else the nearest proposed), `pair @engineer` the engineer to pair with (default: the one proposed)" },
  { usage: 'decline <reason>', what: "the requester's manager declines an internship request" },
];

const KNOWN = new Set(COMMANDS.map((c) => c.usage.split(' ')[0]!));

/** Labels that make an issue a Trellis record, whose own workflow answers `status`. */
export const RECORD_LABELS = ['training-module', 'career-checkpoint', 'career-conversation', 'internship-request', 'internship-task', 'staff-gearing-report', 'trellis-config-error'];

/** An unknown command's name as the reply shows it: in a code span when it is a plain word, else escaped prose. */
function commandName(name: string): string {
  return /^[a-z0-9][a-z0-9-]{0,39}$/.test(name) ? `the command \`${name}\`` : `the command ${inlineText(name, 40)}`;
}

/** The help text, addressed to `bot`. */
export function helpText(bot: string): string {
  return [
    `Commands: write a line starting with \`@${bot}\` and one of these:`,
    '',
    '| command | what it does |',
    '|---|---|',
    ...COMMANDS.map((c) => `| \`@${bot} ${c.usage}\` | ${c.what} |`),
  ].join('\n');
}

/**
 * Replies for the commands no other workflow owns: `help`, unknown commands, and `status` on an issue
 * that is not a Trellis record. Keyed by the note id, so a redelivered note is answered once.
 */
export function planCommands(input: { commands: readonly Command[]; noteId: number; iid: number; labels: readonly string[]; bot: string }): Action[] {
  const replies: string[] = [];
  for (const cmd of input.commands) {
    if (cmd.name === 'help') replies.push(helpText(input.bot));
    else if (!KNOWN.has(cmd.name)) replies.push(`I do not know ${commandName(cmd.name)}.\n\n${helpText(input.bot)}`);
    else if (cmd.name === 'status' && !input.labels.some((l) => RECORD_LABELS.includes(l))) {
      replies.push('This issue is not a Trellis record, so it has no status. Trellis records carry one of the labels ' + RECORD_LABELS.map((l) => `\`${l}\``).join(', ') + '.');
    }
  }
  if (replies.length === 0) return [];
  return [{ kind: 'reply', issue: { iid: input.iid }, marker: marker('reply', `${input.noteId}-general`), body: replies.join('\n\n---\n\n') }];
}
