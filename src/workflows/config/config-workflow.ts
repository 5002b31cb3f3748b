import type { Issue } from '../../core/gitlab-port.js';
import type { RosterStore } from '../../roster/roster-store.js';
import { CONFIG_PATHS } from '../../roster/roster-store.js';
import type { Workflow, WorkflowContext } from '../workflow.js';
import { CONFIG_ERROR_LABEL, planConfigError } from './plan-config-error.js';

/** Reloads the roster when a push touches it, and keeps the `trellis-config-error` issue true. */
export function configWorkflow(store: RosterStore): Workflow {
  async function check(version: string, ctx: WorkflowContext): Promise<void> {
    const load = await store.reload();
    const open: Issue[] = [];
    for await (const issue of ctx.gitlab.listIssues({ labels: [CONFIG_ERROR_LABEL], state: 'opened' })) open.push(issue);
    const actions = planConfigError(load.ok ? { ok: true, version } : { ok: false, version, source: load.source, message: load.message }, open[0]?.iid ?? null);
    const result = await ctx.executor.apply(actions, { known: open });
    ctx.log.info({ valid: load.ok, writes: result.writes }, 'roster checked');
  }
  return {
    name: 'config',
    async onEvent(event, ctx) {
      if (event.type !== 'push' || !(event.truncated || CONFIG_PATHS.some((p) => event.paths.includes(p)))) return;
      const project = await ctx.gitlab.project();
      if (event.ref !== `refs/heads/${project.defaultBranch}`) return;
      await check(`commit ${event.after.slice(0, 12)}`, ctx);
    },
    jobs: {
      async 'check-roster'(_data, ctx) {
        await check('checked on schedule', ctx);
      },
    },
  };
}
