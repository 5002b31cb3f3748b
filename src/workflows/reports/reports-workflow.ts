import type { Executor } from '../../core/executor.js';
import { indexIssues } from '../../core/executor.js';
import { localDate } from '../../core/fiscal-quarter.js';
import type { Log } from '../../core/log.js';
import { hasMarker } from '../../core/markers.js';
import type { Roster } from '../../core/roster.js';
import type { GitLabGateway, Issue } from '../../core/gitlab-port.js';
import type { Workflow } from '../workflow.js';
import { GEARING_LABEL, GEARING_MARKER, GEARING_STATUS_MARKER, planGearingReport, readSnapshot } from './plan-gearing.js';

/** The weekly schedule of the gearing report, in the roster's time zone: Mondays at 09:00. */
export const GEARING_CRON = '0 9 * * 1';

/** Reports Trellis keeps: the Staff+ IC gearing report, weekly and on demand (`trellis report gearing`). */
export function reportsWorkflow(): Workflow {
  return {
    name: 'reports',
    jobs: {
      async gearing(_data, ctx) {
        const bot = await ctx.bot();
        await runGearingReport({ gitlab: ctx.gitlab, executor: ctx.executor, roster: await ctx.roster(), now: ctx.now(), log: ctx.log, bot: bot.username });
      },
    },
    schedules(roster) {
      return [{ id: 'reports:gearing-weekly', cron: GEARING_CRON, tz: roster.timezone, job: 'reports:gearing' }];
    },
  };
}

export interface GearingRunDeps {
  readonly gitlab: GitLabGateway;
  readonly executor: Executor;
  readonly roster: Roster;
  readonly now: Date;
  readonly log: Log;
  /** Trellis's username: only its own status note carries the last table. */
  readonly bot: string;
}

export interface GearingRunResult {
  readonly issue: Issue | undefined;
  readonly writes: number;
  readonly changes: readonly string[];
}

/** Reads the report issue and Trellis's note on it, plans, applies. A run that finds nothing new writes nothing. */
export async function runGearingReport(deps: GearingRunDeps): Promise<GearingRunResult> {
  const found: Issue[] = [];
  for await (const issue of deps.gitlab.listIssues({ labels: [GEARING_LABEL], state: 'all' })) {
    if (hasMarker(issue.description, GEARING_MARKER)) found.push(issue);
  }
  const existing = found[0];
  const note = existing ? (await deps.gitlab.listNotes(existing.iid)).find((n) => n.author === deps.bot && hasMarker(n.body, GEARING_STATUS_MARKER)) : undefined;
  const plan = planGearingReport({
    roster: deps.roster,
    previous: note ? readSnapshot(note.body) : null,
    today: localDate(deps.now, deps.roster.timezone),
    schedule: `Mondays at 09:00 ${deps.roster.timezone}`,
  });
  // Not a complete index: an issue someone unlabelled is still found by its marker, not made twice.
  const result = await deps.executor.apply(plan.actions, { known: found, index: indexIssues(found, false) });
  deps.log.info({ writes: result.writes, changes: plan.changes.length }, 'staff gearing report updated');
  return { issue: result.refs.get('report'), writes: result.writes, changes: plan.changes };
}
