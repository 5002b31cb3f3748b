import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canAdminLabel } from './access.js';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { ApiError, conflict, forbidden, notFound, validation } from './errors.js';
import { createLabel, findLabel, parseColor, setIssueLabels } from './labels.js';
import { paginate } from './pagination.js';
import { bool, has, int, reqStr, str } from './params.js';
import { projectLabel } from './present-label.js';
import { input, param, requireUser, userProject } from './request-state.js';
import type { SimLabel, SimProject } from './types.js';

function adminProject(ctx: SimContext, req: FastifyRequest): SimProject {
  const project = userProject(ctx, req);
  if (!canAdminLabel(ctx.store, requireUser(req), project)) throw forbidden();
  return project;
}

function labelOf(req: FastifyRequest, project: SimProject): SimLabel {
  const label = findLabel(project, param(req, 'label_id'));
  if (!label) throw notFound('Label');
  return label;
}

/** Project label routes. */
export function registerLabelRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/labels', async (req, reply) => {
    const project = userProject(ctx, req);
    const p = input(req);
    const search = str(p, 'search')?.toLowerCase();
    const labels = [...project.labels.values()]
      .filter((l) => !search || l.title.toLowerCase().includes(search) || (l.description ?? '').toLowerCase().includes(search))
      .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
    const counts = bool(p, 'with_counts') ?? false;
    return paginate(ctx, req, reply, labels).map((l) => projectLabel(ctx, l, counts));
  });

  app.get('/projects/:id/labels/:label_id', async (req) => {
    const project = userProject(ctx, req);
    return projectLabel(ctx, labelOf(req, project), false);
  });

  app.post('/projects/:id/labels', async (req, reply) => {
    const project = adminProject(ctx, req);
    const p = input(req);
    const name = reqStr(p, 'name');
    const color = reqStr(p, 'color');
    const label = createLabel(ctx, project, { title: name, color, description: str(p, 'description') ?? null, priority: int(p, 'priority') ?? null });
    return reply.code(201).send(projectLabel(ctx, label, false));
  });

  app.put('/projects/:id/labels/:label_id', async (req) => {
    const project = adminProject(ctx, req);
    const label = labelOf(req, project);
    const p = input(req);
    if (!['new_name', 'color', 'description', 'priority'].some((k) => has(p, k))) {
      throw new ApiError(400, { error: 'new_name, color, description, priority are missing, at least one parameter must be provided' });
    }
    const newName = str(p, 'new_name');
    if (newName !== undefined) {
      const title = newName.trim();
      if (title === '') throw validation({ title: ["can't be blank"] });
      if (title.includes(',')) throw validation({ title: ['is invalid'] });
      const other = project.labelsByTitle.get(title);
      if (other && other.id !== label.id) throw conflict('Label already exists');
      project.labelsByTitle.delete(label.title);
      label.title = title;
      project.labelsByTitle.set(title, label);
    }
    const colorText = str(p, 'color');
    if (colorText !== undefined) {
      const color = parseColor(colorText);
      if (color === null) throw validation({ color: ['must be a valid color code'] });
      label.color = color;
    }
    if (has(p, 'description')) label.description = str(p, 'description') ?? null;
    if (has(p, 'priority')) label.priority = int(p, 'priority') ?? null;
    label.updatedAt = nowIso(ctx);
    return projectLabel(ctx, label, false);
  });

  app.delete('/projects/:id/labels/:label_id', async (req, reply) => {
    const project = adminProject(ctx, req);
    const label = labelOf(req, project);
    for (const issue of [...(project.labelIndex.get(label.id) ?? [])]) setIssueLabels(project, issue, issue.labelIds.filter((id) => id !== label.id));
    project.labelIndex.delete(label.id);
    project.labels.delete(label.id);
    project.labelsByTitle.delete(label.title);
    return reply.code(204).send();
  });
}
