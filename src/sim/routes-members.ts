import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ACCESS, canAdminProject, projectAccess } from './access.js';
import type { SimContext } from './context.js';
import { conflict, forbidden, missing, notFound } from './errors.js';
import { checkInheritedLevel, directRows, filterMembers, projectMembersAll } from './members.js';
import { paginate } from './pagination.js';
import { has, int, str } from './params.js';
import { addMember } from './projects.js';
import { memberEntity } from './present-project.js';
import { input, param, requireUser, userProject } from './request-state.js';
import { findUserByName, projectGroups } from './store.js';
import type { SimProject, SimUser } from './types.js';

function memberUser(ctx: SimContext, req: FastifyRequest): SimUser {
  const p = input(req);
  const id = int(p, 'user_id');
  const username = str(p, 'username');
  const user = id !== undefined ? ctx.store.users.get(id) : username ? findUserByName(ctx.store, username) : undefined;
  if (id === undefined && username === undefined) throw missing('user_id');
  if (!user) throw notFound('User');
  return user;
}

/** The actor's level for managing members: admins count as Owners. */
function actorLevel(ctx: SimContext, actor: SimUser, project: SimProject): number {
  return actor.admin ? ACCESS.owner : projectAccess(ctx.store, actor, project);
}

/**
 * Project membership routes (lib/api/members.rb). Managing members needs `admin_project_member`
 * (Maintainer); only Owners may grant, change or remove the Owner role (Members::UpdateService,
 * ProjectMemberPolicy). A membership may not be set below a level inherited from a group above.
 */
export function registerProjectMemberRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/members', async (req, reply) => {
    const project = userProject(ctx, req);
    return paginate(ctx, req, reply, filterMembers(directRows(ctx, project.members), input(req))).map((r) => memberEntity(ctx, r.user, r.member));
  });

  // Direct members and those inherited from the group and all its ancestors, highest level per user.
  app.get('/projects/:id/members/all', async (req, reply) => {
    const project = userProject(ctx, req);
    return paginate(ctx, req, reply, filterMembers(projectMembersAll(ctx, project), input(req))).map((r) => memberEntity(ctx, r.user, r.member));
  });

  const getOne = (all: boolean) => async (req: FastifyRequest) => {
    const project = userProject(ctx, req);
    const id = Number(param(req, 'user_id'));
    const row = all ? projectMembersAll(ctx, project).find((r) => r.user.id === id) : directRows(ctx, project.members).find((r) => r.user.id === id);
    if (!row) throw notFound();
    return memberEntity(ctx, row.user, row.member);
  };
  app.get('/projects/:id/members/all/:user_id', getOne(true));
  app.get('/projects/:id/members/:user_id', getOne(false));

  app.post('/projects/:id/members', async (req, reply) => {
    const actor = requireUser(req);
    const project = userProject(ctx, req);
    if (!canAdminProject(ctx.store, actor, project)) throw forbidden();
    const level = int(input(req), 'access_level');
    if (level === undefined) throw missing('access_level');
    if (level === ACCESS.owner && actorLevel(ctx, actor, project) < ACCESS.owner) throw forbidden();
    const user = memberUser(ctx, req);
    if (project.members.has(user.id)) throw conflict('Member already exists');
    checkInheritedLevel(user, level, projectGroups(ctx.store, project));
    const member = addMember(ctx, project, user, level, actor, str(input(req), 'expires_at') ?? null);
    return reply.code(201).send(memberEntity(ctx, user, member));
  });

  app.put('/projects/:id/members/:user_id', async (req) => {
    const actor = requireUser(req);
    const project = userProject(ctx, req);
    if (!canAdminProject(ctx.store, actor, project)) throw forbidden();
    const member = project.members.get(Number(param(req, 'user_id')));
    const user = member ? ctx.store.users.get(member.userId) : undefined;
    if (!member || !user) throw notFound();
    const p = input(req);
    const level = int(p, 'access_level');
    if (level === undefined) throw missing('access_level');
    if ((level === ACCESS.owner || member.accessLevel === ACCESS.owner) && actorLevel(ctx, actor, project) < ACCESS.owner) throw forbidden();
    checkInheritedLevel(user, level, projectGroups(ctx.store, project));
    member.accessLevel = level;
    if (has(p, 'expires_at')) member.expiresAt = str(p, 'expires_at') ?? null;
    return memberEntity(ctx, user, member);
  });

  app.delete('/projects/:id/members/:user_id', async (req, reply) => {
    const actor = requireUser(req);
    const project = userProject(ctx, req);
    const member = project.members.get(Number(param(req, 'user_id')));
    if (!member) throw notFound();
    const self = member.userId === actor.id;
    const manager = canAdminProject(ctx.store, actor, project) && (member.accessLevel < ACCESS.owner || actorLevel(ctx, actor, project) >= ACCESS.owner);
    if (!self && !manager) throw forbidden();
    project.members.delete(member.userId);
    return reply.code(204).send();
  });
}
