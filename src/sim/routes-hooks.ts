import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canAdminProject } from './access.js';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { ApiError, forbidden, notFound, validation } from './errors.js';
import { alertStatus, deliverOnce, hookExecutable, hookLogEntity, matchesStatus, recordResult } from './hook-delivery.js';
import { pushPayload } from './hook-payloads.js';
import { paginate } from './pagination.js';
import { bool, has, reqStr, str, type Params } from './params.js';
import { actorOf, input, param, requireUser, userProject } from './request-state.js';
import { nextId } from './store.js';
import type { SimHook, SimProject } from './types.js';

const FLAGS = [
  ['push_events', 'pushEvents'], ['issues_events', 'issuesEvents'], ['confidential_issues_events', 'confidentialIssuesEvents'],
  ['note_events', 'noteEvents'], ['confidential_note_events', 'confidentialNoteEvents'], ['tag_push_events', 'tagPushEvents'],
  ['merge_requests_events', 'mergeRequestsEvents'], ['enable_ssl_verification', 'enableSslVerification'],
] as const;
const RESEND_LIMIT = 5;
const SEVEN_DAYS_MS = 7 * 86_400_000;

/** `API::Entities::ProjectHook`; the token is never returned. */
export function hookEntity(ctx: SimContext, hook: SimHook) {
  return {
    id: hook.id, url: hook.url, name: hook.name, description: hook.description, created_at: hook.createdAt,
    push_events: hook.pushEvents, tag_push_events: hook.tagPushEvents, merge_requests_events: hook.mergeRequestsEvents,
    repository_update_events: false, enable_ssl_verification: hook.enableSslVerification,
    alert_status: alertStatus(ctx, hook), disabled_until: alertStatus(ctx, hook) === 'temporarily_disabled' ? hook.disabledUntil : null,
    url_variables: [], push_events_branch_filter: hook.pushEventsBranchFilter, branch_filter_strategy: 'wildcard',
    custom_webhook_template: '', custom_headers: [], project_id: hook.projectId,
    issues_events: hook.issuesEvents, confidential_issues_events: hook.confidentialIssuesEvents,
    note_events: hook.noteEvents, confidential_note_events: hook.confidentialNoteEvents,
    pipeline_events: false, wiki_page_events: false, deployment_events: false, feature_flag_events: false, job_events: false,
    releases_events: false, milestone_events: false, emoji_events: false, resource_access_token_events: false,
  };
}

function validUrl(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw validation({ url: ['is blocked: Only allowed schemes are http, https'] });
  }
}

function applyFlags(hook: SimHook, p: Params): void {
  for (const [key, field] of FLAGS) {
    const v = bool(p, key);
    if (v !== undefined) hook[field] = v;
  }
}

/** Creates a project hook from API-style fields (also used by seeds). */
export function createHook(ctx: SimContext, project: SimProject, p: Params): SimHook {
  const url = reqStr(p, 'url');
  validUrl(url);
  const hook: SimHook = {
    id: nextId(ctx.store, 'hook'), projectId: project.id, url, name: str(p, 'name') ?? '', description: str(p, 'description') ?? '',
    token: str(p, 'token') ?? '', pushEvents: true, pushEventsBranchFilter: str(p, 'push_events_branch_filter') ?? '',
    issuesEvents: false, confidentialIssuesEvents: false, noteEvents: false, confidentialNoteEvents: false,
    tagPushEvents: false, mergeRequestsEvents: false, enableSslVerification: true,
    createdAt: nowIso(ctx), recentFailures: 0, disabledUntil: null, logs: [], resends: new Map(),
  };
  applyFlags(hook, p);
  project.hooks.set(hook.id, hook);
  return hook;
}

function adminProject(ctx: SimContext, req: FastifyRequest): SimProject {
  const project = userProject(ctx, req);
  if (!canAdminProject(ctx.store, requireUser(req), project)) throw forbidden();
  return project;
}

function hookOf(req: FastifyRequest, project: SimProject): SimHook {
  const hook = project.hooks.get(Number(param(req, 'hook_id')));
  if (!hook) throw notFound();
  return hook;
}

