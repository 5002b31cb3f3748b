import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { createLocalGateway } from '../main.js';
import type { GitLabGateway } from '../core/gitlab-port.js';
import { parseConfig, readLocalConfig, ROLES_PATH, ROSTER_PATH } from '../roster/roster-store.js';
import { loadTemplates } from '../templates/load-templates.js';
import { formatSetupTable } from '../workflows/setup/plan-setup.js';
import { recordsLayout } from '../core/records-layout.js';
import { runBoardsSetup } from '../workflows/setup/boards-setup.js';
import { quarterLabel } from '../workflows/setup/setup-catalog.js';
import { quarterOf } from '../core/fiscal-quarter.js';
import { runRecordsSetup } from '../workflows/setup/records-setup.js';
import { runSetup } from '../workflows/setup/run-setup.js';
import { runTaskProjectsSetup } from '../workflows/setup/task-projects-setup.js';

export interface SetupCommandOptions {
  readonly dryRun: boolean;
  readonly resetToken: boolean;
  readonly log: Log;
  readonly print: (line: string) => void;
  /** Tests pass a gateway of their own; otherwise one is built from the config. */
  readonly gitlab?: GitLabGateway;
  readonly templatesDir?: string;
  readonly now?: Date;
}

/**
 * `trellis setup [--dry-run] [--reset-token]`: labels, issue templates, roster check, the project
 * webhook, the private records and the issue boards (docs/boards.md), printed as a table. Returns the exit code: 0 when everything is in
 * place, 1 when something needs a person (each such row says what).
 */
export async function setupCommand(config: Config, opts: SetupCommandOptions): Promise<number> {
  if (!config.gitlab) {
    opts.print('trellis setup: GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT must be set (setup acts on that project)');
    return 1;
  }
  const gl = config.gitlab;
  const gitlab = opts.gitlab ?? createLocalGateway(config, gl, opts.log);
  const readRoster = async (): Promise<{ text: string; source: string } | null> => {
    if (config.rosterFile) return { text: await readFile(config.rosterFile, 'utf8'), source: config.rosterFile };
    const file = await gitlab.getFile(ROSTER_PATH);
    return file ? { text: file.content, source: ROSTER_PATH } : null;
  };
  const readRoles = async (): Promise<{ text: string; source: string } | null> =>
    config.rosterFile ? (await readLocalConfig(config.rosterFile)).roles : await gitlab.getFile(ROLES_PATH).then((f) => (f ? { text: f.content, source: ROLES_PATH } : null));
  const now = opts.now ?? new Date();
  const result = await runSetup({
    gitlab,
    templates: await loadTemplates(opts.templatesDir),
    readRoster,
    readRoles,
    publicUrl: config.publicUrl,
    secret: config.webhookSecrets[0],
    now,
    dryRun: opts.dryRun,
    resetToken: opts.resetToken,
  });
  opts.print(`trellis setup${opts.dryRun ? ' (dry run: nothing written)' : ''}: ${gl.url} ${gl.project}, private records in ${gl.recordsGroup}`);
  if (result.stopped) {
    opts.print(formatSetupTable(result.rows, !opts.dryRun));
    opts.print('setup stopped: nothing was read or written beyond the access check.');
    return 1;
  }
  // The private records need a valid roster: it says whose records exist and who may read them.
  const read = await readRoster();
  const parsed = read ? parseConfig({ roster: read, roles: await readRoles() }) : null;
  const records = parsed?.ok
    ? await runRecordsSetup({ gitlab, layout: recordsLayout(gl.recordsGroup), roster: parsed.roster, webhook: { publicUrl: config.publicUrl, secret: config.webhookSecrets[0], resetToken: opts.resetToken }, now, dryRun: opts.dryRun, log: opts.log })
    : { rows: [{ item: 'records' as const, name: gl.recordsGroup, outcome: 'skip' as const, detail: 'needs a valid roster (whose records, who may read them)' }], writes: 0 };
  const webhook = { publicUrl: config.publicUrl, secret: config.webhookSecrets[0], resetToken: opts.resetToken };
  const tasks = parsed?.ok ? await runTaskProjectsSetup({ gitlab, roster: parsed.roster, departmentProject: gl.project, webhook, dryRun: opts.dryRun }) : { rows: [], writes: 0 };
  // Boards come last: their lists need the labels above (docs/boards.md).
  const recordsReady = parsed?.ok === true && !records.rows.some((r) => r.item === 'records' && r.name === gl.recordsGroup && r.outcome === 'problem');
  const boards = await runBoardsSetup({ gitlab, recordsGroup: recordsReady ? gl.recordsGroup : null, quarterLabel: parsed?.ok ? quarterLabel(quarterOf(now, parsed.roster)) : null, dryRun: opts.dryRun });
  const rows = [...result.rows, ...records.rows, ...tasks.rows, ...boards.rows];
  opts.print(formatSetupTable(rows, !opts.dryRun));
  const problems = rows.filter((r) => r.outcome === 'problem').length;
  const writes = (opts.dryRun ? result.planned + [...records.rows, ...tasks.rows, ...boards.rows].filter((r) => r.outcome === 'create' || r.outcome === 'update').length : result.writes + records.writes + tasks.writes + boards.writes);
  opts.print(`${opts.dryRun ? 'dry run' : 'done'}: ${writes} write${writes === 1 ? '' : 's'}${opts.dryRun ? ' needed' : ''}, ${problems} problem${problems === 1 ? '' : 's'}`);
  return problems === 0 ? 0 : 1;
}
