import type { Issue, IssueQuery } from '../../core/gitlab-port.js';
import { CLOCK_MARGIN_MS } from '../../workflows/reconcile/reconcile-mark.js';

/*
 * A listing the dashboard keeps current at the cost of what changed. For 10,000 people the quarter's
 * checkpoints are 100 listing pages: read whole on every cache expiry, a manager refreshing the page
 * waited ~10 s on the simulator (far longer on a real GitLab) and a dashboard left open spent 100
 * calls every 30 s, a tenth of GitLab.com's 2,000 a minute. So the listing is read whole once, then
 * brought up to date with what changed since the last read: `updated_after` lists every issue of the
 * place updated on or after a time (GitLab's REST docs, doc/api/issues.md, "List group issues"), and
 * every change to an issue moves its `updated_at` (labels, text, state, notes), the same fact the
 * reconcile's mark rests on (src/workflows/reconcile/reconcile-mark.ts). The update lists without the
 * label filter, so an issue that lost a label is seen and dropped. A deleted issue is not listed by
 * anything, so the listing is read whole again at least every `wholeEveryMs`. Once there is a listing,
 * a read past `ttlMs` answers what it has and updates in the background, so someone refreshing a page
 * never waits for GitLab. A listing last checked more than `STALE_TTLS` periods ago is too old to show
 * (nobody looked for a while, and a page of hours ago would be answered as current): that read waits
 * for what changed, usually one call, and a whole listing that is due follows in the background.
 */

export interface IssueSource {
  listIssues(query: IssueQuery): AsyncIterable<Issue>;
}

export interface LiveListingOptions {
  /** Where the issues are listed (asked on every listing: the gateway is built on first use). */
  readonly source: () => IssueSource;
  /** Issues having all of these labels. */
  readonly labels: readonly string[];
  readonly state: 'opened' | 'all';
  /** What is kept of each listed issue (the dashboard drops the descriptions its views never read). */
  readonly keep: (issue: Issue) => Issue;
  /** How long a listing is answered as it is before it is brought up to date (real time). */
  readonly ttlMs: number;
  /** A whole listing at least this often (real time): deleted issues are seen no other way. */
  readonly wholeEveryMs: number;
  /** Told when an update in the background fails; the listing it had stays. */
  readonly onUpdateError?: (err: unknown) => void;
  /** Wall clock for `updated_after` (ms since the epoch); default `Date.now`. */
  readonly wallClock?: () => number;
  /** Clock for the ttl (ms); default `performance.now`. */
  readonly clock?: () => number;
}

/** What an update costs at most, as a share of the listing, before a whole listing is cheaper. */
const UPDATE_SHARE = 0.25;
const UPDATE_FLOOR = 200;
/** Past this many ttl periods since its last check, a listing is brought up to date before it is answered. */
const STALE_TTLS = 2;

/**
 * The listing, kept up to date as described above. Answers the same array while nothing changed (the
 * dashboard shapes and renders a page once per array); a change gives a new array in GitLab's order
 * (newest first). The first listing is awaited by every reader; a failed one is not kept. A failed
 * update keeps the listing it had (answered, and tried again after the ttl).
 */
export function liveListing(opts: LiveListingOptions): () => Promise<readonly Issue[]> {
  const wall = opts.wallClock ?? Date.now;
  const clock = opts.clock ?? (() => performance.now());
  const query: IssueQuery = { labels: opts.labels, state: opts.state };
  const matches = (issue: Issue) => (opts.state === 'all' || issue.state === opts.state) && opts.labels.every((l) => issue.labels.includes(l));

  let current: { issues: readonly Issue[]; byId: Map<number, Issue>; since: number; checkedAt: number; wholeAt: number } | undefined;
  let first: Promise<readonly Issue[]> | undefined;
  /** The update in flight, if any: one at a time, and a read that must wait joins it. */
  let pending: Promise<void> | undefined;

  const listWhole = async () => {
    const started = { wall: wall(), clock: clock() };
    const issues: Issue[] = [];
    for await (const issue of opts.source().listIssues(query)) issues.push(opts.keep(issue));
    current = { issues, byId: new Map(issues.map((i) => [i.id, i])), since: started.wall - CLOCK_MARGIN_MS, checkedAt: started.clock, wholeAt: started.clock };
  };

  /** Brings `current` up to date with what changed; false when so much changed that a whole listing is cheaper. */
  const listChanges = async (was: NonNullable<typeof current>): Promise<boolean> => {
    const started = { wall: wall(), clock: clock() };
    const limit = Math.max(UPDATE_FLOOR, Math.ceil(was.byId.size * UPDATE_SHARE));
    const changed: Issue[] = [];
    for await (const issue of opts.source().listIssues({ state: 'all', updatedAfter: new Date(was.since).toISOString() })) {
      changed.push(issue);
      if (changed.length > limit) return false;
    }
    let byId = was.byId;
    for (const issue of changed) {
      const had = byId.get(issue.id);
      const keep = matches(issue);
      if (!keep && !had) continue;
      if (keep && had && had.updatedAt === issue.updatedAt) continue;
      if (byId === was.byId) byId = new Map(was.byId);
      if (keep) byId.set(issue.id, opts.keep(issue));
      else byId.delete(issue.id);
    }
    const issues = byId === was.byId ? was.issues : [...byId.values()].sort(newestFirst);
    current = { issues, byId, since: started.wall - CLOCK_MARGIN_MS, checkedAt: started.clock, wholeAt: was.wholeAt };
    return true;
  };

  /** Brings `was` up to date: what changed, or a whole listing when one is due (`whole`) or cheaper. */
  const update = (was: NonNullable<typeof current>, whole: boolean): Promise<void> =>
    (pending ??= (async () => {
      try {
        if ((whole && clock() - was.wholeAt >= opts.wholeEveryMs) || !(await listChanges(was))) await listWhole();
      } catch (err) {
        // The listing it had stays, and the next read after the ttl tries again.
        if (current === was) current = { ...was, checkedAt: clock() };
        opts.onUpdateError?.(err);
      }
    })().finally(() => {
      pending = undefined;
    }));

  return async () => {
    if (!current) {
      first ??= listWhole().then(
        () => current!.issues,
        (err: unknown) => {
          first = undefined;
          throw err;
        },
      );
      return first;
    }
    const age = clock() - current.checkedAt;
    if (age < opts.ttlMs) return current.issues;
    if (age < STALE_TTLS * opts.ttlMs) {
      void update(current, true);
      return current.issues;
    }
    await update(current, false);
    if (clock() - current.wholeAt >= opts.wholeEveryMs) void update(current, true);
    return current.issues;
  };
}

/** GitLab's default order of a listing: created_at descending (then id, for issues of one instant). */
function newestFirst(a: Issue, b: Issue): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id;
}
