import { labelScope } from './labels.js';
import { parseCommands } from './parse-command.js';
import type { LabelEvent, Note } from './gitlab-port.js';

/**
 * Design principle 8: authority comes from GitLab, never from a payload. A webhook only says that
 * something happened; anyone who learns the webhook secret can write one. These are the pure rules
 * that compare what a payload claims with what GitLab says (the dispatcher does the reads).
 */

/**
 * The values of scoped labels whose addition is a decision only one person may take: `::complete`
 * signs off a training module (only the learner's manager), `::approved` approves an internship
 * (only the requester's manager). Both start work (SRE II, task issues), so who added them is read
 * from GitLab's label events. Every other state label is derived from the description or from tasks,
 * and a wrong one is put back whoever set it, so it needs no read.
 */
export const AUTHORITY_LABEL_VALUES: readonly string[] = ['complete', 'approved'];

/** True for a scoped label whose value needs authority (`sre-i::complete`, `internship::approved`). */
export function needsAuthority(label: string): boolean {
  const scope = labelScope(label);
  return scope !== null && AUTHORITY_LABEL_VALUES.includes(label.slice(scope.length + 2));
}

/** The labels needing authority that a label change adds (none when the change is absent). */
export function authorityLabelsAdded(labels: { readonly previous: readonly string[]; readonly current: readonly string[] } | undefined): string[] {
  if (!labels) return [];
  return labels.current.filter((l, i) => needsAuthority(l) && !labels.previous.includes(l) && labels.current.indexOf(l) === i);
}

/** True when a note body holds a command for the bot: only such notes are read back from GitLab. */
export function hasCommands(body: string, bot: string): boolean {
  return parseCommands(body, bot).length > 0;
}

/** What GitLab says of a note a payload claims someone wrote. */
export type NoteVerdict =
  | { readonly kind: 'genuine'; readonly body: string }
  | { readonly kind: 'forged'; readonly reason: 'missing' | 'system' | 'author' | 'body'; readonly gitlabAuthor: string | null };

/**
 * A payload's note against GitLab's note of that id. Forged when GitLab has no such note, a system
 * note, another author, or other commands: commands are what carry authority, so text around them
 * edited before the event was handled does not drop it. A genuine note goes on with GitLab's body.
 */
export function judgeNote(claim: { readonly actor: string; readonly body: string }, note: Note | null, bot: string): NoteVerdict {
  if (note === null) return { kind: 'forged', reason: 'missing', gitlabAuthor: null };
  if (note.system) return { kind: 'forged', reason: 'system', gitlabAuthor: note.author };
  if (note.author.toLowerCase() !== claim.actor.toLowerCase()) return { kind: 'forged', reason: 'author', gitlabAuthor: note.author };
  if (commandKey(claim.body, bot) !== commandKey(note.body, bot)) return { kind: 'forged', reason: 'body', gitlabAuthor: note.author };
  return { kind: 'genuine', body: note.body };
}

function commandKey(body: string, bot: string): string {
  return JSON.stringify(parseCommands(body, bot).map((c) => [c.name, c.rest]));
}

/** Who GitLab says added labels a payload claims its actor added. */
export type LabelVerdict =
  | { readonly kind: 'genuine' }
  /** GitLab names one other person: the event is judged as theirs. */
  | { readonly kind: 'reassigned'; readonly user: string }
  /** GitLab has no add of a label (or names several people): nobody to judge the event as. */
  | { readonly kind: 'forged' };

/** For each label, who added it most recently per GitLab's label events (oldest first), or null. */
export function lastAdders(labels: readonly string[], events: readonly LabelEvent[]): Array<{ label: string; user: string | null }> {
  return labels.map((label) => {
    const last = events.filter((e) => e.action === 'add' && e.label === label && e.user !== '').at(-1);
    return { label, user: last?.user ?? null };
  });
}

/** The payload's actor against who added `labels` per GitLab's label events. */
export function judgeLabelMove(actor: string, labels: readonly string[], events: readonly LabelEvent[]): LabelVerdict {
  const adders = lastAdders(labels, events);
  if (adders.length === 0) return { kind: 'genuine' };
  const users = new Set<string>();
  for (const { user } of adders) {
    if (user === null) return { kind: 'forged' };
    users.add(user.toLowerCase());
  }
  if (users.size === 1 && users.has(actor.toLowerCase())) return { kind: 'genuine' };
  const first = adders[0]?.user;
  return users.size === 1 && first ? { kind: 'reassigned', user: first } : { kind: 'forged' };
}
