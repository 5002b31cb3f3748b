import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { EventIntake } from '../queue/event-intake.js';
import { webhookFastPath } from './webhook-fast-path.js';
import { createWebhookRules, webhookRoute } from './webhook-route.js';
import type { WebhookOutcome } from './webhook-route.js';

export interface ServerDeps {
  readonly webhookSecrets: readonly string[];
  readonly bodyLimitBytes: number;
  /** Webhook bytes (of bodies over 1 MB) read and handled at once; default 32 MB. */
  readonly inflightBodyBytes?: number;
  readonly intake: EventIntake;
  /** GitLab reachability for /readyz; absent for the api role, which needs no GitLab. */
  readonly gitlabReady?: () => Promise<boolean>;
  /** A pino logger; absent: no request logs. */
  readonly logger?: FastifyBaseLogger;
  readonly onWebhook?: (kind: string, outcome: WebhookOutcome) => void;
  /** Extra routes (dashboard, metrics, admin), registered after the core ones. */
  readonly plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
}

/** Secrets that never reach a log line. */
export const REDACT = ['req.headers["x-gitlab-token"]', 'req.headers.authorization', 'req.headers["private-token"]', 'req.headers.cookie'];

/** Builds the HTTP app without listening (tests use `inject`). */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const rules = createWebhookRules({ secrets: deps.webhookSecrets, intake: deps.intake, ...(deps.onWebhook ? { onOutcome: deps.onWebhook } : {}) });
  let closing = false;
  // Ordinary webhook deliveries over HTTP are answered in front of Fastify, by the same rules (webhook-fast-path.ts).
  const fastPath = webhookFastPath({ rules, bodyLimit: deps.bodyLimitBytes, logger: deps.logger, closing: () => closing });
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    genReqId: (req) => {
      const uuid = req.headers['x-gitlab-webhook-uuid'];
      return typeof uuid === 'string' && uuid.length <= 64 ? uuid : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    serverFactory: (handler) => {
      const server = createServer(fastPath(handler));
      // What Fastify sets, by default, on a server it creates itself.
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = 0;
      server.setTimeout(0);
      return server;
    },
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: 'internal error' });
    }
    const message = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `body larger than the limit of ${deps.bodyLimitBytes} bytes` : err.message;
    return reply.code(status).send({ error: message });
  });

  healthRoutes(app, { redisReady: () => deps.intake.ping(), ...(deps.gitlabReady ? { gitlabReady: deps.gitlabReady } : {}) });

  await app.register(webhookRoute, { rules, bodyLimit: deps.bodyLimitBytes, inflightBodyBytes: deps.inflightBodyBytes ?? 32 * 1024 * 1024 });
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}

/** `GET /healthz` (alive) and `GET /readyz` (200 when Redis, and GitLab where the role uses it, answer; else 503 naming which). */
export function healthRoutes(app: FastifyInstance, deps: { readonly redisReady: () => Promise<boolean>; readonly gitlabReady?: () => Promise<boolean> }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const redis = await deps.redisReady().catch(() => false);
    const gitlab = deps.gitlabReady ? await deps.gitlabReady().catch(() => false) : null;
    const ok = redis && gitlab !== false;
    const body = { status: ok ? 'ready' : 'not ready', redis: redis ? 'ok' : 'unreachable', gitlab: gitlab === null ? 'not used by this role' : gitlab ? 'ok' : 'unreachable' };
    return reply.code(ok ? 200 : 503).send(body);
  });
}

/**
 * The HTTP a worker-only process serves when `TRELLIS_METRICS_PORT` is set: its own /metrics (its
 * GitLab calls, rate-limit waits, Node process), /healthz and /readyz. No webhooks, no dashboard.
 */
export async function buildOpsServer(deps: { readonly logger: FastifyBaseLogger; readonly redisReady: () => Promise<boolean>; readonly gitlabReady: () => Promise<boolean>; readonly metrics: (app: FastifyInstance) => Promise<void> }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger, disableRequestLogging: true, return503OnClosing: true });
  healthRoutes(app, { redisReady: deps.redisReady, gitlabReady: deps.gitlabReady });
  await app.register(deps.metrics);
  return app;
}
