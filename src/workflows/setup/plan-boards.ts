import type { Board, BoardList } from '../../core/gitlab-port.js';
import type { BoardSpec } from './board-catalog.js';
import type { SetupRow } from './plan-setup.js';

/**
 * The plan of Trellis's issue boards, pure: from the boards a project or group has and the boards
 * Trellis wants, one row per board and the steps that make its lists right. Lists are compared by
 * label and position (a label names one label where the board lives: GitLab refuses a project label
 * with the title of an ancestor group's label); a board whose lists and scope already match gets no
 * write at all. Applying the steps and planning again gives only `unchanged` rows.
 */

/** One change to a board's lists, in the order GitLab must see them. */
export type ListStep =
  | { readonly op: 'delete'; readonly listId: number; readonly label: string | null }
  | { readonly op: 'create'; readonly label: string }
  | { readonly op: 'move'; readonly label: string; readonly position: number };

/** What to do to one board: create it (when `boardId` is null), then its list steps, then its scope. */
export interface BoardWrite {
  readonly spec: BoardSpec;
  readonly boardId: number | null;
  /** Ids of the lists the board has now, by label: moves of kept lists name them. */
  readonly listIds: Readonly<Record<string, number>>;
  readonly steps: readonly ListStep[];
  /** Scope labels to set; absent: the scope is left as it is. */
  readonly scope?: readonly string[];
}

/** The boards of one project or group, as setup found them. */
export interface BoardPlace {
  /** Full path of the project or group (for rows and instructions). */
  readonly path: string;
  readonly kind: 'project' | 'group';
  /** The project's or group's web_url; its boards page is `<webUrl>/-/boards`. */
  readonly webUrl: string;
  readonly boards: readonly Board[];
  /**
   * A group on GitLab Free: one board, none made through the REST API (CE has no create route,
   * unlicensed EE answers 403) and no scope. Project boards are the same on every tier.
   */
  readonly free: boolean;
}

export interface BoardPlan {
  readonly rows: readonly SetupRow[];
  readonly writes: readonly BoardWrite[];
}

/**
 * The steps that turn `current` lists into `wanted` labels left to right: deletes, then creates
 * (GitLab appends a new list), then the fewest moves: lists in a longest run already in wanted
 * order stay, each other list moves to just after its wanted predecessor.
 */
export function listSteps(current: readonly BoardList[], wanted: readonly string[]): ListStep[] {
  const steps: ListStep[] = [];
  const order: string[] = [];
  for (const list of [...current].sort((a, b) => a.position - b.position)) {
    // Lists of other kinds (assignee, milestone) and second lists of one label do not belong here.
    if (list.label === null || !wanted.includes(list.label) || order.includes(list.label)) steps.push({ op: 'delete', listId: list.id, label: list.label });
    else order.push(list.label);
  }
  for (const label of wanted) {
    if (!order.includes(label)) {
      steps.push({ op: 'create', label });
      order.push(label);
    }
  }
  const staying = longestRun(order.map((l) => wanted.indexOf(l))).map((i) => order[i]);
  wanted.forEach((label, i) => {
    if (staying.includes(label)) return;
    const from = order.indexOf(label);
    order.splice(from, 1);
    // GitLab's move takes the list out and puts it at `position`; the lists between shift by one
    // (Boards::Lists::MoveService), exactly as splice does here.
    const position = i === 0 ? 0 : order.indexOf(wanted[i - 1] ?? '') + 1;
    order.splice(position, 0, label);
    if (position !== from) steps.push({ op: 'move', label, position });
  });
  return steps;
}

