import { z } from 'zod';
import { AppError } from './core/errors.js';
import { defaultRecordsGroup } from './core/records-layout.js';
import { parseRedisUrl } from './redis/redis-url.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number >= 0, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      return n;
    });

const url = z.string().url({ message: 'must be an absolute URL such as https://gitlab.example.com' });

/** One zod schema over the environment: the variables of docs/architecture.md#contracts plus tuning knobs. */
export const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: positiveInt(8080),
  // Unset: 127.0.0.1 in demo mode (no GitLab configured), 0.0.0.0 otherwise.
  HOST: z.string().optional(),
  // redis://host:port for one Redis; redis+cluster://host:port,host:port for a Redis Cluster (src/redis/redis-url.ts).
  REDIS_URL: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        if (v) parseRedisUrl(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message.replace(/^REDIS_URL: /, '') : String(err) });
      }
    }),
  GITLAB_URL: url.optional(),
  GITLAB_TOKEN: z.string().optional(),
  GITLAB_PROJECT: z.string().optional(),
  TRELLIS_RECORDS_GROUP: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  TRELLIS_ROSTER_FILE: z.string().optional(),
  TRELLIS_DRY_RUN: bool,
  DASHBOARD_TOKEN: z.string().optional(),
  TRELLIS_PUBLIC_URL: url.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty', '']).optional(),
  TRELLIS_QUEUE_PREFIX: z.string().default('{trellis}'),
  TRELLIS_BODY_LIMIT_MB: positiveInt(26),
  TRELLIS_INFLIGHT_BODY_MB: positiveInt(32),
  // -1: unset (a worker process serves no HTTP).
  TRELLIS_METRICS_PORT: positiveInt(-1),
  TRELLIS_WORKER_CONCURRENCY: positiveInt(8),
  TRELLIS_WORKER_EVENT_MB: positiveInt(32),
  TRELLIS_SHUTDOWN_TIMEOUT_MS: positiveInt(25_000),
  TRELLIS_DEDUPE_TTL_HOURS: positiveInt(72),
  GITLAB_API_PER_MINUTE: positiveInt(2000),
  GITLAB_ISSUE_CREATE_PER_MINUTE: positiveInt(200),
  GITLAB_NOTE_CREATE_PER_MINUTE: positiveInt(60),
  GITLAB_TIMEOUT_MS: positiveInt(10_000),
  TRELLIS_RECONCILE_CRON: z.string().default('17 * * * *'),
  TRELLIS_REVIEW_REMINDER_DAYS: positiveInt(14),
  TRELLIS_DATA_DIR: z.string().default('.trellis-data'),
  TRELLIS_DEMO_SIM_HOST: z.string().default('127.0.0.1'),
});

export interface Config {
  readonly production: boolean;
  readonly port: number;
  /** Where the HTTP server listens: HOST, else 127.0.0.1 in demo mode (this machine only) and 0.0.0.0 with GitLab configured. */
  readonly host: string;
  /** Absent: use 127.0.0.1:6379, or start a private redis-server when nothing answers there. `redis+cluster://` names a Redis Cluster. */
  readonly redisUrl: string | undefined;
  /** Absent GitLab settings mean demo mode (the built-in simulator), except in production. */
  readonly gitlab:
    | {
        readonly url: string;
        readonly token: string;
        /** The department project: training modules, internship requests, reports, templates, the roster. */
        readonly project: string;
        /** The group of private per-person records projects (checkpoints, career conversations). */
        readonly recordsGroup: string;
      }
    | undefined;
  readonly webhookSecrets: readonly string[];
  readonly rosterFile: string | undefined;
  readonly dryRun: boolean;
  readonly dashboardToken: string | undefined;
  readonly publicUrl: string | undefined;
  readonly logLevel: string;
  /** Unset: one readable line per event when stdout is a terminal, JSON lines otherwise (src/logger.ts). */
  readonly logFormat: 'json' | 'pretty' | undefined;
  readonly queuePrefix: string;
  readonly bodyLimitBytes: number;
  /** Webhook bytes over 1 MB each handled at once; more wait their turn (src/http/body-gate.ts). */
  readonly inflightBodyBytes: number;
  /** Where a worker-only process serves /metrics, /healthz and /readyz; undefined: it serves no HTTP. */
  readonly metricsPort: number | undefined;
  readonly workerConcurrency: number;
  /** Bytes of event data a worker process holds at once (its relay's batch and its large events); src/queue/byte-budget.ts. */
  readonly workerEventBytes: number;
  readonly shutdownTimeoutMs: number;
  readonly dedupeTtlMs: number;
  readonly limits: { readonly api: number; readonly issue_create: number; readonly note_create: number };
  readonly gitlabTimeoutMs: number;
  readonly reconcileCron: string;
  readonly reviewReminderDays: number;
  readonly dataDir: string;
  /** Where demo mode's simulator listens: 0.0.0.0 in a container, so its port can be published. */
  readonly demoSimHost: string;
}

