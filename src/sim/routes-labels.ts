import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canAdminLabel } from './access.js';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { ApiError, forbidden, missing, notFound, validation } from './errors.js';
import { availableLabels, createLabel, deleteLabel, findLabel, parseColor, renameLabel, type LabelOwner } from './labels.js';
import { paginate } from './pagination.js';
import { bool, has, int, reqStr, str, type Params } from './params.js';
import { projectLabel } from './present-label.js';
import { input, param, requireUser, userProject } from './request-state.js';
import type { SimLabel, SimProject } from './types.js';

function adminProject(ctx: SimContext, req: FastifyRequest): SimProject {
  const project = userProject(ctx, req);
  if (!canAdminLabel(ctx.store, requireUser(req), project)) throw forbidden();
  return project;
}

function labelOf(ctx: SimContext, req: FastifyRequest, project: SimProject, ancestors: boolean, ref = param(req, 'label_id')): SimLabel {
  const label = findLabel(ctx.store, project, ref, ancestors);
  if (!label) throw notFound('Label');
  return label;
}

/** Labels sorted by title, filtered by `search` (title or description), as LabelsFinder answers. */
export function searchLabels(labels: SimLabel[], p: Params): SimLabel[] {
  const search = str(p, 'search')?.toLowerCase();
  return labels
    .filter((l) => !search || l.title.toLowerCase().includes(search) || (l.description ?? '').toLowerCase().includes(search))
    .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id - b.id));
}

/** `PUT/DELETE /groups/:id/labels` and `/projects/:id/labels` name the label by `label_id` or `name` (exactly one of them). */
export function refFromBody(p: Params, deleting: boolean): string {
  if (deleting) return reqStr(p, 'name');
  const byId = str(p, 'label_id');
  const byName = str(p, 'name');
  if (byId !== undefined && byName !== undefined) throw new ApiError(400, { error: 'label_id, name are mutually exclusive' });
  if (byId === undefined && byName === undefined) throw new ApiError(400, { error: 'label_id, name are missing, exactly one parameter must be provided' });
  return (byId ?? byName) as string;
}

/**
 * Applies `new_name`, `color`, `description` (and `priority` on project labels) as update_label in
 * lib/api/helpers/label_helpers.rb does; 400 when none is given.
 */
export function applyLabelUpdate(ctx: SimContext, owner: LabelOwner, label: SimLabel, p: Params): void {
  const keys = owner.kind === 'project' ? ['new_name', 'color', 'description', 'priority', 'archived'] : ['new_name', 'color', 'description', 'archived'];
  if (!keys.some((k) => has(p, k))) throw new ApiError(400, { error: `${keys.join(', ')} are missing, at least one parameter must be provided` });
  const newName = str(p, 'new_name');
  if (newName !== undefined) renameLabel(owner, label, newName);
  const colorText = str(p, 'color');
  if (colorText !== undefined) {
    const color = parseColor(colorText);
    if (color === null) throw validation({ color: ['must be a valid color code'] });
    label.color = color;
  }
  if (has(p, 'description')) label.description = str(p, 'description') ?? null;
  if (owner.kind === 'project' && has(p, 'priority')) label.priority = int(p, 'priority') ?? null;
  label.updatedAt = nowIso(ctx);
}

/**
 * Project label routes (lib/api/labels.rb). Listing and reading include the ancestor groups' labels
 * (`include_ancestor_groups`, default true); editing and deleting reach only the project's own.
 */
export function registerLabelRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/labels', async (req, reply) => {
    const project = userProject(ctx, req);
    const p = input(req);
    const labels = searchLabels(availableLabels(ctx.store, project, bool(p, 'include_ancestor_groups') ?? true), p);
    const counts = bool(p, 'with_counts') ?? false;
    return paginate(ctx, req, reply, labels).map((l) => projectLabel(ctx, l, counts, project, requireUser(req)));
  });

  app.get('/projects/:id/labels/:label_id', async (req) => {
    const project = userProject(ctx, req);
    return projectLabel(ctx, labelOf(ctx, req, project, bool(input(req), 'include_ancestor_groups') ?? true), false, project);
  });

  app.post('/projects/:id/labels', async (req, reply) => {
    const project = adminProject(ctx, req);
    const p = input(req);
    const name = reqStr(p, 'name');
    const color = reqStr(p, 'color');
    const label = createLabel(ctx, project, { title: name, color, description: str(p, 'description') ?? null, priority: int(p, 'priority') ?? null });
    return reply.code(201).send(projectLabel(ctx, label, false));
  });

  // The label in the path, or (`PUT/DELETE /projects/:id/labels`, which python-gitlab 3.x uses) in the body.
  const update = (ref: (req: FastifyRequest) => string) => async (req: FastifyRequest) => {
    const project = adminProject(ctx, req);
    const label = labelOf(ctx, req, project, false, ref(req));
    applyLabelUpdate(ctx, { kind: 'project', project }, label, input(req));
    return projectLabel(ctx, label, false);
  };
  app.put('/projects/:id/labels', update((req) => refFromBody(input(req), false)));
  app.put('/projects/:id/labels/:label_id', update((req) => param(req, 'label_id')));

  const remove = (ref: (req: FastifyRequest) => string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const project = adminProject(ctx, req);
    deleteLabel(ctx.store, { kind: 'project', project }, labelOf(ctx, req, project, false, ref(req)));
    return reply.code(204).send();
  };
  app.delete('/projects/:id/labels', remove((req) => {
    const p = input(req);
    if (!has(p, 'name')) throw missing('name');
    return refFromBody(p, true);
  }));
  app.delete('/projects/:id/labels/:label_id', remove((req) => param(req, 'label_id')));
}
