import type { Queue } from 'bullmq';
import { quarterByName, quarterOf } from '../../core/fiscal-quarter.js';
import { rolesByLadder } from '../../core/roles-ladder-view.js';
import type { Roster } from '../../core/roster.js';
import type { GitLabGateway, Hook, Issue } from '../../core/gitlab-port.js';
import { WEBHOOK_PATH } from '../../workflows/setup/setup-catalog.js';
import { TRAINING_LABEL } from '../../workflows/training/training-module.js';
import { checkpointsView, gearingView, internshipsView, trainingView } from './dashboard-view.js';
import type { CheckpointsView, GearingView, InternshipsView, TrainingView } from './dashboard-view.js';
import type { ReconcileStatus } from './reconcile-status.js';
import type { AuditStatus } from '../../workflows/privacy/privacy-workflow.js';
import { NO_BOARD_LINKS, readBoardLinks } from '../../workflows/boards.js';
import { liveListing } from './live-listing.js';
import type { BoardLinks } from '../../workflows/boards.js';

/** A section's data, or why it could not be read (the page still renders the rest). */
export type Section<T> = { readonly ok: true; readonly data: T; readonly at: string } | { readonly ok: false; readonly error: string };

export interface HealthView {
  /** Webhook events stored by the api and not yet moved into the events queue by a worker's relay. */
  readonly inbox: number;
  readonly queues: ReadonlyArray<{ readonly name: string; readonly waiting: number; readonly active: number; readonly delayed: number; readonly schedules: number; readonly failed: number; readonly completed: number }>;
  readonly failed: ReadonlyArray<{ readonly queue: string; readonly name: string; readonly reason: string; readonly at: string }>;
  readonly webhook: { readonly state: 'ok' | 'warning' | 'problem'; readonly text: string; readonly url: string | null };
  readonly reconcile: { readonly state: 'ok' | 'warning'; readonly text: string };
  /** The last access audit of the private records: who can read what they should not. */
  readonly privacy: { readonly state: 'ok' | 'warning' | 'problem'; readonly text: string; readonly overreaders: ReadonlyArray<{ readonly place: string; readonly username: string; readonly why: string }> };
}

export interface DashboardData {
  training(): Promise<Section<TrainingView>>;
  checkpoints(): Promise<Section<CheckpointsView>>;
  internships(): Promise<Section<InternshipsView>>;
  gearing(): Promise<Section<GearingView>>;
  /** The roles and their ladders (roster and `.trellis/roles.yml` over the built-in ones). */
  roles(): Promise<Section<ReturnType<typeof rolesByLadder>>>;
  health(): Promise<Section<HealthView>>;
  /** The page of each of Trellis's boards in GitLab (docs/boards.md); null where there is none. */
  boards(): Promise<BoardLinks>;
}

export interface DashboardDataDeps {
  /** The gateway, built on first use; null when GitLab is not configured (GitLab sections then say so). */
  readonly gitlab: () => GitLabGateway | null;
  readonly roster: () => Promise<Roster>;
  readonly queues: () => readonly Queue[];
  /** Events in the inbox (see `inboxBacklog`). */
  readonly inbox: () => Promise<number>;
  readonly lastReconcile: () => Promise<ReconcileStatus | null>;
  /** The last access audit (see privacy-workflow.ts), null when none ran. */
  readonly lastAudit?: () => Promise<AuditStatus | null>;
  /** The records group: where checkpoints are listed from. */
  readonly recordsGroup?: string;
  /** TRELLIS_PUBLIC_URL: which project hook is Trellis's. */
  readonly publicUrl: string | undefined;
  readonly now: () => Date;
  /**
   * How long GitLab reads are answered as they are; default 30 s. Issue listings are then brought up
   * to date with what changed, in the background (live-listing.ts). Queue depths are always live.
   */
  readonly ttlMs?: number;
  /** How often an issue listing is read whole again (deleted issues are seen no other way); default 10 min. */
  readonly wholeListingMs?: number;
  /** Told when a listing's update in the background fails (the page keeps what it had). */
  readonly onListingError?: (err: unknown) => void;
  /** The real-time clock (ms) the listings' periods are counted on; default `performance.now`. */
  readonly clock?: () => number;
}

/**
 * The dashboard's reads, GitLab ones cached briefly in memory so a refreshing page costs GitLab little.
 * Each section is shaped once per listing and roster (compared by identity) and then reused as the
 * same object, so the plugin can reuse its rendered page too: for 10,000 people, shaping and rendering
 * a page on every request took seconds and hundreds of MB (scale10k bench), and no view but training's
 * needs the records' descriptions, which are dropped as they are listed.
 */
