import { AppError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import type { RecordsLayout } from '../../core/records-layout.js';
import { managerReportPairs } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import { ACCESS_LEVEL } from '../../core/gitlab-port.js';
import type { GitLabGateway, HookSettings, Member } from '../../core/gitlab-port.js';

/*
 * Who may read whose private records, and making GitLab say so (docs/privacy.md). A person's records
 * project has two direct members, the person and their manager, both Developers (they edit the
 * checkpoint's checklist and summary, and are assignable); the roster's record readers are Reporters
 * of the records group and so of every project in it; the bot is Owner of the group. Anyone else
 * who can read a records project is over-privileged: a direct member is removed, an inherited one
 * (from a group above the records group) is reported, since Trellis does not manage that group.
 */

/** The readers a person's records must have, and nobody else (administrators aside). */
export interface RecordsAccess {
  readonly person: string;
  readonly manager: string;
  readonly project: string;
}

/** One person who can read records they should not. */
export interface Overreader {
  /** A records project, or the records group itself. */
  readonly place: string;
  readonly username: string;
  readonly accessLevel: number;
  /** `removed` (a direct member Trellis took out), `inherited` (from a group Trellis does not manage: fix it there), `kept` (a direct Owner, or a dry run). */
  readonly outcome: 'removed' | 'inherited' | 'kept';
}

/** What one sync or audit found and did. */
export interface AccessReport {
  readonly projectsCreated: string[];
  readonly membersSet: string[];
  readonly overreaders: Overreader[];
  readonly problems: string[];
}

/** Every report's records project and its two people, from the roster. */
export function desiredAccess(roster: Roster, layout: RecordsLayout): RecordsAccess[] {
  return managerReportPairs(roster).map(({ report, manager }) => ({ person: report.username, manager, project: layout.projectOf(report.username) }));
}

/** A member list as `username -> level`, lowercased. */
function levels(members: readonly Member[]): Map<string, number> {
  return new Map(members.map((m) => [m.username.toLowerCase(), m.accessLevel]));
}

const DEVELOPER = ACCESS_LEVEL.developer;

export interface SyncOptions {
  readonly gitlab: GitLabGateway;
  readonly layout: RecordsLayout;
  readonly bot: string;
  readonly readers: readonly string[];
  readonly dryRun: boolean;
  readonly log: Log;
  /**
   * Trellis's webhook, for a project made here on GitLab Free (no group hooks there, so each records
   * project needs its own); absent, a new project gets its hook from the next `trellis setup`.
   */
  readonly hook?: HookSettings;
}

/**
 * Makes one person's records project exist with exactly the right readers: created private if
 * missing, the person and manager Developers, any other direct member removed (an old manager
 * first of all), inherited readers beyond the record readers reported. One read when all is well
 * (GitLab's `members/all`); the direct members are read only when someone else is there.
 */
export async function syncRecordsProject(opts: SyncOptions, access: RecordsAccess, report: AccessReport): Promise<void> {
  const { gitlab, layout, bot, dryRun } = opts;
  const gw = gitlab.forProject(access.project);
  let all = await gw.listMembers({ inherited: true }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'gitlab_not_found') return null;
    throw err;
  });
  if (all === null) {
    report.projectsCreated.push(access.project);
    if (dryRun) {
      report.membersSet.push(`${access.project}: ${access.person}, ${access.manager} (Developer)`);
      return;
    }
    const group = gitlab.forGroup(layout.group);
    await group.createProject({
      path: access.person.toLowerCase(),
      name: `Career records: ${access.person}`,
      description: `Private career records of @${access.person}, kept by Trellis: readable by them, their manager and the department's record readers only.`,
    });
    if (opts.hook && !(await group.hooks())) await gw.createHook(opts.hook);
    all = [];
  }
  const reach = levels(all);
  for (const who of [access.person, access.manager]) {
    // Inherited Reporter (a record reader) is not enough: the person and manager edit and are assigned.
    if ((reach.get(who.toLowerCase()) ?? 0) >= DEVELOPER && all.length > 0) continue;
    report.membersSet.push(`${access.project}: ${who} (Developer)`);
    if (!dryRun) await gw.setMember(who, DEVELOPER);
  }
  const allowed = new Set([access.person, access.manager, bot, ...opts.readers].map((u) => u.toLowerCase()));
  const extras = [...reach].filter(([username]) => !allowed.has(username));
  if (extras.length === 0) return;
  const direct = levels(await gw.listMembers({ inherited: false }));
  for (const [username, level] of extras) {
    if (!direct.has(username)) {
      report.overreaders.push({ place: access.project, username, accessLevel: level, outcome: 'inherited' });
      continue;
    }
    report.overreaders.push({ place: access.project, username, accessLevel: level, outcome: dryRun ? 'kept' : 'removed' });
    if (!dryRun) await gw.removeMember(username);
  }
}

