import type { Config } from '../../config.js';
import type { RecordCache } from '../../core/state-ports.js';
import type { GitLabGateway, Hook } from '../../gitlab/port.js';

/** GitLab allows 5 resends a minute per hook; one reconcile run stays within that. */
export const RESENDS_PER_RUN = 5;

export interface ReplayResult {
  readonly hook: Hook | null;
  readonly failed: number;
  readonly resent: number;
  /** Failed deliveries left for the next run (over the resend limit). */
  readonly pending: number;
}

/** Trellis's project hook: the one pointing at TRELLIS_PUBLIC_URL, else any pointing at /webhooks/gitlab. */
export function findTrellisHook(hooks: readonly Hook[], publicUrl: string | undefined): Hook | null {
  const exact = publicUrl ? hooks.find((h) => h.url === `${publicUrl}/webhooks/gitlab`) : undefined;
  return exact ?? hooks.find((h) => /\/webhooks\/gitlab\/?$/.test(h.url)) ?? null;
}

/**
 * Resends deliveries GitLab logged as failed (the hook events API keeps 7 days). A resend carries the
 * original Idempotency-Key, so one Trellis already took is dropped by the intake; each failed event is
 * resent once (remembered for 8 days), newest first, at most RESENDS_PER_RUN a run.
 */
export async function replayFailedDeliveries(gitlab: GitLabGateway, cache: RecordCache, config: Config, dryRun: boolean): Promise<ReplayResult> {
  const hook = findTrellisHook(await gitlab.listHooks(), config.publicUrl);
  if (!hook) return { hook: null, failed: 0, resent: 0, pending: 0 };
  const failed = [...(await gitlab.listHookEvents(hook.id, 'client_failure')), ...(await gitlab.listHookEvents(hook.id, 'server_failure'))].sort((a, b) => b.id - a.id);
  let resent = 0;
  let pending = 0;
  for (const event of failed) {
    if (resent >= RESENDS_PER_RUN) {
      pending += 1;
      continue;
    }
    if (dryRun) {
      resent += 1;
      continue;
    }
    if (!(await cache.claim(`resent:${hook.id}:${event.id}`, 8 * 24 * 3600))) continue;
    await gitlab.resendHookEvent(hook.id, event.id);
    resent += 1;
  }
  return { hook, failed: failed.length, resent, pending };
}
