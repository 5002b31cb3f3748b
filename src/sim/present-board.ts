import { labelLists } from './boards.js';
import type { SimContext } from './context.js';
import { labelById } from './labels.js';
import { labelBasic } from './present-label.js';
import { projectEntity } from './present-project.js';
import { userBasicById } from './present-user.js';
import type { SimBoard, SimBoardList, SimLabel, SimProject, SimUser } from './types.js';

const BASIC_PROJECT_KEYS = [
  'id', 'description', 'name', 'name_with_namespace', 'path', 'path_with_namespace', 'created_at', 'default_branch', 'tag_list',
  'topics', 'ssh_url_to_repo', 'http_url_to_repo', 'web_url', 'readme_url', 'forks_count', 'avatar_url', 'star_count',
  'last_activity_at', 'namespace',
] as const;

/** `API::Entities::BasicProjectDetails`: the project fields a board carries. */
export function basicProjectDetails(ctx: SimContext, project: SimProject, viewer: SimUser) {
  const full = projectEntity(ctx, project, viewer);
  return Object.fromEntries(BASIC_PROJECT_KEYS.map((k) => [k, full[k]]));
}

/**
 * `API::Entities::List` (lib/api/entities/list.rb): id, label, position. Premium adds the WIP limits
 * of EE::API::Entities::List (`wip_limits`), which the simulator keeps at their defaults.
 */
export function listEntity(ctx: SimContext, list: SimBoardList) {
  const label = list.labelId === null ? undefined : labelById(ctx.store, list.labelId);
  const entity: Record<string, unknown> = { id: list.id, label: label ? labelBasic(label) : null, position: list.position };
  if (ctx.settings.tier === 'premium') Object.assign(entity, { max_issue_count: 0, max_issue_weight: 0, limit_metric: null });
  return entity;
}

/**
 * `API::Entities::Board` (lib/api/entities/board.rb): id, name, the two list switches, the project
 * and the label lists. Premium (EE::API::Entities::Board) adds `group` (null on project boards) and,
 * with `scoped_issue_board`, the scope: `milestone`, `assignee`, `labels`, `weight`.
 */
export function boardEntity(ctx: SimContext, project: SimProject, board: SimBoard, viewer: SimUser) {
  const entity: Record<string, unknown> = {
    id: board.id,
    name: board.name,
    hide_backlog_list: board.hideBacklogList,
    hide_closed_list: board.hideClosedList,
    project: basicProjectDetails(ctx, project, viewer),
    lists: labelLists(board).map((l) => listEntity(ctx, l)),
  };
  if (ctx.settings.tier === 'premium') {
    const labels = board.labelIds.map((id) => labelById(ctx.store, id)).filter((l): l is SimLabel => l !== undefined);
    Object.assign(entity, {
      group: null,
      milestone: null,
      assignee: userBasicById(ctx, board.assigneeId),
      labels: labels.map(labelBasic),
      weight: board.weight,
    });
  }
  return entity;
}
