import type { SimContext, SimFaults, SimLimits, SimSettings, SimTier } from './context.js';
import { emptyCounters } from './context.js';

/** GitLab.com's documented per-user limits (doc/user/gitlab_com/_index.md). */
export const GITLAB_COM_LIMITS: SimLimits = { api_per_minute: 2000, issue_create_per_minute: 200, note_create_per_minute: 60 };

function num(v: unknown, key: string, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new RangeError(`${key} must be a number between 0 and ${max}`);
  return v;
}

/** Applies a partial limits update (0 turns a class off); throws RangeError on bad values. */
export function updateLimits(ctx: SimContext, input: Partial<Record<keyof SimLimits, unknown>>): SimLimits {
  const next = { ...ctx.limits };
  for (const key of Object.keys(next) as Array<keyof SimLimits>) {
    if (input[key] !== undefined) next[key] = Math.floor(num(input[key], key));
  }
  ctx.limits = next;
  return next;
}

/** Applies a partial faults update; ratios must lie in [0, 1]. */
export function updateFaults(ctx: SimContext, input: Partial<Record<keyof SimFaults, unknown>>): SimFaults {
  const next = { ...ctx.faults };
  for (const key of ['error_ratio', 'webhook_drop_ratio', 'webhook_duplicate_ratio'] as const) {
    if (input[key] !== undefined) next[key] = num(input[key], key, 1);
  }
  for (const key of ['latency_ms', 'webhook_delay_ms'] as const) {
    if (input[key] !== undefined) next[key] = num(input[key], key);
  }
  if (input.webhook_reorder !== undefined) {
    if (typeof input.webhook_reorder !== 'boolean') throw new RangeError('webhook_reorder must be a boolean');
    next.webhook_reorder = input.webhook_reorder;
  }
  ctx.faults = next;
  return next;
}

/** Settings for a tier: Free has no scoped labels unless `scopedLabels` says otherwise. */
export function settingsFor(tier: SimTier, scopedLabels?: boolean): SimSettings {
  return { tier, scoped_labels: scopedLabels ?? tier === 'premium' };
}

/**
 * Applies a partial settings update. Changing `tier` alone also sets `scoped_labels` to that tier's
 * behaviour; both together keep the explicit `scoped_labels`.
 */
export function updateSettings(ctx: SimContext, input: Partial<Record<keyof SimSettings, unknown>>): SimSettings {
  if (input.tier !== undefined && input.tier !== 'free' && input.tier !== 'premium') throw new RangeError('tier must be "free" or "premium"');
  if (input.scoped_labels !== undefined && typeof input.scoped_labels !== 'boolean') throw new RangeError('scoped_labels must be a boolean');
  const tier = (input.tier as SimTier | undefined) ?? ctx.settings.tier;
  const scoped = input.scoped_labels as boolean | undefined;
  ctx.settings = input.tier !== undefined ? settingsFor(tier, scoped) : { ...ctx.settings, ...(scoped === undefined ? {} : { scoped_labels: scoped }) };
  return ctx.settings;
}

/** A copy of the counters, safe to hand out. */
export function snapshotCounters(ctx: SimContext) {
  return structuredClone(ctx.counters);
}

/** Zeroes the counters. */
export function resetCounters(ctx: SimContext): void {
  ctx.counters = emptyCounters();
}
