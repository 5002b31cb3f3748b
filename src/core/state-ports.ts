/**
 * What the executor needs besides GitLab: locks and caches. Redis implements them (src/redis/);
 * the in-memory versions below serve unit tests and one-shot CLI runs. Everything here can be lost:
 * GitLab remains the record, and a miss only costs a read.
 */
export interface Locks {
  /** Runs `fn` while holding `key` across every process; waits up to `waitMs` for it. */
  withLock<T>(key: string, fn: () => Promise<T>, opts?: { ttlMs?: number; waitMs?: number }): Promise<T>;
}

export interface NoteMemo {
  readonly noteId: number;
  readonly hash: string;
}

export interface RecordCache {
  /** The iid of the issue carrying a marker in a project, if Trellis made or found it. */
  issueFor(project: string, markerId: string): Promise<number | null>;
  rememberIssue(project: string, markerId: string, iid: number): Promise<void>;
  forgetIssue(project: string, markerId: string): Promise<void>;
  /** Trellis's note with a marker on an issue, and the hash of the body it last wrote. */
  noteFor(project: string, iid: number, markerId: string): Promise<NoteMemo | null>;
  rememberNote(project: string, iid: number, markerId: string, memo: NoteMemo): Promise<void>;
  forgetNote(project: string, iid: number, markerId: string): Promise<void>;
  /**
   * Records that this version of an issue was seen (from an event, or returned by Trellis's own write);
   * 'stale' when a newer version was already seen (events arrive in any order), so the caller reads the
   * issue fresh instead. Webhook times have whole seconds only, so a different `fingerprint` with the
   * same time is also 'stale': which of the two is newer cannot be told, and a read settles it.
   */
  observeIssue(project: string, iid: number, updatedAt: string, fingerprint?: string): Promise<'newest' | 'stale'>;
  /** True the first time `key` is claimed within `ttlSeconds` (e.g. a hook delivery already resent). */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Makes `key` claimed for `ttlSeconds` from now, claimed before or not (a short claim taken before
   * some work, made long once the work succeeded); 0 releases it, so the next claim succeeds (the
   * work failed and should be tried again).
   */
  setClaim(key: string, ttlSeconds: number): Promise<void>;
  /** A small piece of derived state by name (what access was last applied, the last audit), or null. */
  getState(key: string): Promise<string | null>;
  setState(key: string, value: string): Promise<void>;
}

/** Locks for one process. */
export function createMemoryLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock(key, fn) {
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(fn);
      tails.set(key, run);
      try {
        return await run;
      } finally {
        if (tails.get(key) === run) tails.delete(key);
      }
    },
  };
}

/** A cache in one process's memory. */
export function createMemoryCache(): RecordCache {
  const issues = new Map<string, number>();
  const notes = new Map<string, NoteMemo>();
  const seen = new Map<string, { at: number; fp: string }>();
  const claims = new Map<string, number>();
  const state = new Map<string, string>();
  return {
    async getState(key) {
      return state.get(key) ?? null;
    },
    async setState(key, value) {
      state.set(key, value);
    },
    async claim(key, ttlSeconds) {
      const until = claims.get(key);
      if (until !== undefined && until > Date.now()) return false;
      claims.set(key, Date.now() + ttlSeconds * 1000);
      return true;
    },
    async setClaim(key, ttlSeconds) {
      if (ttlSeconds > 0) claims.set(key, Date.now() + ttlSeconds * 1000);
      else claims.delete(key);
    },
    async observeIssue(project, iid, updatedAt, fingerprint = '') {
      const key = `${project} ${iid}`;
      const at = Date.parse(updatedAt);
      const last = seen.get(key);
      if (last && (last.at > at || (last.at === at && last.fp !== fingerprint))) return 'stale';
      seen.set(key, { at, fp: fingerprint });
      return 'newest';
    },
    async issueFor(project, id) {
      return issues.get(`${project} ${id}`) ?? null;
    },
    async rememberIssue(project, id, iid) {
      issues.set(`${project} ${id}`, iid);
    },
    async forgetIssue(project, id) {
      issues.delete(`${project} ${id}`);
    },
    async noteFor(project, iid, id) {
      return notes.get(`${project} ${iid} ${id}`) ?? null;
    },
    async rememberNote(project, iid, id, memo) {
      notes.set(`${project} ${iid} ${id}`, memo);
    },
    async forgetNote(project, iid, id) {
      notes.delete(`${project} ${iid} ${id}`);
    },
  };
}
