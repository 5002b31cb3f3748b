import { TransientError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import type { ApiBudget, BudgetClass } from './api-budget.js';
import { classifyNetworkError, classifyResponse, gitlabMessage, retryAfterFrom } from './classify-error.js';
import { currentEventUuid } from './request-context.js';
import { withRetry, type RetryPolicy } from './retry.js';

/*
 * Trellis's HTTP layer under gitbeaker, plugged in as its `requesterFn`. gitbeaker's own requester
 * retries 429/502 ten times in ~256 ms, ignores Retry-After, retries POSTs and rate-limits in one
 * process's memory (docs/gitlab/facts.md#the-gitbeaker-client); replacing the requester removes all of that in one place. The shapes
 * below mirror gitbeaker's requester contract structurally, because only gitbeaker-adapter.ts may
 * import gitbeaker.
 */

/** What gitbeaker hands a requester factory about the client (`BaseResource` fields). */
export interface ServiceOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly authHeaders: Readonly<Record<string, () => Promise<string>>>;
}

/** What gitbeaker's resource methods pass per request. */
export interface HttpRequestOptions {
  readonly body?: FormData | Record<string, unknown>;
  readonly searchParams?: Record<string, unknown>;
  readonly sudo?: string | number;
  readonly asStream?: boolean;
  readonly signal?: AbortSignal;
}

export interface HttpResponse<T> {
  body: T;
  headers: Record<string, string>;
  status: number;
}

type Send = <T>(endpoint: string, options?: HttpRequestOptions) => Promise<HttpResponse<T>>;

/** gitbeaker's `RequesterType`, structurally. */
export interface HttpRequester {
  get: Send;
  post: Send;
  put: Send;
  patch: Send;
  delete: Send;
}

export interface HttpRequesterOptions {
  readonly budget: ApiBudget;
  readonly log: Log;
  /** Per attempt, covering the body too. */
  readonly fetchTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after every attempt, for metrics: `status` is the HTTP status, or 'error' when no answer came. */
  readonly onCall?: GitLabCallObserver;
}

/** Sees every GitLab attempt: method, route (`projects/42/issues/7`), status or 'error', duration. */
export type GitLabCallObserver = (method: string, route: string, status: number | 'error', ms: number) => void;

/** A gitbeaker `requesterFn`: budget, event UUID, timeouts, error classification and safe retries. */
export function createHttpRequesterFn(opts: HttpRequesterOptions): (service: ServiceOptions) => HttpRequester {
  return (service) => {
    const send = (method: string): Send => (endpoint, options = {}) => request(opts, service, method, endpoint, options);
    return { get: send('GET'), post: send('POST'), put: send('PUT'), patch: send('PATCH'), delete: send('DELETE') };
  };
}

async function request<T>(opts: HttpRequesterOptions, service: ServiceOptions, method: string, endpoint: string, options: HttpRequestOptions): Promise<HttpResponse<T>> {
  const base = service.url.endsWith('/') ? service.url : `${service.url}/`;
  const url = new URL(endpoint, base);
  url.search = formatQuery(options.searchParams ?? {});
  const route = url.pathname.replace(/^.*?\/api\/v4\//, '');
  const headers = await buildHeaders(service, options);
  const body = encodeBody(options.body, headers);
  const cls = budgetClass(method, route);
  const doFetch = opts.fetch ?? fetch;

  return withRetry(
    async (attempt) => {
      await opts.budget.take(cls);
      const started = Date.now();
      const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(opts.fetchTimeoutMs)]) : AbortSignal.timeout(opts.fetchTimeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await doFetch(url, { method, headers, body, signal });
        text = await response.text();
      } catch (err) {
        opts.onCall?.(method, route, 'error', Date.now() - started);
        const { error, sent } = classifyNetworkError(err, method, route);
        opts.log.debug({ method, route, attempt, err: error.message }, 'gitlab request failed');
        throw sent && method === 'POST' ? ambiguous(error, method, route) : error;
      }
      opts.log.debug({ method, route, status: response.status, attempt, ms: Date.now() - started }, 'gitlab request');
      opts.onCall?.(method, route, response.status, Date.now() - started);
      const responseHeaders = Object.fromEntries(response.headers.entries());
      if (response.ok) return { body: parseBody<T>(response, text), headers: responseHeaders, status: response.status };

      const error = classifyResponse({ status: response.status, headers: responseHeaders, message: gitlabMessage(text, response.headers.get('content-type')), method, route });
      if (response.status === 429) {
        // Everyone sharing the budget stops, not just this call: GitLab counts per user, not per worker.
        const waitMs = retryAfterFrom(responseHeaders);
        if (waitMs !== undefined) await pauseBudget(opts, pauseScope(cls, responseHeaders), Date.now() + waitMs);
      } else if (error instanceof TransientError && method === 'POST') {
        throw ambiguous(error, method, route);
      }
      throw error;
    },
    opts.retry,
    {
      shouldRetry: (err) => err.code !== 'gitlab_ambiguous_write',
      onRetry: (err, attempt, delayMs) => {
        opts.log.warn({ method, route, code: err.code, attempt, delayMs }, 'retrying GitLab request');
      },
      sleep: opts.sleep,
    },
  );
}

