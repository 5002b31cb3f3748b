import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ACCESS, canAdminProject, groupAccess } from './access.js';
import type { SimContext } from './context.js';
import { forbidden, missing, notFound } from './errors.js';
import { paginate } from './pagination.js';
import { int, str } from './params.js';
import { addMember } from './projects.js';
import { effectiveMember, memberEntity } from './present-project.js';
import { input, param, requireUser, userProject } from './request-state.js';
import { findUserByName } from './store.js';
import type { SimMember, SimUser } from './types.js';

function memberUser(ctx: SimContext, req: FastifyRequest): SimUser {
  const p = input(req);
  const id = int(p, 'user_id');
  const username = str(p, 'username');
  const user = id !== undefined ? ctx.store.users.get(id) : username ? findUserByName(ctx.store, username) : undefined;
  if (id === undefined && username === undefined) throw missing('user_id');
  if (!user) throw notFound('User');
  return user;
}

/** Project membership routes (`/projects/:id/members[/all]`). */
export function registerProjectMemberRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/members', async (req, reply) => {
    const project = userProject(ctx, req);
    const rows = [...project.members.values()].map((m) => ({ m, u: ctx.store.users.get(m.userId) })).filter((r): r is { m: SimMember; u: SimUser } => !!r.u);
    return paginate(ctx, req, reply, rows).map((r) => memberEntity(ctx, r.u, r.m));
  });

  app.get('/projects/:id/members/all', async (req, reply) => {
    const project = userProject(ctx, req);
    const rows: Array<{ u: SimUser; m: SimMember }> = [];
    for (const u of ctx.store.users.values()) {
      const m = effectiveMember(ctx, project, u);
      if (m) rows.push({ u, m });
    }
    return paginate(ctx, req, reply, rows).map((r) => memberEntity(ctx, r.u, r.m));
  });

  const getOne = (all: boolean) => async (req: FastifyRequest) => {
    const project = userProject(ctx, req);
    const user = ctx.store.users.get(Number(param(req, 'user_id')));
    const m = user ? (all ? effectiveMember(ctx, project, user) : project.members.get(user.id)) : undefined;
    if (!user || !m) throw notFound();
    return memberEntity(ctx, user, m);
  };
  app.get('/projects/:id/members/all/:user_id', getOne(true));
  app.get('/projects/:id/members/:user_id', getOne(false));

  app.post('/projects/:id/members', async (req, reply) => {
    const actor = requireUser(req);
    const project = userProject(ctx, req);
    if (!canAdminProject(ctx.store, actor, project)) throw forbidden();
    const level = int(input(req), 'access_level');
    if (level === undefined) throw missing('access_level');
    const mine = actor.admin ? ACCESS.owner : Math.max(project.members.get(actor.id)?.accessLevel ?? 0, project.namespace.kind === 'group' ? groupAccess(ctx.store, actor, ctx.store.groups.get(project.namespace.ownerId)) : ACCESS.owner);
    // Only Owners may grant the Owner role.
    if (level === ACCESS.owner && mine < ACCESS.owner) throw forbidden();
    const user = memberUser(ctx, req);
    const member = addMember(ctx, project, user, level, actor, str(input(req), 'expires_at') ?? null);
    return reply.code(201).send(memberEntity(ctx, user, member));
  });

  app.put('/projects/:id/members/:user_id', async (req) => {
    const actor = requireUser(req);
    const project = userProject(ctx, req);
    if (!canAdminProject(ctx.store, actor, project)) throw forbidden();
    const member = project.members.get(Number(param(req, 'user_id')));
    const user = ctx.store.users.get(Number(param(req, 'user_id')));
    if (!member || !user) throw notFound();
    const level = int(input(req), 'access_level');
    if (level === undefined) throw missing('access_level');
    member.accessLevel = level;
    return memberEntity(ctx, user, member);
  });

  app.delete('/projects/:id/members/:user_id', async (req, reply) => {
    const actor = requireUser(req);
    const project = userProject(ctx, req);
    if (!canAdminProject(ctx.store, actor, project)) throw forbidden();
    if (!project.members.delete(Number(param(req, 'user_id')))) throw notFound();
    return reply.code(204).send();
  });
}