/** Project hooks, their delivery log and resend. */
export function registerHookRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/hooks', async (req, reply) => {
    const project = adminProject(ctx, req);
    return paginate(ctx, req, reply, [...project.hooks.values()]).map((h) => hookEntity(ctx, h));
  });
  app.post('/projects/:id/hooks', async (req, reply) => reply.code(201).send(hookEntity(ctx, createHook(ctx, adminProject(ctx, req), input(req)))));
  app.get('/projects/:id/hooks/:hook_id', async (req) => hookEntity(ctx, hookOf(req, adminProject(ctx, req))));

  app.put('/projects/:id/hooks/:hook_id', async (req) => {
    const hook = hookOf(req, adminProject(ctx, req));
    const p = input(req);
    const url = str(p, 'url');
    if (url !== undefined && url !== hook.url) {
      validUrl(url);
      hook.url = url;
      // Changing the URL clears the secret unless a new one comes with it (WebHook#reset_token).
      if (!has(p, 'token')) hook.token = '';
    }
    if (has(p, 'token')) hook.token = str(p, 'token') ?? '';
    if (has(p, 'name')) hook.name = str(p, 'name') ?? '';
    if (has(p, 'description')) hook.description = str(p, 'description') ?? '';
    if (has(p, 'push_events_branch_filter')) hook.pushEventsBranchFilter = str(p, 'push_events_branch_filter') ?? '';
    applyFlags(hook, p);
    return hookEntity(ctx, hook);
  });

  app.delete('/projects/:id/hooks/:hook_id', async (req, reply) => {
    const project = adminProject(ctx, req);
    const hook = hookOf(req, project);
    project.hooks.delete(hook.id);
    return reply.code(204).send();
  });

  app.get('/projects/:id/hooks/:hook_id/events', async (req, reply) => {
    const hook = hookOf(req, adminProject(ctx, req));
    const status = str(input(req), 'status');
    const since = ctx.clock.now().getTime() - SEVEN_DAYS_MS;
    const logs = hook.logs.filter((l) => Date.parse(l.createdAt) >= since && matchesStatus(l, status)).reverse();
    return paginate(ctx, req, reply, logs).map(hookLogEntity);
  });

  // GitLab 16.11+: a test delivery, sent even while the hook is disabled; its success re-enables the
  // hook (that is how GitLab's docs say to re-enable one). Only `push_events` is built here.
  app.post('/projects/:id/hooks/:hook_id/test/:trigger', async (req, reply) => {
    const project = adminProject(ctx, req);
    const hook = hookOf(req, project);
    const trigger = param(req, 'trigger');
    if (trigger !== 'push_events') throw new ApiError(422, { message: `Testing ${trigger} is not supported by the simulator; use push_events` });
    const actor = actorOf(req);
    const head = project.repo.branches.get(project.defaultBranch);
    const commit = head ? project.repo.commits.get(head) : undefined;
    if (!commit) throw new ApiError(422, { message: 'Ensure the project has at least one commit.' });
    const payload = pushPayload(ctx, project, actor.user, project.defaultBranch, commit.parentIds?.[0] ?? '0000000000000000000000000000000000000000', [commit]);
    const result = await deliverOnce(ctx, hook, 'push_hooks', payload, randomUUID(), randomUUID());
    recordResult(ctx, hook, result.ok);
    if (!result.ok) throw new ApiError(422, { message: `Hook execution failed: ${result.status}` });
    return reply.code(201).send({ message: '201 Created' });
  });

  app.post('/projects/:id/hooks/:hook_id/events/:hook_event_id/resend', async (req) => {
    const project = adminProject(ctx, req);
    const hook = hookOf(req, project);
    const log = hook.logs.find((l) => l.id === Number(param(req, 'hook_event_id')));
    if (!log) throw notFound();
    const actor = actorOf(req);
    const now = Date.now();
    const recent = (hook.resends.get(actor.user.id) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= RESEND_LIMIT) {
      throw new ApiError(429, { message: { error: 'This endpoint has been requested too many times. Try again later.' } }, { 'Retry-After': '60' });
    }
    hook.resends.set(actor.user.id, [...recent, now]);
    if (!hookExecutable(ctx, hook)) throw new ApiError(422, { message: 'Hook disabled' });
    // A resend runs synchronously and keeps the original Idempotency-Key (GitLab 17.4+).
    const result = await deliverOnce(ctx, hook, log.trigger, log.requestData, actor.chain.header ?? randomUUID(), log.idempotencyKey);
    recordResult(ctx, hook, result.ok);
    if (result.ok) ctx.counters.webhooks.delivered += 1;
    else ctx.counters.webhooks.failed += 1;
    return { response_status: Number(result.status) || result.status };
  });
}
