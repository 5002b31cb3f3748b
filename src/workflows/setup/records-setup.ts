import { AppError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import type { RecordsLayout } from '../../core/records-layout.js';
import type { Roster } from '../../core/roster.js';
import { ACCESS_LEVEL } from '../../core/gitlab-port.js';
import type { GitLabGateway, HookHost, Label } from '../../core/gitlab-port.js';
import { desiredAccess, syncRecordsAccess } from '../privacy/records-access.js';
import type { AccessReport } from '../privacy/records-access.js';
import { planLabels, planWebhook } from './plan-setup.js';
import type { SetupRow, SetupWrite, WebhookInput } from './plan-setup.js';
import { quarterLabels, TRELLIS_LABELS } from './setup-catalog.js';

/** Labels of private records: group labels of the records group, so every person's project has them. */
const RECORD_LABEL = /^(career-checkpoint|career-conversation|checkpoint::)/;

export interface RecordsSetupOptions {
  readonly gitlab: GitLabGateway;
  readonly layout: RecordsLayout;
  readonly roster: Roster;
  readonly webhook: Omit<WebhookInput, 'hooks' | 'lastDeliveryUnauthorized'>;
  readonly now: Date;
  readonly dryRun: boolean;
  readonly log: Log;
}

export interface RecordsSetupResult {
  readonly rows: SetupRow[];
  readonly writes: number;
  readonly access: AccessReport | null;
}

/**
 * The private half of `trellis setup` (docs/privacy.md): the records group (created as a private
 * subgroup when the token may, else the exact change an administrator must make), its labels, the
 * webhook (one group hook on Premium, one hook per records project on Free), every report's private
 * project with its two members, and an audit of everyone else who could read a record.
 */
export async function runRecordsSetup(opts: RecordsSetupOptions): Promise<RecordsSetupResult> {
  const { gitlab, layout, dryRun } = opts;
  const rows: SetupRow[] = [];
  let writes = 0;
  const me = await gitlab.currentUser();
  const group = gitlab.forGroup(layout.group);
  if (!(await group.group())) {
    const slash = layout.group.lastIndexOf('/');
    const parent = slash > 0 ? layout.group.slice(0, slash) : undefined;
    if (dryRun) return { rows: [{ item: 'records', name: layout.group, outcome: 'create', detail: 'private group of the per-person records projects' }], writes: 0, access: null };
    try {
      await gitlab.createGroup({ path: layout.group.slice(slash + 1), name: 'Career records', ...(parent ? { parent } : {}) });
      rows.push({ item: 'records', name: layout.group, outcome: 'create', detail: 'private group of the per-person records projects' });
      writes += 1;
    } catch (err) {
      if (!(err instanceof AppError) || !['gitlab_forbidden', 'gitlab_not_found', 'gitlab_rejected'].includes(err.code)) throw err;
      const detail = `@${me.username} may not create it (${err.message}). An administrator must create the private group ${layout.group}${parent ? ` (a subgroup of ${parent} whose members are only people allowed to read every record)` : ''} and make @${me.username} its Owner, or set TRELLIS_RECORDS_GROUP to a group where @${me.username} is Owner`;
      return { rows: [{ item: 'records', name: layout.group, outcome: 'problem', detail }], writes, access: null };
    }
  }
  const mine = (await group.listMembers({ inherited: true })).find((m) => m.username.toLowerCase() === me.username.toLowerCase());
  if ((mine?.accessLevel ?? 0) < ACCESS_LEVEL.owner && !(await isAdmin(gitlab))) {
    const detail = `@${me.username} is ${mine ? `only ${mine.accessLevel}` : 'not a member'} in ${layout.group}: make @${me.username} Owner of ${layout.group} (it creates the records projects and manages who can read them)`;
    return { rows: [{ item: 'records', name: layout.group, outcome: 'problem', detail }], writes, access: null };
  }
  rows.push({ item: 'records', name: layout.group, outcome: 'unchanged', detail: `@${me.username} is Owner` });

  const wanted = [...TRELLIS_LABELS, ...quarterLabels(opts.now, opts.roster)].filter((l) => RECORD_LABEL.test(l.name) || l.name.startsWith('quarter::'));
  const labels = planLabels(await group.listLabels(), wanted);
  rows.push(...labels.rows.map((r) => ({ ...r, name: `${layout.group} ${r.name}` })));
  if (!dryRun) for (const w of labels.writes) writes += await applyLabel(gitlab, layout, w);

  const access = await syncRecordsAccess({ gitlab, layout, bot: me.username, readers: opts.roster.recordReaders, dryRun, log: opts.log }, opts.roster);
  writes += dryRun ? 0 : access.projectsCreated.length + access.membersSet.length + access.overreaders.filter((o) => o.outcome === 'removed').length;
  rows.push(...accessRows(access, dryRun));

  const groupHooks = await group.hooks();
  const hosts: Array<{ name: string; host: HookHost | null }> = groupHooks
    ? [{ name: layout.group, host: groupHooks }]
    : desiredAccess(opts.roster, layout).map((a) => ({ name: a.project, host: access.projectsCreated.includes(a.project) && dryRun ? null : gitlab.forProject(a.project) }));
  for (const { name, host } of hosts) {
    const plan = planWebhook({ ...opts.webhook, hooks: host ? await host.listHooks() : [], lastDeliveryUnauthorized: false });
    rows.push(...plan.rows.map((r) => ({ ...r, name: `${name}: ${r.name}`, detail: `${groupHooks ? 'group hook (Premium)' : 'project hook (Free: no group hooks)'}; ${r.detail}` })));
    if (!dryRun && host) for (const w of plan.writes) writes += await applyHook(host, w);
  }
  return { rows, writes, access };
}

async function isAdmin(gitlab: GitLabGateway): Promise<boolean> {
  // An administrator reads and manages every group; GitLab reports no membership for one.
  return (await gitlab.accessLevel().catch(() => 0)) >= ACCESS_LEVEL.owner;
}

/** One row per change and per over-privileged reader: what happened, or what a person must do. */
function accessRows(access: AccessReport, dryRun: boolean): SetupRow[] {
  return [
    ...access.projectsCreated.map((p): SetupRow => ({ item: 'records', name: p, outcome: 'create', detail: 'private project' })),
    ...access.membersSet.map((m): SetupRow => ({ item: 'member', name: m, outcome: 'create', detail: 'can read these records' })),
    ...access.overreaders.map(
      (o): SetupRow => ({
        item: 'overreader',
        name: `${o.place}: ${o.username}`,
        outcome: o.outcome === 'removed' ? 'update' : 'problem',
        detail:
          o.outcome === 'removed'
            ? `removed (access ${o.accessLevel}): not the person, their manager or a record reader`
            : o.outcome === 'inherited'
              ? `reads every record here through a parent group (access ${o.accessLevel}): remove them there, add them to the roster's record_readers, or move ${o.place.split('/').slice(0, -1).join('/') || o.place} out of that group`
              : dryRun
                ? `would be removed (access ${o.accessLevel})`
                : `an Owner (access ${o.accessLevel}) Trellis does not remove: add them to record_readers or remove them by hand`,
      }),
    ),
    ...access.problems.map((p): SetupRow => ({ item: 'records', name: p.split(':')[0] ?? p, outcome: 'problem', detail: p })),
  ];
}

async function applyLabel(gitlab: GitLabGateway, layout: RecordsLayout, write: SetupWrite): Promise<number> {
  const group = gitlab.forGroup(layout.group);
  const label = (write as { label?: Label }).label;
  if (!label) return 0;
  if (write.kind === 'create-label') await group.createLabel(label);
  else await group.updateLabel(label);
  return 1;
}

export async function applyHook(host: HookHost, write: SetupWrite): Promise<number> {
  if (write.kind === 'create-hook') await host.createHook(write.settings);
  else if (write.kind === 'update-hook') await host.updateHook(write.id, write.settings);
  else if (write.kind === 'test-hook') await host.testHook(write.id);
  else return 0;
  return 1;
}
