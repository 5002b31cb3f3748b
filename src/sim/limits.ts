import type { SimContext } from './context.js';
import { ApiError } from './errors.js';

interface Window {
  start: number;
  count: number;
}

/** Fixed one-minute windows per key, on real time (as Rack::Attack's and Redis's clocks are). */
export interface RateLimiter {
  hit(key: string, limit: number): { allowed: boolean; observed: number; resetAt: number };
  reset(): void;
}

const WINDOW_MS = 60_000;

/** An empty limiter. */
export function createRateLimiter(): RateLimiter {
  const windows = new Map<string, Window>();
  return {
    hit(key, limit) {
      const now = Date.now();
      const start = now - (now % WINDOW_MS);
      let w = windows.get(key);
      if (!w || w.start !== start) {
        w = { start, count: 0 };
        windows.set(key, w);
        if (windows.size > 50_000) windows.clear();
      }
      w.count += 1;
      return { allowed: w.count <= limit, observed: w.count, resetAt: start + WINDOW_MS };
    },
    reset() {
      windows.clear();
    },
  };
}

function limitHeaders(name: string, limit: number, observed: number, resetAt: number): Record<string, string> {
  const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return {
    'RateLimit-Name': name,
    'RateLimit-Limit': String(limit),
    'RateLimit-Observed': String(observed),
    'RateLimit-Remaining': String(Math.max(0, limit - observed)),
    'RateLimit-Reset': String(Math.floor(resetAt / 1000)),
    'RateLimit-ResetTime': new Date(resetAt).toUTCString(),
    'Retry-After': String(retryAfter),
  };
}

/**
 * The authenticated-API throttle (Rack::Attack `throttle_authenticated_api`): its 429 is plain text
 * `Retry later`, as GitLab's throttled responder sends, with the RateLimit-* headers.
 */
export function checkApiLimit(ctx: SimContext, limiter: RateLimiter, key: string): void {
  const limit = ctx.limits.api_per_minute;
  if (!limit) return;
  const r = limiter.hit(`api:${key}`, limit);
  if (r.allowed) return;
  throw new ApiError(429, 'Retry later\n', { 'Content-Type': 'text/plain', ...limitHeaders('throttle_authenticated_api', limit, r.observed, r.resetAt) });
}

/**
 * An application rate limit (`check_rate_limit!` of issues_create / notes_create): JSON
 * `{"message":{"error":"This endpoint has been requested too many times. Try again later."}}`, with
 * `Retry-After` set to the interval as GitLab 17 does, and the same RateLimit-* headers.
 */
export function checkClassLimit(ctx: SimContext, limiter: RateLimiter, kind: 'issue_create' | 'note_create', key: string): void {
  const limit = kind === 'issue_create' ? ctx.limits.issue_create_per_minute : ctx.limits.note_create_per_minute;
  if (!limit) return;
  const r = limiter.hit(`${kind}:${key}`, limit);
  if (r.allowed) return;
  const name = kind === 'issue_create' ? 'issues_create' : 'notes_create';
  throw new ApiError(429, { message: { error: 'This endpoint has been requested too many times. Try again later.' } }, {
    ...limitHeaders(name, limit, r.observed, r.resetAt),
    'Retry-After': '60',
  });
}

const FAULT_STATUSES = [500, 502, 503] as const;

/**
 * Decides an injected 5xx. Reads always fail before doing anything. Writes fail before the work
 * half of the time and after it the other half: the change is made (and its webhooks fire) but the
 * client sees a 5xx, which is what makes blind retries of POSTs create duplicates.
 */
export function decideFault(ctx: SimContext, method: string): { status: number; after: boolean } | null {
  if (!ctx.faults.error_ratio || ctx.random() >= ctx.faults.error_ratio) return null;
  const status = FAULT_STATUSES[Math.floor(ctx.random() * FAULT_STATUSES.length)] ?? 500;
  const write = method !== 'GET' && method !== 'HEAD';
  return { status, after: write && ctx.random() < 0.5 };
}

/** The body GitLab's stack answers with for an injected status. */
export function faultBody(status: number): { type: string; body: string } {
  if (status === 500) return { type: 'application/json', body: '{"message":"500 Internal Server Error"}' };
  const title = status === 502 ? '502 Bad Gateway' : '503 Service Unavailable';
  return { type: 'text/html; charset=utf-8', body: `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>GitLab is not responding.</p></body></html>\n` };
}
