import type { FastifyInstance } from 'fastify';
import { ACCESS, canAdminGroup, canReadGroup, canReadProject, groupAccess, projectAccess } from './access.js';
import type { SimContext } from './context.js';
import { forbidden, notFound } from './errors.js';
import { paginate } from './pagination.js';
import { bool, int, oneOf, reqStr, str } from './params.js';
import { createGroup } from './projects.js';
import { groupEntity, projectEntity } from './present-project.js';
import { input, requireUser, userGroup } from './request-state.js';
import { registerGroupBoardRoutes } from './routes-group-boards.js';
import { registerGroupLabelRoutes } from './routes-group-labels.js';
import { registerGroupMemberRoutes } from './routes-group-members.js';
import { groupProjects, projectFullPath } from './store.js';
import type { ProjectCreationLevel } from './types.js';

const VISIBILITIES = ['private', 'internal', 'public'] as const;
/** `project_creation_level` values of the groups API (lib/api/helpers/groups_helpers.rb). */
const CREATION_LEVELS: readonly ProjectCreationLevel[] = ['noone', 'owner', 'maintainer', 'developer', 'administrator'];

/** Group routes: create, list, get, edit, projects; members, labels and boards register from their own files. */
export function registerGroupRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/groups', async (req, reply) => {
    const user = requireUser(req);
    const p = input(req);
    const name = reqStr(p, 'name');
    const path = reqStr(p, 'path');
    const parentId = int(p, 'parent_id') ?? null;
    if (parentId !== null) {
      const parent = ctx.store.groups.get(parentId);
      if (!parent || !canReadGroup(ctx.store, user, parent)) throw notFound('Parent group');
      if (!user.admin && groupAccess(ctx.store, user, parent) < ACCESS.maintainer) throw forbidden();
    }
    const group = createGroup(ctx, user, {
      path, name, parentId, visibility: oneOf(p, 'visibility', VISIBILITIES), description: str(p, 'description'),
      projectCreationLevel: oneOf(p, 'project_creation_level', CREATION_LEVELS),
    });
    return reply.code(201).send(groupEntity(ctx, group));
  });

  app.get('/groups', async (req, reply) => {
    const user = requireUser(req);
    const search = str(input(req), 'search')?.toLowerCase();
    const groups = [...ctx.store.groups.values()].filter((g) => canReadGroup(ctx.store, user, g) && (!search || g.fullPath.toLowerCase().includes(search) || g.name.toLowerCase().includes(search)));
    return paginate(ctx, req, reply, groups).map((g) => groupEntity(ctx, g));
  });

  app.get('/groups/:id', async (req) => groupEntity(ctx, userGroup(ctx, req)));

  // Group settings: `admin_group` (Owner). Only the fields the simulator models.
  app.put('/groups/:id', async (req) => {
    const group = userGroup(ctx, req);
    if (!canAdminGroup(ctx.store, requireUser(req), group)) throw forbidden();
    const p = input(req);
    const name = str(p, 'name');
    if (name) group.name = name;
    const description = str(p, 'description');
    if (description !== undefined) group.description = description;
    const visibility = oneOf(p, 'visibility', VISIBILITIES);
    if (visibility) group.visibility = visibility;
    const level = oneOf(p, 'project_creation_level', CREATION_LEVELS);
    if (level) group.projectCreationLevel = level;
    return groupEntity(ctx, group);
  });

  // Projects of a group (lib/api/groups.rb `:id/projects`, GroupProjectsFinder): only those the user
  // may see; `include_subgroups` adds every project below; newest first by default.
  app.get('/groups/:id/projects', async (req, reply) => {
    const group = userGroup(ctx, req);
    const user = requireUser(req);
    const p = input(req);
    const search = str(p, 'search')?.toLowerCase();
    const visibility = oneOf(p, 'visibility', VISIBILITIES);
    const owned = bool(p, 'owned') ?? false;
    const projects = groupProjects(ctx.store, group, bool(p, 'include_subgroups') ?? false).filter((project) => {
      if (!canReadProject(ctx.store, user, project)) return false;
      if (visibility && project.visibility !== visibility) return false;
      if (owned && projectAccess(ctx.store, user, project) < ACCESS.owner) return false;
      return !search || project.name.toLowerCase().includes(search) || projectFullPath(ctx.store, project).toLowerCase().includes(search);
    });
    const orderBy = oneOf(p, 'order_by', ['id', 'name', 'path', 'created_at', 'updated_at', 'last_activity_at', 'similarity', 'star_count'] as const) ?? 'created_at';
    const dir = (oneOf(p, 'sort', ['asc', 'desc'] as const) ?? (orderBy === 'name' || orderBy === 'path' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
    const key = (x: (typeof projects)[number]): string | number => (orderBy === 'name' ? x.name.toLowerCase() : orderBy === 'path' ? x.path : orderBy === 'last_activity_at' || orderBy === 'updated_at' ? x.lastActivityAt : x.id);
    projects.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : (a.id - b.id) * dir));
    return paginate(ctx, req, reply, projects).map((project) => projectEntity(ctx, project, user));
  });

  registerGroupMemberRoutes(app, ctx);
  registerGroupLabelRoutes(app, ctx);
  registerGroupBoardRoutes(app, ctx);
}
