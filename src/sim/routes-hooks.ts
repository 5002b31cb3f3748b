import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canAdminGroup, canAdminProject } from './access.js';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { ApiError, forbidden, notFound, validation } from './errors.js';
import { alertStatus, deliverOnce, hookExecutable, hookLogEntity, matchesStatus, recordResult } from './hook-delivery.js';
import { buildHookTest } from './hook-tests.js';
import { paginate } from './pagination.js';
import { bool, has, reqStr, str, type Params } from './params.js';
import { actorOf, input, param, requireUser, userGroup, userProject } from './request-state.js';
import { groupProjects, nextId } from './store.js';
import type { SimGroup, SimHook, SimProject } from './types.js';

const FLAGS = [
  ['push_events', 'pushEvents'], ['issues_events', 'issuesEvents'], ['confidential_issues_events', 'confidentialIssuesEvents'],
  ['note_events', 'noteEvents'], ['confidential_note_events', 'confidentialNoteEvents'], ['tag_push_events', 'tagPushEvents'],
  ['merge_requests_events', 'mergeRequestsEvents'], ['enable_ssl_verification', 'enableSslVerification'],
] as const;
const RESEND_LIMIT = 5;
const SEVEN_DAYS_MS = 7 * 86_400_000;

/** The owner of a hook: a project (every tier) or a group (Premium). */
type HookParent = { kind: 'project'; project: SimProject } | { kind: 'group'; group: SimGroup };

