import { AppError } from '../../core/errors.js';
import type { Board, BoardHost, GitLabGateway } from '../../core/gitlab-port.js';
import { TRELLIS_BOARDS } from './board-catalog.js';
import { planBoard } from './plan-boards.js';
import type { BoardPlace, BoardWrite } from './plan-boards.js';
import type { SetupRow } from './plan-setup.js';

export interface BoardsSetupOptions {
  /** The department project's gateway (Training and Internships live there). */
  readonly gitlab: GitLabGateway;
  /** The records group (Career checkpoints lives there); null when it is not set up yet. */
  readonly recordsGroup: string | null;
  /** `quarter::FY27-Q1`: the scope of the checkpoints board; null without a valid roster. */
  readonly quarterLabel: string | null;
  readonly dryRun: boolean;
}

/**
 * The boards part of `trellis setup`, after labels (a list needs its label): reads the boards of the
 * department project and the records group, plans each of Trellis's boards, and applies the steps.
 * A board whose write fails gets a problem row; the others still run.
 */
export async function runBoardsSetup(opts: BoardsSetupOptions): Promise<{ rows: SetupRow[]; writes: number }> {
  const department = await opts.gitlab.project();
  const places: Record<'department' | 'records', { place: BoardPlace; host: BoardHost } | string> = {
    department: { place: { path: department.path, kind: 'project', webUrl: department.webUrl, boards: await opts.gitlab.listBoards(), free: false }, host: opts.gitlab },
    records: await recordsPlace(opts),
  };
  const rows: SetupRow[] = [];
  let writes = 0;
  for (const spec of TRELLIS_BOARDS) {
    const at = places[spec.place];
    if (typeof at === 'string') {
      rows.push({ item: 'board', name: spec.name, outcome: 'skip', detail: at });
      continue;
    }
    const plan = planBoard(spec, at.place, opts.quarterLabel);
    if (opts.dryRun || plan.writes.length === 0) {
      rows.push(...plan.rows);
      continue;
    }
    for (const write of plan.writes) {
      try {
        const done = await applyBoard(at.host, write);
        writes += done.writes;
        const notes = [...(write.boardId === null ? [`at ${done.url}`] : []), ...(done.note ? [done.note] : [])];
        rows.push(...plan.rows.map((r) => (r.outcome === 'problem' || notes.length === 0 ? r : { ...r, detail: `${r.detail}; ${notes.join('; ')}` })));
      } catch (err) {
        const message = err instanceof AppError ? `${err.code}: ${err.message}` : String(err);
        rows.push(...plan.rows.map((r): SetupRow => (r.outcome === 'problem' ? r : { ...r, outcome: 'problem', detail: `failed: ${message}` })));
      }
    }
  }
  return { rows, writes };
}

/** The records group as a board place, or why its board cannot be planned yet. */
async function recordsPlace(opts: BoardsSetupOptions): Promise<{ place: BoardPlace; host: BoardHost } | string> {
  if (opts.recordsGroup === null) return 'needs the records group (a valid roster and TRELLIS_RECORDS_GROUP)';
  const group = opts.gitlab.forGroup(opts.recordsGroup);
  const found = await group.group();
  if (!found) return `${opts.recordsGroup} does not exist yet${opts.dryRun ? ' (setup creates it first)' : ''}`;
  // Group webhooks, multiple group boards and board scope all come with Premium (doc/user/project/
  // issue_board.md tier table; doc/user/project/integrations/webhooks.md): the hooks API answering
  // is how setup tells the tiers apart, as the records hooks do.
  const premium = (await group.hooks()) !== null;
  return { place: { path: found.fullPath, kind: 'group', webUrl: found.webUrl, boards: await group.listBoards(), free: !premium }, host: group };
}

/** Creates the board when needed, then deletes, creates and moves lists, then sets the scope. */
async function applyBoard(host: BoardHost, write: BoardWrite): Promise<{ writes: number; note: string | null; url: string }> {
  let writes = 0;
  let board: Pick<Board, 'id' | 'webUrl'> | null = write.boardId === null ? null : { id: write.boardId, webUrl: '' };
  if (!board) {
    board = await host.createBoard(write.spec.name);
    if (!board) throw new AppError('gitlab_forbidden', `GitLab refused to create the board ${write.spec.name} (group boards on Free are made in GitLab's UI)`);
    writes += 1;
  }
  const ids = new Map(Object.entries(write.listIds));
  for (const step of write.steps) {
    if (step.op === 'delete') await host.deleteBoardList(board.id, step.listId);
    else if (step.op === 'create') ids.set(step.label, (await host.createBoardList(board.id, step.label)).id);
    else await host.moveBoardList(board.id, ids.get(step.label) ?? -1, step.position);
    writes += 1;
  }
  if (!write.scope) return { writes, note: null, url: board.webUrl };
  const after = await host.updateBoard(board.id, { labels: write.scope });
  writes += 1;
  const kept = write.scope.every((l) => after.labels.includes(l));
  // GitLab Free drops scope parameters silently (EE::Boards::UpdateService without scoped_issue_board).
  return { writes, note: kept ? null : 'GitLab kept no scope: board scope is GitLab Premium', url: after.webUrl };
}