/** Indices of one longest strictly increasing subsequence of `values` (O(n^2): boards have a handful of lists). */
function longestRun(values: readonly number[]): number[] {
  const length = values.map(() => 1);
  const prev = values.map(() => -1);
  values.forEach((v, i) => {
    for (let j = 0; j < i; j += 1) {
      if ((values[j] ?? 0) < v && (length[j] ?? 0) + 1 > (length[i] ?? 0)) {
        length[i] = (length[j] ?? 0) + 1;
        prev[i] = j;
      }
    }
  });
  let at = length.indexOf(Math.max(0, ...length));
  const out: number[] = [];
  while (at >= 0) {
    out.unshift(at);
    at = prev[at] ?? -1;
  }
  return out;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function describe(steps: readonly ListStep[]): string {
  const added = steps.flatMap((s) => (s.op === 'create' ? [s.label] : []));
  const removed = steps.flatMap((s) => (s.op === 'delete' ? [s.label ?? `list ${s.listId} (not a label list)`] : []));
  const moves = steps.filter((s) => s.op === 'move').length;
  return [
    ...(added.length ? [`add ${added.join(', ')}`] : []),
    ...(removed.length ? [`remove ${removed.join(', ')}`] : []),
    ...(moves ? [`reorder (${moves} move${moves === 1 ? '' : 's'})`] : []),
  ].join('; ');
}

/**
 * One board: found by its exact name (the oldest when several share it), created when missing, its
 * lists and scope set when they differ. `quarterLabel` is the scope a quarter-scoped board wants
 * (null: no valid roster to name the quarter, so the scope is left alone).
 */
export function planBoard(spec: BoardSpec, place: BoardPlace, quarterLabel: string | null): BoardPlan {
  const name = `${place.path}: ${spec.name}`;
  const mine = place.boards.filter((b) => b.name === spec.name).sort((a, b) => a.id - b.id);
  const scopeNote = spec.quarterScoped && place.free ? '; not scoped to the quarter: board scope is GitLab Premium' : '';
  const wantedScope = spec.quarterScoped && !place.free && quarterLabel !== null ? [quarterLabel] : undefined;
  const board = mine[0];
  if (!board) {
    if (place.kind === 'group' && place.free) return { rows: [freeGroupRow(spec, place, name)], writes: [] };
    const steps = spec.lists.map((label): ListStep => ({ op: 'create', label }));
    return {
      rows: [{ item: 'board', name, outcome: 'create', detail: `lists ${spec.lists.join(', ')}${wantedScope ? `; scoped to ${wantedScope.join(', ')}` : ''}${scopeNote}` }],
      writes: [{ spec, boardId: null, listIds: {}, steps, ...(wantedScope ? { scope: wantedScope } : {}) }],
    };
  }
  const steps = listSteps(board.lists, spec.lists);
  const scope = wantedScope && !sameSet(board.labels, wantedScope) ? wantedScope : undefined;
  const listIds = Object.fromEntries(board.lists.flatMap((l) => (l.label === null ? [] : [[l.label, l.id] as const])));
  const changes = [describe(steps), ...(scope ? [`scope ${board.labels.length ? board.labels.join(', ') : 'none'} -> ${scope.join(', ')}`] : [])].filter((c) => c !== '');
  const rows: SetupRow[] = [
    changes.length > 0
      ? { item: 'board', name, outcome: 'update', detail: `${board.webUrl}: ${changes.join('; ')}${scopeNote}` }
      : { item: 'board', name, outcome: 'unchanged', detail: `${board.webUrl}${scopeNote}` },
    ...mine.slice(1).map(
      (other): SetupRow => ({ item: 'board', name, outcome: 'problem', detail: `${other.webUrl} is also named ${spec.name}; Trellis keeps ${board.webUrl} (the oldest) and leaves this one alone: rename it so people open the right one` }),
    ),
  ];
  return { rows, writes: changes.length > 0 ? [{ spec, boardId: board.id, listIds, steps, ...(scope ? { scope } : {}) }] : [] };
}

/** A group on Free without Trellis's board: what a person can do, since the REST API cannot make it. */
function freeGroupRow(spec: BoardSpec, place: BoardPlace, name: string): SetupRow {
  const page = `${place.webUrl}/-/boards`;
  const other = place.boards[0];
  const detail = other
    ? `GitLab Free gives a group one board, and ${place.path} has "${other.name}" (${other.webUrl}), which a person made: Trellis leaves it alone. If it may be Trellis's, rename it "${spec.name}" and run setup again`
    : `GitLab Free gives a group one board and its API cannot create it: make it at ${page} named "${spec.name}" (or rename the board GitLab shows there), then run setup again to get its lists`;
  return { item: 'board', name, outcome: 'skip', detail };
}
