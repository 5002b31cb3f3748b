import { inlineText } from '../../core/markdown-safety.js';
import type { Command } from '../../core/parse-command.js';
import { usernameArg } from '../../core/parse-command.js';
import { findPerson, isManagerOf } from '../../core/roster.js';
import type { Person, Roster } from '../../core/roster.js';

/** Whom a career command is for, or why it is refused. */
export type CommandTarget =
  | { readonly kind: 'ok'; readonly person: Person; readonly manager: Person }
  | { readonly kind: 'refuse'; readonly reply: string };

/**
 * The person a `big-picture [@user]` or `checkpoint [@user]` command is for, checked against the
 * roster: people ask for themselves, managers for their direct reports. Career records are shared
 * by a report and their manager, so the person must have a manager on the roster. `record` names
 * the record in replies ("a big-picture career conversation").
 */
export function commandTarget(input: { command: Command; actor: string; roster: Roster; record: string; usage: string }): CommandTarget {
  const { command, actor, roster, record, usage } = input;
  const named = command.args[0];
  const target = named === undefined ? actor : usernameArg(named);
  if (target === null) return refuse(`“${inlineText(named ?? '', 40)}” is not a username. ${usage}`);
  const person = findPerson(roster, target);
  if (!person) {
    const who = named === undefined ? 'You are' : `${inlineText(target)} is`;
    return refuse(`${who} not on the roster, so Trellis cannot open ${record} for ${named === undefined ? 'you' : 'them'}. Ask a manager to add ${named === undefined ? 'you' : 'them'} to \`.trellis/roster.yml\`.`);
  }
  const self = person.username.toLowerCase() === actor.toLowerCase();
  if (!self && !isManagerOf(roster, actor, person.username)) {
    return refuse(`Only ${inlineText(person.username)} or their manager${person.manager ? ` (${inlineText(person.manager)})` : ''} can open ${record} for ${inlineText(person.username)}.`);
  }
  const manager = person.manager ? findPerson(roster, person.manager) : undefined;
  if (!manager) {
    return refuse(`${inlineText(person.username)} has no manager on the roster, and ${record} is shared between a report and their manager. Ask for the roster to name one first.`);
  }
  return { kind: 'ok', person, manager };
}

function refuse(reply: string): CommandTarget {
  return { kind: 'refuse', reply };
}

/**
 * The answer to a career command written where others may read it (anywhere but the person's own
 * records project): it names no record, since replies about private records go only where the
 * people who may read them are; the record is assigned to those two, so they find it.
 */
export function privateRecordReply(person: Person, manager: Person, record: string): string {
  const who = inlineText(person.username);
  return `Done. ${who}'s ${record} is private, so this reply does not link it: ${who} and ${inlineText(manager.username)} find it among the issues assigned to them, in ${who}'s private records project.`;
}