/**
 * The records group: its record readers Reporters (at least), nobody else but the bot. Direct
 * members below Owner who are not readers are removed; Owners and inherited members are reported.
 * Throws `gitlab_not_found` when the group does not exist.
 */
export async function syncRecordsGroup(opts: SyncOptions, report: AccessReport): Promise<void> {
  const { gitlab, layout, bot, dryRun } = opts;
  const group = gitlab.forGroup(layout.group);
  if (!(await group.group())) throw new AppError('gitlab_not_found', `the records group ${layout.group} does not exist`);
  const direct = levels(await group.listMembers({ inherited: false }));
  const readers = new Set(opts.readers.map((r) => r.toLowerCase()));
  for (const reader of readers) {
    if ((direct.get(reader) ?? 0) >= ACCESS_LEVEL.reporter) continue;
    report.membersSet.push(`${layout.group}: ${reader} (Reporter)`);
    if (!dryRun) await group.setMember(reader, ACCESS_LEVEL.reporter);
  }
  for (const [username, level] of direct) {
    if (username === bot.toLowerCase() || readers.has(username)) continue;
    const removable = level < ACCESS_LEVEL.owner && !dryRun;
    report.overreaders.push({ place: layout.group, username, accessLevel: level, outcome: removable ? 'removed' : 'kept' });
    if (removable) await group.removeMember(username);
  }
  for (const m of await group.listMembers({ inherited: true })) {
    const username = m.username.toLowerCase();
    if (username === bot.toLowerCase() || readers.has(username) || direct.has(username)) continue;
    report.overreaders.push({ place: layout.group, username, accessLevel: m.accessLevel, outcome: 'inherited' });
  }
}

/** An empty report. */
export function emptyAccessReport(): AccessReport {
  return { projectsCreated: [], membersSet: [], overreaders: [], problems: [] };
}

/**
 * Syncs the group and every report's project; a person whose project fails is named in `problems`
 * and the rest carry on. `only` limits the projects to those people (a roster change).
 */
export async function syncRecordsAccess(opts: SyncOptions, roster: Roster, only?: ReadonlySet<string>): Promise<AccessReport> {
  const report = emptyAccessReport();
  await syncRecordsGroup(opts, report);
  for (const access of desiredAccess(roster, opts.layout)) {
    if (only && !only.has(access.person.toLowerCase())) continue;
    try {
      await syncRecordsProject(opts, access, report);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'gitlab_unavailable' || err.code === 'gitlab_rate_limited') throw err;
      report.problems.push(`${access.project}: ${err.message}`);
      opts.log.warn({ project: access.project, code: err.code }, 'records project not synced');
    }
  }
  return report;
}

/** People whose project must change between two rosters: new reports, and reports with a new manager. */
export function changedPeople(before: Roster | null, after: Roster): Set<string> {
  const old = new Map((before ? managerReportPairs(before) : []).map((p) => [p.report.username.toLowerCase(), p.manager.toLowerCase()]));
  const changed = new Set<string>();
  for (const { report, manager } of managerReportPairs(after)) {
    if (old.get(report.username.toLowerCase()) !== manager.toLowerCase()) changed.add(report.username.toLowerCase());
  }
  return changed;
}
