import { randomUUID } from 'node:crypto';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { nextId } from './store.js';
import type { SimHook, SimHookLog } from './types.js';

/** GitLab's `webhook_timeout` (same on GitLab.com). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
const TEMP_THRESHOLD = 3;
const PERMANENT_THRESHOLD = 39;
const MAX_BACKOFF_MS = 86_400_000;
const MAX_LOGS_PER_HOOK = 5_000;
const RESPONSE_BODY_LIMIT = 8 * 1024;

/** `X-Gitlab-Event` for a trigger: `note_hooks` -> `Note Hook`, as `hook_name.singularize.titleize`. */
export function eventName(trigger: string): string {
  return trigger.replace(/s$/, '').split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** `temporarily_disabled`, `disabled` or `executable`, after WebHooks::AutoDisabling. */
export function alertStatus(ctx: SimContext, hook: SimHook): 'executable' | 'temporarily_disabled' | 'disabled' {
  if (hook.recentFailures > PERMANENT_THRESHOLD) return 'disabled';
  const until = hook.disabledUntil ? Date.parse(hook.disabledUntil) : NaN;
  if (hook.recentFailures > TEMP_THRESHOLD && !Number.isNaN(until) && until >= ctx.clock.now().getTime()) return 'temporarily_disabled';
  return 'executable';
}

/** Whether a hook may fire now. */
export function hookExecutable(ctx: SimContext, hook: SimHook): boolean {
  return alertStatus(ctx, hook) === 'executable';
}

/**
 * Success resets the failure count; a failure backs off: nothing for failures 1-3, then disabled
 * for 1 min, 2, 4 ... up to 24 h, and for good past the 39th (GitLab's `backoff!`).
 */
export function recordResult(ctx: SimContext, hook: SimHook, ok: boolean): void {
  if (ok) {
    hook.recentFailures = 0;
    hook.disabledUntil = null;
    return;
  }
  if (!hookExecutable(ctx, hook)) return;
  const previous = hook.recentFailures;
  hook.recentFailures = Math.min(previous + 1, PERMANENT_THRESHOLD + 1);
  if (hook.recentFailures > TEMP_THRESHOLD) {
    const backoff = Math.min(60_000 * 2 ** (previous - TEMP_THRESHOLD), MAX_BACKOFF_MS);
    hook.disabledUntil = new Date(ctx.clock.now().getTime() + Math.max(60_000, backoff)).toISOString();
  }
}

function capitalizeHeader(name: string): string {
  return name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-');
}

/** One HTTP delivery, logged for the hook events API. `ok` is true for 2xx and 3xx. */
export async function deliverOnce(
  ctx: SimContext, hook: SimHook, trigger: string, payload: unknown, eventUuid: string, idempotencyKey: string,
): Promise<{ ok: boolean; status: string; log: SimHookLog }> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': `GitLab/${ctx.version}`,
    'Idempotency-Key': idempotencyKey,
    'X-Gitlab-Event': eventName(trigger),
    'X-Gitlab-Webhook-UUID': randomUUID(),
    'X-Gitlab-Instance': ctx.baseUrl,
  };
  if (hook.token) headers['X-Gitlab-Token'] = hook.token.replace(/[\r\n]/g, '');
  headers['X-Gitlab-Event-UUID'] = eventUuid;
  const started = performance.now();
  let status = 'internal error';
  let ok = false;
  let responseBody = '';
  let responseHeaders: Record<string, string> = {};
  let error: string | null = null;
  try {
    const res = await fetch(hook.url, {
      method: 'POST', headers, body: JSON.stringify(payload), redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    status = String(res.status);
    ok = res.status >= 200 && res.status < 400;
    responseHeaders = Object.fromEntries([...res.headers].slice(0, 50).map(([k, v]) => [capitalizeHeader(k), v.slice(0, 1024)]));
    responseBody = (await res.text()).slice(0, RESPONSE_BODY_LIMIT);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const log: SimHookLog = {
    id: nextId(ctx.store, 'hookLog'),
    hookId: hook.id,
    url: hook.url,
    trigger,
    requestHeaders: { ...headers, ...(hook.token ? { 'X-Gitlab-Token': '[REDACTED]' } : {}) },
    requestData: payload,
    responseHeaders,
    responseBody,
    responseStatus: status,
    executionDuration: (performance.now() - started) / 1000,
    createdAt: nowIso(ctx),
    idempotencyKey,
    internalErrorMessage: error,
  };
  hook.logs.push(log);
  if (hook.logs.length > MAX_LOGS_PER_HOOK) hook.logs.splice(0, hook.logs.length - MAX_LOGS_PER_HOOK);
  return { ok, status, log };
}

/** `API::Entities::WebHookLog`-shaped event for `GET /hooks/:hook_id/events`. */
export function hookLogEntity(log: SimHookLog) {
  return {
    id: log.id,
    url: log.url,
    trigger: log.trigger,
    request_headers: log.requestHeaders,
    request_data: log.requestData,
    response_headers: log.responseHeaders,
    response_body: log.responseBody,
    execution_duration: log.executionDuration,
    response_status: log.responseStatus,
  };
}

/** Whether a log matches the events API `status` filter (a code or a category). */
export function matchesStatus(log: SimHookLog, filter: string | undefined): boolean {
  if (!filter) return true;
  const code = Number(log.responseStatus);
  if (filter === 'successful') return code >= 200 && code < 300;
  if (filter === 'client_failure') return code >= 400 && code < 500;
  // Timeouts and connection errors are logged as `internal error`, a server-side failure.
  if (filter === 'server_failure') return (code >= 500 && code < 600) || log.responseStatus === 'internal error';
  return log.responseStatus === filter;
}
