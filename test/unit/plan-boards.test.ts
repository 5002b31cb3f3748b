import { describe, expect, it } from 'vitest';
import type { Board, BoardList } from '../../src/core/gitlab-port.js';
import { boardSpec } from '../../src/workflows/setup/board-catalog.js';
import { listSteps, planBoard } from '../../src/workflows/setup/plan-boards.js';
import type { BoardPlace, ListStep } from '../../src/workflows/setup/plan-boards.js';

const lists = (...labels: Array<string | null>): BoardList[] => labels.map((label, position) => ({ id: 100 + position, label, labelId: label ? 500 + position : null, position }));

/** Applies steps as GitLab does (deletes, appends, moves with the lists between shifting). */
function apply(current: readonly BoardList[], steps: readonly ListStep[]): string[] {
  let order = [...current].sort((a, b) => a.position - b.position).map((l) => ({ id: l.id, label: l.label }));
  for (const step of steps) {
    if (step.op === 'delete') order = order.filter((l) => l.id !== step.listId);
    else if (step.op === 'create') order.push({ id: -1, label: step.label });
    else {
      const list = order.find((l) => l.label === step.label)!;
      order = order.filter((l) => l !== list);
      order.splice(step.position, 0, list);
    }
  }
  return order.map((l) => l.label ?? '?');
}

describe("a board's lists change only where they differ", () => {
  const wanted = ['a', 'b', 'c', 'd'];
  it.each([
    ['lists already right need nothing', lists('a', 'b', 'c', 'd'), 0],
    ['an empty board gets every list, in order, and no move', lists(), 4],
    ['one list moved by hand takes one move back', lists('d', 'a', 'b', 'c'), 1],
    ['a missing list is appended and moved into place', lists('a', 'c', 'd'), 2],
    ['a list of another label and an assignee list are removed', lists('a', 'x', 'b', null, 'c', 'd'), 2],
    ['a second list of one label is removed', lists('a', 'b', 'b', 'c', 'd'), 1],
    ['reversed lists take three moves', lists('d', 'c', 'b', 'a'), 3],
  ])('%s', (_what, current, count) => {
    const steps = listSteps(current, wanted);
    expect(steps).toHaveLength(count);
    expect(apply(current, steps)).toEqual(wanted);
  });
});

describe('which board is Trellis’s', () => {
  const training = boardSpec('training');
  const board = (id: number, name: string, labels: string[] = training.lists.slice()): Board => ({ id, name, labels: [], lists: lists(...labels), webUrl: `https://gitlab.example/infra/career/-/boards/${id}` });
  const place = (boards: Board[], over: Partial<BoardPlace> = {}): BoardPlace => ({ path: 'infra/career', kind: 'project', webUrl: 'https://gitlab.example/infra/career', boards, free: false, ...over });

  it('a board of another name is left alone, and Trellis makes its own', () => {
    const plan = planBoard(training, place([board(1, 'Team kanban', ['x'])]), null);
    expect(plan.rows.map((r) => r.outcome)).toEqual(['create']);
    expect(plan.writes[0]).toMatchObject({ boardId: null });
  });

  it('of two boards named Training the oldest is kept, and the other reported', () => {
    const plan = planBoard(training, place([board(9, 'Training', []), board(3, 'Training')]), null);
    expect(plan.rows.map((r) => r.outcome)).toEqual(['unchanged', 'problem']);
    expect(plan.rows[1]?.detail).toContain('/-/boards/9 is also named Training');
    expect(plan.writes).toEqual([]);
  });

  it('the checkpoints board on Premium is scoped to the quarter; on a Free group it is made by a person', () => {
    const checkpoints = boardSpec('checkpoints');
    const group = { path: 'career-records', kind: 'group' as const, webUrl: 'https://gitlab.example/groups/career-records' };
    expect(planBoard(checkpoints, place([], group), 'quarter::FY27-Q1').writes[0]?.scope).toEqual(['quarter::FY27-Q1']);
    const free = planBoard(checkpoints, place([], { ...group, free: true }), 'quarter::FY27-Q1');
    expect(free.rows[0]).toMatchObject({ outcome: 'skip' });
    expect(free.writes).toEqual([]);
  });
});
