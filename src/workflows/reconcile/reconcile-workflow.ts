import type { Change, Executor } from '../../core/executor.js';
import type { HookHost, Issue } from '../../core/gitlab-port.js';
import { RECORD_LABELS } from '../commands/plan-commands.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { CHECKPOINT_LABEL } from '../checkpoint/checkpoint-record.js';
import { CONVERSATION_LABEL } from '../conversation/conversation-record.js';
import { recordsOf } from '../records.js';
import { findDuplicates, planCloseDuplicates, recordKey } from './plan-duplicates.js';
import { checkSweep, MARK_STATE, nextMark } from './reconcile-mark.js';
import type { DuplicateGroup } from './plan-duplicates.js';

/** Labels of records that live in people's private projects, not the department project. */
const PRIVATE_LABELS: readonly string[] = [CHECKPOINT_LABEL, CONVERSATION_LABEL];
import { findTrellisHook, replayFailedDeliveries } from './replay-deliveries.js';
import type { NotResent } from './replay-deliveries.js';

/** What became of one Trellis hook's failed deliveries in a run (see replay-deliveries.ts). */
export interface DeliveryReport {
  /** The project or group path the hook is on. */
  readonly where: string;
  readonly hookId: number;
  /** GitLab's `alert_status` when the run began (`executable`, `temporarily_disabled`, `disabled`). */
  readonly hookStatus: string;
  readonly failed: number;
  readonly resent: number;
  readonly alreadyResent: number;
  readonly notResent: readonly NotResent[];
  readonly pending: number;
  readonly reenabled: boolean;
  /** Set when the hook's delivery log could not be read at all (GitLab before 17.4 has none). */
  readonly error?: string;
}

export interface ReconcileSummary {
  readonly at: string;
  /** Writes (or, in a dry run, changes it would make) that put GitLab back to what the rules say. */
  readonly drift: number;
  readonly byWorkflow: Readonly<Record<string, number>>;
  /** Each of those changes: the workflow, the record, the field, from and to. */
  readonly changes: ReadonlyArray<Change & { readonly workflow: string }>;
  /** One report per Trellis hook; empty when none was found (`trellis setup` creates it). */
  readonly deliveries: readonly DeliveryReport[];
  readonly duplicates: ReadonlyArray<{ readonly key: string; readonly kept: number; readonly closed: readonly number[] }>;
  /** Whether the records were re-derived (a full run) or nothing had changed since the last run, and why. */
  readonly sweep: { readonly full: boolean; readonly why: string };
}

export interface ReconcileOptions {
  readonly dryRun?: boolean;
  /**
   * Re-derive the records only when something changed since the last run, the roster changed, or a
   * new day began (reconcile-mark.ts); the scheduled run does, `trellis reconcile` always runs in full.
   */
  readonly incremental?: boolean;
  /** Called as each phase starts: (done, total, phase name). */
  readonly onProgress?: (done: number, total: number, phase: string) => void;
}

export interface ReconcileDeps {
  /** The workflows whose `reconcile` jobs re-derive their records (this one excluded). */
  readonly workflows: () => readonly Workflow[];
  /** Stores the last run's summary (for the dashboard and /metrics). */
  readonly saveStatus?: (summary: ReconcileSummary) => Promise<void>;
  readonly onDrift?: (workflow: string, writes: number) => void;
}

/**
 * Nothing lost when webhooks are: re-sends failed deliveries, runs every workflow's `reconcile` job
 * (each re-derives its open records from GitLab and writes only what differs), and closes duplicate
 * copies of a record. Scheduled on TRELLIS_RECONCILE_CRON, where it re-derives only when GitLab lists
 * a change since the last run (or the roster or the day changed; job data `{ full: true }` forces
 * it), and run in full by `trellis reconcile`.
 */
export function reconcileWorkflow(deps: ReconcileDeps): Workflow {
  return {
    name: 'reconcile',
    jobs: {
      async run(data, ctx) {
        await runReconcile(ctx, deps, { incremental: data.full !== true });
      },
    },
    schedules: (roster, config) => [{ id: 'reconcile', cron: config.reconcileCron, tz: roster.timezone, job: 'reconcile:run' }],
  };
}

