import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canAdminGroupLabel } from './access.js';
import type { SimContext } from './context.js';
import { forbidden, missing, notFound } from './errors.js';
import { createLabel, deleteLabel, groupAvailableLabels } from './labels.js';
import { paginate } from './pagination.js';
import { bool, has, reqStr, str } from './params.js';
import { groupLabel } from './present-label.js';
import { input, param, requireUser, userGroup } from './request-state.js';
import { applyLabelUpdate, refFromBody, searchLabels } from './routes-labels.js';
import type { SimGroup, SimLabel } from './types.js';

function adminGroup(ctx: SimContext, req: FastifyRequest): SimGroup {
  const group = userGroup(ctx, req);
  if (!canAdminGroupLabel(ctx.store, requireUser(req), group)) throw forbidden();
  return group;
}

/** A label by id or title (`find_label` in label_helpers.rb), among the group's own or also its ancestors'. */
function findGroupLabel(ctx: SimContext, group: SimGroup, ref: string, ancestors: boolean): SimLabel {
  const labels = groupAvailableLabels(ctx.store, group, ancestors);
  const label = (/^\d+$/.test(ref) ? labels.find((l) => l.id === Number(ref)) : undefined) ?? labels.find((l) => l.title === ref);
  if (!label) throw notFound('Label');
  return label;
}

/**
 * Group labels (lib/api/group_labels.rb, every tier). Listing includes ancestor groups' labels
 * (`include_ancestor_groups`, default true) and, when asked, descendant groups' (`include_descendant_groups`).
 * Creating, editing and deleting need `admin_label` on the group (Planner and up); edits and deletes
 * reach only the group's own labels.
 */
export function registerGroupLabelRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/groups/:id/labels', async (req, reply) => {
    const group = userGroup(ctx, req);
    const p = input(req);
    const all = groupAvailableLabels(ctx.store, group, bool(p, 'include_ancestor_groups') ?? true, bool(p, 'include_descendant_groups') ?? false);
    const counts = bool(p, 'with_counts') ?? false;
    return paginate(ctx, req, reply, searchLabels(all, p)).map((l) => groupLabel(ctx, l, counts, requireUser(req)));
  });

  app.get('/groups/:id/labels/:name', async (req) => {
    const group = userGroup(ctx, req);
    const label = findGroupLabel(ctx, group, param(req, 'name'), bool(input(req), 'include_ancestor_groups') ?? true);
    return groupLabel(ctx, label, false, requireUser(req));
  });

  app.post('/groups/:id/labels', async (req, reply) => {
    const group = adminGroup(ctx, req);
    const p = input(req);
    const name = reqStr(p, 'name');
    const color = reqStr(p, 'color');
    const label = createLabel(ctx, { kind: 'group', group }, { title: name, color, description: str(p, 'description') ?? null });
    return reply.code(201).send(groupLabel(ctx, label, false, requireUser(req)));
  });

  const update = (ref: (req: FastifyRequest) => string) => async (req: FastifyRequest) => {
    const group = adminGroup(ctx, req);
    const label = findGroupLabel(ctx, group, ref(req), false);
    applyLabelUpdate(ctx, { kind: 'group', group }, label, input(req));
    return groupLabel(ctx, label, false, requireUser(req));
  };
  app.put('/groups/:id/labels', update((req) => refFromBody(input(req), false)));
  app.put('/groups/:id/labels/:name', update((req) => param(req, 'name')));

  const remove = (ref: (req: FastifyRequest) => string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const group = adminGroup(ctx, req);
    deleteLabel(ctx.store, { kind: 'group', group }, findGroupLabel(ctx, group, ref(req), false));
    return reply.code(204).send();
  };
  app.delete('/groups/:id/labels', remove((req) => {
    const p = input(req);
    if (!has(p, 'name')) throw missing('name');
    return refFromBody(p, true);
  }));
  app.delete('/groups/:id/labels/:name', remove((req) => param(req, 'name')));
}
