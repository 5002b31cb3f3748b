import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createDashboardAuth } from './dashboard-auth.js';
import type { DashboardAuth, DashboardStore } from './dashboard-auth.js';
import type { DashboardData } from './dashboard-data.js';
import { pageData, pageNumber } from './dashboard-pagination.js';
import { createPageRenderer } from './dashboard-templates.js';
import type { PageName, PageRenderer } from './dashboard-templates.js';

export interface DashboardOptions {
  /** DASHBOARD_TOKEN; absent: the dashboard and queue admin answer 503 and show nothing. */
  readonly token: string | undefined;
  /** Sessions and wrong-token counts, shared with the queue admin and every api process (Redis). */
  readonly store: DashboardStore;
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

/** Where a sign-in may send the browser next: only back into the dashboard or the queue admin. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(dashboard|admin\/queues)(\/[\w\-/.]*)?$/.test(next) ? next : '/dashboard';
}

/** Builds the guard that `/dashboard` and `/admin/queues` share (their wrong tokens count together, through `store`). */
export function createGuard(token: string | undefined, store: DashboardStore, renderer: PageRenderer, now?: () => number): { guard: Guard; auth: DashboardAuth | null } {
  const auth = token ? createDashboardAuth(token, store, now) : null;
  const guard: Guard = async (req, reply) => {
    if (!auth) {
      await reply.code(503).headers(PAGE_HEADERS).send(renderer.render('disabled', {}, { title: 'Dashboard disabled', signedIn: false }));
      return false;
    }
    const verdict = await auth.check(req);
    if (verdict.kind === 'allowed') return true;
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if (verdict.kind === 'locked') {
      // The same lockout as the sign-in form: a Bearer header is no way around it.
      await reply.code(429).header('retry-after', String(verdict.retryAfterSeconds)).header('cache-control', 'no-store').send({ error: 'too many wrong tokens from this address: wait a few minutes' });
      return false;
    }
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
    const { guard, auth } = createGuard(opts.token, opts.store, renderer, opts.now);
    await app.register(formbody, { bodyLimit: 4096 });

    const pages = renderedPages();
    const page = (name: PageName, title: string, load: () => Promise<Record<string, unknown>>) => async (req: FastifyRequest, reply: FastifyReply) => {
      if (!(await guard(req, reply))) return reply;
      const data = await load();
      const paged = pageData(name, data, pageNumber((req.query as Record<string, unknown>).page));
      const html = pages.get(name, Object.values(data), paged.page, () => renderer.render(name, paged.data, { title, signedIn: true }));
      return reply.headers(PAGE_HEADERS).send(html);
    };
    app.get('/dashboard', page('overview', 'Health', async () => ({ health: await opts.data.health() })));
    app.get('/dashboard/training', page('training', 'Training', async () => ({ section: await opts.data.training(), board: (await opts.data.boards()).training })));
    app.get('/dashboard/checkpoints', page('checkpoints', 'Checkpoints', async () => ({ section: await opts.data.checkpoints(), board: (await opts.data.boards()).checkpoints })));
    app.get('/dashboard/internships', page('internships', 'Internships', async () => ({ section: await opts.data.internships(), board: (await opts.data.boards()).internships })));
    app.get('/dashboard/gearing', page('gearing', 'Gearing', async () => ({ section: await opts.data.gearing() })));
    app.get('/dashboard/roles', page('roles', 'Roles', async () => ({ section: await opts.data.roles() })));

    app.get('/dashboard/login', async (req, reply) => {
      if (!auth) return guard(req, reply).then(() => reply);
      if ((await auth.check(req)).kind === 'allowed') return reply.redirect('/dashboard', 303);
      const next = safeNext((req.query as Record<string, unknown>).next);
      return reply.headers(PAGE_HEADERS).send(renderer.render('signin', { next, error: null }, { title: 'Sign in', signedIn: false }));
    });

    app.post('/dashboard/login', async (req, reply) => {
      if (!auth) return guard(req, reply).then(() => reply);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const next = safeNext(body.next);
      const signIn = (error: string) => renderer.render('signin', { next, error }, { title: 'Sign in', signedIn: false });
      let result: Awaited<ReturnType<DashboardAuth['signIn']>>;
      try {
        result = await auth.signIn(req, typeof body.token === 'string' ? body.token : '');
      } catch (err) {
        req.log.warn({ err }, 'dashboard sign-in could not store the session');
        return reply.code(503).headers(PAGE_HEADERS).send(signIn('Signing in needs Redis, which is not answering; try again soon, or send the token as Authorization: Bearer.'));
      }
      if (result.kind === 'locked') return reply.code(429).header('retry-after', String(result.retryAfterSeconds)).headers(PAGE_HEADERS).send(signIn('Too many wrong tokens: wait a few minutes.'));
      if (result.kind === 'wrong') return reply.code(401).headers(PAGE_HEADERS).send(signIn('That is not the dashboard token.'));
      return reply.header('set-cookie', result.cookie).redirect(next, 303);
    });

    app.post('/dashboard/logout', async (req, reply) => {
      let cleared = 'trellis_session=; Path=/; Max-Age=0';
      try {
        if (auth) cleared = await auth.signOut(req);
      } catch (err) {
        // The browser still forgets the cookie; the server-side session then ends at its expiry.
        req.log.warn({ err }, 'dashboard sign-out could not delete the session');
      }
      return reply.header('set-cookie', cleared).redirect('/dashboard/login', 303);
    });
  };
}

/**
 * Rendered pages, kept while what they were rendered from is the same (by identity: the data's
 * sections are reused as long as their GitLab reads are cached). A page of many rows is then built
 * once per cache period, not per request; the health page's live figures are new objects each time.
 */
function renderedPages(): { get(name: PageName, inputs: readonly unknown[], page: number, render: () => string): string } {
  const kept = new Map<PageName, { inputs: readonly unknown[]; pages: Map<number, string> }>();
  return {
    get(name, inputs, page, render) {
      let entry = kept.get(name);
      if (!entry || entry.inputs.length !== inputs.length || entry.inputs.some((x, i) => x !== inputs[i])) {
        entry = { inputs, pages: new Map() };
        kept.set(name, entry);
      }
      let html = entry.pages.get(page);
      if (html === undefined) {
        html = render();
        entry.pages.set(page, html);
      }
      return html;
    },
  };
}
