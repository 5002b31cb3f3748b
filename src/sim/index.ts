/**
 * The GitLab simulator: an in-memory GitLab REST API v4 with webhooks, rate limits and faults, for
 * tests and benchmarks of Trellis. It imports nothing from the service, so it cannot share its bugs.
 */
import type { AddressInfo } from 'node:net';
import { createClock } from './clock.js';
import { emptyCounters, type SimContext, type SimFaults, type SimLimits, type SimSettings, type SimTier } from './context.js';
import { GITLAB_COM_LIMITS, resetCounters, settingsFor, snapshotCounters, updateFaults, updateLimits, updateSettings } from './controls.js';
import { createHookQueue } from './hook-queue.js';
import { seedSimulator, type SeedResult, type SimSeed } from './seed.js';
import { buildSimServer } from './server.js';
import { createStore } from './store.js';
import { createToken, createUser } from './users.js';

export type { SimSeed, SeedResult } from './seed.js';
export type { SimSettings, SimTier } from './context.js';

/** How to start a simulator. */
export interface SimOptions {
  /** 0 = random. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'sim-root-token'. */
  rootToken?: string;
  /** `gitlab.com` applies GitLab.com's rate limits (2,000 API, 200 issue, 60 note creations per minute). */
  preset?: 'gitlab.com';
  seed?: SimSeed;
  /** Reported GitLab version, default '17.6.0'. */
  version?: string;
  logger?: boolean;
  /** The tier to play (default 'premium'): 'free' has no group webhooks, no scoped labels, one assignee. */
  tier?: SimTier;
  /** Scoped labels on their own (default: true on Premium, false on Free); kept for older callers. */
  scopedLabels?: boolean;
}

/** Request counters; `/-/sim/*` calls are not counted. */
export interface SimRequestCounts {
  total: number;
  /** Key: method + route pattern without `/api/v4`, e.g. `POST /projects/:id/issues`. */
  byRoute: Record<string, number>;
  byClass: { read: number; write: number; issue_create: number; note_create: number };
  rateLimited: number;
  /** `recursionBlocked` counts deliveries skipped by recursion detection (an addition). */
  webhooks: { delivered: number; failed: number; dropped: number; duplicated: number; recursionBlocked: number };
}

/** A running simulator. */
export interface RunningSim {
  /** e.g. http://127.0.0.1:34567 (API at url + '/api/v4'). */
  url: string;
  rootToken: string;
  /** 0 = off. */
  setLimits(l: Partial<SimLimits>): void;
  setFaults(f: Partial<SimFaults>): void;
  /** Tier switches (`tier`, `scoped_labels`), the same as PUT /-/sim/settings. */
  setSettings(s: Partial<SimSettings>): void;
  requests(): SimRequestCounts;
  resetRequests(): void;
  /** ISO time to freeze the clock at, or null for real time. */
  setClock(now: string | null): void;
  seed(seed: SimSeed): Promise<SeedResult>;
  /** Resolves when no webhook delivery is queued or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a simulator listening on `host:port`, with a root admin (`root`, id 1) owning `rootToken`. */
export async function startSimulator(opts: SimOptions = {}): Promise<RunningSim> {
  const rootToken = opts.rootToken ?? 'sim-root-token';
  const hooks = createHookQueue();
  const ctx: SimContext = {
    store: createStore(),
    clock: createClock(),
    settings: settingsFor(opts.tier ?? 'premium', opts.scopedLabels),
    limits: opts.preset === 'gitlab.com' ? { ...GITLAB_COM_LIMITS } : { api_per_minute: 0, issue_create_per_minute: 0, note_create_per_minute: 0 },
    faults: { error_ratio: 0, latency_ms: 0, webhook_drop_ratio: 0, webhook_duplicate_ratio: 0, webhook_delay_ms: 0, webhook_reorder: false },
    counters: emptyCounters(),
    hooks,
    version: opts.version ?? '17.6.0',
    rootToken,
    baseUrl: '',
    random: Math.random,
  };
  hooks.attach(ctx);
  const root = createUser(ctx, { username: 'root', name: 'Administrator', email: 'admin@example.com', admin: true });
  createToken(ctx, root, { name: 'root', scopes: ['api', 'read_user', 'sudo', 'admin_mode'], value: rootToken });
  const control = { resetLimiter: () => {} };
  const app = buildSimServer(ctx, control, { logger: opts.logger });
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  ctx.baseUrl = `http://${urlHost}:${port}`;
  if (opts.seed) seedSimulator(ctx, opts.seed);
  return {
    url: ctx.baseUrl,
    rootToken,
    setLimits: (l) => {
      updateLimits(ctx, l);
      control.resetLimiter();
    },
    setFaults: (f) => void updateFaults(ctx, f),
    setSettings: (s) => void updateSettings(ctx, s),
    requests: () => snapshotCounters(ctx),
    resetRequests: () => resetCounters(ctx),
    setClock: (now) => ctx.clock.set(now),
    seed: async (seed) => seedSimulator(ctx, seed),
    idle: () => hooks.idle(),
    close: async () => {
      hooks.close();
      await app.close();
    },
  };
}