export function createDashboardData(deps: DashboardDataDeps): DashboardData {
  const ttl = deps.ttlMs ?? 30_000;
  const gitlab = (): GitLabGateway => {
    const g = deps.gitlab();
    if (!g) throw new Error('GitLab is not configured (GITLAB_URL, GITLAB_TOKEN, GITLAB_PROJECT)');
    return g;
  };
  const issues = (labels: string[], opts: { inRecords?: boolean; withDescription?: boolean } = {}) =>
    liveListing({
      // Checkpoints live in people's private projects: one listing of the records group finds them all.
      source: () => (opts.inRecords && deps.recordsGroup ? gitlab().forGroup(deps.recordsGroup) : gitlab()),
      labels,
      state: 'all',
      // Only training's view reads descriptions (the checklists); the others keep none of them.
      keep: opts.withDescription ? (issue) => issue : (issue) => ({ ...issue, description: '' }),
      ttlMs: ttl,
      wholeEveryMs: deps.wholeListingMs ?? 10 * 60_000,
      ...(deps.onListingError ? { onUpdateError: deps.onListingError } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
  const training = issues([TRAINING_LABEL], { withDescription: true });
  // This quarter's listing only: the last quarter's is dropped when the quarter turns.
  let checkpoints: { quarter: string; load: () => Promise<readonly Issue[]> } | undefined;
  const internships = issues(['internship-request']);
  const hooks = cached(ttl, async () => deps.gitlab()?.listHooks() ?? []);
  const roster = async (): Promise<Roster | null> => deps.roster().catch(() => null);
  // Boards are made once by setup: read rarely, and a page without its board link still renders.
  const boards = cached(10 * ttl, async () => {
    const gitlab = deps.gitlab();
    return gitlab ? readBoardLinks(gitlab, deps.recordsGroup ?? null) : NO_BOARD_LINKS;
  });
  const trainingSection = shapedSection(deps.now, trainingView);
  const checkpointsSection = shapedSection(deps.now, (listed: readonly Issue[], r: Roster, quarter: string) => checkpointsView(listed, r, quarterByName(quarter, r)));
  const internshipsSection = shapedSection(deps.now, internshipsView);
  const gearingSection = shapedSection(deps.now, gearingView);
  const rolesSection = shapedSection(deps.now, (r: Roster) => rolesByLadder(r.roles));

  return {
    training: () => trainingSection(async () => [await training(), await roster()] as const),
    checkpoints: () =>
      checkpointsSection(async () => {
        const r = await deps.roster();
        const quarter = quarterOf(deps.now(), r).name;
        if (checkpoints?.quarter !== quarter) checkpoints = { quarter, load: issues(['career-checkpoint', `quarter::${quarter}`], { inRecords: true }) };
        return [await checkpoints.load(), r, quarter] as const;
      }),
    internships: () => internshipsSection(async () => [await internships(), await roster()] as const),
    gearing: () => gearingSection(async () => [await deps.roster()] as const),
    roles: () => rolesSection(async () => [await deps.roster()] as const),
    health: () => section(deps.now, async () => health(deps, hooks)),
    boards: () => boards().catch(() => NO_BOARD_LINKS),
  };
}

/**
 * A section shaped by `shape` from what `read` answers, and answered as the very same object while
 * `read` answers the same inputs (by identity: the cached listing, the loaded roster, a name).
 */
function shapedSection<I extends readonly unknown[], T>(now: () => Date, shape: (...inputs: I) => T): (read: () => Promise<Readonly<I>>) => Promise<Section<T>> {
  let last: { inputs: Readonly<I>; value: Section<T> } | undefined;
  return async (read) => {
    let inputs: Readonly<I>;
    try {
      inputs = await read();
    } catch (err) {
      return { ok: false, error: message(err) };
    }
    if (last && last.inputs.length === inputs.length && last.inputs.every((x, i) => x === inputs[i])) return last.value;
    const value = await section(now, async () => shape(...(inputs as I)));
    last = { inputs, value };
    return value;
  };
}

async function health(deps: DashboardDataDeps, hooks: () => Promise<Hook[]>): Promise<HealthView> {
  const queues: Array<HealthView['queues'][number]> = [];
  const failed: Array<HealthView['failed'][number]> = [];
  for (const q of deps.queues()) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
    // Each schedule keeps its next run as one delayed job: shown apart, so "delayed" means retries and deferred work.
    const schedules = await q.getJobSchedulersCount();
    queues.push({ name: q.name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: Math.max(0, (c.delayed ?? 0) - schedules), schedules, failed: c.failed ?? 0, completed: c.completed ?? 0 });
    for (const job of await q.getFailed(0, 4)) {
      failed.push({ queue: q.name, name: job.name, reason: (job.failedReason ?? '').slice(0, 240), at: job.finishedOn ? new Date(job.finishedOn).toISOString() : '' });
    }
  }
  const webhook = await hookHealth(deps, hooks);
  const last = await deps.lastReconcile().catch(() => null);
  const reconcile: HealthView['reconcile'] = last
    ? { state: last.drift > 0 ? 'warning' : 'ok', text: `${last.at}: ${last.drift} difference${last.drift === 1 ? '' : 's'} found and put right` }
    : { state: 'warning', text: 'no reconcile run recorded yet' };
  return { inbox: await deps.inbox(), queues, failed, webhook, reconcile, privacy: privacyHealth(await deps.lastAudit?.().catch(() => null)) };
}

function privacyHealth(audit: AuditStatus | null | undefined): HealthView['privacy'] {
  if (!audit) return { state: 'warning', text: 'no access audit recorded yet: it runs with the next reconcile and daily at 03:30 (`trellis setup` prints the same checks)', overreaders: [] };
  const overreaders = audit.overreaders.map((o) => ({ place: o.place, username: o.username, why: o.outcome === 'inherited' ? `access ${o.accessLevel} through a parent group` : `access ${o.accessLevel}, an Owner Trellis does not remove` }));
  if (overreaders.length > 0) return { state: 'problem', text: `${audit.at}: ${overreaders.length} over-privileged reader${overreaders.length === 1 ? '' : 's'} of private records (see below)`, overreaders };
  const problems = audit.problems.length > 0 ? `; ${audit.problems.length} project${audit.problems.length === 1 ? '' : 's'} could not be checked` : '';
  return { state: problems ? 'warning' : 'ok', text: `${audit.at}: ${audit.projects} records project${audit.projects === 1 ? '' : 's'}, only their people can read them${audit.removed > 0 ? ` (${audit.removed} removed)` : ''}${problems}`, overreaders };
}

async function hookHealth(deps: DashboardDataDeps, hooks: () => Promise<Hook[]>): Promise<HealthView['webhook']> {
  if (!deps.gitlab()) return { state: 'warning', text: 'GitLab is not configured', url: null };
  let all: Hook[];
  try {
    all = await hooks();
  } catch (err) {
    return { state: 'warning', text: `cannot read the project's hooks (Trellis's token needs Maintainer): ${message(err)}`, url: null };
  }
  const wanted = deps.publicUrl ? `${deps.publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}` : null;
  const hook = all.find((h) => h.url.replace(/\/+$/, '') === wanted) ?? all.find((h) => h.url.replace(/\/+$/, '').endsWith(WEBHOOK_PATH));
  if (!hook) return { state: 'problem', text: 'no project hook posts to Trellis: run `trellis setup`', url: wanted };
  if (hook.alertStatus === 'disabled') return { state: 'problem', text: 'disabled by GitLab after repeated failed deliveries: events are dropped. Test it in Settings > Webhooks, then reconcile.', url: hook.url };
  if (hook.alertStatus === 'temporarily_disabled') return { state: 'problem', text: `temporarily disabled by GitLab until ${hook.disabledUntil ?? '?'} after failed deliveries: events are dropped meanwhile`, url: hook.url };
  return { state: 'ok', text: 'executable: GitLab delivers events', url: hook.url };
}

/** Runs a read, turning failure into an error section (messages only: no stack reaches a page). */
async function section<T>(now: () => Date, read: () => Promise<T>): Promise<Section<T>> {
  try {
    return { ok: true, data: await read(), at: now().toISOString() };
  } catch (err) {
    return { ok: false, error: message(err) };
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `load` reused for `ttlMs` of real time (not the business clock, which tests freeze); concurrent
 * callers share one read; a failure is not kept.
 */
function cached<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let entry: { at: number; value: Promise<T> } | undefined;
  return () => {
    const t = performance.now();
    if (entry && t - entry.at < ttlMs) return entry.value;
    const value = load();
    const mine = { at: t, value };
    entry = mine;
    value.catch(() => {
      if (entry === mine) entry = undefined;
    });
    return value;
  };
}
