import type { FastifyRequest } from 'fastify';
import { newChain, type Actor, type EventChain, type SimContext } from './context.js';
import { notFound, unauthorized } from './errors.js';
import { canReadGroup, canReadProject } from './access.js';
import { findGroup, findProject } from './store.js';
import type { Params } from './params.js';
import type { SimGroup, SimProject, SimToken, SimUser } from './types.js';

/** What the request hooks learnt about a request, for its handler. */
export interface RequestState {
  user: SimUser | null;
  token: SimToken | null;
  /** Recursion-detection chain of this request. */
  chain: EventChain;
  /** A 5xx to answer after the handler has done its work (see faults.ts). */
  faultAfter: number | null;
}

// Kept outside the request object so the simulator adds no types to Fastify's shared interfaces.
const states = new WeakMap<FastifyRequest, RequestState>();

/** Records a request's state. */
export function setState(req: FastifyRequest, state: RequestState): void {
  states.set(req, state);
}

/** A request's state (an anonymous one if the hooks did not run, e.g. on 404 routes). */
export function stateOf(req: FastifyRequest): RequestState {
  let s = states.get(req);
  if (!s) {
    s = { user: null, token: null, chain: newChain(), faultAfter: null };
    states.set(req, s);
  }
  return s;
}

/** The authenticated user, or 401. */
export function requireUser(req: FastifyRequest): SimUser {
  const user = stateOf(req).user;
  if (!user) throw unauthorized();
  return user;
}

/** The acting user and their recursion chain. */
export function actorOf(req: FastifyRequest): Actor {
  return { user: requireUser(req), chain: stateOf(req).chain };
}

/** Query string and body merged; body fields win, as Grape's `params` does. */
export function input(req: FastifyRequest): Params {
  const query = (req.query ?? {}) as Params;
  const body = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Params) : {};
  return { ...query, ...body };
}

/** A route parameter as a string. */
export function param(req: FastifyRequest, name: string): string {
  return String((req.params as Record<string, unknown>)[name] ?? '');
}

/** The project of `:id` that the user may see, or 404 `Project Not Found` (never 403: hiding existence). */
export function userProject(ctx: SimContext, req: FastifyRequest): SimProject {
  const user = requireUser(req);
  const project = findProject(ctx.store, param(req, 'id'));
  if (!project || !canReadProject(ctx.store, user, project)) throw notFound('Project');
  return project;
}

/** The group of `:id` that the user may see, or 404 `Group Not Found` (as `find_group!` answers). */
export function userGroup(ctx: SimContext, req: FastifyRequest): SimGroup {
  const user = requireUser(req);
  const group = findGroup(ctx.store, param(req, 'id'));
  if (!group || !canReadGroup(ctx.store, user, group)) throw notFound('Group');
  return group;
}
