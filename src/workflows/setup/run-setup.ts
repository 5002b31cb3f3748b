import { AppError } from '../../core/errors.js';
import { formatRosterErrors } from '../../core/parse-roster.js';
import { parseConfig } from '../../roster/roster-store.js';
import type { Roster } from '../../core/roster.js';
import type { GitLabGateway, Hook } from '../../core/gitlab-port.js';
import { accessProblem, planSetup } from './plan-setup.js';
import type { RosterState, SetupRow, SetupWrite, TemplateState } from './plan-setup.js';
import { quarterLabels, templatePath, TRELLIS_LABELS, WEBHOOK_PATH } from './setup-catalog.js';

export interface SetupOptions {
  readonly gitlab: GitLabGateway;
  /** `issue_templates/*.md` by name without `.md`. */
  readonly templates: Readonly<Record<string, string>>;
  /** The roster's text and where it came from; null when there is none. */
  readonly readRoster: () => Promise<{ text: string; source: string } | null>;
  /** `.trellis/roles.yml` beside it, read with the roster (null or absent: the built-in roles). */
  readonly readRoles?: () => Promise<{ text: string; source: string } | null>;
  readonly publicUrl: string | undefined;
  readonly secret: string | undefined;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly resetToken: boolean;
}

export interface SetupResult {
  readonly rows: readonly SetupRow[];
  /** Writes made (0 in a dry run). */
  readonly writes: number;
  /** Writes the plan asked for. */
  readonly planned: number;
  /** False when a row needs a person (a problem) or setup stopped early. */
  readonly ok: boolean;
  /** Set when setup stopped before planning (missing permissions). */
  readonly stopped?: string;
}

/**
 * `trellis setup` against one project: checks the token's access first (and stops, saying what is
 * missing), reads labels, templates, hooks and the roster, plans, then applies the writes in order.
 * A write that fails turns its rows into problems and the rest still run.
 */
export async function runSetup(opts: SetupOptions): Promise<SetupResult> {
  const { gitlab } = opts;
  const [project, me] = await Promise.all([gitlab.project(), gitlab.currentUser()]);
  const level = await gitlab.accessLevel();
  const denied = accessProblem(level, me.username, project.path, project.defaultBranch);
  if (denied) return { rows: [{ item: 'access', name: project.path, outcome: 'problem', detail: denied }], writes: 0, planned: 0, ok: false, stopped: denied };

  const roster = await loadRoster(opts);
  const labels = await gitlab.listLabels();
  const templates = await templateStates(gitlab, opts.templates);
  const hooks = await gitlab.listHooks();
  const plan = planSetup({
    roster: roster.state,
    labels: { current: labels, wanted: [...TRELLIS_LABELS, ...(roster.roster ? quarterLabels(opts.now, roster.roster) : [])] },
    ...(roster.roster ? {} : { quarterProblem: 'needs a valid roster (its fiscal year and time zone) to name the quarters' }),
    templates,
    webhook: {
      publicUrl: opts.publicUrl,
      secret: opts.secret,
      hooks,
      lastDeliveryUnauthorized: await lastDeliveryUnauthorized(gitlab, hooks, opts.publicUrl),
      resetToken: opts.resetToken,
    },
  });
  const accessRow: SetupRow = { item: 'access', name: project.path, outcome: 'unchanged', detail: `@${me.username} is Maintainer or above (${level})` };
  if (opts.dryRun) return { rows: [accessRow, ...plan.rows], writes: 0, planned: plan.writes.length, ok: plan.rows.every((r) => r.outcome !== 'problem') };

  const failures = new Map<SetupWrite, string>();
  for (const write of plan.writes) {
    try {
      await apply(gitlab, write);
    } catch (err) {
      failures.set(write, err instanceof AppError ? `${err.code}: ${err.message}` : String(err));
    }
  }
  const rows = plan.rows.map((row) => {
    const failed = [...failures].find(([w]) => concerns(w, row));
    return failed ? { ...row, outcome: 'problem' as const, detail: `failed: ${failed[1]}` } : row;
  });
  return { rows: [accessRow, ...rows], writes: plan.writes.length - failures.size, planned: plan.writes.length, ok: rows.every((r) => r.outcome !== 'problem') };
}

async function apply(gitlab: GitLabGateway, write: SetupWrite): Promise<void> {
  switch (write.kind) {
    case 'create-label':
      return gitlab.createLabel(write.label);
    case 'update-label':
      return gitlab.updateLabel(write.label);
    case 'commit-files':
      return gitlab.commitFiles(write.message, write.changes);
    case 'create-hook':
      await gitlab.createHook(write.settings);
      return;
    case 'update-hook':
      await gitlab.updateHook(write.id, write.settings);
      return;
    case 'test-hook':
      return gitlab.testHook(write.id);
  }
}

/** Whether a row reports on this write, so a failure shows where it happened. */
function concerns(write: SetupWrite, row: SetupRow): boolean {
  if (row.outcome !== 'create' && row.outcome !== 'update') return false;
  switch (write.kind) {
    case 'create-label':
    case 'update-label':
      return row.item === 'label' && row.name === write.label.name;
    case 'commit-files':
      return row.item === 'template' && write.changes.some((c) => c.path === row.name);
    case 'create-hook':
    case 'update-hook':
      return row.item === 'webhook' && row.name === write.settings.url;
    case 'test-hook':
      return row.item === 'webhook' && row.name === write.url && /re-enabling/.test(row.detail);
  }
}

async function loadRoster(opts: SetupOptions): Promise<{ state: RosterState; roster: Roster | null }> {
  const read = await opts.readRoster();
  if (!read) return { state: { ok: false, source: '.trellis/roster.yml', message: 'not found on the default branch: add one (README "Roster") or set TRELLIS_ROSTER_FILE' }, roster: null };
  const parsed = parseConfig({ roster: read, roles: (await opts.readRoles?.()) ?? null });
  if (!parsed.ok) return { state: { ok: false, source: read.source, message: formatRosterErrors(parsed.errors).replace(/\n/g, '; ') }, roster: null };
  return { state: { ok: true, source: read.source, people: parsed.roster.people.length, teams: parsed.roster.teams.length }, roster: parsed.roster };
}

async function templateStates(gitlab: GitLabGateway, templates: Readonly<Record<string, string>>): Promise<TemplateState[]> {
  const out: TemplateState[] = [];
  for (const [name, content] of Object.entries(templates)) {
    const path = templatePath(name);
    const current = path === null ? null : ((await gitlab.getFile(path))?.content ?? null);
    out.push({ name, content, path, current });
  }
  return out;
}

/**
 * A 401 from Trellis on the hook's latest delivery means GitLab sends a secret Trellis does not
 * accept (WEBHOOK_SECRET rotated, or the secret cleared by a URL change): setup sets it again.
 */
async function lastDeliveryUnauthorized(gitlab: GitLabGateway, hooks: readonly Hook[], publicUrl: string | undefined): Promise<boolean> {
  if (!publicUrl) return false;
  const url = `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
  const hook = hooks.find((h) => h.url.replace(/\/+$/, '') === url);
  if (!hook) return false;
  try {
    // Client failures are few on a healthy hook, so they are read first; the full log only when one was a 401.
    const failures = await gitlab.listHookEvents(hook.id, 'client_failure');
    if (!failures.some((e) => String(e.status) === '401')) return false;
    const latest = [...(await gitlab.listHookEvents(hook.id))].sort((a, b) => b.id - a.id)[0];
    return latest !== undefined && String(latest.status) === '401';
  } catch {
    // GitLab before 17.4 has no delivery log API: no evidence either way.
    return false;
  }
}
