import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ACCESS, canReadGroup, groupAccess } from './access.js';
import type { SimContext } from './context.js';
import { forbidden, missing, notFound } from './errors.js';
import { paginate } from './pagination.js';
import { int, oneOf, reqStr, str } from './params.js';
import { addMember, createGroup } from './projects.js';
import { groupEntity, memberEntity } from './present-project.js';
import { input, param, requireUser } from './request-state.js';
import { findGroup, findUserByName } from './store.js';
import type { SimGroup, SimUser } from './types.js';

function userGroup(ctx: SimContext, req: FastifyRequest): SimGroup {
  const user = requireUser(req);
  const group = findGroup(ctx.store, param(req, 'id'));
  if (!group || !canReadGroup(ctx.store, user, group)) throw notFound('Group');
  return group;
}

/** Group routes: create, list, get, members. */
export function registerGroupRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/groups', async (req, reply) => {
    const user = requireUser(req);
    const p = input(req);
    const name = reqStr(p, 'name');
    const path = reqStr(p, 'path');
    const parentId = int(p, 'parent_id') ?? null;
    if (parentId !== null) {
      const parent = ctx.store.groups.get(parentId);
      if (!parent) throw notFound('Parent group');
      if (!user.admin && groupAccess(ctx.store, user, parent) < ACCESS.maintainer) throw forbidden();
    }
    const visibility = oneOf(p, 'visibility', ['private', 'internal', 'public'] as const);
    const group = createGroup(ctx, user, { path, name, parentId, visibility, description: str(p, 'description') });
    return reply.code(201).send(groupEntity(ctx, group));
  });

  app.get('/groups', async (req, reply) => {
    const user = requireUser(req);
    const search = str(input(req), 'search')?.toLowerCase();
    const groups = [...ctx.store.groups.values()].filter((g) => canReadGroup(ctx.store, user, g) && (!search || g.fullPath.toLowerCase().includes(search) || g.name.toLowerCase().includes(search)));
    return paginate(ctx, req, reply, groups).map((g) => groupEntity(ctx, g));
  });

  app.get('/groups/:id', async (req) => groupEntity(ctx, userGroup(ctx, req)));

  app.get('/groups/:id/members', async (req, reply) => {
    const group = userGroup(ctx, req);
    const rows = [...group.members.values()].map((m) => ({ m, u: ctx.store.users.get(m.userId) })).filter((r) => r.u !== undefined);
    return paginate(ctx, req, reply, rows).map((r) => memberEntity(ctx, r.u as SimUser, r.m));
  });

  app.post('/groups/:id/members', async (req, reply) => {
    const actor = requireUser(req);
    const group = userGroup(ctx, req);
    if (!actor.admin && groupAccess(ctx.store, actor, group) < ACCESS.owner) throw forbidden();
    const p = input(req);
    const level = int(p, 'access_level');
    if (level === undefined) throw missing('access_level');
    const id = int(p, 'user_id');
    const username = str(p, 'username');
    if (id === undefined && username === undefined) throw missing('user_id');
    const user = id !== undefined ? ctx.store.users.get(id) : findUserByName(ctx.store, username ?? '');
    if (!user) throw notFound('User');
    const member = addMember(ctx, group, user, level, actor);
    return reply.code(201).send(memberEntity(ctx, user, member));
  });
}
