import { z } from 'zod';
import { AppError, PermanentError } from '../core/errors.js';
import type { Board, BoardHost, BoardList } from '../core/gitlab-port.js';
import type { HttpRequester } from './gitlab-http.js';
import { pages, PER_PAGE } from './gitlab-params.js';

/*
 * Issue boards of a project or a group over Trellis's own requester. GitLab's paths are the same
 * under `projects/:id` and `groups/:id` (doc/api/boards.md, doc/api/group_boards.md); the entity is
 * API::Entities::Board, whose `lists` are the destroyable ones (label, assignee, milestone lists,
 * never Open and Closed), and EE adds the scope (`labels`, `milestone`, `assignee`, `weight`).
 */

const listJson = z.object({
  id: z.number(),
  label: z.object({ id: z.number(), name: z.string() }).nullish(),
  position: z.number().nullish(),
});

const boardJson = z.object({
  id: z.number(),
  name: z.string().nullish(),
  labels: z.array(z.object({ name: z.string() })).nullish(),
  lists: z.array(z.unknown()).nullish(),
});

const labelIdJson = z.object({ id: z.number(), name: z.string() });

/** `projects/12` or `groups/34` (as gitbeaker-groups.ts's `Base`, which imports this file). */
type Base = () => Promise<string>;

/** Every item of an offset-paged GET. */
async function* rawPages(raw: HttpRequester, path: string, searchParams: Record<string, unknown> = {}): AsyncGenerator<unknown> {
  yield* pages(async (page) => {
    const res = await raw.get<unknown>(path, { searchParams: { ...searchParams, page, perPage: PER_PAGE } });
    return { data: res.body, paginationInfo: { next: Number(res.headers['x-next-page']) || null, totalPages: Number(res.headers['x-total-pages']) || null } };
  });
}

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new PermanentError('gitlab_rejected', `unexpected GitLab response for ${what}`, { issues: result.error.issues.slice(0, 3) });
  return result.data;
}

/** A board list as the port's `BoardList`. */
export function toBoardList(body: unknown): BoardList {
  const l = parse(listJson, body, 'board list');
  return { id: l.id, label: l.label?.name ?? null, labelId: l.label?.id ?? null, position: l.position ?? 0 };
}

/** A board as the port's `Board`; `home` is the web_url of its project or group. */
export function toBoard(body: unknown, home: string): Board {
  const b = parse(boardJson, body, 'board');
  const lists = (b.lists ?? []).map(toBoardList).sort((x, y) => x.position - y.position);
  return { id: b.id, name: b.name ?? '', labels: (b.labels ?? []).map((l) => l.name), lists, webUrl: `${home.replace(/\/+$/, '')}/-/boards/${b.id}` };
}

/**
 * Board methods of a project or group. `home` gives its web_url (board pages hang below it).
 * Labels are found by name among those the place can use: a project's own and its groups'
 * (`include_ancestor_groups` defaults to true), or a group's and its ancestors'.
 */
export function boardMethods(raw: HttpRequester, base: Base, home: () => Promise<string>): BoardHost {
  async function labelId(label: string): Promise<number> {
    for await (const item of rawPages(raw, `${await base()}/labels`, { search: label })) {
      const l = parse(labelIdJson, item, 'label');
      if (l.name === label) return l.id;
    }
    throw new PermanentError('gitlab_rejected', `GitLab has no label ${label} here to make a board list of`, { label });
  }
  return {
    async listBoards() {
      const url = await home();
      const out: Board[] = [];
      for await (const body of rawPages(raw, `${await base()}/boards`)) out.push(toBoard(body, url));
      return out;
    },
    async createBoard(name) {
      try {
        return toBoard((await raw.post<unknown>(`${await base()}/boards`, { body: { name } })).body, await home());
      } catch (err) {
        // Group boards on Free: GitLab CE has no create route (404), unlicensed EE refuses (403,
        // ee/lib/ee/api/boards_responses.rb: `forbidden! unless multiple_issue_boards_available?`).
        const prefix = await base();
        if (prefix.startsWith('groups/') && err instanceof AppError && (err.code === 'gitlab_not_found' || err.code === 'gitlab_forbidden')) return null;
        throw err;
      }
    },
    async updateBoard(boardId, change) {
      // `labels` is a comma-separated list of names (doc/api/boards.md "Update an issue board").
      const body = { ...(change.name === undefined ? {} : { name: change.name }), ...(change.labels === undefined ? {} : { labels: change.labels.join(',') }) };
      return toBoard((await raw.put<unknown>(`${await base()}/boards/${boardId}`, { body })).body, await home());
    },
    async createBoardList(boardId, label) {
      const id = await labelId(label);
      return toBoardList((await raw.post<unknown>(`${await base()}/boards/${boardId}/lists`, { body: { labelId: id } })).body);
    },
    async moveBoardList(boardId, listId, position) {
      await raw.put<unknown>(`${await base()}/boards/${boardId}/lists/${listId}`, { body: { position } });
    },
    async deleteBoardList(boardId, listId) {
      try {
        await raw.delete<unknown>(`${await base()}/boards/${boardId}/lists/${listId}`);
      } catch (err) {
        // Already gone: what the caller wanted.
        if (!(err instanceof AppError && err.code === 'gitlab_not_found')) throw err;
      }
    },
  };
}
