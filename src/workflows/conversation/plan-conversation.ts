import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import { marker } from '../../core/markers.js';
import type { Command } from '../../core/parse-command.js';
import type { Person, Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { commandTarget, privateRecordReply } from './command-target.js';
import { CONVERSATION_LABEL, CONVERSATION_PARTS, conversationMarker, conversationTitle, readConversation } from './conversation-record.js';

/** A command's actions and its reply, written once the actions ran (`created`: the record is new). */
export interface CareerCommandPlan {
  readonly actions: Action[];
  reply(refs: ReadonlyMap<string, Pick<Issue, 'iid'>>, created: boolean): string;
}

/** The ref of the conversation issue in a plan. */
export const CONVERSATION_REF = 'conversation';

/** The reply to a note's career commands: one per note, never twice (`reply:<note id>-conversation`). */
export function conversationReplyAction(iid: number, noteId: number, body: string): Action {
  return { kind: 'reply', issue: { iid }, marker: marker('reply', `${noteId}-conversation`), body };
}

/**
 * Opens (or finds, by its marker) a person's big-picture career conversation: confidential,
 * assigned to the person and their manager. `template` is the rendered template.
 */
export function planEnsureConversation(args: { ref?: string; person: Person; manager: Person; template: string }): Action {
  const { person, manager } = args;
  const intro = `For ${inlineText(person.name, 80)} (${inlineText(person.username)}), with ${inlineText(manager.name, 80)} (${inlineText(manager.username)}), their manager.`;
  return {
    kind: 'ensure-issue',
    ref: args.ref ?? CONVERSATION_REF,
    marker: conversationMarker(person.username),
    draft: {
      title: conversationTitle(person.username),
      description: `${intro}\n\n${args.template.trim()}\n`,
      labels: [CONVERSATION_LABEL],
      assignees: [person.username, manager.username],
      confidential: true,
    },
  };
}

/**
 * `big-picture [@user]`: opens the person's conversation unless they have one (`existing`, found by
 * the handler), for the commenter or, from their manager, for a report. `repliesInPrivate`: the
 * command was written in the person's own records project, so the reply may name the record.
 */
export function planBigPicture(input: { command: Command; actor: string; roster: Roster; bot: string; existing: Pick<Issue, 'iid'> | null; template: string; project: string; repliesInPrivate: boolean }): CareerCommandPlan {
  const usage = `Use \`@${input.bot} big-picture\` for yourself, or \`@${input.bot} big-picture @username\` for someone you manage.`;
  const target = commandTarget({ ...input, record: 'a big-picture career conversation', usage });
  if (target.kind === 'refuse') return { actions: [], reply: () => target.reply };
  const { person, manager } = target;
  const who = inlineText(person.username);
  // A reply stands where the command was written. Outside the person's own records project others
  // may read it, so it names no record: the conversation is assigned to the two people who may read it.
  if (!input.repliesInPrivate) {
    const actions = input.existing ? [] : [planEnsureConversation({ person, manager, template: input.template })];
    return { actions, reply: () => privateRecordReply(person, manager, 'big-picture career conversation') };
  }
  if (input.existing) {
    const iid = input.existing.iid;
    return { actions: [], reply: () => `${who}'s big-picture career conversation is ${input.project}#${iid}; Trellis did not open another. Revisit it there whenever something important changes.` };
  }
  return {
    actions: [planEnsureConversation({ person, manager, template: input.template })],
    reply(refs, created) {
      const iid = refs.get(CONVERSATION_REF)?.iid;
      // A full reference: the reply may stand in another project, where `#12` would name another issue.
      const where = iid === undefined ? 'a new issue' : `${input.project}#${iid}`;
      if (!created) return `${who}'s big-picture career conversation is ${where}; Trellis did not open another.`;
      return `Opened ${who}'s big-picture career conversation: ${where} in ${who}'s private records project, assigned to ${who} and ${inlineText(manager.username)}. Fill in what you can before your next 1:1 and talk it through there; each quarterly checkpoint links to it.`;
    },
  };
}

/** `status` on a conversation: which parts of the framework are written. */
export function conversationStatus(issue: Pick<Issue, 'description'>, person: string, template: string): string {
  const reading = readConversation(issue.description, template);
  const written = CONVERSATION_PARTS.filter((p) => reading[p.key] !== null);
  const lines = CONVERSATION_PARTS.map((p) => `- [${reading[p.key] !== null ? 'x' : ' '}] ${p.name}`);
  const next = CONVERSATION_PARTS.find((p) => reading[p.key] === null);
  return [
    `${inlineText(person)}'s big-picture career conversation: ${written.length} of ${CONVERSATION_PARTS.length} parts written.`,
    '',
    ...lines,
    '',
    next ? `Next: ${next.name}.` : 'Every part is written; revisit it whenever something important changes, at least once a year.',
  ].join('\n');
}
