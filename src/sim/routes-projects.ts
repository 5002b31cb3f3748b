import type { FastifyInstance } from 'fastify';
import { ACCESS, canAdminProject, canCreateProjectIn, canReadGroup, canReadProject, canRemoveProject, groupAccess, projectAccess } from './access.js';
import type { SimContext } from './context.js';
import { ApiError, forbidden, notFound, validation } from './errors.js';
import { paginate } from './pagination.js';
import { bool, oneOf, str } from './params.js';
import { addMember, createProject, deleteProject, resolveNamespace } from './projects.js';
import { projectEntity } from './present-project.js';
import { commitActions } from './repo.js';
import { actorOf, input, requireUser, userProject } from './request-state.js';
import { registerProjectMemberRoutes } from './routes-members.js';
import { projectFullPath } from './store.js';
import type { SimGroup, SimUser } from './types.js';

const VISIBILITIES = ['private', 'internal', 'public'] as const;

/** Project routes: create, list, get, edit, and members. */
export function registerProjectRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/projects', async (req, reply) => {
    const user = requireUser(req);
    const p = input(req);
    const name = str(p, 'name');
    const path = str(p, 'path');
    if (!name && !path) throw new ApiError(400, { error: 'name, path are missing, at least one parameter must be provided' });
    const nsRef = str(p, 'namespace_id') ?? str(p, 'namespace_path');
    let namespace: SimGroup | SimUser = user;
    if (nsRef) {
      const found = resolveNamespace(ctx, nsRef);
      if (!found) throw notFound('Namespace');
      namespace = found;
    }
    // In a group, `create_projects` follows the group's `project_creation_level` (GroupPolicy; default
    // Developers + Maintainers, i.e. Developer and up). A namespace the user cannot see is a 404.
    if ('fullPath' in namespace) {
      if (!canReadGroup(ctx.store, user, namespace)) throw notFound('Namespace');
      if (!canCreateProjectIn(ctx.store, user, namespace)) throw forbidden();
    } else if (namespace.id !== user.id && !user.admin) {
      throw forbidden();
    }
    const visibility = oneOf(p, 'visibility', VISIBILITIES);
    // Project#visibility_level_allowed_by_group: a project is never more visible than its group.
    if ('fullPath' in namespace && visibility && VISIBILITIES.indexOf(visibility) > VISIBILITIES.indexOf(namespace.visibility)) {
      throw validation({ visibility_level: [`${visibility.charAt(0).toUpperCase()}${visibility.slice(1)} is not allowed in a ${namespace.visibility} group.`] });
    }
    const project = createProject(ctx, user, {
      name, path, namespace, defaultBranch: str(p, 'default_branch'), visibility, description: str(p, 'description'),
    });
    // A Developer who creates a project in a group becomes its Maintainer, as GitLab grants.
    if ('fullPath' in namespace && !user.admin && groupAccess(ctx.store, user, namespace) < ACCESS.maintainer) {
      addMember(ctx, project, user, ACCESS.maintainer, user);
    }
    // Projects::CreateService#create_readme: a README.md on the default branch, committed by the creator
    // as "Initial commit". GitLab renders a long getting-started template; the simulator keeps its title line.
    if (bool(p, 'initialize_with_readme')) {
      commitActions(ctx, actorOf(req), project, {
        branch: project.defaultBranch, message: 'Initial commit',
        actions: [{ action: 'create', filePath: 'README.md', content: `# ${project.name}\n\n${project.description ?? ''}\n` }],
      });
    }
    return reply.code(201).send(projectEntity(ctx, project, user));
  });

  app.get('/projects', async (req, reply) => {
    const user = requireUser(req);
    const p = input(req);
    const membership = bool(p, 'membership') ?? false;
    const owned = bool(p, 'owned') ?? false;
    const search = str(p, 'search')?.toLowerCase();
    const projects = [...ctx.store.projects.values()].filter((project) => {
      if (!canReadProject(ctx.store, user, project)) return false;
      const level = projectAccess(ctx.store, user, project);
      if (membership && level === 0) return false;
      if (owned && level < ACCESS.owner) return false;
      if (search && !project.name.toLowerCase().includes(search) && !projectFullPath(ctx.store, project).toLowerCase().includes(search)) return false;
      return true;
    });
    projects.sort((a, b) => b.id - a.id);
    return paginate(ctx, req, reply, projects).map((project) => projectEntity(ctx, project, user));
  });

  app.get('/projects/:id', async (req) => projectEntity(ctx, userProject(ctx, req), requireUser(req)));

  app.put('/projects/:id', async (req) => {
    const user = requireUser(req);
    const project = userProject(ctx, req);
    if (!canAdminProject(ctx.store, user, project)) throw forbidden();
    const p = input(req);
    const name = str(p, 'name');
    if (name) project.name = name;
    const description = str(p, 'description');
    if (description !== undefined) project.description = description;
    const branch = str(p, 'default_branch');
    if (branch) project.defaultBranch = branch;
    const visibility = oneOf(p, 'visibility', VISIBILITIES);
    if (visibility) project.visibility = visibility;
    return projectEntity(ctx, project, user);
  });

  // `remove_project`: Owners (project or group) and admins; answers 202 as GitLab's async deletion.
  app.delete('/projects/:id', async (req, reply) => {
    const project = userProject(ctx, req);
    if (!canRemoveProject(ctx.store, requireUser(req), project)) throw forbidden();
    deleteProject(ctx, project);
    return reply.code(202).send({ message: '202 Accepted' });
  });

  registerProjectMemberRoutes(app, ctx);
}