/** Parses the environment into a frozen Config, or throws AppError('config_invalid') naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError('config_invalid', `invalid configuration:\n  ${lines.join('\n  ')}`, { problems: lines });
  }
  const e = parsed.data;
  const gitlabParts = [e.GITLAB_URL, e.GITLAB_TOKEN, e.GITLAB_PROJECT];
  const given = gitlabParts.filter((v) => v !== undefined && v !== '').length;
  if (given > 0 && given < 3) {
    const missing = (['GITLAB_URL', 'GITLAB_TOKEN', 'GITLAB_PROJECT'] as const).filter((k) => !e[k]);
    throw new AppError('config_invalid', `invalid configuration:\n  ${missing.join(', ')}: required when any of GITLAB_URL, GITLAB_TOKEN, GITLAB_PROJECT is set`);
  }
  const recordsGroup = e.TRELLIS_RECORDS_GROUP?.replace(/^\/+|\/+$/g, '') || (e.GITLAB_PROJECT ? defaultRecordsGroup(e.GITLAB_PROJECT) : null);
  if (given === 3 && !recordsGroup) {
    throw new AppError('config_invalid', 'invalid configuration:\n  TRELLIS_RECORDS_GROUP: required when GITLAB_PROJECT is an id (the group that holds each person\'s private records project)');
  }
  // BullMQ's scripts and Trellis's own touch several keys at once: on a cluster they must share one slot.
  if (e.REDIS_URL && parseRedisUrl(e.REDIS_URL).cluster && !/\{[^}]+\}/.test(e.TRELLIS_QUEUE_PREFIX)) {
    throw new AppError('config_invalid', `invalid configuration:\n  TRELLIS_QUEUE_PREFIX: must hold a Redis Cluster hash tag such as {trellis} when REDIS_URL names a cluster (got ${JSON.stringify(e.TRELLIS_QUEUE_PREFIX)})`);
  }
  const production = e.NODE_ENV === 'production';
  const webhookSecrets = (e.WEBHOOK_SECRET ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (production && webhookSecrets.length === 0) {
    throw new AppError('config_invalid', 'invalid configuration:\n  WEBHOOK_SECRET: required in production (comma-separate several to rotate)');
  }
  return Object.freeze({
    production,
    port: e.PORT,
    host: e.HOST || (given === 0 && !production ? '127.0.0.1' : '0.0.0.0'),
    redisUrl: e.REDIS_URL || undefined,
    gitlab: given === 3 ? Object.freeze({ url: e.GITLAB_URL!.replace(/\/+$/, ''), token: e.GITLAB_TOKEN!, project: e.GITLAB_PROJECT!, recordsGroup: recordsGroup! }) : undefined,
    webhookSecrets: Object.freeze(webhookSecrets),
    rosterFile: e.TRELLIS_ROSTER_FILE || undefined,
    dryRun: e.TRELLIS_DRY_RUN,
    dashboardToken: e.DASHBOARD_TOKEN || undefined,
    publicUrl: e.TRELLIS_PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT || undefined,
    queuePrefix: e.TRELLIS_QUEUE_PREFIX,
    bodyLimitBytes: e.TRELLIS_BODY_LIMIT_MB * 1024 * 1024,
    inflightBodyBytes: e.TRELLIS_INFLIGHT_BODY_MB * 1024 * 1024,
    metricsPort: e.TRELLIS_METRICS_PORT < 0 ? undefined : e.TRELLIS_METRICS_PORT,
    workerConcurrency: Math.max(1, e.TRELLIS_WORKER_CONCURRENCY),
    workerEventBytes: Math.max(1, e.TRELLIS_WORKER_EVENT_MB) * 1024 * 1024,
    shutdownTimeoutMs: e.TRELLIS_SHUTDOWN_TIMEOUT_MS,
    dedupeTtlMs: e.TRELLIS_DEDUPE_TTL_HOURS * 3_600_000,
    limits: Object.freeze({ api: e.GITLAB_API_PER_MINUTE, issue_create: e.GITLAB_ISSUE_CREATE_PER_MINUTE, note_create: e.GITLAB_NOTE_CREATE_PER_MINUTE }),
    gitlabTimeoutMs: e.GITLAB_TIMEOUT_MS,
    reconcileCron: e.TRELLIS_RECONCILE_CRON,
    reviewReminderDays: e.TRELLIS_REVIEW_REMINDER_DAYS,
    dataDir: e.TRELLIS_DATA_DIR,
    demoSimHost: e.TRELLIS_DEMO_SIM_HOST,
  } satisfies Config);
}
