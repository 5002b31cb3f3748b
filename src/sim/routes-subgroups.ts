import type { FastifyInstance } from 'fastify';
import { ACCESS, canReadGroup, groupAccess } from './access.js';
import type { SimContext } from './context.js';
import { paginate } from './pagination.js';
import { bool, int, oneOf, str, type Params } from './params.js';
import { groupEntity } from './present-project.js';
import { input, requireUser, userGroup } from './request-state.js';
import { groupChain } from './store.js';
import type { SimGroup, SimUser } from './types.js';

const ORDER = ['name', 'path', 'id'] as const;

/** GroupsFinder's filters and order as lib/api/groups.rb applies them: `search`, `owned`, `min_access_level`, `order_by` (name), `sort` (asc). */
function filterGroups(ctx: SimContext, user: SimUser, groups: SimGroup[], p: Params): SimGroup[] {
  const search = str(p, 'search')?.toLowerCase();
  const owned = bool(p, 'owned') ?? false;
  const minLevel = int(p, 'min_access_level');
  const orderBy = oneOf(p, 'order_by', ORDER) ?? 'name';
  const desc = oneOf(p, 'sort', ['asc', 'desc'] as const) === 'desc';
  const out = groups.filter((g) => {
    if (!canReadGroup(ctx.store, user, g)) return false;
    if (search && !g.name.toLowerCase().includes(search) && !g.path.toLowerCase().includes(search)) return false;
    const level = groupAccess(ctx.store, user, g);
    if (owned && level < ACCESS.owner) return false;
    if (minLevel !== undefined && level < minLevel) return false;
    return true;
  });
  const key = (g: SimGroup): string | number => (orderBy === 'id' ? g.id : orderBy === 'path' ? g.path.toLowerCase() : g.name.toLowerCase());
  out.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return desc ? -c : c;
  });
  return out;
}

/**
 * `GET /groups/:id/subgroups` (direct children) and `GET /groups/:id/descendant_groups` (every group
 * below), lib/api/groups.rb: only groups the user may see, with GroupsFinder's filters.
 */
export function registerSubgroupRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/groups/:id/subgroups', async (req, reply) => {
    const group = userGroup(ctx, req);
    const children = [...ctx.store.groups.values()].filter((g) => g.parentId === group.id);
    return paginate(ctx, req, reply, filterGroups(ctx, requireUser(req), children, input(req))).map((g) => groupEntity(ctx, g));
  });

  app.get('/groups/:id/descendant_groups', async (req, reply) => {
    const group = userGroup(ctx, req);
    const below = [...ctx.store.groups.values()].filter((g) => g !== group && groupChain(ctx.store, g).includes(group));
    return paginate(ctx, req, reply, filterGroups(ctx, requireUser(req), below, input(req))).map((g) => groupEntity(ctx, g));
  });
}
