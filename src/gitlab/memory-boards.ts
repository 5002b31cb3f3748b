import { PermanentError } from '../core/errors.js';
import type { Board, BoardHost, BoardList, Label } from '../core/gitlab-port.js';
import type { CallFn } from './memory-repo.js';
import { newId, type World } from './memory-world.js';

/*
 * Issue boards for the in-memory gateway, with GitLab's observable rules: a new board has no label
 * lists, a list appends at the right, a move shifts the lists between (Boards::Lists::MoveService),
 * and a label list needs a label the place can use. Group boards behave as on Premium (several,
 * scoped); the Free rules are the simulator's (src/sim/routes-group-boards.ts).
 */

/** Where the boards of a place are kept and what it offers them. */
export interface BoardPlace {
  /** `project:12` or `group:infra/x`: the key of the place's boards in the world. */
  readonly key: string;
  readonly webUrl: string;
  /** Labels a list or scope may use here (its own and its ancestors'). */
  labels(): readonly Label[];
}

interface MemoryBoard {
  id: number;
  name: string;
  labels: string[];
  lists: Array<{ id: number; label: string; labelId: number }>;
}

function present(b: MemoryBoard, webUrl: string): Board {
  return { id: b.id, name: b.name, labels: [...b.labels], lists: b.lists.map((l, position) => ({ ...l, position })), webUrl: `${webUrl}/-/boards/${b.id}` };
}

function labelIdOf(world: World, place: string, name: string): number {
  const key = `${place}#${name}`;
  let id = world.labelIds.get(key);
  if (id === undefined) world.labelIds.set(key, (id = newId(world)));
  return id;
}

/** The board methods of one place over the shared world. */
export function memoryBoardMethods(world: World, place: () => BoardPlace, call: CallFn): BoardHost {
  const boards = (): MemoryBoard[] => {
    const key = place().key;
    let list = world.boards.get(key) as MemoryBoard[] | undefined;
    if (!list) world.boards.set(key, (list = []));
    return list;
  };
  const board = (id: number): MemoryBoard => {
    const found = boards().find((b) => b.id === id);
    if (!found) throw new PermanentError('gitlab_not_found', `GitLab has no board ${id} here (404)`, { status: 404 });
    return found;
  };
  const known = (name: string): string => {
    if (!place().labels().some((l) => l.name === name)) throw new PermanentError('gitlab_rejected', `GitLab has no label ${name} here (400 Label not found)`, { status: 400, label: name });
    return name;
  };
  return {
    listBoards: () => call('listBoards', undefined, () => boards().map((b) => present(b, place().webUrl))),
    createBoard: (name) =>
      call('createBoard', undefined, () => {
        const b: MemoryBoard = { id: newId(world), name, labels: [], lists: [] };
        boards().push(b);
        return present(b, place().webUrl);
      }),
    updateBoard: (boardId, change) =>
      call('updateBoard', undefined, () => {
        const b = board(boardId);
        if (change.name !== undefined) b.name = change.name;
        if (change.labels !== undefined) b.labels = change.labels.map(known);
        return present(b, place().webUrl);
      }),
    createBoardList: (boardId, label) =>
      call('createBoardList', undefined, (): BoardList => {
        const b = board(boardId);
        if (b.lists.some((l) => l.label === label)) throw new PermanentError('gitlab_rejected', `a list of ${label} already exists (400)`, { status: 400 });
        const list = { id: newId(world), label: known(label), labelId: labelIdOf(world, place().key, label) };
        b.lists.push(list);
        return { ...list, position: b.lists.length - 1 };
      }),
    moveBoardList: (boardId, listId, position) =>
      call('moveBoardList', undefined, () => {
        const b = board(boardId);
        const at = b.lists.findIndex((l) => l.id === listId);
        if (at < 0) throw new PermanentError('gitlab_not_found', `GitLab has no list ${listId} on board ${boardId} (404)`, { status: 404 });
        const [list] = b.lists.splice(at, 1);
        if (list) b.lists.splice(Math.max(0, Math.min(position, b.lists.length)), 0, list);
      }),
    deleteBoardList: (boardId, listId) =>
      call('deleteBoardList', undefined, () => {
        const b = board(boardId);
        b.lists = b.lists.filter((l) => l.id !== listId);
      }),
  };
}