/** One reconcile run; returns what it found and fixed. */
export async function runReconcile(ctx: WorkflowContext, deps: ReconcileDeps, opts: ReconcileOptions = {}): Promise<ReconcileSummary> {
  const dryRun = opts.dryRun ?? ctx.config.dryRun;
  const start = ctx.now();
  const check = opts.incremental && !dryRun ? await checkSweep(ctx, start).catch((err: unknown) => void ctx.log.warn({ err }, 'changes since the last reconcile not listed; reconciling everything')) : undefined;
  const sweep = check?.decision ?? { full: true, why: !opts.incremental ? 'a full run was asked for' : dryRun ? 'a dry run looks at everything' : 'changes could not be listed' };
  const reconcilers = sweep.full ? deps.workflows().filter((wf) => wf.name !== 'reconcile' && wf.jobs?.reconcile) : [];
  const total = reconcilers.length + 2;
  let step = 0;
  const progress = (phase: string) => opts.onProgress?.(step++, total, phase);

  progress('failed webhook deliveries');
  const deliveries = await replayDeliveries(ctx, dryRun);

  const byWorkflow: Record<string, number> = {};
  const changes: Array<Change & { workflow: string }> = [];
  for (const wf of reconcilers) {
    progress(wf.name);
    const counted = countingExecutor(ctx.executor, wf.name, changes);
    await wf.jobs!.reconcile!({}, { ...ctx, executor: counted.executor, log: ctx.log.child({ workflow: wf.name, reconcile: true }) });
    byWorkflow[wf.name] = counted.changes();
    if (counted.changes() > 0) deps.onDrift?.(wf.name, counted.changes());
  }

  progress('duplicates');
  const bot = (await ctx.bot()).username;
  const counted = countingExecutor(ctx.executor, 'duplicates', changes);
  const groups: Array<DuplicateGroup & { project: string }> = [];
  for (const [project, issues] of sweep.full ? await duplicateCandidates(ctx, bot) : []) {
    const found = findDuplicates(issues, bot);
    await counted.executor.apply(planCloseDuplicates(found), { known: issues, project });
    groups.push(...found.map((g) => ({ ...g, project, key: `${project}:${g.key}` })));
  }
  if (groups.length > 0) {
    byWorkflow.duplicates = counted.changes();
    deps.onDrift?.('duplicates', groups.reduce((n, g) => n + g.extras.length, 0));
    ctx.log.warn({ duplicates: groups.map((g) => ({ key: g.key, kept: g.keep.iid, closed: g.extras.map((e) => e.iid) })) }, 'duplicate records closed');
  }
  opts.onProgress?.(total, total, 'done');

  const summary: ReconcileSummary = {
    at: ctx.now().toISOString(),
    drift: Object.values(byWorkflow).reduce((a, b) => a + b, 0),
    byWorkflow,
    changes,
    deliveries,
    duplicates: groups.map((g) => ({ key: g.key, kept: g.keep.iid, closed: g.extras.map((e) => e.iid) })),
    sweep,
  };
  if (!dryRun) await deps.saveStatus?.(summary);
  // Only once the run is done: a run that failed half-way leaves the mark, and the next one re-lists from it.
  if (check && !dryRun) await ctx.cache.setState(MARK_STATE, JSON.stringify(nextMark(start, check.listed, check.day, check.roster)));
  const sum = (f: (d: DeliveryReport) => number) => deliveries.reduce((n, d) => n + f(d), 0);
  const notResent = deliveries.flatMap((d) => d.notResent.map((n) => ({ hook: d.hookId, event: n.eventId, why: n.why })));
  ctx.log[notResent.length > 0 || deliveries.some((d) => d.error) ? 'warn' : 'info'](
    { full: sweep.full, why: sweep.why, drift: summary.drift, byWorkflow, failedDeliveries: sum((d) => d.failed), resent: sum((d) => d.resent), notResent, pending: sum((d) => d.pending), reenabled: deliveries.filter((d) => d.reenabled).map((d) => d.hookId), duplicates: groups.length },
    'reconcile finished',
  );
  return summary;
}

/**
 * Resends failed deliveries of every Trellis hook, one call of replayFailedDeliveries per hook, and
 * goes on past a hook whose log cannot be read. The hooks: the department project's, and on Premium
 * the records group's.
 */
