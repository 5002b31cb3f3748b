import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createGitlabContext } from '../main.js';
import { planQuarter } from '../workflows/checkpoint/open-quarter.js';
import type { QuarterOpenPlan, QuarterRow } from '../workflows/checkpoint/plan-quarter-open.js';
import type { JobSink } from '../workflows/workflow.js';

/** A sink for a command that must queue nothing: planning never adds jobs, so any add is a bug. */
const NO_JOBS: JobSink = {
  add: () => Promise.reject(new Error('trellis plan writes nothing and queues nothing')),
  addBulk: () => Promise.reject(new Error('trellis plan writes nothing and queues nothing')),
};

/**
 * `trellis plan quarter [--quarter FY27-Q4]`: lists the quarter's checkpoints (and, when some are
 * missing, last quarter's and the conversations) and prints what the fan-out would do. Reads only:
 * no Redis, no queue, no GitLab write. Returns the exit code.
 */
export async function planQuarterCommand(config: Config, log: Logger, opts: { quarter?: string; print: (line: string) => void }): Promise<number> {
  const gc = await createGitlabContext(config, log, { redis: false, dryRun: true, jobs: NO_JOBS });
  try {
    const plan = await planQuarter(gc.ctx, opts.quarter);
    for (const line of formatQuarterPlan(plan)) opts.print(line);
    return 0;
  } finally {
    await gc.close();
  }
}

/** The plan as a table and a one-line summary. */
export function formatQuarterPlan(plan: QuarterOpenPlan): string[] {
  const q = plan.quarter;
  const header = ['report', 'manager', 'checkpoint', 'big-picture conversation'];
  const rows = plan.rows.map((r) => [r.report, r.manager, checkpointCell(r), conversationCell(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const count = (kind: QuarterRow['checkpoint']) => plan.rows.filter((r) => r.checkpoint === kind).length;
  const conversations = plan.rows.filter((r) => r.conversation === 'create').length;
  return [
    `${q.name} (${q.start} to ${q.end}): ${plan.rows.length} reports`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `would create ${count('create')} checkpoints and ${conversations} big-picture conversations, update ${count('update')}, leave ${count('exists')} as they are` +
      (plan.departed.length > 0 ? `; ${plan.departed.length} checkpoints belong to people no longer on the roster (${plan.departed.map((i) => `#${i.iid}`).join(', ')}) and are kept` : '') +
      '. Nothing was written.',
  ];
}

function checkpointCell(r: QuarterRow): string {
  if (r.checkpoint === 'create') return 'create';
  if (r.checkpoint === 'update') return `#${r.checkpointIid} update ${r.changes.join(', ')}`;
  return `#${r.checkpointIid} exists`;
}

function conversationCell(r: QuarterRow): string {
  if (r.conversation === 'create') return 'create';
  if (r.conversation === 'exists') return `#${r.conversationIid} exists`;
  return 'not checked (checkpoint exists)';
}
