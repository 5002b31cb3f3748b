import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.js';
import { ApiError, forbidden, missing, notFound } from './errors.js';
import { paginate } from './pagination.js';
import { bool, list, reqStr, str } from './params.js';
import { tokenEntity, userBasic, userDetail } from './present-user.js';
import { input, param, requireUser, stateOf } from './request-state.js';
import { findUserByName } from './store.js';
import { createToken, createUser } from './users.js';

/** Users, tokens and instance metadata routes. */
export function registerUserRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/user', async (req) => {
    const user = requireUser(req);
    return userDetail(ctx, user, user);
  });

  app.get('/users', async (req, reply) => {
    requireUser(req);
    const p = input(req);
    const username = str(p, 'username');
    const search = str(p, 'search')?.toLowerCase();
    let users = [...ctx.store.users.values()];
    if (username !== undefined) users = users.filter((u) => u.username.toLowerCase() === username.toLowerCase());
    if (search) users = users.filter((u) => u.username.toLowerCase().includes(search) || u.name.toLowerCase().includes(search) || u.email.toLowerCase() === search);
    if (bool(p, 'active')) users = users.filter((u) => u.state === 'active');
    return paginate(ctx, req, reply, users).map((u) => userBasic(ctx, u));
  });

  app.get('/users/:id', async (req) => {
    const viewer = requireUser(req);
    const ref = param(req, 'id');
    const user = /^\d+$/.test(ref) ? ctx.store.users.get(Number(ref)) : findUserByName(ctx.store, ref);
    if (!user) throw notFound('User');
    return userDetail(ctx, user, viewer);
  });

  app.post('/users', async (req, reply) => {
    const viewer = requireUser(req);
    if (!viewer.admin) throw forbidden();
    const p = input(req);
    const email = reqStr(p, 'email');
    const name = reqStr(p, 'name');
    const username = reqStr(p, 'username');
    if (str(p, 'password') === undefined && !bool(p, 'reset_password') && !bool(p, 'force_random_password')) {
      throw new ApiError(400, { error: 'password, reset_password, force_random_password are missing, at least one parameter must be provided' });
    }
    const user = createUser(ctx, { username, name, email, admin: bool(p, 'admin') ?? false });
    return reply.code(201).send(userDetail(ctx, user, viewer));
  });

  app.post('/users/:user_id/personal_access_tokens', async (req, reply) => {
    const viewer = requireUser(req);
    if (!viewer.admin) throw forbidden();
    const user = ctx.store.users.get(Number(param(req, 'user_id')));
    if (!user) throw notFound('User');
    const p = input(req);
    const name = reqStr(p, 'name');
    const scopes = list(p, 'scopes');
    if (!scopes || scopes.length === 0) throw missing('scopes');
    const token = createToken(ctx, user, { name, scopes, expiresAt: str(p, 'expires_at') ?? null });
    return reply.code(201).send(tokenEntity(token, true));
  });

  app.get('/personal_access_tokens/self', async (req) => {
    requireUser(req);
    const token = stateOf(req).token;
    if (!token) throw notFound();
    return tokenEntity(token, false);
  });

  const version = async () => ({ version: ctx.version, revision: 'sim00000', kas: { enabled: false, externalUrl: null, version: null }, enterprise: false });
  app.get('/version', version);
  app.get('/metadata', version);
}
