import type { SimClock } from './clock.js';
import type { SimStore } from './store.js';
import type { SimProject, SimUser } from './types.js';

/** The hook lists of GitLab (`ProjectHook` scopes); a delivery's trigger is one of these. */
export type HookScope = 'issue_hooks' | 'confidential_issue_hooks' | 'note_hooks' | 'confidential_note_hooks' | 'push_hooks';

/** The asynchronous webhook delivery queue (hook-queue.ts). */
export interface HookQueue {
  attach(ctx: SimContext): void;
  /** Queues a delivery to every matching hook of the project, after the current response. */
  fire(project: SimProject, scope: HookScope, payload: unknown, chain: EventChain): void;
  /** Resolves when nothing is queued, waiting or in flight. */
  idle(): Promise<void>;
  close(): void;
}

/**
 * Recursion detection (lib/gitlab/web_hooks/recursion_detection.rb): a request that carries a
 * delivery's `X-Gitlab-Event-UUID` continues that chain; otherwise each hook gets a fresh UUID for
 * this request, which it sends and which a callback from the receiver will carry back.
 */
export interface EventChain {
  header: string | null;
  perHook: Map<number, string>;
}

/** Who acts, and the webhook chain their request belongs to. */
export interface Actor {
  user: SimUser;
  chain: EventChain;
}

/** A chain for work that no webhook caused (seeds, a fresh request). */
export function newChain(header: string | null = null): EventChain {
  return { header, perHook: new Map() };
}

/** Per-class request limits per user per minute; 0 turns a class off. */
export interface SimLimits {
  api_per_minute: number;
  issue_create_per_minute: number;
  note_create_per_minute: number;
}

/** Injected faults. Ratios are probabilities in [0, 1]. */
export interface SimFaults {
  error_ratio: number;
  latency_ms: number;
  webhook_drop_ratio: number;
  webhook_duplicate_ratio: number;
  webhook_delay_ms: number;
  webhook_reorder: boolean;
}

/** The GitLab tier the simulator plays. */
export type SimTier = 'free' | 'premium';

/** Behaviour switches that differ between GitLab tiers. */
export interface SimSettings {
  /**
   * `premium` (default): group webhooks, scoped labels, multiple assignees. `free`: the Free tier of
   * GitLab CE: no group webhooks API (404), scoped labels are plain labels, one assignee per issue.
   */
  tier: SimTier;
  /** Premium and up keep one label per scope; Free keeps both. Follows `tier` unless set on its own. */
  scoped_labels: boolean;
}

/** Request counters, as `SimRequestCounts` exposes them. */
export interface SimCounters {
  total: number;
  byRoute: Record<string, number>;
  byClass: { read: number; write: number; issue_create: number; note_create: number };
  rateLimited: number;
  webhooks: { delivered: number; failed: number; dropped: number; duplicated: number; recursionBlocked: number };
}

/** Everything a route or service needs: the records, the clock and the simulator's knobs. */
export interface SimContext {
  store: SimStore;
  clock: SimClock;
  settings: SimSettings;
  limits: SimLimits;
  faults: SimFaults;
  counters: SimCounters;
  hooks: HookQueue;
  version: string;
  rootToken: string;
  /** Base URL (`http://127.0.0.1:1234`), known once the server listens. */
  baseUrl: string;
  /** Random source, replaceable so fault tests can be deterministic. */
  random: () => number;
}

/** Fresh zeroed counters. */
export function emptyCounters(): SimCounters {
  return {
    total: 0,
    byRoute: {},
    byClass: { read: 0, write: 0, issue_create: 0, note_create: 0 },
    rateLimited: 0,
    webhooks: { delivered: 0, failed: 0, dropped: 0, duplicated: 0, recursionBlocked: 0 },
  };
}

/** Current time as an API timestamp. */
export function nowIso(ctx: SimContext): string {
  return ctx.clock.now().toISOString();
}
