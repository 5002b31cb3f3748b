import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { createLocalGateway } from '../main.js';
import type { GitLabGateway } from '../gitlab/port.js';
import { ROSTER_PATH } from '../roster/roster-store.js';
import { loadTemplates } from '../templates/load-templates.js';
import { formatSetupTable } from '../workflows/setup/plan-setup.js';
import { runSetup } from '../workflows/setup/run-setup.js';

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
 * `trellis setup [--dry-run] [--reset-token]`: labels, issue templates, roster check and the project
 * webhook of the records project, printed as a table. Returns the exit code: 0 when everything is in
 * place, 1 when something needs a person (each such row says what).
 */
export async function setupCommand(config: Config, opts: SetupCommandOptions): Promise<number> {
  if (!config.gitlab) {
    opts.print('trellis setup: GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT must be set (setup acts on that project)');
    return 1;
  }
  const gl = config.gitlab;
  const gitlab = opts.gitlab ?? createLocalGateway(config, gl, opts.log);
  const result = await runSetup({
    gitlab,
    templates: await loadTemplates(opts.templatesDir),
    readRoster: async () => {
      if (config.rosterFile) return { text: await readFile(config.rosterFile, 'utf8'), source: config.rosterFile };
      const file = await gitlab.getFile(ROSTER_PATH);
      return file ? { text: file.content, source: ROSTER_PATH } : null;
    },
    publicUrl: config.publicUrl,
    secret: config.webhookSecrets[0],
    now: opts.now ?? new Date(),
    dryRun: opts.dryRun,
    resetToken: opts.resetToken,
  });
  opts.print(`trellis setup${opts.dryRun ? ' (dry run: nothing written)' : ''}: ${gl.url} ${gl.project}`);
  opts.print(formatSetupTable(result.rows, !opts.dryRun));
  if (result.stopped) {
    opts.print('setup stopped: nothing was read or written beyond the access check.');
    return 1;
  }
  const problems = result.rows.filter((r) => r.outcome === 'problem').length;
  const writes = opts.dryRun ? result.planned : result.writes;
  opts.print(`${opts.dryRun ? 'dry run' : 'done'}: ${writes} write${writes === 1 ? '' : 's'}${opts.dryRun ? ' needed' : ''}, ${problems} problem${problems === 1 ? '' : 's'}`);
  return result.ok ? 0 : 1;
}
