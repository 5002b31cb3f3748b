import { textTable } from '../core/text-table.js';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createGitlabContext } from '../main.js';
import { migrateRecords } from '../workflows/privacy/migrate-records.js';
import type { MigrationRow } from '../workflows/privacy/migrate-records.js';
import type { JobSink } from '../workflows/workflow.js';

/**
 * `trellis migrate-records [--dry-run]`: moves checkpoints and big-picture conversations out of the
 * department project into each person's private records project (see migrate-records.ts), printed
 * as a table. Exit code 0 when every record is moved (or would be), 1 when one failed or was left.
 */
export async function migrateRecordsCommand(config: Config, log: Logger, opts: { dryRun: boolean; print: (line: string) => void }): Promise<number> {
  const none: JobSink = { add: async () => undefined, addBulk: async () => undefined };
  const gc = await createGitlabContext(config, log, { redis: !opts.dryRun, dryRun: opts.dryRun, jobs: none });
  try {
    const rows = await migrateRecords(gc.ctx, { dryRun: opts.dryRun });
    opts.print(`trellis migrate-records${opts.dryRun ? ' (dry run: nothing written)' : ''}: ${config.gitlab?.project} -> ${config.gitlab?.recordsGroup}/<person>`);
    opts.print(formatRows(rows));
    const count = (o: MigrationRow['outcome']) => rows.filter((r) => r.outcome === o).length;
    opts.print(`${opts.dryRun ? `${count('would move')} would move` : `${count('moved')} moved`}, ${count('already moved')} already moved, ${count('left')} left, ${count('failed')} failed`);
    return count('failed') + count('left') === 0 ? 0 : 1;
  } finally {
    await gc.close();
  }
}

function formatRows(rows: readonly MigrationRow[]): string {
  if (rows.length === 0) return 'no checkpoints or conversations in the department project: nothing to move';
  const header = ['RECORD', 'PERSON', 'TO', 'NOTES', 'RESULT', 'DETAIL'];
  const cells = rows.map((r) => [r.from, r.person, r.to, String(r.notes), r.outcome, r.detail]);
  return textTable(header, cells).join('\n');
}