async function replayDeliveries(ctx: WorkflowContext, dryRun: boolean): Promise<DeliveryReport[]> {
  const hosts: Array<{ where: string; host: HookHost }> = [{ where: ctx.config.gitlab?.project ?? '', host: ctx.gitlab }];
  // The private records' deliveries come through the records group's hook on Premium. On Free each
  // records project has its own hook, and reading every one each hour would cost reads per person:
  // they are not replayed. The records' state is re-derived by the checkpoint reconcile anyway; what
  // a lost delivery there can cost is the answer to a command note (docs/privacy.md, limits).
  const layout = recordsOf(ctx);
  const groupHooks = await ctx.gitlab.forGroup(layout.group).hooks().catch(() => null);
  if (groupHooks) hosts.push({ where: layout.group, host: groupHooks });
  const reports: DeliveryReport[] = [];
  for (const { where, host } of hosts) {
    const hook = findTrellisHook(await host.listHooks(), ctx.config.publicUrl);
    if (!hook) continue;
    try {
      const r = await replayFailedDeliveries(host, hook, ctx.cache, { dryRun });
      reports.push({ where, hookId: hook.id, hookStatus: hook.alertStatus, failed: r.failed, resent: r.resent, alreadyResent: r.alreadyResent, notResent: r.notResent, pending: r.pending, reenabled: r.reenabled });
    } catch (err) {
      ctx.log.warn({ err, hook: hook.id }, 'failed webhook deliveries could not be read');
      reports.push({ where, hookId: hook.id, hookStatus: hook.alertStatus, failed: 0, resent: 0, alreadyResent: 0, notResent: [], pending: 0, reenabled: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return reports;
}

/**
 * Open records Trellis wrote that share their record marker with another in the same project (the
 * department project's, or one person's private records), found in one listing per record label.
 * While the listing goes on, a record is held as its marker and number alone; a copy after the first
 * is kept whole, and the first is read again only when a copy turned up (a 10,000-person department
 * lists 20,000 records: held whole, their text was ~55 MB of a worker's heap; bench/scale10k.ts).
 */
async function duplicateCandidates(ctx: WorkflowContext, bot: string): Promise<Map<string, Issue[]>> {
  const department = ctx.config.gitlab?.project ?? '';
  const layout = recordsOf(ctx);
  const firsts = new Map<string, Map<string, number>>();
  const copies = new Map<string, Map<number, Issue>>();
  const add = (project: string, issue: Issue): void => {
    const key = recordKey(issue, bot);
    if (key === undefined) return;
    const seen = firsts.get(project) ?? new Map<string, number>();
    firsts.set(project, seen);
    const first = seen.get(key);
    if (first === undefined) return void seen.set(key, issue.iid);
    if (first !== issue.iid) copies.set(project, (copies.get(project) ?? new Map<number, Issue>()).set(issue.iid, issue));
  };
  for (const label of RECORD_LABELS) {
    if (PRIVATE_LABELS.includes(label)) {
      for await (const issue of ctx.gitlab.forGroup(layout.group).listIssues({ labels: [label], state: 'opened' })) {
        const owner = layout.ownerOfIssue(issue.webUrl);
        if (owner) add(layout.projectOf(owner), issue);
      }
    } else for await (const issue of ctx.gitlab.listIssues({ labels: [label], state: 'opened' })) add(department, issue);
  }
  const out = new Map<string, Issue[]>();
  for (const [project, later] of copies) {
    const gitlab = project === department ? ctx.gitlab : ctx.gitlab.forProject(project);
    const found = new Map(later);
    for (const issue of later.values()) {
      const iid = firsts.get(project)?.get(recordKey(issue, bot) ?? '');
      const first = iid === undefined || found.has(iid) ? null : await gitlab.getIssue(iid);
      if (first) found.set(first.iid, first);
    }
    out.set(project, [...found.values()]);
  }
  return out;
}

/** Wraps an executor to count the changes it makes (or would make, in a dry run). */
function countingExecutor(inner: Executor, workflow: string, into: Array<Change & { workflow: string }>): { executor: Executor; changes(): number } {
  let changes = 0;
  return {
    executor: {
      async apply(actions, opts) {
        const result = await inner.apply(actions, opts);
        const writes = result.steps.filter((s) => s.outcome === 'created' || s.outcome === 'updated' || s.outcome === 'would-change');
        changes += writes.length;
        for (const step of writes) into.push(...(step.changes ?? [{ record: '?', field: step.action, from: '', to: '' }]).map((c) => ({ ...c, workflow })));
        return result;
      },
    },
    changes: () => changes,
  };
}
