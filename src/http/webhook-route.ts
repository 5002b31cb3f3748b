import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTransient } from '../core/errors.js';
import { parseWebhook } from '../events/normalize.js';
import type { EventIntake } from '../queue/event-intake.js';
import { createBodyGate } from './body-gate.js';
import type { BodyGate } from './body-gate.js';
import { tokenVerifier } from './verify-token.js';

export interface WebhookRouteOptions {
  readonly rules: WebhookRules;
  readonly bodyLimit: number;
  /** Bytes of large bodies (over 1 MB each) handled at once; see body-gate.ts. */
  readonly inflightBodyBytes: number;
}

export type WebhookOutcome = 'queued' | 'duplicate' | 'ignored' | 'unauthorized' | 'malformed' | 'invalid' | 'unavailable';

/** A body sent as JSON, kept as received (for the dedupe hash) and parsed by the rules. */
interface JsonBody {
  readonly raw: string;
}

/** What Trellis answers a delivery: the HTTP status and the JSON body. */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** Seconds GitLab (or whoever resends) should wait, for a 503. */
  readonly retryAfter?: number;
}

/**
 * The webhook's rules once its body is read, shared by the Fastify route and the fast path
 * (webhook-fast-path.ts), so both answer every delivery alike: 400 for malformed JSON, 422 for a
 * known event lacking fields Trellis needs (each named by its JSON path), 202 for an event Trellis
 * ignores, 202 once stored (deduplicated on Idempotency-Key, or a hash of the body for GitLab before
 * 17.4), 503 when Redis cannot store it.
 */
export interface WebhookRules {
  /** True when `X-Gitlab-Token` is one of the secrets (constant time). */
  verifyToken(given: string | undefined): boolean;
  /** `raw`: the body as received, or null for a body not sent as JSON (read as no payload at all). */
  answer(headers: IncomingHttpHeaders, raw: string | null, log: () => FastifyBaseLogger): Promise<WebhookAnswer>;
  /** Counts a delivery's outcome (metrics). */
  count(kind: string, outcome: WebhookOutcome): void;
}

export function createWebhookRules(opts: {
  readonly secrets: readonly string[];
  readonly intake: EventIntake;
  /** Called once per delivery with its outcome, for metrics. */
  readonly onOutcome?: (kind: string, outcome: WebhookOutcome) => void;
}): WebhookRules {
  const count = opts.onOutcome ?? (() => undefined);
  return {
    verifyToken: tokenVerifier(opts.secrets),
    count,
    async answer(headers, raw, log) {
      const kind = header(headers, 'x-gitlab-event') ?? 'unknown';
      let json: unknown;
      try {
        json = raw === null ? undefined : JSON.parse(raw);
      } catch (err) {
        count(kind, 'malformed');
        return { status: 400, body: { error: `malformed JSON: ${(err as Error).message}` } };
      }
      const parsed = parseWebhook(header(headers, 'x-gitlab-event'), json, { eventUuid: header(headers, 'x-gitlab-event-uuid') });
      if (parsed.kind === 'ignored') {
        count(kind, 'ignored');
        return { status: 202, body: { ignored: parsed.reason } };
      }
      if (parsed.kind === 'invalid') {
        count(kind, 'invalid');
        log().warn({ event: kind, problems: parsed.problems }, 'webhook payload lacks fields Trellis needs');
        return { status: 422, body: { error: 'payload lacks fields Trellis needs', problems: parsed.problems } };
      }
      const deliveryKey = header(headers, 'idempotency-key') ?? `sha256:${createHash('sha256').update(raw ?? '').digest('base64url')}`;
      try {
        const result = await opts.intake.enqueue(parsed.event, deliveryKey);
        count(kind, result.duplicate ? 'duplicate' : 'queued');
        return { status: 202, body: { status: result.duplicate ? 'duplicate' : 'queued', job: result.jobId } };
      } catch (err) {
        if (!isTransient(err)) throw err;
        count(kind, 'unavailable');
        log().error({ err }, 'webhook not stored: Redis unavailable');
        return { status: 503, body: { error: 'Redis unavailable: the event was not stored; resend it' }, retryAfter: 5 };
      }
    },
  };
}

/**
 * `POST /webhooks/gitlab`: authenticate, parse, deduplicate, enqueue, answer 202 — all GitLab calls
 * happen later in workers (docs/architecture.md#principles, principle 2). Registered in its own plugin so its body parser,
 * which keeps the raw text for the dedupe hash, applies to this route alone. Ordinary deliveries over
 * real HTTP take the fast path (webhook-fast-path.ts) with the same rules; this route answers the rest
 * (wrong tokens, large or chunked bodies, other content types, `app.inject`).
 */
export async function webhookRoute(app: FastifyInstance, opts: WebhookRouteOptions): Promise<void> {
  const { rules } = opts;
  const admit = admitThrough(createBodyGate({ budgetBytes: opts.inflightBodyBytes, smallBytes: SMALL_BODY_BYTES }), opts.bodyLimit);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: opts.bodyLimit }, (_req, body, done) => done(null, { raw: body as string } satisfies JsonBody));

  // A callback hook, not an async one: this runs for every delivery, and a promise per request costs.
  app.addHook('onRequest', (req, reply, done) => {
    if (rules.verifyToken(header(req.headers, 'x-gitlab-token'))) return admit(req, reply, done);
    const event = header(req.headers, 'x-gitlab-event') ?? 'unknown';
    req.log.warn({ event, tokenPresent: req.headers['x-gitlab-token'] !== undefined }, 'webhook rejected: missing or wrong X-Gitlab-Token');
    rules.count(event, 'unauthorized');
    // Answering without calling done() ends the request here.
    void reply.code(401).send({ error: 'missing or wrong X-Gitlab-Token' });
  });

  app.post('/webhooks/gitlab', { bodyLimit: opts.bodyLimit }, async (req, reply) => {
    if (!req.body) {
      rules.count(header(req.headers, 'x-gitlab-event') ?? 'unknown', 'malformed');
      return reply.code(400).send({ error: 'empty body: GitLab sends a JSON object' });
    }
    // A body of another content type (Fastify's text parser) is not a payload Trellis reads.
    const raw = typeof req.body === 'object' && 'raw' in req.body ? (req.body as JsonBody).raw : null;
    const answer = await rules.answer(req.headers, raw, () => req.log);
    if (answer.retryAfter !== undefined) void reply.header('retry-after', String(answer.retryAfter));
    return reply.code(answer.status).send(answer.body);
  });
}

/** Bodies up to this size (nearly all of GitLab's) skip the gate. */
export const SMALL_BODY_BYTES = 1024 * 1024;

/**
 * Lets the request's body be read once the gate has room for it. The budget is given back when the
 * response ends or the connection closes, whichever comes first, even if that happens while waiting.
 */
function admitThrough(gate: BodyGate, bodyLimit: number) {
  return (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const length = Number(req.headers['content-length']);
    // Too large to be read at all: answered 413 at once, so it does not wait for the budget.
    if (length > bodyLimit) return done();
    const entering = gate.enter(Number.isFinite(length) ? length : undefined);
    if (!entering) return done();
    let release: (() => void) | undefined;
    let ended = false;
    const end = () => {
      ended = true;
      release?.();
    };
    reply.raw.once('close', end);
    reply.raw.once('finish', end);
    void entering.then((r) => {
      release = r;
      if (ended) r();
      else done();
    });
  };
}

/** A request header's first value. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
