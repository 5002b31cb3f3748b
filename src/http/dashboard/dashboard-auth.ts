import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Who may see the dashboard and the queue admin: whoever holds DASHBOARD_TOKEN, sent as
 * `Authorization: Bearer <token>` (scripts) or exchanged once at the sign-in form for a session
 * cookie (browsers). The cookie never holds the token: it holds an expiry, a random session id and an
 * HMAC of both keyed by the token, so a leaked cookie expires, cannot be forged, and changing
 * DASHBOARD_TOKEN signs everyone out. The session itself lives in Redis (DashboardStore): signing out
 * deletes it, so the cookie is dead on the server whatever the browser keeps.
 *
 * Wrong tokens are counted per address the same way whichever door they come through (the form or
 * a Bearer header, on the dashboard or the queue admin, on any api process): ten within five minutes
 * lock both doors for that address for the rest of the window.
 */
export interface DashboardAuth {
  /** Whether the request may see the dashboard: `locked` while its address is locked out. */
  check(req: FastifyRequest): Promise<{ readonly kind: 'allowed' } | { readonly kind: 'denied' } | { readonly kind: 'locked'; readonly retryAfterSeconds: number }>;
  /** The sign-in form's token: a `Set-Cookie` value starting a session, or why not. */
  signIn(req: FastifyRequest, token: string): Promise<{ readonly kind: 'signed-in'; readonly cookie: string } | { readonly kind: 'wrong' } | { readonly kind: 'locked'; readonly retryAfterSeconds: number }>;
  /** Ends the request's session on the server (when it has a valid one); returns the `Set-Cookie` value clearing it. */
  signOut(req: FastifyRequest): Promise<string>;
}

/**
 * What the dashboard keeps between requests and api processes: sessions and wrong-token counts.
 * Implemented in Redis (src/redis/dashboard-store.ts); `createMemoryDashboardStore` for one process.
 */
export interface DashboardStore {
  addSession(id: string, ttlSeconds: number): Promise<void>;
  hasSession(id: string): Promise<boolean>;
  removeSession(id: string): Promise<void>;
  /** Counts a wrong token from `address`; the count lives `windowMs` from the first one. Returns the count. */
  addFailure(address: string, windowMs: number): Promise<number>;
  /** Wrong tokens from `address` in its current window, and the window's remaining ms. */
  failures(address: string): Promise<{ readonly count: number; readonly remainingMs: number }>;
  clearFailures(address: string): Promise<void>;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'trellis_session';
/** How long a sign-in lasts. */
export const SESSION_SECONDS = 12 * 3600;
/** Wrong tokens from one address allowed within FAILURE_WINDOW_MS before both doors lock for it. */
export const FAILURES_ALLOWED = 10;
export const FAILURE_WINDOW_MS = 5 * 60_000;

/** The auth of one configured token over a store shared by every api process; `now` in milliseconds (tests move it). */
export function createDashboardAuth(token: string, store: DashboardStore, now: () => number = Date.now): DashboardAuth {
  const tokenDigest = digest(token);
  const sign = (expires: number, id: string): string => createHmac('sha256', token).update(`trellis-dashboard-session:v2:${expires}:${id}`).digest('base64url');
  const cookie = (value: string, maxAge: number, secure: boolean): string =>
    `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

  function tokenMatches(candidate: string): boolean {
    // Digests have equal lengths, so the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(candidate), tokenDigest);
  }

  /** The session id of a cookie that is signed with this token and not expired; the store still decides. */
  function sessionId(req: FastifyRequest): string | null {
    const value = readCookie(req.headers.cookie, SESSION_COOKIE);
    const m = value ? /^v2\.(\d{1,12})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!m?.[1] || !m[2] || !m[3]) return null;
    const expires = Number(m[1]);
    if (expires * 1000 <= now()) return null;
    return timingSafeEqual(Buffer.from(m[3]), Buffer.from(sign(expires, m[2]))) ? m[2] : null;
  }

  /** Seconds the address stays locked, or 0. A store that cannot answer locks nobody out (the token still has to match). */
  async function lockedFor(address: string): Promise<number> {
    const seen = await store.failures(address).catch(() => ({ count: 0, remainingMs: 0 }));
    return seen.count >= FAILURES_ALLOWED && seen.remainingMs > 0 ? Math.ceil(seen.remainingMs / 1000) : 0;
  }

  async function wrongToken(address: string): Promise<void> {
    await store.addFailure(address, FAILURE_WINDOW_MS).catch(() => undefined);
  }

  return {
    async check(req) {
      const auth = req.headers.authorization;
      if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) {
        const locked = await lockedFor(req.ip);
        if (locked > 0) return { kind: 'locked', retryAfterSeconds: locked };
        if (tokenMatches(auth.replace(/^Bearer\s+/i, '').trim())) return { kind: 'allowed' };
        await wrongToken(req.ip);
        return { kind: 'denied' };
      }
      const id = sessionId(req);
      // A session the store cannot confirm (signed out, or Redis not answering) is no session.
      return id !== null && (await store.hasSession(id).catch(() => false)) ? { kind: 'allowed' } : { kind: 'denied' };
    },
    async signIn(req, candidate) {
      const locked = await lockedFor(req.ip);
      if (locked > 0) return { kind: 'locked', retryAfterSeconds: locked };
      if (!tokenMatches(candidate)) {
        await wrongToken(req.ip);
        return { kind: 'wrong' };
      }
      await store.clearFailures(req.ip).catch(() => undefined);
      const id = randomBytes(18).toString('base64url');
      const expires = Math.floor(now() / 1000) + SESSION_SECONDS;
      await store.addSession(id, SESSION_SECONDS);
      return { kind: 'signed-in', cookie: cookie(`v2.${expires}.${id}.${sign(expires, id)}`, SESSION_SECONDS, overHttps(req)) };
    },
    async signOut(req) {
      const id = sessionId(req);
      if (id !== null) await store.removeSession(id);
      return cookie('', 0, overHttps(req));
    },
  };
}

/** A store in this process's memory: for tests and one-process use. */
export function createMemoryDashboardStore(now: () => number = Date.now): DashboardStore {
  const sessions = new Map<string, number>();
  const failed = new Map<string, { count: number; until: number }>();
  const current = (address: string) => {
    const f = failed.get(address);
    return f && f.until > now() ? f : undefined;
  };
  return {
    async addSession(id, ttlSeconds) {
      sessions.set(id, now() + ttlSeconds * 1000);
    },
    async hasSession(id) {
      return (sessions.get(id) ?? 0) > now();
    },
    async removeSession(id) {
      sessions.delete(id);
    },
    async addFailure(address, windowMs) {
      if (failed.size > 10_000) for (const [a, f] of failed) if (f.until <= now()) failed.delete(a);
      const f = current(address) ?? { count: 0, until: now() + windowMs };
      failed.set(address, { count: f.count + 1, until: f.until });
      return f.count + 1;
    },
    async failures(address) {
      const f = current(address);
      return f ? { count: f.count, remainingMs: f.until - now() } : { count: 0, remainingMs: 0 };
    },
    async clearFailures(address) {
      failed.delete(address);
    },
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** One cookie's value from a `Cookie` header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/** True when the browser reached Trellis over HTTPS (directly, or through a proxy that says so). */
export function overHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
}
