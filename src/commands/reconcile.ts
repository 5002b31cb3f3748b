import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createGitlabContext } from '../main.js';
import { silentLog } from '../core/log.js';
import { runReconcile } from '../workflows/reconcile/reconcile-workflow.js';
import type { JobSink } from '../workflows/workflow.js';
import { progressBar } from './run-quarter.js';

/**
 * `trellis reconcile [--dry-run]`: one reconcile run in this process, sharing the service's Redis
 * (locks, caches, API budget). Work a workflow fans out (a missing checkpoint) runs here too.
 * With --dry-run it prints what differs and writes nothing. Returns the exit code.
 */
export async function reconcileCommand(config: Config, log: Logger, opts: { dryRun: boolean; print: (line: string) => void; progress: (text: string, done: boolean) => void }): Promise<number> {
  const fanned: Array<{ name: string; data: Record<string, unknown> }> = [];
  const sink: JobSink = {
    async add(name, data) {
      fanned.push({ name, data });
    },
    async addBulk(jobs) {
      fanned.push(...jobs);
    },
  };
  // A dry run reads the same Redis as a real run (what Trellis last wrote, notes it has not written
  // yet), so it predicts exactly what the run would change; it writes neither GitLab nor a run record.
  const gc = await createGitlabContext(config, log, { redis: true, dryRun: opts.dryRun, jobs: sink });
  try {
    const summary = await runReconcile(gc.ctx, { workflows: () => gc.workflows, ...(gc.saveStatus ? { saveStatus: gc.saveStatus } : {}) }, {
      dryRun: opts.dryRun,
      onProgress: (done, total, phase) => opts.progress(`${progressBar(done, total)} ${phase}`, done === total),
    });
    let jobsRun = 0;
    for (const job of fanned) {
      await gc.dispatcher.runJob(job.name, job.data, silentLog);
      jobsRun += 1;
    }
    const verb = opts.dryRun ? 'would change' : 'changed';
    opts.print(`reconcile ${opts.dryRun ? '(dry run) ' : ''}at ${summary.at}: ${summary.drift} ${verb}`);
    for (const [name, n] of Object.entries(summary.byWorkflow)) opts.print(`  ${name.padEnd(14)} ${n} ${verb}`);
    // Each change: the record, the field, from and to; a dry run prints exactly what the run would write.
    for (const c of summary.changes) opts.print(`  ${c.workflow.padEnd(14)} ${c.record}  ${c.field}: ${c.from} -> ${c.to}`);
    if (fanned.length > 0) opts.print(`  ${'fan-out'.padEnd(14)} ${jobsRun} job${jobsRun === 1 ? '' : 's'} run (missing records created)`);
    if (summary.deliveries.length === 0) opts.print(`  ${'webhook'.padEnd(14)} no Trellis hook found (run trellis setup)`);
    for (const d of summary.deliveries) {
      const head = `  ${'webhook'.padEnd(14)} ${d.where} hook ${d.hookId} (${d.hookStatus}${d.reenabled ? ', re-enabled with a test delivery' : ''}):`;
      if (d.error) opts.print(`${head} delivery log not readable: ${d.error}`);
      else opts.print(`${head} ${d.failed} failed deliveries logged, ${d.resent} ${opts.dryRun ? 'would be ' : ''}resent, ${d.alreadyResent} resent before, ${d.notResent.length} not resent, ${d.pending} left for the next run`);
      for (const n of d.notResent) opts.print(`  ${''.padEnd(14)}   delivery ${n.eventId} not resent: ${n.why}`);
    }
    for (const dup of summary.duplicates) opts.print(`  duplicate      ${dup.key}: kept #${dup.kept}, ${opts.dryRun ? 'would close' : 'closed'} ${dup.closed.map((i) => `#${i}`).join(', ')}`);
    return 0;
  } finally {
    await gc.close();
  }
}