/** `API::Entities::ProjectHook`, or `EE::API::Entities::GroupHook` for a group hook; the token is never returned. */
export function hookEntity(ctx: SimContext, hook: SimHook) {
  const owner = hook.groupId === null ? { project_id: hook.projectId } : { group_id: hook.groupId, subgroup_events: false, member_events: false, project_events: false };
  return {
    id: hook.id, url: hook.url, name: hook.name, description: hook.description, created_at: hook.createdAt,
    push_events: hook.pushEvents, tag_push_events: hook.tagPushEvents, merge_requests_events: hook.mergeRequestsEvents,
    repository_update_events: false, enable_ssl_verification: hook.enableSslVerification,
    alert_status: alertStatus(ctx, hook), disabled_until: alertStatus(ctx, hook) === 'temporarily_disabled' ? hook.disabledUntil : null,
    url_variables: [], push_events_branch_filter: hook.pushEventsBranchFilter, branch_filter_strategy: 'wildcard',
    custom_webhook_template: '', custom_headers: [], ...owner,
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

/** Creates a project hook, or a group hook when given a group, from API-style fields (also used by seeds). */
export function createHook(ctx: SimContext, owner: SimProject | SimGroup, p: Params): SimHook {
  const url = reqStr(p, 'url');
  validUrl(url);
  const isGroup = 'fullPath' in owner;
  const hook: SimHook = {
    id: nextId(ctx.store, 'hook'), projectId: isGroup ? null : owner.id, groupId: isGroup ? owner.id : null,
    url, name: str(p, 'name') ?? '', description: str(p, 'description') ?? '',
    token: str(p, 'token') ?? '', pushEvents: true, pushEventsBranchFilter: str(p, 'push_events_branch_filter') ?? '',
    issuesEvents: false, confidentialIssuesEvents: false, noteEvents: false, confidentialNoteEvents: false,
    tagPushEvents: false, mergeRequestsEvents: false, enableSslVerification: true,
    createdAt: nowIso(ctx), recentFailures: 0, disabledUntil: null, logs: [], resends: new Map(),
  };
  applyFlags(hook, p);
  owner.hooks.set(hook.id, hook);
  return hook;
}

/**
 * The hook owner of a request, checked as GitLab does: project hooks need Maintainer
 * (`admin_project`); group hooks (ee/lib/api/group_hooks.rb, `admin_web_hook` from `admin_group`)
 * need the group's Owner role. On the Free tier the group hooks API does not exist (GitLab CE mounts
 * no such route), so it answers Grape's catch-all `404 {"error":"404 Not Found"}`.
 */
function hookParent(ctx: SimContext, req: FastifyRequest, kind: HookParent['kind']): HookParent {
  if (kind === 'project') {
    const project = userProject(ctx, req);
    if (!canAdminProject(ctx.store, requireUser(req), project)) throw forbidden();
    return { kind, project };
  }
  if (ctx.settings.tier !== 'premium') throw new ApiError(404, { error: '404 Not Found' });
  const group = userGroup(ctx, req);
  if (!canAdminGroup(ctx.store, requireUser(req), group)) throw forbidden();
  return { kind, group };
}

function hooksOf(parent: HookParent): Map<number, SimHook> {
  return parent.kind === 'project' ? parent.project.hooks : parent.group.hooks;
}

function hookOf(req: FastifyRequest, parent: HookParent): SimHook {
  const hook = hooksOf(parent).get(Number(param(req, 'hook_id')));
  if (!hook) throw notFound();
  return hook;
}

/** Hooks of one parent kind: list, create, read, edit, delete, delivery log, test and resend. */
function registerHookRoutesFor(app: FastifyInstance, ctx: SimContext, kind: HookParent['kind']): void {
  const base = kind === 'project' ? '/projects/:id/hooks' : '/groups/:id/hooks';
  const parentOf = (req: FastifyRequest) => hookParent(ctx, req, kind);

  app.get(base, async (req, reply) => paginate(ctx, req, reply, [...hooksOf(parentOf(req)).values()]).map((h) => hookEntity(ctx, h)));

  app.post(base, async (req, reply) => {
    const parent = parentOf(req);
    const hook = createHook(ctx, parent.kind === 'project' ? parent.project : parent.group, input(req));
    return reply.code(201).send(hookEntity(ctx, hook));
  });

  app.get(`${base}/:hook_id`, async (req) => hookEntity(ctx, hookOf(req, parentOf(req))));

  app.put(`${base}/:hook_id`, async (req) => {
    const hook = hookOf(req, parentOf(req));
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

  app.delete(`${base}/:hook_id`, async (req, reply) => {
    const parent = parentOf(req);
    hooksOf(parent).delete(hookOf(req, parent).id);
    return reply.code(204).send();
  });

  app.get(`${base}/:hook_id/events`, async (req, reply) => {
    const hook = hookOf(req, parentOf(req));
    const status = str(input(req), 'status');
    const since = ctx.clock.now().getTime() - SEVEN_DAYS_MS;
    const logs = hook.logs.filter((l) => Date.parse(l.createdAt) >= since && matchesStatus(l, status)).reverse();
    return paginate(ctx, req, reply, logs).map(hookLogEntity);
  });

  // GitLab 16.11+ (groups: 17.1+, MR !150486): a test delivery, sent even while the hook is disabled;
  // its success re-enables the hook (that is how GitLab's docs say to re-enable one). See hook-tests.ts.
  app.post(`${base}/:hook_id/test/:trigger`, async (req, reply) => {
    const parent = parentOf(req);
    const hook = hookOf(req, parent);
    const actor = actorOf(req);
    const project = parent.kind === 'project' ? parent.project : groupProjects(ctx.store, parent.group, true).find((p) => p.repo.commits.size > 0);
    const test = buildHookTest(ctx, project, param(req, 'trigger'), actor.user);
    const result = await deliverOnce(ctx, hook, test.scope, test.payload, randomUUID(), randomUUID());
    recordResult(ctx, hook, result.ok);
    if (!result.ok) throw new ApiError(422, { message: `Hook execution failed: ${result.status}` });
    return reply.code(201).send({ message: '201 Created' });
  });

  app.post(`${base}/:hook_id/events/:hook_event_id/resend`, async (req) => {
    const hook = hookOf(req, parentOf(req));
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

/** Project hooks (every tier) and group hooks (Premium), with their delivery log, test and resend. */
export function registerHookRoutes(app: FastifyInstance, ctx: SimContext): void {
  registerHookRoutesFor(app, ctx, 'project');
  registerHookRoutesFor(app, ctx, 'group');
}
