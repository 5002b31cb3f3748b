import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canAdminBoard } from './access.js';
import { addLabelList, createBoard, labelLists, moveList, removeList, renameBoard } from './boards.js';
import type { SimContext } from './context.js';
import { ApiError, forbidden, invalid, missing, notFound } from './errors.js';
import { availableLabels, labelsByTitles } from './labels.js';
import { paginate } from './pagination.js';
import { bool, has, int, list, str, type Params } from './params.js';
import { boardEntity, listEntity } from './present-board.js';
import { input, param, requireUser, userProject } from './request-state.js';
import type { SimBoard, SimBoardList, SimProject } from './types.js';

/** `:board_id` / `:list_id` are `type: Integer` in lib/api/boards.rb: anything else is Grape's 400. */
export function idParam(req: FastifyRequest, name: string): number {
  const text = param(req, name);
  if (!/^\d+$/.test(text)) throw invalid(name);
  return Number(text);
}

/** `board_parent.boards.find(params[:board_id])`: an unknown id is ActiveRecord's 404 `Not found`. */
function boardOf(req: FastifyRequest, project: SimProject): SimBoard {
  const board = project.boards.get(idParam(req, 'board_id'));
  if (!board) throw notFound();
  return board;
}

/** `board.destroyable_lists.find(params[:list_id])`: only label lists; Open and Closed are 404. */
export function listOf(req: FastifyRequest, board: SimBoard): SimBoardList {
  const id = idParam(req, 'list_id');
  const found = labelLists(board).find((l) => l.id === id);
  if (!found) throw notFound();
  return found;
}

/** The project, for `admin_issue_board` / `admin_issue_board_list` (Planner and up, ProjectPolicy). */
function adminProject(ctx: SimContext, req: FastifyRequest): SimProject {
  const project = userProject(ctx, req);
  if (!canAdminBoard(ctx.store, requireUser(req), project)) throw forbidden();
  return project;
}

/**
 * Boards::UpdateService: `name`, `hide_backlog_list`, `hide_closed_list` on every tier (PERMITTED_PARAMS);
 * Premium's EE::Boards::UpdateService also takes the scope: `labels` (titles, resolved by the board's
 * owner: `labelIds`), `assignee_id` (an unknown user clears it) and `weight`. On Free the scope
 * parameters are not declared (update_params_ee is empty in CE), so they are ignored. Project and
 * group boards alike.
 */
export function applyBoardUpdate(ctx: SimContext, board: SimBoard, p: Params, labelIds: (titles: string[]) => number[]): void {
  const name = str(p, 'name');
  if (name !== undefined) renameBoard(board, name);
  const hideBacklog = bool(p, 'hide_backlog_list');
  if (hideBacklog !== undefined) board.hideBacklogList = hideBacklog;
  const hideClosed = bool(p, 'hide_closed_list');
  if (hideClosed !== undefined) board.hideClosedList = hideClosed;
  if (ctx.settings.tier !== 'premium') return;
  const titles = list(p, 'labels');
  if (titles !== undefined) board.labelIds = labelIds(titles);
  if (has(p, 'assignee_id')) {
    const id = int(p, 'assignee_id');
    board.assigneeId = id !== undefined && ctx.store.users.has(id) ? id : null;
  }
  if (has(p, 'weight')) board.weight = int(p, 'weight') ?? null;
}

/** A project board's scope labels: found or created as Labels::FindOrCreateService does. */
function projectLabelIds(ctx: SimContext, project: SimProject, user: ReturnType<typeof requireUser>): (titles: string[]) => number[] {
  return (titles) => labelsByTitles(ctx, project, titles, canAdminBoard(ctx.store, user, project)).map((l) => l.id);
}

/**
 * Project issue boards and their lists (lib/api/boards.rb, lib/api/boards_responses.rb, GitLab 17.x).
 * Every tier may have several project boards (Project#multiple_issue_boards_available? is true in CE
 * since 12.1); scoped boards and WIP limits are Premium. Reading needs `read_issue_board` (whoever
 * reads the project's issues); writing needs `admin_issue_board(_list)`, Planner and up.
 */
export function registerBoardRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/boards', async (req, reply) => {
    const project = userProject(ctx, req);
    const boards = [...project.boards.values()].sort((a, b) => a.id - b.id);
    return paginate(ctx, req, reply, boards).map((b) => boardEntity(ctx, project, b, requireUser(req)));
  });

  app.get('/projects/:id/boards/:board_id', async (req) => {
    const project = userProject(ctx, req);
    return boardEntity(ctx, project, boardOf(req, project), requireUser(req));
  });

  app.post('/projects/:id/boards', async (req, reply) => {
    const project = adminProject(ctx, req);
    const name = str(input(req), 'name');
    if (name === undefined) throw missing('name');
    const board = createBoard(ctx, project, name);
    return reply.code(201).send(boardEntity(ctx, project, board, requireUser(req)));
  });

  app.put('/projects/:id/boards/:board_id', async (req) => {
    const project = adminProject(ctx, req);
    const board = boardOf(req, project);
    applyBoardUpdate(ctx, board, input(req), projectLabelIds(ctx, project, requireUser(req)));
    return boardEntity(ctx, project, board, requireUser(req));
  });

  app.delete('/projects/:id/boards/:board_id', async (req, reply) => {
    const project = adminProject(ctx, req);
    project.boards.delete(boardOf(req, project).id);
    return reply.code(204).send();
  });

  app.get('/projects/:id/boards/:board_id/lists', async (req, reply) => {
    const project = userProject(ctx, req);
    return paginate(ctx, req, reply, labelLists(boardOf(req, project))).map((l) => listEntity(ctx, l));
  });

  app.get('/projects/:id/boards/:board_id/lists/:list_id', async (req) => {
    const project = userProject(ctx, req);
    return listEntity(ctx, listOf(req, boardOf(req, project)));
  });

  app.post('/projects/:id/boards/:board_id/lists', async (req, reply) => {
    const project = userProject(ctx, req);
    const p = input(req);
    if (!has(p, 'label_id')) throw missing('label_id');
    const labelId = int(p, 'label_id');
    const board = boardOf(req, project);
    if (!canAdminBoard(ctx.store, requireUser(req), project)) throw forbidden();
    // Boards::Lists::BaseCreateService#target: the label must be one the project may use (its own or an ancestor group's).
    const label = availableLabels(ctx.store, project).find((l) => l.id === labelId);
    return reply.code(201).send(listEntity(ctx, addLabelList(ctx, board, label)));
  });

  app.put('/projects/:id/boards/:board_id/lists/:list_id', async (req) => {
    const project = userProject(ctx, req);
    const p = input(req);
    if (!has(p, 'position')) throw missing('position');
    const position = int(p, 'position') ?? 0;
    const found = listOf(req, boardOf(req, project));
    if (!canAdminBoard(ctx.store, requireUser(req), project)) throw forbidden();
    if (!moveList(boardOf(req, project), found, position)) throw new ApiError(400, { error: 'List could not be moved!' });
    return listEntity(ctx, found);
  });

  app.delete('/projects/:id/boards/:board_id/lists/:list_id', async (req, reply) => {
    const project = adminProject(ctx, req);
    const board = boardOf(req, project);
    removeList(board, listOf(req, board));
    return reply.code(204).send();
  });
}
