import { AppError } from '../../core/errors.js';
import type { GitLabGateway } from '../../core/gitlab-port.js';
import type { Roster } from '../../core/roster.js';
import { applyHook } from './records-setup.js';
import { planWebhook } from './plan-setup.js';
import { MAINTAINER } from './setup-catalog.js';
import type { SetupRow, WebhookInput } from './plan-setup.js';

export interface TaskProjectsSetupOptions {
  readonly gitlab: GitLabGateway;
  readonly roster: Roster;
  /** The department project (GITLAB_PROJECT), whose own hook `runSetup` keeps. */
  readonly departmentProject: string;
  readonly webhook: Omit<WebhookInput, 'hooks' | 'lastDeliveryUnauthorized'>;
  readonly dryRun: boolean;
}

/** Projects besides the department project that Trellis writes task issues to. */
export function taskProjects(roster: Roster, departmentProject: string): string[] {
  const access = roster.internships.accessRequestsProject;
  return access && access.toLowerCase() !== departmentProject.toLowerCase() ? [access] : [];
}

/**
 * The webhook of every other project Trellis writes tasks to (today the roster's
 * `access_requests_project`): closing the last task there must reach Trellis as an event, or an
 * internship would complete only at the hourly reconcile. A project hook needs Maintainer
 * (GitLab docs, user/project/integrations/webhooks: "you must have at least the Maintainer role");
 * without it the row says who must add it.
 */
export async function runTaskProjectsSetup(opts: TaskProjectsSetupOptions): Promise<{ rows: SetupRow[]; writes: number }> {
  const rows: SetupRow[] = [];
  let writes = 0;
  for (const path of taskProjects(opts.roster, opts.departmentProject)) {
    const host = opts.gitlab.forProject(path);
    const level = await host.accessLevel().catch((err: unknown) => {
      if (err instanceof AppError && (err.code === 'gitlab_not_found' || err.code === 'gitlab_forbidden')) return 0;
      throw err;
    });
    if (level < MAINTAINER) {
      rows.push({
        item: 'webhook',
        name: path,
        outcome: 'problem',
        detail: `the bot needs Maintainer on ${path} (the roster's access_requests_project) to add the hook that tells Trellis when an access request closes; until then internships complete only at the hourly reconcile`,
      });
      continue;
    }
    const plan = planWebhook({ ...opts.webhook, hooks: await host.listHooks(), lastDeliveryUnauthorized: false });
    rows.push(...plan.rows.map((r) => ({ ...r, name: `${path}: ${r.name}`, detail: `task project (access requests); ${r.detail}` })));
    if (!opts.dryRun) for (const w of plan.writes) writes += await applyHook(host, w);
  }
  return { rows, writes };
}
