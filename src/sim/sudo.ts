import type { FastifyRequest } from 'fastify';
import type { SimContext } from './context.js';
import { ApiError, forbidden } from './errors.js';
import type { RequestState } from './request-state.js';
import { findUserByName } from './store.js';

/**
 * The user to act as: the `sudo` parameter, else the `Sudo` header (`sudo_identifier` in
 * lib/api/helpers.rb: `params[SUDO_PARAM] || env[SUDO_HEADER]`). `body` is the parsed body, if any.
 */
export function sudoIdentifier(req: FastifyRequest, body?: unknown): string | undefined {
  const fromBody = body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Record<string, unknown>).sudo : undefined;
  const fromQuery = (req.query as Record<string, unknown> | undefined)?.sudo;
  const header = req.headers.sudo;
  for (const v of [fromBody, fromQuery, header]) if (typeof v === 'string' && v !== '') return v;
  return undefined;
}

/**
 * `sudo!` of lib/api/helpers.rb: only an administrator's token with the `sudo` scope may act as
 * another user, named by id or username (case-insensitive); the request then runs as that user.
 * 403 `Must be admin to use sudo`, 403 `insufficient_scope` (scope `sudo`), 404 for an unknown user.
 */
export function applySudo(ctx: SimContext, state: RequestState, identifier: string): void {
  const admin = state.user;
  if (!admin || !state.token) return;
  if (!admin.admin) throw forbidden('403 Forbidden - Must be admin to use sudo');
  if (!state.token.scopes.includes('sudo')) {
    throw new ApiError(403, { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'sudo' });
  }
  const user = /^\d+$/.test(identifier) ? ctx.store.users.get(Number(identifier)) : findUserByName(ctx.store, identifier);
  if (!user) throw new ApiError(404, { message: `404 User with ID or username '${identifier}' Not Found` });
  state.user = user;
}
