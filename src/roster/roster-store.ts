import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { AppError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { formatRosterErrors, parseRoster } from '../core/parse-roster.js';
import { parseRolesFile } from '../core/parse-roles.js';
import type { RosterError } from '../core/parse-roster.js';
import type { Roster } from '../core/roster.js';
import type { GitLabGateway } from '../core/gitlab-port.js';

/** Where the roster lives in the records project. */
export const ROSTER_PATH = '.trellis/roster.yml';

/** Where the department's role descriptions live beside it (optional: the built-in roles otherwise). */
export const ROLES_PATH = '.trellis/roles.yml';

/** The files a push must touch for the roster to be read again. */
export const CONFIG_PATHS: readonly string[] = [ROSTER_PATH, ROLES_PATH];

/** The text of the roster and of the roles file (null when there is none), and where each came from. */
export interface ConfigTexts {
  readonly roster: { readonly text: string; readonly source: string };
  readonly roles: { readonly text: string; readonly source: string } | null;
}

/**
 * Parses the roles file (when there is one) and the roster over it: one result for both, so an
 * invalid roles file stops the roster from being taken, and the last valid pair stays in use.
 */
export function parseConfig(texts: ConfigTexts): ReturnType<typeof parseRoster> {
  if (texts.roles) {
    const roles = parseRolesFile(texts.roles.text, texts.roles.source);
    if (!roles.ok) return roles;
    return parseRoster(texts.roster.text, texts.roster.source, roles.roles);
  }
  return parseRoster(texts.roster.text, texts.roster.source);
}

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
  readonly redis?: Redis | Cluster;
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

  async function read(): Promise<ConfigTexts | null> {
    if (opts.file) return readLocalConfig(opts.file);
    if (!opts.gitlab) throw new AppError('roster_invalid', 'no roster: set TRELLIS_ROSTER_FILE or configure GitLab');
    return readGitLabConfig(opts.gitlab);
  }

  async function load(): Promise<RosterLoad> {
    const got = await read();
    if (!got) {
      const message = `${ROSTER_PATH} not found on the records project's default branch`;
      return { ok: false, errors: [{ file: ROSTER_PATH, line: null, column: null, path: '', message }], source: ROSTER_PATH, message };
    }
    const result = parseConfig(got);
    if (!result.ok) {
      const source = result.errors[0]?.file ?? got.roster.source;
      opts.log.warn({ source, errors: result.errors.length }, 'roster invalid; keeping the last valid one');
      return { ok: false, errors: result.errors, source, message: formatRosterErrors(result.errors) };
    }
    current = { roster: result.roster, at: now() };
    if (opts.redis) await opts.redis.set(lastValidKey, JSON.stringify(got)).catch(() => undefined);
    for (const listener of listeners) {
      await Promise.resolve(listener(result.roster)).catch((err: unknown) => opts.log.warn({ err }, 'roster listener failed'));
    }
    return { ok: true, roster: result.roster, source: got.roster.source };
  }

  async function fromRedis(): Promise<Roster | undefined> {
    const saved = opts.redis ? await opts.redis.get(lastValidKey).catch(() => null) : null;
    if (!saved) return undefined;
    const texts = JSON.parse(saved) as Partial<ConfigTexts> & { text?: string; source?: string };
    // Saved by an earlier Trellis: the roster's text alone.
    const result = texts.roster ? parseConfig({ roster: texts.roster, roles: texts.roles ?? null }) : parseRoster(texts.text ?? '', texts.source ?? ROSTER_PATH);
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

/** The roster file and a `roles.yml` beside it, when there is one. */
export async function readLocalConfig(file: string): Promise<ConfigTexts> {
  const rolesFile = path.join(path.dirname(file), 'roles.yml');
  const roles = await readFile(rolesFile, 'utf8').then(
    (text) => ({ text, source: rolesFile }),
    () => null,
  );
  return { roster: { text: await readFile(file, 'utf8'), source: file }, roles };
}

/** `.trellis/roster.yml` and `.trellis/roles.yml` on the default branch; null when the roster is missing. */
export async function readGitLabConfig(gitlab: GitLabGateway): Promise<ConfigTexts | null> {
  const [roster, roles] = await Promise.all([gitlab.getFile(ROSTER_PATH), gitlab.getFile(ROLES_PATH)]);
  if (!roster) return null;
  return { roster: { text: roster.content, source: ROSTER_PATH }, roles: roles ? { text: roles.content, source: ROLES_PATH } : null };
}
