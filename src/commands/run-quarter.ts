import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createGitlabContext } from '../main.js';
import { ensureFromJob, openQuarter } from '../workflows/checkpoint/open-quarter.js';
import type { JobSink } from '../workflows/workflow.js';

type Job = { name: string; data: Record<string, unknown>; id?: string };

/**
 * `trellis run-quarter [--quarter FY27-Q4]`: the quarter's fan-out now, in this process, with a
 * progress bar on stderr. It shares the service's Redis (API budget, locks, caches), so it runs at
 * GitLab's issue creation limit alongside running workers and never creates what they create.
 * Returns the exit code: 1 when some report failed (the rest are done; running it again retries).
 */
export async function runQuarterCommand(
  config: Config,
  log: Logger,
  opts: { quarter?: string; print: (line: string) => void; progress: (text: string, done: boolean) => void },
): Promise<number> {
  const queued: Job[] = [];
  const sink: JobSink = {
    async add(name, data, o) {
      queued.push({ name, data, ...(o?.id ? { id: o.id } : {}) });
    },
    async addBulk(jobs) {
      queued.push(...jobs);
    },
  };
  const gc = await createGitlabContext(config, log, { redis: true, jobs: sink });
  try {
    const plan = await openQuarter(opts.quarter ? { quarter: opts.quarter } : {}, gc.ctx);
    // Two plans for one report (the same id) would only find each other's work: run each once.
    const seen = new Set<string>();
    const jobs = queued.filter((j) => j.id === undefined || (!seen.has(j.id) && seen.add(j.id) !== undefined));
    const failed: string[] = [];
    const tally = { created: 0, conversations: 0, updated: 0, failed };
    let done = 0;
    const bar = () => opts.progress(`${progressBar(done, jobs.length)} ${done}/${jobs.length} reports, ${tally.created} created, ${tally.failed.length} failed`, done === jobs.length);
    bar();
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        try {
          const result = await ensureFromJob(job.data, gc.ctx);
          // A report's run may create its checkpoint, its big-picture conversation, or both: each is counted.
          if (result?.checkpoint.created) tally.created += 1;
          if (result?.conversation?.created) tally.conversations += 1;
          if (result && !result.checkpoint.created && !result.conversation?.created && result.writes > 0) tally.updated += 1;
        } catch (err) {
          tally.failed.push(`${String(job.data.report)}: ${err instanceof Error ? err.message : String(err)}`);
        }
        done += 1;
        bar();
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.workerConcurrency, Math.max(1, jobs.length)) }, worker));
    opts.print(
      `${plan.quarter.name}: ${plan.rows.length} reports; ${tally.created} checkpoints and ${tally.conversations} big-picture conversations created, ${tally.updated} updated, ${plan.rows.length - jobs.length} already in place, ${tally.failed.length} failed.`,
    );
    for (const failure of tally.failed) opts.print(`  failed: ${failure}`);
    return tally.failed.length > 0 ? 1 : 0;
  } finally {
    await gc.close();
  }
}

/** `[██████░░░░░░░░░░░░░░]  30%` */
export function progressBar(done: number, total: number, width = 24): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%`;
}