/**
 * A POST that failed after it may have reached GitLab may also have succeeded: retrying could
 * create a second issue or note. The caller re-runs the whole job, which finds by marker first.
 */
function ambiguous(cause: TransientError, method: string, route: string): TransientError {
  return new TransientError('gitlab_ambiguous_write', `GitLab may or may not have applied ${method} ${route}: ${cause.message}`, { ...cause.details, method, route }, { cause });
}

/**
 * What a 429 pauses: GitLab's general throttle (Rack::Attack, `RateLimit-Name: throttle_...`) stops
 * every call, while the creation limits stop only creations of that kind, so reads and label
 * changes carry on during a checkpoint fan-out that hit the issue-creation limit.
 */
export function pauseScope(cls: BudgetClass, headers: Readonly<Record<string, string>>): BudgetClass {
  if (cls === 'api' || (headers['ratelimit-name'] ?? '').startsWith('throttle_')) return 'api';
  return cls;
}

async function pauseBudget(opts: HttpRequesterOptions, cls: BudgetClass, untilMs: number): Promise<void> {
  try {
    await opts.budget.pauseUntil(untilMs, cls);
  } catch (err) {
    // The 429 is what the caller must hear about; a budget that cannot be paused only costs more 429s.
    opts.log.warn({ err, cls }, 'could not pause the GitLab API budget');
  }
}

/** Issue and note creations have their own GitLab limits on top of the general API one. */
export function budgetClass(method: string, route: string): BudgetClass {
  if (method !== 'POST') return 'api';
  if (/^projects\/[^/]+\/issues$/.test(route)) return 'issue_create';
  if (/^projects\/[^/]+\/issues\/[^/]+\/notes$/.test(route)) return 'note_create';
  return 'api';
}

async function buildHeaders(service: ServiceOptions, options: HttpRequestOptions): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...service.headers, accept: 'application/json' };
  const auth = Object.entries(service.authHeaders)[0];
  if (auth) headers[auth[0]] = await auth[1]();
  if (options.sudo !== undefined) headers.sudo = String(options.sudo);
  const eventUuid = currentEventUuid();
  if (eventUuid) headers['x-gitlab-event-uuid'] = eventUuid;
  return headers;
}

function encodeBody(body: HttpRequestOptions['body'], headers: Record<string, string>): FormData | string | undefined {
  if (body === undefined) return undefined;
  if (body instanceof FormData) return body;
  headers['content-type'] = 'application/json';
  return JSON.stringify(decamelizeKeys(body));
}

function parseBody<T>(response: Response, text: string): T {
  if (response.status === 204) return null as T;
  const type = response.headers.get('content-type') ?? '';
  // gitbeaker maps an empty JSON body to {}; keep that so its helpers behave the same.
  if (type.includes('json')) return (text ? JSON.parse(text) : {}) as T;
  return text as T;
}

/** gitbeaker's resource methods take camelCase options; GitLab wants snake_case. */
export function decamelize(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function decamelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decamelizeKeys);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [decamelize(k), decamelizeKeys(v)]));
  }
  return value;
}

/** Query string in the style gitbeaker uses (`a[]=1&a[]=2`, `not[labels]=x`), keys decamelized. */
export function formatQuery(params: Record<string, unknown>): string {
  const out = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) for (const v of value) add(`${key}[]`, v);
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) add(`${key}[${decamelize(k)}]`, v);
    else out.append(key, String(value));
  };
  for (const [k, v] of Object.entries(params)) add(decamelize(k), v);
  return out.toString();
}
