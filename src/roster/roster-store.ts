import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { AppError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { formatRosterErrors, parseRoster } from '../core/parse-roster.js';
import type { RosterError } from '../core/parse-roster.js';
import type { Roster } from '../core/roster.js';
import type { GitLabGateway } from '../gitlab/port.js';

/** Where the roster lives in the records project. */
export const ROSTER_PATH = '.trellis/roster.yml';

export type RosterLoad =
  | { readonly ok: true; readonly roster: Roster; readonly source: string }
  | { readonly ok: false; readonly errors: readonly RosterError[]; readonly source: string; readonly message: string };

export interface RosterStore {
  /** The last valid roster (loaded on first use). Throws when no valid roster was ever seen. */
  current(): Promise<Roster>;
  /** Reads the roster again; a valid one replaces the current one, an invalid one never does. */
  reload(): Promise<RosterLoad>;
  /** Calls `listener` after every load of a valid roster (schedules follow its time zone and fiscal year). */
  onValid(listener: (roster: Roster) => Promise<void> | void): void;
}

export interface RosterStoreOptions {
  /** A local file (TRELLIS_ROSTER_FILE); otherwise `.trellis/roster.yml` in the records project. */
  readonly file?: string;
  readonly gitlab?: GitLabGateway;
  /** Keeps the last valid roster's text across restarts, so a bad push never takes effect. */
  readonly redis?: Redis;
  readonly prefix?: string;
  readonly log: Log;
  /** How long a loaded roster is trusted before it is read again, as a safety net for missed push hooks. */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/** Loads and keeps the roster: local file or GitLab, validated, last valid kept. */
export function createRosterStore(opts: RosterStoreOptions): RosterStore {
  const maxAge = opts.maxAgeMs ?? 10 * 60_000;
  const now = opts.now ?? Date.now;
  const lastValidKey = `${opts.prefix ?? '{trellis}'}:roster:last-valid`;
  let current: { roster: Roster; at: number } | undefined;
  let inflight: Promise<RosterLoad> | undefined;
  const listeners: Array<(roster: Roster) => Promise<void> | void> = [];

  async function read(): Promise<{ text: string; source: string } | null> {
    if (opts.file) return { text: await readFile(opts.file, 'utf8'), source: opts.file };
    if (!opts.gitlab) throw new AppError('roster_invalid', 'no roster: set TRELLIS_ROSTER_FILE or configure GitLab');
    const file = await opts.gitlab.getFile(ROSTER_PATH);
    return file ? { text: file.content, source: ROSTER_PATH } : null;
  }

  async function load(): Promise<RosterLoad> {
    const got = await read();
    if (!got) {
      const message = `${ROSTER_PATH} not found on the records project's default branch`;
      return { ok: false, errors: [{ file: ROSTER_PATH, line: null, column: null, path: '', message }], source: ROSTER_PATH, message };
    }
    const result = parseRoster(got.text, got.source);
    if (!result.ok) {
      opts.log.warn({ source: got.source, errors: result.errors.length }, 'roster invalid; keeping the last valid one');
      return { ok: false, errors: result.errors, source: got.source, message: formatRosterErrors(result.errors) };
    }
    current = { roster: result.roster, at: now() };
    if (opts.redis) await opts.redis.set(lastValidKey, JSON.stringify({ text: got.text, source: got.source })).catch(() => undefined);
    for (const listener of listeners) {
      await Promise.resolve(listener(result.roster)).catch((err: unknown) => opts.log.warn({ err }, 'roster listener failed'));
    }
    return { ok: true, roster: result.roster, source: got.source };
  }

  async function fromRedis(): Promise<Roster | undefined> {
    const saved = opts.redis ? await opts.redis.get(lastValidKey).catch(() => null) : null;
    if (!saved) return undefined;
    const { text, source } = JSON.parse(saved) as { text: string; source: string };
    const result = parseRoster(text, source);
    return result.ok ? result.roster : undefined;
  }

  const store: RosterStore = {
    onValid(listener) {
      listeners.push(listener);
    },
    reload() {
      inflight ??= load().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    async current() {
      if (current && now() - current.at < maxAge) return current.roster;
      const result = await store.reload().catch((err: unknown) => {
        if (!current) throw err;
        opts.log.warn({ err }, 'roster reload failed; using the loaded one');
        return null;
      });
      if (result?.ok) return result.roster;
      if (current) {
        current = { roster: current.roster, at: now() };
        return current.roster;
      }
      const saved = await fromRedis();
      if (saved) {
        current = { roster: saved, at: now() };
        return saved;
      }
      throw new AppError('roster_invalid', `no valid roster yet: ${result?.ok === false ? result.message : 'unreadable'}`);
    },
  };
  return store;
}
