import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { newChain, type SimContext } from './context.js';
import { ApiError, unauthorized } from './errors.js';
import { checkApiLimit, checkClassLimit, createRateLimiter, decideFault, faultBody } from './limits.js';
import { parseMultipart } from './multipart.js';
import { parseQuery } from './params.js';
import { setState, stateOf, type RequestState } from './request-state.js';
import { findProject } from './store.js';
import { applySudo, sudoIdentifier } from './sudo.js';
import { registerBoardRoutes } from './routes-boards.js';
import { registerFileRoutes } from './routes-files.js';
import { registerGroupRoutes } from './routes-groups.js';
import { registerHookRoutes } from './routes-hooks.js';
import { registerIssueRoutes } from './routes-issues.js';
import { registerLabelRoutes } from './routes-labels.js';
import { registerLinkRoutes } from './routes-links.js';
import { registerNoteRoutes } from './routes-notes.js';
import { registerProjectRoutes } from './routes-projects.js';
import { registerSimRoutes, type SimControl } from './routes-sim.js';
import { registerSubgroupRoutes } from './routes-subgroups.js';
import { registerUserRoutes } from './routes-users.js';

const API = '/api/v4';

function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers['private-token'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '');
  const q = req.query as Record<string, unknown> | undefined;
  const fromQuery = q?.private_token ?? q?.access_token;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

function routeKey(req: FastifyRequest): string {
  const url = req.routeOptions.url;
  return url ? `${req.method} ${url.startsWith(API) ? url.slice(API.length) : url}` : `${req.method} (unmatched)`;
}

function classify(key: string): 'issue_create' | 'note_create' | null {
  if (key === 'POST /projects/:id/issues') return 'issue_create';
  if (key === 'POST /projects/:id/issues/:issue_iid/notes') return 'note_create';
  return null;
}

/**
 * Whose budget a limited request spends: issue creation is counted per user and project ("applied
 * independently per project and per user", doc/administration/settings/rate_limit_on_issues_creation.md),
 * note creation per user (rate_limit_on_notes_creation.md).
 */
function classLimitKey(ctx: SimContext, req: FastifyRequest, kind: 'issue_create' | 'note_create', user: { id: number }): string {
  if (kind === 'note_create') return `user:${user.id}`;
  const ref = String((req.params as Record<string, unknown> | undefined)?.id ?? '');
  return `user:${user.id}:project:${findProject(ctx.store, ref)?.id ?? ref}`;
}

/** Builds the simulator's HTTP app (routes, auth, counters, limits and faults); never listens. */
export function buildSimServer(ctx: SimContext, control: SimControl, opts: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 30 * 1024 * 1024,
    // Closing must not wait for clients that gave up on a slow (latency-injected) answer.
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 4096, ignoreTrailingSlash: true, querystringParser: (s: string) => parseQuery(s) },
  });
  const limiter = createRateLimiter();
  control.resetLimiter = () => limiter.reset();
  void app.register(formbody, { parser: (s: string) => parseQuery(s) });
  // Clients send `Content-Type: application/json` with empty bodies on PUT/DELETE; GitLab accepts that.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError(400, { error: 'The provided content-type \'application/json\' is not supported.' }), undefined);
    }
  });
  // python-gitlab and gitbeaker send multipart bodies when a request carries a file (avatar, upload).
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      done(null, parseMultipart(body as Buffer, String(req.headers['content-type'] ?? '')));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));

  app.addHook('onRequest', async (req) => {
    const url = req.url;
    if (url.startsWith('/-/sim')) return;
    const key = routeKey(req);
    const c = ctx.counters;
    c.total += 1;
    c.byRoute[key] = (c.byRoute[key] ?? 0) + 1;
    if (req.method === 'GET' || req.method === 'HEAD') c.byClass.read += 1;
    else c.byClass.write += 1;
    const kind = classify(key);
    if (kind) c.byClass[kind] += 1;
    const header = req.headers['x-gitlab-event-uuid'];
    const state: RequestState = { user: null, token: null, chain: newChain(typeof header === 'string' && header ? header : null), faultAfter: null };
    setState(req, state);
    const raw = tokenOf(req);
    const token = raw ? ctx.store.tokens.get(raw) : undefined;
    const expired = token?.expiresAt ? token.expiresAt < ctx.clock.now().toISOString().slice(0, 10) : false;
    const user = token && !token.revoked && !expired ? ctx.store.users.get(token.userId) : undefined;
    if (user && user.state === 'active' && token) {
      state.user = user;
      state.token = token;
      token.lastUsedAt = new Date().toISOString();
    }
    try {
      checkApiLimit(ctx, limiter, user ? `user:${user.id}` : `ip:${req.ip}`);
      if (!req.routeOptions.url) return;
      if (!user) throw unauthorized();
      const sudo = sudoIdentifier(req);
      if (sudo) applySudo(ctx, state, sudo);
      if (kind) checkClassLimit(ctx, limiter, kind, classLimitKey(ctx, req, kind, state.user ?? user));
      if (token && !token.scopes.includes('api') && req.method !== 'GET' && req.method !== 'HEAD') {
        throw new ApiError(403, { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api' });
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) c.rateLimited += 1;
      throw err;
    }
    if (ctx.faults.latency_ms > 0) await new Promise((r) => setTimeout(r, ctx.faults.latency_ms));
    const fault = decideFault(ctx, req.method);
    if (fault && !fault.after) {
      const f = faultBody(fault.status);
      throw new ApiError(fault.status, f.body, { 'Content-Type': f.type });
    }
    if (fault) state.faultAfter = fault.status;
  });

  // A `sudo` given only in a form or JSON body is known once the body is parsed.
  app.addHook('preHandler', async (req) => {
    if (sudoIdentifier(req)) return;
    const sudo = sudoIdentifier(req, req.body);
    if (sudo) applySudo(ctx, stateOf(req), sudo);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    // GitLab (Grape) sends a bare `application/json`; python-gitlab compares the header exactly.
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('Content-Type', 'application/json');
    const after = stateOf(req).faultAfter;
    if (after === null || reply.statusCode >= 400) return payload;
    const f = faultBody(after);
    reply.code(after);
    reply.header('Content-Type', f.type);
    for (const h of ['Link', 'X-Total', 'X-Total-Pages', 'X-Page', 'X-Per-Page', 'X-Next-Page', 'X-Prev-Page']) reply.removeHeader(h);
    return f.body;
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.status).send(err.body);
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: err instanceof Error ? err.message : String(err) });
    req.log.error({ err }, 'simulator error');
    return reply.code(500).send({ message: '500 Internal Server Error' });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: '404 Not Found' }));

  void app.register(async (api) => {
    registerUserRoutes(api, ctx);
    registerGroupRoutes(api, ctx);
    registerSubgroupRoutes(api, ctx);
    registerProjectRoutes(api, ctx);
    registerIssueRoutes(api, ctx);
    registerNoteRoutes(api, ctx);
    registerLabelRoutes(api, ctx);
    registerLinkRoutes(api, ctx);
    registerBoardRoutes(api, ctx);
    registerFileRoutes(api, ctx);
    registerHookRoutes(api, ctx);
  }, { prefix: API });
  registerSimRoutes(app, ctx, control);
  return app;
}
