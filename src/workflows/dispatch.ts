import type { Log } from '../core/log.js';
import type { TrellisEvent } from '../events/types.js';
import type { Locks } from '../core/state-ports.js';
import { issueFingerprint } from '../core/issue-fingerprint.js';
import { verifyEvent } from './verify-event.js';
import type { Workflow, WorkflowContext } from './workflow.js';

export interface Dispatcher {
  /**
   * Runs every workflow on one event; events about one issue run one at a time across all workers.
   * `forged`: GitLab contradicts what the payload claims (verify-event.ts), and no workflow ran.
   */
  handleEvent(event: TrellisEvent, log: Log): Promise<'handled' | 'own-event' | 'forged'>;
  /** Runs the named job of a workflow (`training:reconcile`). */
  runJob(name: string, data: Record<string, unknown>, log: Log): Promise<void>;
}

/**
 * Routes events and jobs to workflows. Skips events whose actor is Trellis itself, so its own writes
 * never loop back. Commands and label moves that need authority are checked against GitLab first
 * (verify-event.ts), so no workflow acts on a forged payload. When events about an issue arrive out
 * of order, an older snapshot is replaced by a fresh read, so plans always see the newest state.
 */
export function createDispatcher(workflows: readonly Workflow[], ctx: WorkflowContext, locks: Locks): Dispatcher {
  const jobs = new Map<string, { wf: Workflow; fn: NonNullable<Workflow['jobs']>[string] }>();
  for (const wf of workflows) for (const [name, fn] of Object.entries(wf.jobs ?? {})) jobs.set(`${wf.name}:${name}`, { wf, fn });

  return {
    async handleEvent(event, log) {
      const bot = await ctx.bot();
      if (event.actor.id === bot.id || event.actor.username === bot.username) {
        log.debug({ actor: event.actor.username }, 'own event skipped');
        return 'own-event';
      }
      // Under the issue's lock, so GitLab's label events and issue are read in the order events are handled.
      const run = async (): Promise<'handled' | 'forged'> => {
        const verified = await verifyEvent(event, ctx, bot, log);
        if (verified.kind === 'drop') return 'forged';
        const current = await freshen(verified.event, ctx, verified.fresh);
        for (const wf of workflows) {
          if (!wf.onEvent) continue;
          await wf.onEvent(current, { ...ctx, log: log.child({ workflow: wf.name }) });
        }
        return 'handled';
      };
      if (event.type === 'push') return run();
      return locks.withLock(`event:${event.project.id}:${event.issue.iid}`, run, { ttlMs: 60_000, waitMs: 120_000 });
    },
    async runJob(name, data, log) {
      const job = jobs.get(name);
      if (!job) throw new Error(`no workflow job named ${name}; known: ${[...jobs.keys()].join(', ')}`);
      await job.fn(data, { ...ctx, log: log.child({ workflow: job.wf.name, jobName: name }) });
    },
  };
}

/** `justRead`: the issue was just read from GitLab (verify-event.ts), so it is recorded as seen and not read again. */
async function freshen(event: TrellisEvent, ctx: WorkflowContext, justRead: boolean): Promise<TrellisEvent> {
  if (event.type === 'push') return event;
  const seen = await ctx.cache.observeIssue(String(event.project.id), event.issue.iid, event.issue.updatedAt, issueFingerprint(event.issue));
  if (seen === 'newest' || justRead) return event;
  const fresh = await ctx.gitlab.forProject(event.project.id).getIssue(event.issue.iid);
  return fresh ? { ...event, issue: fresh } : event;
}
