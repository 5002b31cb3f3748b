import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canAdminGroupLabel } from './access.js';
import { addLabelList, labelLists, moveList, removeList, renameBoard } from './boards.js';
import type { SimContext } from './context.js';
import { ApiError, forbidden, missing, notFound } from './errors.js';
import { groupAvailableLabels } from './labels.js';
import { paginate } from './pagination.js';
import { has, int, str } from './params.js';
import { listEntity } from './present-board.js';
import { applyBoardUpdate, idParam, listOf } from './routes-boards.js';
import { labelBasic } from './present-label.js';
import { input, requireUser, userGroup } from './request-state.js';
import { nextId, type SimStore } from './store.js';
import type { SimBoard, SimGroup } from './types.js';

/*
 * Group issue boards (lib/api/group_boards.rb; create and delete are EE: ee/lib/ee/api/group_boards.rb
 * and ee/lib/ee/api/boards_responses.rb). They reuse the project boards' model and list rules
 * (boards.ts); a group board shows the issues of every project below the group that the viewer may
 * read (doc/user/project/issue_board.md, "Group issue boards").
 *
 * Tiers (doc/user/project/issue_board.md, tier table): Premium has several group boards and their
 * scope (`labels`, `assignee_id`, `weight`). Free keeps one group board and the simulator plays
 * GitLab CE there: no create or delete route (404, as for any unknown route), updates take only
 * `name`, `hide_backlog_list`, `hide_closed_list`. Listing, reading and the lists API are every tier's.
 */

/**
 * Group boards by group id, per store. SimGroup has no `boards` field of its own (types.ts belongs to
 * the project boards' model); keying by the store keeps every simulator instance separate.
 */
const boardsByStore = new WeakMap<SimStore, Map<number, Map<number, SimBoard>>>();

function boardsOf(store: SimStore, group: SimGroup): Map<number, SimBoard> {
  let byGroup = boardsByStore.get(store);
  if (!byGroup) boardsByStore.set(store, (byGroup = new Map()));
  let boards = byGroup.get(group.id);
  if (!boards) byGroup.set(group.id, (boards = new Map()));
  return boards;
}

function boardOf(ctx: SimContext, req: FastifyRequest, group: SimGroup): SimBoard {
  const board = boardsOf(ctx.store, group).get(idParam(req, 'board_id'));
  if (!board) throw notFound();
  return board;
}

/** `admin_issue_board(_list)` on a group (GroupPolicy: Planner and up, like group labels). */
function adminGroup(ctx: SimContext, req: FastifyRequest): SimGroup {
  const group = userGroup(ctx, req);
  if (!canAdminGroupLabel(ctx.store, requireUser(req), group)) throw forbidden();
  return group;
}

/** CE mounts no create/delete route for group boards: Free answers as for an unknown route. */
function premiumOnly(ctx: SimContext): void {
  if (ctx.settings.tier !== 'premium') throw new ApiError(404, { error: '404 Not Found' });
}

/**
 * API::Entities::Board for a group board: `project` is null; EE adds `group` (id, name, web_url)
 * and, with `scoped_issue_board`, the scope.
 */
function groupBoardEntity(ctx: SimContext, group: SimGroup, board: SimBoard) {
  const entity: Record<string, unknown> = {
    id: board.id,
    name: board.name,
    hide_backlog_list: board.hideBacklogList,
    hide_closed_list: board.hideClosedList,
    project: null,
    lists: labelLists(board).map((l) => listEntity(ctx, l)),
  };
  if (ctx.settings.tier === 'premium') {
    const labels = board.labelIds.flatMap((id) => {
      const label = ctx.store.labels.get(id);
      return label ? [labelBasic(label)] : [];
    });
    const assignee = board.assigneeId === null ? undefined : ctx.store.users.get(board.assigneeId);
    Object.assign(entity, {
      group: { id: group.id, name: group.name, web_url: `${ctx.baseUrl}/groups/${group.fullPath}` },
      milestone: null,
      assignee: assignee ? { id: assignee.id, username: assignee.username, name: assignee.name, state: assignee.state } : null,
      labels,
      weight: board.weight,
    });
  }
  return entity;
}

