import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canAdminGroup } from './access.js';
import type { SimContext } from './context.js';
import { conflict, forbidden, missing, notFound } from './errors.js';
import { checkInheritedLevel, directRows, filterMembers, isLastOwner, mergedMembers, removeFromDescendants } from './members.js';
import { paginate } from './pagination.js';
import { bool, has, int, str } from './params.js';
import { addMember } from './projects.js';
import { memberEntity } from './present-project.js';
import { input, param, requireUser, userGroup } from './request-state.js';
import { findUserByName, groupChain } from './store.js';
import type { SimGroup, SimUser } from './types.js';

/** The groups above a group (where inherited memberships come from). */
function ancestorsOf(ctx: SimContext, group: SimGroup): SimGroup[] {
  return groupChain(ctx.store, group).slice(1);
}

/** The group of `:id` if the user may manage its members (`admin_group_member`: Owner, or admin), else 403. */
function adminGroup(ctx: SimContext, req: FastifyRequest): SimGroup {
  const group = userGroup(ctx, req);
  if (!canAdminGroup(ctx.store, requireUser(req), group)) throw forbidden();
  return group;
}

/**
 * Group membership routes (lib/api/members.rb). Managing members needs the group's Owner role:
 * GroupPolicy enables `admin_group_member` only for `owner` (GitLab 17/18 alike; Maintainers of a
 * group cannot, unlike project Maintainers). Anyone may remove themselves, except the last Owner.
 */
export function registerGroupMemberRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/groups/:id/members', async (req, reply) => {
    const group = userGroup(ctx, req);
    return paginate(ctx, req, reply, filterMembers(directRows(ctx, group.members), input(req))).map((r) => memberEntity(ctx, r.user, r.member));
  });

  // Direct and inherited members, one row per user with the highest level (GroupMembersFinder).
  app.get('/groups/:id/members/all', async (req, reply) => {
    const group = userGroup(ctx, req);
    const rows = filterMembers(mergedMembers(ctx, groupChain(ctx.store, group)), input(req));
    return paginate(ctx, req, reply, rows).map((r) => memberEntity(ctx, r.user, r.member));
  });

  app.get('/groups/:id/members/all/:user_id', async (req) => {
    const group = userGroup(ctx, req);
    const row = mergedMembers(ctx, groupChain(ctx.store, group)).find((r) => r.user.id === Number(param(req, 'user_id')));
    if (!row) throw notFound();
    return memberEntity(ctx, row.user, row.member);
  });

  app.get('/groups/:id/members/:user_id', async (req) => {
    const group = userGroup(ctx, req);
    const member = group.members.get(Number(param(req, 'user_id')));
    const user = member ? ctx.store.users.get(member.userId) : undefined;
    if (!member || !user) throw notFound();
    return memberEntity(ctx, user, member);
  });

  app.post('/groups/:id/members', async (req, reply) => {
    const actor = requireUser(req);
    const group = adminGroup(ctx, req);
    const p = input(req);
    const level = int(p, 'access_level');
    if (level === undefined) throw missing('access_level');
    const id = int(p, 'user_id');
    const username = str(p, 'username');
    if (id === undefined && username === undefined) throw missing('user_id');
    const user: SimUser | undefined = id !== undefined ? ctx.store.users.get(id) : findUserByName(ctx.store, username ?? '');
    if (!user) throw notFound('User');
    if (group.members.has(user.id)) throw conflict('Member already exists');
    checkInheritedLevel(user, level, ancestorsOf(ctx, group));
    const member = addMember(ctx, group, user, level, actor, str(p, 'expires_at') ?? null);
    return reply.code(201).send(memberEntity(ctx, user, member));
  });

  app.put('/groups/:id/members/:user_id', async (req) => {
    const group = adminGroup(ctx, req);
    const member = group.members.get(Number(param(req, 'user_id')));
    const user = member ? ctx.store.users.get(member.userId) : undefined;
    if (!member || !user) throw notFound();
    const p = input(req);
    const level = int(p, 'access_level');
    if (level === undefined) throw missing('access_level');
    // GroupMemberPolicy grants no `update_group_member` on the last Owner.
    if (isLastOwner(ctx.store, group, user)) throw forbidden();
    checkInheritedLevel(user, level, ancestorsOf(ctx, group));
    member.accessLevel = level;
    if (has(p, 'expires_at')) member.expiresAt = str(p, 'expires_at') ?? null;
    return memberEntity(ctx, user, member);
  });

  app.delete('/groups/:id/members/:user_id', async (req, reply) => {
    const actor = requireUser(req);
    const group = userGroup(ctx, req);
    const member = group.members.get(Number(param(req, 'user_id')));
    const user = member ? ctx.store.users.get(member.userId) : undefined;
    if (!member || !user) throw notFound();
    // GroupMemberPolicy: Owners may remove anyone, members themselves; nobody the last Owner.
    if (isLastOwner(ctx.store, group, user) || (!canAdminGroup(ctx.store, actor, group) && actor.id !== user.id)) throw forbidden();
    group.members.delete(user.id);
    if (!(bool(input(req), 'skip_subresources') ?? false)) removeFromDescendants(ctx.store, group, user);
    return reply.code(204).send();
  });
}
