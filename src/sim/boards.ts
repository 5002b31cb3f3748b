import type { SimContext } from './context.js';
import { ApiError, validation } from './errors.js';
import { nextId } from './store.js';
import type { SimBoard, SimBoardList, SimLabel, SimProject } from './types.js';

/** A board's label lists by position: `board.destroyable_lists` (app/models/board.rb, `ordered`). */
export function labelLists(board: SimBoard): SimBoardList[] {
  return board.lists.filter((l) => l.listType === 'label').sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
}

function checkName(name: string): string {
  // Board `validates :name, presence: true`; render_validation_error! answers 400 with the model errors.
  if (name.trim() === '') throw validation({ name: ["can't be blank"] });
  return name;
}

/**
 * Creates a board with its Open (`backlog`) and Closed lists, as Boards::CreateService does
 * (app/services/boards/create_service.rb). Those two lists take list ids but never show in the API.
 */
export function createBoard(ctx: SimContext, project: SimProject, name: string): SimBoard {
  const board: SimBoard = {
    id: 0, projectId: project.id, name: checkName(name), hideBacklogList: false, hideClosedList: false,
    lists: [], labelIds: [], assigneeId: null, weight: null,
  };
  board.id = nextId(ctx.store, 'board');
  for (const listType of ['backlog', 'closed'] as const) {
    board.lists.push({ id: nextId(ctx.store, 'boardList'), listType, labelId: null, position: null });
  }
  project.boards.set(board.id, board);
  return board;
}

/** Renames a board (blank names are refused as the model validation does). */
export function renameBoard(board: SimBoard, name: string): void {
  board.name = checkName(name);
}

/**
 * Adds a label list at the next position (Boards::Lists::BaseCreateService#next_position: max + 1,
 * 0 on an empty board). A label the project cannot use answers `Label not found`; a label that
 * already has a list on the board fails `validates :label_id, uniqueness: { scope: :board_id }`.
 */
export function addLabelList(ctx: SimContext, board: SimBoard, label: SimLabel | undefined): SimBoardList {
  if (!label) throw new ApiError(400, { error: 'Label not found' });
  const lists = labelLists(board);
  if (lists.some((l) => l.labelId === label.id)) throw new ApiError(400, { error: 'Label has already been taken' });
  const max = lists.reduce((m, l) => Math.max(m, l.position ?? 0), -1);
  const list: SimBoardList = { id: nextId(ctx.store, 'boardList'), listType: 'label', labelId: label.id, position: max + 1 };
  board.lists.push(list);
  return list;
}

/**
 * Moves a label list (Boards::Lists::MoveService): the new position must differ from the old one and
 * lie in `0 ... movable lists`; the lists in between shift by one. False when the move is refused.
 */
export function moveList(board: SimBoard, list: SimBoardList, to: number): boolean {
  const from = list.position;
  const lists = labelLists(board);
  if (from === null || to === from || to < 0 || to >= lists.length) return false;
  for (const other of lists) {
    if (other === list || other.position === null) continue;
    if (from < to && other.position > from && other.position <= to) other.position -= 1;
    if (from > to && other.position >= to && other.position < from) other.position += 1;
  }
  list.position = to;
  return true;
}

/** Removes a label list and closes the gap (Boards::Lists::BaseDestroyService#decrement_higher_lists). */
export function removeList(board: SimBoard, list: SimBoardList): void {
  for (const other of labelLists(board)) {
    if (other !== list && other.position !== null && list.position !== null && other.position > list.position) other.position -= 1;
  }
  board.lists = board.lists.filter((l) => l !== list);
}

/**
 * A deleted label takes its lists and its place in board scopes with it (`Label has_many :lists,
 * dependent: :destroy`, and `board_labels`); the positions of the other lists stay as they were.
 */
export function dropLabelFromBoards(projects: SimProject[], label: SimLabel): void {
  for (const project of projects) {
    for (const board of project.boards.values()) {
      board.lists = board.lists.filter((l) => l.labelId !== label.id);
      board.labelIds = board.labelIds.filter((id) => id !== label.id);
    }
  }
}
