import { PermanentError, TransientError, type AppError } from '../core/errors.js';

/** What the gateway knows about a failed HTTP answer from GitLab. */
export interface FailedResponse {
  readonly status: number;
  /** Response headers, names in lowercase. */
  readonly headers: Readonly<Record<string, string>>;
  /** GitLab's `message` / `error`, or the body text. */
  readonly message: string;
  readonly method: string;
  /** The path with ids in it but no query string and no secrets, for logs. */
  readonly route: string;
}

/**
 * Maps a GitLab error answer to Trellis's errors (docs/style.md#in-trellis: the core never sees status codes).
 * 404 becomes `gitlab_not_found` here; reads turn it into null themselves.
 */
export function classifyResponse(res: FailedResponse, nowMs: number = Date.now()): AppError {
  const details = { status: res.status, method: res.method, route: res.route };
  const what = `${res.method} ${res.route}`;
  if (res.status === 429) {
    const retryAfterMs = retryAfterFrom(res.headers, nowMs);
    return new TransientError('gitlab_rate_limited', `GitLab rate limit hit on ${what}`, retryAfterMs === undefined ? details : { ...details, retryAfterMs });
  }
  if (res.status >= 500 || res.status === 408) {
    return new TransientError('gitlab_unavailable', `GitLab answered ${res.status} to ${what}`, details);
  }
  if (res.status === 401) return new PermanentError('gitlab_unauthorized', `GitLab rejected the token (401) on ${what}`, details);
  if (res.status === 403) return new PermanentError('gitlab_forbidden', `GitLab forbids ${what} (403): ${res.message}`, details);
  if (res.status === 404) return new PermanentError('gitlab_not_found', `GitLab has no ${res.route} (404)`, details);
  return new PermanentError('gitlab_rejected', `GitLab rejected ${what} (${res.status}): ${res.message}`, { ...details, gitlabMessage: res.message });
}

/**
 * Maps an error thrown by `fetch` itself (no answer) to a TransientError. `sent` tells whether the
 * request may have reached GitLab: a refused connection or failed DNS lookup never did.
 */
export function classifyNetworkError(err: unknown, method: string, route: string): { error: TransientError; sent: boolean } {
  const name = err instanceof Error ? err.name : '';
  const code = networkCode(err);
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const sent = timedOut || !NOT_SENT.has(code ?? '');
  const why = timedOut ? 'timed out' : `failed (${(code ?? name) || 'network error'})`;
  return {
    error: new TransientError('gitlab_unavailable', `GitLab request ${method} ${route} ${why}`, { method, route, timedOut, networkCode: code }, { cause: err }),
    sent,
  };
}

/** Codes meaning the request never left this host or never reached a server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function networkCode(err: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code } }).
  for (let e: unknown = err, depth = 0; e && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * How long GitLab asked us to wait: `Retry-After` (seconds or an HTTP date), else `RateLimit-Reset`
 * (epoch seconds). Undefined when neither is usable.
 */
export function retryAfterFrom(headers: Readonly<Record<string, string>>, nowMs: number = Date.now()): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = headers['ratelimit-reset']?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return undefined;
}

/** GitLab's error text from a response body (`{"message": ...}`, `{"error": ...}` or plain text). */
export function gitlabMessage(text: string, contentType: string | null): string {
  if (contentType?.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') {
        const { message, error } = parsed as { message?: unknown; error?: unknown };
        const value = message ?? error;
        if (value !== undefined) return typeof value === 'string' ? value : JSON.stringify(value);
      }
    } catch {
      // Not JSON after all: fall through to the raw text.
    }
  }
  return text.slice(0, 500);
}
