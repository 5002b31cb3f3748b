import type { Action } from '../../core/actions.js';
import { findPerson } from '../../core/roster.js';
import type { Person, Roster } from '../../core/roster.js';
import { inlineText } from '../../core/markdown-safety.js';
import { applyToRecord, recordsOf } from '../records.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { desiredAccess, syncRecordsAccess } from './records-access.js';
import type { AccessReport, Overreader, RecordsAccess, SyncOptions } from './records-access.js';
import { WEBHOOK_EVENTS, WEBHOOK_PATH } from '../setup/setup-catalog.js';

/** Who each report's project was last given to: `report -> manager`, in the record cache's state. */
const APPLIED = 'access-applied';
/** The last audit, for the dashboard's health page and the over-privileged readers gauge. */
export const AUDIT_STATE = 'access-audit';

/** The last audit as stored: when, who can still read what they should not, and what failed. */
export interface AuditStatus {
  readonly at: string;
  readonly projects: number;
  /** Over-privileged readers left after the audit fixed what it could (inherited ones, Owners). */
  readonly overreaders: readonly Overreader[];
  /** Direct members the audit removed. */
  readonly removed: number;
  readonly problems: readonly string[];
}

/** Reads a stored audit, or null when there is none (or it is unreadable: it is rebuilt daily). */
export function parseAuditStatus(raw: string | null): AuditStatus | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as AuditStatus;
  } catch {
    return null;
  }
}

/**
 * Keeps private records private as the roster changes (docs/privacy.md): `privacy:sync` moves the
 * projects of reports whose manager changed (the old manager removed, the new one added and
 * assigned to every open record), and makes projects for new reports; `privacy:audit` (daily, and
 * from `trellis setup`) checks every project and the records group and stores what it found.
 */
export function privacyWorkflow(): Workflow {
  return {
    name: 'privacy',
    jobs: {
      async sync(_data, ctx) {
        await syncChangedAccess(ctx);
      },
      async audit(_data, ctx) {
        await auditAccess(ctx);
      },
      async reconcile(_data, ctx) {
        // The first reconcile after a start without a recorded audit runs the full one, so the
        // dashboard and the gauge have a result within the hour rather than at the next 03:30.
        if ((await ctx.cache.getState(AUDIT_STATE)) === null) await auditAccess(ctx);
        else await syncChangedAccess(ctx);
      },
    },
    schedules: (roster) => [{ id: 'privacy-audit', cron: '30 3 * * *', tz: roster.timezone, job: 'privacy:audit' }],
  };
}

/** How this process syncs records access (and hooks a new records project on Free). */
export async function syncOptions(ctx: WorkflowContext, roster: Roster): Promise<SyncOptions> {
  const { publicUrl, webhookSecrets } = ctx.config;
  const secret = webhookSecrets[0];
  const hook = publicUrl && secret ? { url: `${publicUrl}${WEBHOOK_PATH}`, token: secret, ...WEBHOOK_EVENTS, enableSslVerification: true } : undefined;
  return { gitlab: ctx.gitlab, layout: recordsOf(ctx), bot: (await ctx.bot()).username, readers: roster.recordReaders, dryRun: ctx.config.dryRun, log: ctx.log, ...(hook ? { hook } : {}) };
}

/**
 * Syncs only the reports whose manager differs from what was last applied (all of them the first
 * time), so a roster push costs reads for what changed, not for the department. Returns the people synced.
 */
export async function syncChangedAccess(ctx: WorkflowContext): Promise<string[]> {
  const roster = await ctx.roster();
  const applied = parseApplied(await ctx.cache.getState(APPLIED));
  const changed = desiredAccess(roster, recordsOf(ctx)).filter((a) => applied[a.person.toLowerCase()] !== a.manager.toLowerCase());
  if (changed.length === 0) return [];
  const report = await syncRecordsAccess(await syncOptions(ctx, roster), roster, new Set(changed.map((a) => a.person.toLowerCase())));
  await settle(ctx, changed, report, applied);
  ctx.log.info({ synced: changed.length, created: report.projectsCreated.length, removed: report.overreaders.filter((o) => o.outcome === 'removed').length, problems: report.problems.length }, 'records access synced');
  return changed.map((a) => a.person);
}

