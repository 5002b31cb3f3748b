import { AppError } from '../core/errors.js';
import type { FiscalQuarter } from '../core/fiscal-quarter.js';
import type { GitLabGateway } from '../core/gitlab-port.js';
import { boardSpec } from './setup/board-catalog.js';
import type { BoardKey } from './setup/board-catalog.js';
import { quarterLabel, quarterLabelOf } from './setup/setup-catalog.js';
import type { WorkflowContext } from './workflow.js';

/*
 * Trellis's issue boards as workflows reach them (docs/boards.md): their addresses, for the text of
 * the issues Trellis writes and for the dashboard, and the quarter scope of the checkpoints board.
 * `trellis setup` makes the boards; nothing here creates one.
 */

/** Each board's page (`<project or group web_url>/-/boards/<id>`), null when it does not exist (yet). */
export type BoardLinks = Readonly<Record<BoardKey, string | null>>;

export const NO_BOARD_LINKS: BoardLinks = Object.freeze({ training: null, checkpoints: null, internships: null });

/** How long links are reused: a board is made once by setup and seldom moves. */
const LINKS_TTL_MS = 60 * 60_000;
const LINKS_KEY = 'boards:links';

/** The boards' pages, read from GitLab: two listings (the department project's boards, the records group's). */
export async function readBoardLinks(gitlab: GitLabGateway, recordsGroup: string | null): Promise<BoardLinks> {
  const find = (boards: ReadonlyArray<{ id: number; name: string; webUrl: string }>, key: BoardKey): string | null =>
    // The oldest of a name is Trellis's, as setup decides (plan-boards.ts).
    [...boards].filter((b) => b.name === boardSpec(key).name).sort((a, b) => a.id - b.id)[0]?.webUrl ?? null;
  const department = await gitlab.listBoards();
  const records = recordsGroup ? await gitlab.forGroup(recordsGroup).listBoards().catch(notFoundIsEmpty) : [];
  return { training: find(department, 'training'), checkpoints: find(records, 'checkpoints'), internships: find(department, 'internships') };
}

function notFoundIsEmpty(err: unknown): [] {
  if (err instanceof AppError && (err.code === 'gitlab_not_found' || err.code === 'gitlab_forbidden')) return [];
  throw err;
}

/**
 * The boards' pages, kept an hour in the record cache so writing an issue costs no board listing.
 * A link is a courtesy: when GitLab cannot be read, the text goes without it and the job carries on.
 */
export async function boardLinks(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'cache' | 'log' | 'now'>): Promise<BoardLinks> {
  // One lookup at a time per cache: a quarter's fan-out runs many jobs at once, and each would
  // otherwise list the boards before the first had stored them.
  const pending = inFlight.get(ctx.cache);
  if (pending) return pending;
  const lookup = lookUpLinks(ctx).finally(() => inFlight.delete(ctx.cache));
  inFlight.set(ctx.cache, lookup);
  return lookup;
}

const inFlight = new WeakMap<object, Promise<BoardLinks>>();

async function lookUpLinks(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'cache' | 'log' | 'now'>): Promise<BoardLinks> {
  const now = ctx.now().getTime();
  const cached = await ctx.cache.getState(LINKS_KEY).catch(() => null);
  if (cached) {
    try {
      const parsed = JSON.parse(cached) as { at: number; links: BoardLinks };
      if (now - parsed.at < LINKS_TTL_MS && now >= parsed.at) return { ...NO_BOARD_LINKS, ...parsed.links };
    } catch {
      // An unreadable entry is read again from GitLab.
    }
  }
  try {
    const links = await readBoardLinks(ctx.gitlab, ctx.config.gitlab?.recordsGroup ?? null);
    await ctx.cache.setState(LINKS_KEY, JSON.stringify({ at: now, links })).catch(() => undefined);
    return links;
  } catch (err) {
    ctx.log.warn({ err }, 'board links unavailable; writing without them');
    return NO_BOARD_LINKS;
  }
}

/** A Markdown link to a board, or '' without one: `[Training board](https://...)`. */
export function boardLink(url: string | null | undefined, text: string): string {
  return url && /^https?:\/\//i.test(url) ? `[${text.replace(/[[\]]/g, '')}](${url.replace(/[()\s]/g, encodeURIComponent)})` : '';
}

/**
 * When a quarter opens, scopes the Career checkpoints board to its label (GitLab Premium's board
 * scope, doc/user/project/issue_board.md "Configurable issue boards"): the board then shows this
 * quarter's checkpoints. On Free, or without the board, nothing changes. The quarter's group label is
 * made first when setup has not made it, since a scope can only name an existing label.
 */
export async function scopeCheckpointBoard(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'log' | 'cache'>, quarter: Pick<FiscalQuarter, 'name' | 'start' | 'end'>): Promise<ScopeOutcome> {
  // Checked once a quarter: re-running the fan-out (reconcile, a second worker) reads no board again.
  const key = `boards:checkpoints-scope:${quarter.name}`;
  if ((await ctx.cache.getState(key).catch(() => null)) !== null) return 'checked';
  const outcome = await scopeOnce(ctx, quarter);
  await ctx.cache.setState(key, outcome).catch(() => undefined);
  return outcome;
}

/** What scoping the checkpoints board did; `checked` when it was already checked this quarter. */
export type ScopeOutcome = 'scoped' | 'unchanged' | 'no-board' | 'free' | 'checked';

async function scopeOnce(ctx: Pick<WorkflowContext, 'config' | 'gitlab' | 'log'>, quarter: Pick<FiscalQuarter, 'name' | 'start' | 'end'>): Promise<ScopeOutcome> {
  const recordsGroup = ctx.config.gitlab?.recordsGroup;
  if (!recordsGroup) return 'no-board';
  const group = ctx.gitlab.forGroup(recordsGroup);
  const spec = boardSpec('checkpoints');
  const board = (await group.listBoards()).filter((b) => b.name === spec.name).sort((a, b) => a.id - b.id)[0];
  if (!board) return 'no-board';
  const label = quarterLabel(quarter);
  if (board.labels.length === 1 && board.labels[0] === label) return 'unchanged';
  if ((await group.hooks()) === null) return 'free';
  if (!(await group.listLabels()).some((l) => l.name === label)) {
    await group.createLabel(quarterLabelOf(quarter));
  }
  const after = await group.updateBoard(board.id, { labels: [label] });
  ctx.log.info({ board: board.id, label, scoped: after.labels.includes(label) }, 'checkpoints board scoped to the quarter');
  return 'scoped';
}
