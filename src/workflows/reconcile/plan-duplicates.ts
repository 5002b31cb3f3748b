import type { Action } from '../../core/actions.js';
import { findMarkers, marker, markerId } from '../../core/markers.js';
import type { Issue } from '../../core/gitlab-port.js';

/** A record Trellis created more than once (a lost answer to a create, a person copying an issue). */
export interface DuplicateGroup {
  readonly key: string;
  readonly keep: Issue;
  readonly extras: readonly Issue[];
}

/**
 * Groups open issues Trellis authored by their record marker (the last marker in the description,
 * which Trellis appends when it creates an issue); any group of more than one is a duplicate. The
 * oldest (lowest iid) is kept. Issues people wrote are never judged here: templates share markers.
 */
export function findDuplicates(issues: readonly Issue[], bot: string): DuplicateGroup[] {
  const groups = new Map<string, Issue[]>();
  for (const issue of issues) {
    const key = recordKey(issue, bot);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  return [...groups.entries()]
    .filter(([, list]) => list.length > 1)
    .map(([key, list]) => {
      const [keep, ...extras] = [...list].sort((a, b) => a.iid - b.iid);
      return { key, keep: keep!, extras };
    });
}

/** Closes each extra copy with a note pointing at the one kept, and links the two. */
export function planCloseDuplicates(groups: readonly DuplicateGroup[]): Action[] {
  return groups.flatMap((g) =>
    g.extras.flatMap((extra): Action[] => [
      {
        kind: 'upsert-note',
        issue: { iid: extra.iid },
        marker: marker('duplicate', g.key.replace(/[^A-Za-z0-9._/@:+=-]/g, '-')),
        body: `Trellis found that this issue is a second copy of #${g.keep.iid} (the same record, \`${g.key}\`), so it closes this one. Everything continues on #${g.keep.iid}; anything written here that matters can be copied there.`,
      },
      { kind: 'link-issues', issue: { iid: extra.iid }, target: { iid: g.keep.iid } },
      { kind: 'set-state', issue: { iid: extra.iid }, state: 'closed' },
    ]),
  );
}

/** The record an open issue Trellis authored stands for (its last marker), or undefined for any other issue. */
export function recordKey(issue: Issue, bot: string): string | undefined {
  if (issue.state !== 'opened' || issue.author !== bot) return undefined;
  const last = findMarkers(issue.description).at(-1);
  return last ? markerId(last) : undefined;
}
