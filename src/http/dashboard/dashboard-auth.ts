import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Who may see the dashboard and the queue admin: whoever holds DASHBOARD_TOKEN, sent as
 * `Authorization: Bearer <token>` (scripts) or exchanged once at the sign-in form for a session
 * cookie (browsers). The cookie never holds the token: it holds an expiry and an HMAC of it keyed by
 * the token, so a leaked cookie expires, and changing DASHBOARD_TOKEN signs everyone out.
 */
export interface DashboardAuth {
  /** True when the request carries the token or a valid session. */
  allows(req: FastifyRequest): boolean;
  /** Constant-time comparison with the configured token. */
  tokenMatches(candidate: string): boolean;
  /** A `Set-Cookie` value starting a session (HttpOnly, SameSite=Strict; Secure over HTTPS). */
  sessionCookie(secure: boolean): string;
  /** A `Set-Cookie` value ending it. */
  clearCookie(secure: boolean): string;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'trellis_session';
/** How long a sign-in lasts. */
export const SESSION_SECONDS = 12 * 3600;

/** The auth of one configured token; `now` in milliseconds (tests move it). */
export function createDashboardAuth(token: string, now: () => number = Date.now): DashboardAuth {
  const tokenDigest = digest(token);
  const sign = (expires: number): string => createHmac('sha256', token).update(`trellis-dashboard-session:v1:${expires}`).digest('base64url');
  const cookie = (value: string, maxAge: number, secure: boolean): string =>
    `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

  function tokenMatches(candidate: string): boolean {
    // Digests have equal lengths, so the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(candidate), tokenDigest);
  }

  function validSession(value: string): boolean {
    const m = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!m?.[1] || !m[2]) return false;
    const expires = Number(m[1]);
    if (expires * 1000 <= now()) return false;
    return timingSafeEqual(Buffer.from(m[2]), Buffer.from(sign(expires)));
  }

  return {
    tokenMatches,
    allows(req) {
      const auth = req.headers.authorization;
      if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return tokenMatches(auth.replace(/^Bearer\s+/i, '').trim());
      const session = readCookie(req.headers.cookie, SESSION_COOKIE);
      return session !== null && validSession(session);
    },
    sessionCookie(secure) {
      const expires = Math.floor(now() / 1000) + SESSION_SECONDS;
      return cookie(`v1.${expires}.${sign(expires)}`, SESSION_SECONDS, secure);
    },
    clearCookie(secure) {
      return cookie('', 0, secure);
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