/** A new group board with its hidden Open and Closed lists (Boards::CreateService). */
function createGroupBoard(ctx: SimContext, group: SimGroup, name: string): SimBoard {
  const board: SimBoard = { id: nextId(ctx.store, 'board'), projectId: 0, name: '', hideBacklogList: false, hideClosedList: false, lists: [], labelIds: [], assigneeId: null, weight: null };
  renameBoard(board, name);
  for (const listType of ['backlog', 'closed'] as const) board.lists.push({ id: nextId(ctx.store, 'boardList'), listType, labelId: null, position: null });
  boardsOf(ctx.store, group).set(board.id, board);
  return board;
}

/**
 * A group board's scope labels: titles the group can use (its own and its ancestors'). Unknown titles
 * are dropped where GitLab's Labels::FindOrCreateService would create a group label: a simplification.
 */
function groupLabelIds(ctx: SimContext, group: SimGroup): (titles: string[]) => number[] {
  return (titles) => {
    const available = groupAvailableLabels(ctx.store, group);
    return titles.map((t) => t.trim()).flatMap((t) => available.filter((l) => l.title === t).slice(0, 1).map((l) => l.id));
  };
}

/** Group boards and their lists, under `/api/v4`. */
export function registerGroupBoardRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/groups/:id/boards', async (req, reply) => {
    const group = userGroup(ctx, req);
    const boards = [...boardsOf(ctx.store, group).values()].sort((a, b) => a.id - b.id);
    return paginate(ctx, req, reply, boards).map((b) => groupBoardEntity(ctx, group, b));
  });

  app.get('/groups/:id/boards/:board_id', async (req) => {
    const group = userGroup(ctx, req);
    return groupBoardEntity(ctx, group, boardOf(ctx, req, group));
  });

  app.post('/groups/:id/boards', async (req, reply) => {
    premiumOnly(ctx);
    const group = adminGroup(ctx, req);
    const name = str(input(req), 'name');
    if (name === undefined) throw missing('name');
    return reply.code(201).send(groupBoardEntity(ctx, group, createGroupBoard(ctx, group, name)));
  });

  app.put('/groups/:id/boards/:board_id', async (req) => {
    const group = adminGroup(ctx, req);
    const board = boardOf(ctx, req, group);
    applyBoardUpdate(ctx, board, input(req), groupLabelIds(ctx, group));
    return groupBoardEntity(ctx, group, board);
  });

  app.delete('/groups/:id/boards/:board_id', async (req, reply) => {
    premiumOnly(ctx);
    const group = adminGroup(ctx, req);
    boardsOf(ctx.store, group).delete(boardOf(ctx, req, group).id);
    return reply.code(204).send();
  });

  app.get('/groups/:id/boards/:board_id/lists', async (req, reply) => {
    const group = userGroup(ctx, req);
    return paginate(ctx, req, reply, labelLists(boardOf(ctx, req, group))).map((l) => listEntity(ctx, l));
  });

  app.get('/groups/:id/boards/:board_id/lists/:list_id', async (req) => {
    const group = userGroup(ctx, req);
    return listEntity(ctx, listOf(req, boardOf(ctx, req, group)));
  });

  app.post('/groups/:id/boards/:board_id/lists', async (req, reply) => {
    const group = adminGroup(ctx, req);
    const p = input(req);
    if (!has(p, 'label_id')) throw missing('label_id');
    const labelId = int(p, 'label_id');
    const board = boardOf(ctx, req, group);
    // Boards::Lists::BaseCreateService: a label of the group or one of its ancestors.
    const label = groupAvailableLabels(ctx.store, group).find((l) => l.id === labelId);
    return reply.code(201).send(listEntity(ctx, addLabelList(ctx, board, label)));
  });

  app.put('/groups/:id/boards/:board_id/lists/:list_id', async (req) => {
    const group = adminGroup(ctx, req);
    const p = input(req);
    if (!has(p, 'position')) throw missing('position');
    const board = boardOf(ctx, req, group);
    const found = listOf(req, board);
    if (!moveList(board, found, int(p, 'position') ?? 0)) throw new ApiError(400, { error: 'List could not be moved!' });
    return listEntity(ctx, found);
  });

  app.delete('/groups/:id/boards/:board_id/lists/:list_id', async (req, reply) => {
    const group = adminGroup(ctx, req);
    const board = boardOf(ctx, req, group);
    removeList(board, listOf(req, board));
    return reply.code(204).send();
  });
}
