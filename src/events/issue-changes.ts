import type { IssueChanges } from './types.js';
import { issueState, stateFromId } from './gitlab-values.js';
import type { IssueHookChanges } from './payload-types.js';

type Pair<T> = { readonly previous?: T | null | undefined; readonly current?: T | null | undefined };

function titles(labels: readonly { title: string }[] | null | undefined): string[] {
  return (labels ?? []).map((l) => l.title);
}

function usernames(users: readonly { username: string }[] | null | undefined): string[] {
  return (users ?? []).map((u) => u.username);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((x) => set.has(x));
}

function scalar<T>(pair: Pair<T>): { previous: T | null; current: T | null } {
  return { previous: pair.previous ?? null, current: pair.current ?? null };
}

/**
 * What an issue hook's `changes` says changed, in Trellis's terms: label titles, assignee usernames,
 * state as opened/closed. Only keys present in the payload are filled. A label change whose title
 * sets are equal (a label swapped for another of the same name) is left out: nothing Trellis reads
 * changed.
 */
export function issueChanges(changes: IssueHookChanges | null | undefined): IssueChanges {
  if (!changes) return {};
  const out: { -readonly [K in keyof IssueChanges]: IssueChanges[K] } = {};
  if (changes.labels) {
    const previous = titles(changes.labels.previous);
    const current = titles(changes.labels.current);
    if (!sameSet(previous, current)) out.labels = { previous, current };
  }
  if (changes.title) out.title = scalar(changes.title);
  if (changes.description) out.description = { previous: changes.description.previous ?? null };
  if (changes.state_id) {
    out.state = { previous: stateFromId(changes.state_id.previous), current: stateFromId(changes.state_id.current) };
  } else if (changes.state) {
    out.state = { previous: issueState(changes.state.previous, null), current: issueState(changes.state.current, null) };
  }
  if (changes.assignees) {
    out.assignees = { previous: usernames(changes.assignees.previous), current: usernames(changes.assignees.current) };
  }
  if (changes.confidential) out.confidential = scalar(changes.confidential);
  return out;
}
