import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTransient } from '../core/errors.js';
import { parseWebhook } from '../events/normalize.js';
import type { EventIntake } from '../queue/event-intake.js';
import { createBodyGate } from './body-gate.js';
import type { BodyGate } from './body-gate.js';
import { tokenVerifier } from './verify-token.js';

export interface WebhookRouteOptions {
  readonly secrets: readonly string[];
  readonly intake: EventIntake;
  readonly bodyLimit: number;
  /** Bytes of large bodies (over 1 MB each) handled at once; see body-gate.ts. */
  readonly inflightBodyBytes: number;
  /** Called once per delivery with its outcome, for metrics. */
  readonly onOutcome?: (kind: string, outcome: WebhookOutcome) => void;
}

export type WebhookOutcome = 'queued' | 'duplicate' | 'ignored' | 'unauthorized' | 'malformed' | 'invalid' | 'unavailable';

interface RawJson {
  /** The body as received, for the dedupe hash when GitLab sends no Idempotency-Key. */
  readonly raw: string;
  readonly json: unknown;
}

/**
 * `POST /webhooks/gitlab`: authenticate, parse, deduplicate, enqueue, answer 202 — all GitLab calls
 * happen later in workers (DESIGN.md principle 2). Registered in its own plugin so its JSON parser,
 * which keeps the raw bytes for the dedupe hash, applies to this route alone.
 */
export async function webhookRoute(app: FastifyInstance, opts: WebhookRouteOptions): Promise<void> {
  const count = opts.onOutcome ?? (() => undefined);
  const verifyToken = tokenVerifier(opts.secrets);
  const admit = admitThrough(createBodyGate({ budgetBytes: opts.inflightBodyBytes, smallBytes: SMALL_BODY_BYTES }), opts.bodyLimit);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: opts.bodyLimit }, (_req, body, done) => {
    try {
      done(null, { raw: body as string, json: JSON.parse(body as string) } satisfies RawJson);
    } catch (err) {
      const error = new Error(`malformed JSON: ${(err as Error).message}`) as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });

  // A callback hook, not an async one: this runs for every delivery, and a promise per request costs.
  app.addHook('onRequest', (req, reply, done) => {
    if (verifyToken(header(req, 'x-gitlab-token'))) return admit(req, reply, done);
    const event = header(req, 'x-gitlab-event') ?? 'unknown';
    req.log.warn({ event, tokenPresent: req.headers['x-gitlab-token'] !== undefined }, 'webhook rejected: missing or wrong X-Gitlab-Token');
    count(event, 'unauthorized');
    // Answering without calling done() ends the request here.
    void reply.code(401).send({ error: 'missing or wrong X-Gitlab-Token' });
  });

  app.post('/webhooks/gitlab', { bodyLimit: opts.bodyLimit }, async (req, reply) => {
    const kind = header(req, 'x-gitlab-event') ?? 'unknown';
    const body = req.body as RawJson | undefined;
    if (!body) {
      count(kind, 'malformed');
      return reply.code(400).send({ error: 'empty body: GitLab sends a JSON object' });
    }
    const parsed = parseWebhook(header(req, 'x-gitlab-event'), body.json, { eventUuid: header(req, 'x-gitlab-event-uuid') });
    if (parsed.kind === 'ignored') {
      count(kind, 'ignored');
      return reply.code(202).send({ ignored: parsed.reason });
    }
    if (parsed.kind === 'invalid') {
      count(kind, 'invalid');
      req.log.warn({ event: kind, problems: parsed.problems }, 'webhook payload lacks fields Trellis needs');
      return reply.code(422).send({ error: 'payload lacks fields Trellis needs', problems: parsed.problems });
    }
    const deliveryKey = header(req, 'idempotency-key') ?? `sha256:${createHash('sha256').update(body.raw).digest('base64url')}`;
    try {
      const result = await opts.intake.enqueue(parsed.event, deliveryKey);
      count(kind, result.duplicate ? 'duplicate' : 'queued');
      return reply.code(202).send(result.duplicate ? { status: 'duplicate', job: result.jobId } : { status: 'queued', job: result.jobId });
    } catch (err) {
      if (!isTransient(err)) throw err;
      count(kind, 'unavailable');
      req.log.error({ err }, 'webhook not stored: Redis unavailable');
      return reply.code(503).header('retry-after', '5').send({ error: 'Redis unavailable: the event was not stored; resend it' });
    }
  });
}

/** Bodies up to this size (nearly all of GitLab's) skip the gate. */
const SMALL_BODY_BYTES = 1024 * 1024;

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

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
