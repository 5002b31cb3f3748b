import { AppError } from '../../core/errors.js';
import type { RecordCache } from '../../core/state-ports.js';
import type { Hook, HookEvent, HookHost } from '../../core/gitlab-port.js';

/** GitLab allows 5 resends a minute per hook (every attempt counts, refused ones too). */
export const RESENDS_PER_MINUTE = 5;
/** A delivery resent is not resent again while GitLab still lists it as failed (its log keeps 7 days). */
const RESENT_SECONDS = 8 * 24 * 3600;
/** While one run resends a delivery no other run takes it; a run that died frees it after this. */
const RESENDING_SECONDS = 600;

/** A failed delivery this run tried and could not resend, and why. */
export interface NotResent {
  readonly eventId: number;
  readonly why: string;
}

/** What became of one hook's failed deliveries in one run. */
export interface ReplayResult {
  readonly hook: Hook;
  /** Failed deliveries GitLab logged (7 days). */
  readonly failed: number;
  /** Resent now, and answered 2xx/3xx by the receiver (a dry run: would be resent). */
  readonly resent: number;
  /** Resent by an earlier run (or being resent by another run right now). */
  readonly alreadyResent: number;
  /** Tried now and not resent: GitLab refused, or the receiver did not take it. Tried again next run. */
  readonly notResent: readonly NotResent[];
  /** Not tried this run (GitLab's resend limit, 5 a minute per hook, was reached); the next run goes on. */
  readonly pending: number;
  /** GitLab had disabled the hook and Trellis's test delivery re-enabled it (as `trellis setup` does). */
  readonly reenabled: boolean;
}

/** Trellis's project hook: the one pointing at TRELLIS_PUBLIC_URL, else any pointing at /webhooks/gitlab. */
export function findTrellisHook(hooks: readonly Hook[], publicUrl: string | undefined): Hook | null {
  const exact = publicUrl ? hooks.find((h) => h.url === `${publicUrl}/webhooks/gitlab`) : undefined;
  return exact ?? hooks.find((h) => /\/webhooks\/gitlab\/?$/.test(h.url)) ?? null;
}

/**
 * Resends the deliveries GitLab logged as failed for one Trellis hook, newest first. Called once per
 * hook: `host` is where the hook lives (a project's gateway, or a group's `hooks()`), `hook` the hook
 * as listed there (its `alertStatus` says whether GitLab disabled it).
 *
 * A resend carries the original Idempotency-Key, so one Trellis already took is dropped at intake.
 * A delivery counts as resent only once GitLab took the resend and the receiver answered it with
 * 2xx/3xx; only then is it remembered (8 days, past GitLab's 7-day log), so a failed attempt is tried
 * again by the next run instead of being lost. One failure does not stop the others. A hook GitLab
 * disabled after repeated failures refuses resends (422 "Hook disabled"): it is re-enabled first with
 * GitLab's test delivery, whose success re-enables it (what `trellis setup` does), and the refused
 * delivery is tried once more. At most 5 resend attempts a minute per hook, across every run and
 * process (GitLab's limit), through five one-minute slots in the shared cache; what does not fit is
 * left pending for the next run.
 */
export async function replayFailedDeliveries(host: HookHost, hook: Hook, cache: RecordCache, opts: { readonly dryRun: boolean }): Promise<ReplayResult> {
  const byId = new Map<number, HookEvent>();
  for (const status of ['client_failure', 'server_failure']) for (const e of await host.listHookEvents(hook.id, status)) byId.set(e.id, e);
  const failed = [...byId.values()].sort((a, b) => b.id - a.id);
  let resent = 0;
  let alreadyResent = 0;
  let pending = 0;
  const notResent: NotResent[] = [];
  let reenabled = false;
  // Known before any resend: a disabled hook refuses them all.
  let disabled = hook.alertStatus === 'temporarily_disabled' || hook.alertStatus === 'disabled';
  let reenableFailed: string | null = null;

  /** Re-enables the hook once a run; afterwards says why it stays disabled, or null. */
  async function reenable(): Promise<string | null> {
    if (reenableFailed !== null) return reenableFailed;
    try {
      await host.testHook(hook.id);
      reenabled = true;
      disabled = false;
      return null;
    } catch (err) {
      reenableFailed = `hook disabled by GitLab, and its test delivery failed (${describe(err)})`;
      return reenableFailed;
    }
  }

  /** One of GitLab's five resends a minute for this hook, or false when all five are used. */
  async function slot(): Promise<boolean> {
    for (let i = 0; i < RESENDS_PER_MINUTE; i++) if (await cache.claim(`resend-slot:${hook.id}:${i}`, 60)) return true;
    return false;
  }

  for (const [index, event] of failed.entries()) {
    if (opts.dryRun) {
      if (resent < RESENDS_PER_MINUTE) resent += 1;
      else pending += 1;
      continue;
    }
    const key = `resent:${hook.id}:${event.id}`;
    if (!(await cache.claim(key, RESENDING_SECONDS))) {
      alreadyResent += 1;
      continue;
    }
    // null: go ahead; '': resent; anything else: why not.
    let why: string | null = disabled ? await reenable() : null;
    let tries = 0;
    while (why === null) {
      if (!(await slot())) break;
      tries += 1;
      try {
        const { status } = await host.resendHookEvent(hook.id, event.id);
        why = /^[23]\d\d$/.test(status) ? '' : `the receiver answered ${status || 'nothing'}`;
      } catch (err) {
        // Disabled since the hook was listed (or by these very resends failing): re-enable, try once more.
        why = tries === 1 && hookDisabled(err) ? await reenable() : describe(err);
      }
    }
    if (why === null) {
      // Out of resends for this minute: this one and the rest wait for the next run.
      await cache.setClaim(key, 0);
      pending = failed.length - index;
      break;
    }
    if (why === '') {
      await cache.setClaim(key, RESENT_SECONDS);
      resent += 1;
    } else {
      await cache.setClaim(key, 0);
      notResent.push({ eventId: event.id, why });
    }
  }
  return { hook, failed: failed.length, resent, alreadyResent, notResent, pending, reenabled };
}

/** GitLab's refusal of a resend because the hook is disabled (422 "Hook disabled"). */
function hookDisabled(err: unknown): boolean {
  return err instanceof AppError && err.code === 'gitlab_rejected' && /disabled/i.test(String(err.details.gitlabMessage ?? err.message));
}

function describe(err: unknown): string {
  return err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
}