/** After a sync: open records of reports whose manager changed are reassigned, and what was applied is stored. */
async function settle(ctx: WorkflowContext, changed: readonly RecordsAccess[], report: AccessReport, applied: Record<string, string>): Promise<void> {
  if (ctx.config.dryRun) return;
  const failed = new Set(report.problems.map((p) => p.split(':')[0]));
  for (const access of changed) {
    if (failed.has(access.project)) continue;
    await reassignOpenRecords(ctx, access.person, access.manager);
    applied[access.person.toLowerCase()] = access.manager.toLowerCase();
  }
  await ctx.cache.setState(APPLIED, JSON.stringify(applied));
}

/**
 * Every open record of a report, assigned to them and their current manager and naming that manager
 * where the record's text names one (one listing of their project).
 */
async function reassignOpenRecords(ctx: WorkflowContext, person: string, manager: string): Promise<void> {
  const gw = ctx.gitlab.forProject(recordsOf(ctx).projectOf(person));
  const bot = (await ctx.bot()).username.toLowerCase();
  const roster = await ctx.roster();
  const newManager = findPerson(roster, manager);
  const actions: Action[] = [];
  const known = [];
  for await (const issue of gw.listIssues({ state: 'opened' })) {
    if (issue.author.toLowerCase() !== bot) continue;
    known.push(issue);
    const replaceText = newManager ? managerRenames(issue.description, newManager) : [];
    actions.push({ kind: 'update-issue', issue: { iid: issue.iid }, assignees: [person, manager], ...(replaceText.length > 0 ? { replaceText } : {}) });
  }
  if (actions.length > 0 && findPerson(roster, person)) await applyToRecord(ctx, person, actions, known);
}

/**
 * Where a record's text names a manager other than `manager`, the exact texts that name the new one
 * instead. The records' templates name the manager in two forms (issue_templates/checkpoint.md and
 * big-picture-conversation.md): "with <name> (<username>), their manager" and
 * "<username> (their current manager)"; the rest of the text is the people's own and is left alone.
 */
export function managerRenames(description: string, manager: Person): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  const name = `${inlineText(manager.name)} (${inlineText(manager.username)})`;
  for (const m of description.matchAll(/with ([^\n()]*) \(([A-Za-z0-9_.-]+)\), their manager/g)) {
    if (m[2]!.toLowerCase() !== manager.username.toLowerCase()) out.push({ from: m[0], to: `with ${name}, their manager` });
  }
  for (const m of description.matchAll(/([A-Za-z0-9_.-]+) \(their current manager\)/g)) {
    if (m[1]!.toLowerCase() !== manager.username.toLowerCase()) out.push({ from: m[0], to: `${inlineText(manager.username)} (their current manager)` });
  }
  return out;
}

/** The full audit: every project and the records group, fixed where Trellis manages it, stored. */
export async function auditAccess(ctx: WorkflowContext): Promise<AuditStatus> {
  const roster = await ctx.roster();
  const applied = parseApplied(await ctx.cache.getState(APPLIED));
  const changed = desiredAccess(roster, recordsOf(ctx)).filter((a) => applied[a.person.toLowerCase()] !== a.manager.toLowerCase());
  const report: AccessReport = await syncRecordsAccess(await syncOptions(ctx, roster), roster);
  await settle(ctx, changed, report, applied);
  const status: AuditStatus = {
    at: ctx.now().toISOString(),
    projects: desiredAccess(roster, recordsOf(ctx)).length,
    overreaders: report.overreaders.filter((o) => o.outcome !== 'removed'),
    removed: report.overreaders.filter((o) => o.outcome === 'removed').length,
    problems: report.problems,
  };
  if (!ctx.config.dryRun) await ctx.cache.setState(AUDIT_STATE, JSON.stringify(status));
  ctx.log.info({ projects: status.projects, overreaders: status.overreaders.length, removed: status.removed, problems: status.problems.length }, 'records access audited');
  return status;
}

function parseApplied(raw: string | null): Record<string, string> {
  try {
    const value: unknown = raw ? JSON.parse(raw) : {};
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}
