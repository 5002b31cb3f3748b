import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createDashboardAuth, overHttps } from './dashboard-auth.js';
import type { DashboardAuth } from './dashboard-auth.js';
import type { DashboardData } from './dashboard-data.js';
import { createPageRenderer } from './dashboard-templates.js';
import type { PageName, PageRenderer } from './dashboard-templates.js';

export interface DashboardOptions {
  /** DASHBOARD_TOKEN; absent: the dashboard and queue admin answer 503 and show nothing. */
  readonly token: string | undefined;
  readonly data: DashboardData;
  /** How old GitLab data may be, for the footer. */
  readonly ttlSeconds: number;
  readonly now?: () => number;
}

/** Refuses what is not signed in: 503 when no token is configured, else 401 with the sign-in form. */
export type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/** Headers of every dashboard page: career data is never cached, framed, or sent on as a referrer. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

const FAILURES_ALLOWED = 10;
const FAILURE_WINDOW_MS = 5 * 60_000;

/** Where a sign-in may send the browser next: only back into the dashboard or the queue admin. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(dashboard|admin\/queues)(\/[\w\-/.]*)?$/.test(next) ? next : '/dashboard';
}

/** Builds the guard that `/dashboard` and `/admin/queues` share. */
export function createGuard(token: string | undefined, renderer: PageRenderer, now?: () => number): { guard: Guard; auth: DashboardAuth | null } {
  const auth = token ? createDashboardAuth(token, now) : null;
  const guard: Guard = async (req, reply) => {
    if (!auth) {
      await reply.code(503).headers(PAGE_HEADERS).send(renderer.render('disabled', {}, { title: 'Dashboard disabled', signedIn: false }));
      return false;
    }
    if (auth.allows(req)) return true;
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if (!wantsHtml) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="trellis"').header('cache-control', 'no-store').send({ error: 'sign in: Authorization: Bearer <DASHBOARD_TOKEN>' });
      return false;
    }
    const next = safeNext(req.url.split('?')[0]);
    await reply.code(401).headers(PAGE_HEADERS).send(renderer.render('signin', { next, error: null }, { title: 'Sign in', signedIn: false }));
    return false;
  };
  return { guard, auth };
}

/**
 * `/dashboard` and its pages, sign-in and sign-out. Registered in an encapsulated plugin, so its form
 * parser applies to these routes alone.
 */
export function dashboardPlugin(opts: DashboardOptions): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    const renderer = createPageRenderer(opts.ttlSeconds);
    const { guard, auth } = createGuard(opts.token, renderer, opts.now);
    const failures = new Map<string, { count: number; until: number }>();
    const clock = opts.now ?? Date.now;
    await app.register(formbody, { bodyLimit: 4096 });

    const page = (name: PageName, title: string, load: () => Promise<object>) => async (req: FastifyRequest, reply: FastifyReply) => {
      if (!(await guard(req, reply))) return reply;
      return reply.headers(PAGE_HEADERS).send(renderer.render(name, await load(), { title, signedIn: true }));
    };
    app.get('/dashboard', page('overview', 'Health', async () => ({ health: await opts.data.health() })));
    app.get('/dashboard/training', page('training', 'Training', async () => ({ section: await opts.data.training() })));
    app.get('/dashboard/checkpoints', page('checkpoints', 'Checkpoints', async () => ({ section: await opts.data.checkpoints() })));
    app.get('/dashboard/internships', page('internships', 'Internships', async () => ({ section: await opts.data.internships() })));
    app.get('/dashboard/gearing', page('gearing', 'Gearing', async () => ({ section: await opts.data.gearing() })));

    app.get('/dashboard/login', async (req, reply) => {
      if (!auth) return guard(req, reply).then(() => reply);
      if (auth.allows(req)) return reply.redirect('/dashboard', 303);
      const next = safeNext((req.query as Record<string, unknown>).next);
      return reply.headers(PAGE_HEADERS).send(renderer.render('signin', { next, error: null }, { title: 'Sign in', signedIn: false }));
    });

    app.post('/dashboard/login', async (req, reply) => {
      if (!auth) return guard(req, reply).then(() => reply);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const next = safeNext(body.next);
      const seen = failures.get(req.ip);
      if (seen && seen.until > clock() && seen.count >= FAILURES_ALLOWED) {
        return reply.code(429).header('retry-after', String(Math.ceil((seen.until - clock()) / 1000))).headers(PAGE_HEADERS).send(renderer.render('signin', { next, error: 'Too many wrong tokens: wait a few minutes.' }, { title: 'Sign in', signedIn: false }));
      }
      if (typeof body.token === 'string' && auth.tokenMatches(body.token)) {
        failures.delete(req.ip);
        return reply.header('set-cookie', auth.sessionCookie(overHttps(req))).redirect(next, 303);
      }
      if (failures.size > 10_000) for (const [ip, f] of failures) if (f.until <= clock()) failures.delete(ip);
      const current = seen && seen.until > clock() ? seen : { count: 0, until: clock() + FAILURE_WINDOW_MS };
      failures.set(req.ip, { ...current, count: current.count + 1 });
      return reply.code(401).headers(PAGE_HEADERS).send(renderer.render('signin', { next, error: 'That is not the dashboard token.' }, { title: 'Sign in', signedIn: false }));
    });

    app.post('/dashboard/logout', async (req, reply) => {
      return reply.header('set-cookie', auth ? auth.clearCookie(overHttps(req)) : 'trellis_session=; Path=/; Max-Age=0').redirect('/dashboard/login', 303);
    });
  };
}
