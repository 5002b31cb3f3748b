import { randomBytes } from 'node:crypto';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { conflict, validation } from './errors.js';
import { nextId } from './store.js';
import type { SimToken, SimUser } from './types.js';

const USERNAME = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/;

/** Creates a user after GitLab's checks (valid, unique username and email); 409 on duplicates. */
export function createUser(ctx: SimContext, input: { username: string; name?: string; email?: string; admin?: boolean }): SimUser {
  const { store } = ctx;
  const username = input.username.trim();
  if (!USERNAME.test(username) || /\.(git|atom)$/i.test(username)) {
    throw validation({ username: ['can contain only letters, digits, \'_\', \'-\' and \'.\'. Cannot start with \'-\' or end in \'.\', \'.git\' or \'.atom\'.'] });
  }
  if (store.usersByName.has(username.toLowerCase()) || store.groupsByPath.has(username.toLowerCase())) throw conflict('Username has already been taken');
  const email = (input.email ?? `${username}@example.com`).trim();
  for (const u of store.users.values()) if (u.email.toLowerCase() === email.toLowerCase()) throw conflict('Email has already been taken');
  const user: SimUser = {
    id: nextId(store, 'user'),
    username,
    name: input.name ?? username,
    email,
    admin: input.admin ?? false,
    state: 'active',
    createdAt: nowIso(ctx),
    namespaceId: nextId(store, 'namespace'),
  };
  store.users.set(user.id, user);
  store.usersByName.set(username.toLowerCase(), user);
  return user;
}

/** Issues a personal access token (`glpat-` + 20 characters unless a value is given, as seeds do). */
export function createToken(ctx: SimContext, user: SimUser, input: { name: string; scopes: string[]; expiresAt?: string | null; value?: string }): SimToken {
  const value = input.value ?? `glpat-${randomBytes(15).toString('base64url').slice(0, 20)}`;
  if (ctx.store.tokens.has(value)) throw conflict('Token has already been taken');
  const token: SimToken = {
    id: nextId(ctx.store, 'token'),
    userId: user.id,
    name: input.name,
    scopes: input.scopes,
    token: value,
    createdAt: nowIso(ctx),
    expiresAt: input.expiresAt ?? null,
    revoked: false,
    lastUsedAt: null,
  };
  ctx.store.tokens.set(value, token);
  return token;
}
