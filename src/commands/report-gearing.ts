import { readFile } from 'node:fs/promises';
import { connectRedis } from '../redis/connect-redis.js';
import type { Config } from '../config.js';
import { textTable } from '../core/text-table.js';
import { createExecutor } from '../core/executor.js';
import type { Log } from '../core/log.js';
import { formatRosterErrors } from '../core/parse-roster.js';
import { createMemoryCache, createMemoryLocks } from '../core/state-ports.js';
import type { Locks, RecordCache } from '../core/state-ports.js';
import { createLocalGateway } from '../main.js';
import type { GitLabGateway } from '../core/gitlab-port.js';
import { createRedisCache } from '../redis/redis-cache.js';
import { createRedisLocks } from '../redis/redis-lock.js';
import { parseConfig, readLocalConfig, ROLES_PATH, ROSTER_PATH } from '../roster/roster-store.js';
import { gearingTable, ratioText } from '../workflows/reports/gearing.js';
import { runGearingReport } from '../workflows/reports/reports-workflow.js';

export interface ReportGearingOptions {
  readonly dryRun: boolean;
  readonly log: Log;
  readonly print: (line: string) => void;
  readonly gitlab?: GitLabGateway;
  readonly now?: Date;
}

/**
 * `trellis report gearing [--dry-run]`: updates the Staff+ IC gearing report issue now and prints the
 * table. Takes the workers' Redis locks when Redis answers, so it never races the weekly run into
 * making the issue twice; without Redis it runs alone and says so. Returns the exit code.
 */
export async function reportGearingCommand(config: Config, opts: ReportGearingOptions): Promise<number> {
  if (!config.gitlab) {
    opts.print('trellis report gearing: GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT must be set');
    return 1;
  }
  const gl = config.gitlab;
  const gitlab = opts.gitlab ?? createLocalGateway(config, gl, opts.log);
  const rosterText = config.rosterFile ? { text: await readFile(config.rosterFile, 'utf8'), source: config.rosterFile } : await gitlab.getFile(ROSTER_PATH).then((f) => (f ? { text: f.content, source: ROSTER_PATH } : null));
  if (!rosterText) {
    opts.print(`no roster: ${ROSTER_PATH} is not on the records project's default branch`);
    return 1;
  }
  const roles = config.rosterFile ? (await readLocalConfig(config.rosterFile)).roles : await gitlab.getFile(ROLES_PATH).then((f) => (f ? { text: f.content, source: ROLES_PATH } : null));
  const parsed = parseConfig({ roster: rosterText, roles });
  if (!parsed.ok) {
    opts.print(formatRosterErrors(parsed.errors));
    return 1;
  }
  const state = await stateStores(config, opts);
  try {
    const bot = await gitlab.currentUser();
    const executor = createExecutor({ gitlab, locks: state.locks, cache: state.cache, log: opts.log, botUsername: async () => bot.username, recordsProject: gl.project, dryRun: opts.dryRun });
    const result = await runGearingReport({ gitlab, executor, roster: parsed.roster, now: opts.now ?? new Date(), log: opts.log, bot: bot.username });
    const rows = gearingTable(parsed.roster).teams.map((t) => [t.name, t.kind, String(t.staff.length), String(t.engineers), ratioText(t.ratio), t.status, t.staff.join(', ')]);
    for (const line of textTable(['TEAM', 'KIND', 'STAFF+', 'ICS', 'POLICY', 'STATUS', 'STAFF+ ENGINEERS'], rows)) opts.print(line);
    for (const c of result.changes) opts.print(`changed: ${c}`);
    const where = result.issue ? result.issue.webUrl : 'the report issue (not created: dry run)';
    opts.print(opts.dryRun ? `dry run: nothing written; ${where}` : `${result.writes} write${result.writes === 1 ? '' : 's'}: ${where}`);
    return 0;
  } finally {
    await state.close();
  }
}

async function stateStores(config: Config, opts: ReportGearingOptions): Promise<{ locks: Locks; cache: RecordCache; close(): Promise<void> }> {
  const redis = connectRedis(config.redisUrl ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return { locks: createRedisLocks(redis, config.queuePrefix), cache: createRedisCache(redis, config.queuePrefix), close: () => redis.quit().then(() => undefined) };
  } catch {
    redis.disconnect();
    opts.print('note: Redis does not answer, so this run takes no lock shared with the workers');
    return { locks: createMemoryLocks(), cache: createMemoryCache(), close: async () => undefined };
  }
}
