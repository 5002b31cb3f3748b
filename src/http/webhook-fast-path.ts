import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { header, SMALL_BODY_BYTES } from './webhook-route.js';
import type { WebhookAnswer, WebhookRules } from './webhook-route.js';

const PATH = '/webhooks/gitlab';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The webhook's hot path, in front of Fastify: an ordinary delivery (POST /webhooks/gitlab, a JSON
 * body of known length up to 1 MB and the body limit, a valid `X-Gitlab-Token`) is read and answered
 * here with the route's own rules (WebhookRules), and everything else goes to Fastify untouched,
 * before any byte of its body is read: wrong tokens (401), bodies over the limit (413), large or
 * chunked bodies (the body gate), other content types, other routes, and every request once the
 * server is closing (Fastify answers 503).
 *
 * Why: Fastify's request and reply objects, hooks, child logger and serialiser cost about a fifth of
 * the api's CPU per webhook (CPU profile of `bench/ingress.ts`); the rules, the parse and the store
 * are the same either way. One info line per delivery replaces Fastify's two request log lines.
 */
export function webhookFastPath(opts: {
  readonly rules: WebhookRules;
  readonly bodyLimit: number;
  readonly logger: FastifyBaseLogger | undefined;
  /** True once the server is closing: every request then goes to Fastify. */
  readonly closing: () => boolean;
}): (fallback: RequestListener) => RequestListener {
  const smallest = Math.min(SMALL_BODY_BYTES, opts.bodyLimit);
  const logs = opts.logger;
  return (fallback) => (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH || opts.closing()) return fallback(req, res);
    const type = req.headers['content-type'];
    const length = Number(req.headers['content-length']);
    const json = type === 'application/json' || (type !== undefined && type.startsWith('application/json;'));
    if (!json || !(length > 0 && length <= smallest) || !opts.rules.verifyToken(header(req.headers, 'x-gitlab-token'))) return fallback(req, res);
    const started = Date.now();
    let child: FastifyBaseLogger | undefined;
    // A child logger (with the request id Fastify would give) only for a request that logs.
    const requestLog = (): FastifyBaseLogger => (child ??= logs ? logs.child({ reqId: requestId(req) }) : silent);
    readBody(req, length, (raw) => {
      void opts.rules
        .answer(req.headers, raw, requestLog)
        .then(
          (answer) => send(res, answer),
          (err: unknown) => {
            requestLog().error({ err }, 'request failed');
            send(res, { status: 500, body: { error: 'internal error' } });
          },
        )
        .then(() => {
          if (logs && INFO_LEVELS.has(logs.level)) requestLog().info({ res: { statusCode: res.statusCode }, responseTime: Date.now() - started }, 'request completed');
        });
    });
  };
}

/** Reads a body of known length; a request that ends short (the client went away) is dropped unanswered. */
function readBody(req: IncomingMessage, length: number, then: (raw: string) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  req.once('end', () => {
    if (received !== length) return;
    then(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8'));
  });
  req.once('error', () => undefined);
}

function send(res: ServerResponse, answer: WebhookAnswer): void {
  if (res.destroyed) return;
  const body = JSON.stringify(answer.body);
  const headers: Record<string, string | number> = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) };
  if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
  res.writeHead(answer.status, headers).end(body);
}

const INFO_LEVELS = new Set(['info', 'debug', 'trace']);

/** The request id Fastify would give it (build-server.ts genReqId): GitLab's webhook UUID when sane. */
function requestId(req: IncomingMessage): string {
  const uuid = req.headers['x-gitlab-webhook-uuid'];
  return typeof uuid === 'string' && uuid.length <= 64 ? uuid : randomUUID();
}

const noop = () => undefined;
const silent: FastifyBaseLogger = { level: 'silent', fatal: noop, error: noop, warn: noop, info: noop, debug: noop, trace: noop, silent: noop, child: () => silent };
