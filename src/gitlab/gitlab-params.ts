import { z } from 'zod';
import type { HookSettings, IssueChange, IssueDraft, IssueQuery } from '../core/gitlab-port.js';

/*
 * Port inputs to GitLab request parameters (camelCase; the HTTP layer decamelizes), and offset
 * paging. Kept apart from the adapter so the mapping reads on one screen.
 */

/** GitLab's maximum page size. */
export const PER_PAGE = 100;

/** Query parameters of `GET /projects/:id/issues` for a port query; newest first. */
export function issueQueryParams(q: IssueQuery): Record<string, unknown> {
  return {
    labels: q.labels?.length ? q.labels.join(',') : undefined,
    not: q.notLabels?.length ? { labels: q.notLabels.join(',') } : undefined,
    state: q.state,
    search: q.search,
    in: q.search ? 'title,description' : undefined,
    updatedAfter: q.updatedAfter,
    authorUsername: q.author,
    assigneeUsername: q.assignee,
    iids: q.iids?.length ? q.iids : undefined,
    orderBy: 'created_at',
    sort: 'desc',
  };
}

/** Body of `POST /projects/:id/issues`, assignees already resolved to ids. */
export function createIssueParams(draft: IssueDraft, assigneeIds: number[]) {
  return {
    description: draft.description,
    labels: draft.labels.join(','),
    assigneeIds,
    confidential: draft.confidential,
    ...(draft.dueDate ? { dueDate: draft.dueDate } : {}),
  };
}

/** Body of `PUT /projects/:id/issues/:iid`; only fields present in `change`. */
export function editIssueParams(change: IssueChange, assigneeIds: number[] | undefined) {
  return {
    ...(change.title !== undefined ? { title: change.title } : {}),
    ...(change.description !== undefined ? { description: change.description } : {}),
    ...(change.addLabels?.length ? { addLabels: change.addLabels.join(',') } : {}),
    ...(change.removeLabels?.length ? { removeLabels: change.removeLabels.join(',') } : {}),
    ...(assigneeIds !== undefined ? { assigneeIds } : {}),
    ...(change.confidential !== undefined ? { confidential: change.confidential } : {}),
    // GitLab clears the date when given an empty string.
    ...(change.dueDate !== undefined ? { dueDate: change.dueDate ?? '' } : {}),
    ...(change.stateEvent !== undefined ? { stateEvent: change.stateEvent } : {}),
  };
}

/** Body of `POST/PUT /projects/:id/hooks` (besides `url`). */
export function hookParams(s: HookSettings) {
  return {
    token: s.token,
    issuesEvents: s.issuesEvents,
    confidentialIssuesEvents: s.confidentialIssuesEvents,
    noteEvents: s.noteEvents,
    confidentialNoteEvents: s.confidentialNoteEvents,
    pushEvents: s.pushEvents,
    enableSslVerification: s.enableSslVerification,
  };
}

/** What gitbeaker returns for one page with `showExpanded: true` (its NaNs mean "header absent"). */
const expandedPage = z.object({
  data: z.array(z.unknown()).catch([]),
  paginationInfo: z
    .object({ next: z.number().nullish().catch(null), totalPages: z.number().nullish().catch(null) })
    .catch({ next: null, totalPages: null }),
});

/**
 * Every item of an offset-paged list, one page at a time, so a long listing streams instead of
 * loading everything first. Follows `X-Next-Page`; when GitLab leaves the totals out (it does past
 * 10,000 items) a full page means there may be another.
 */
export async function* pages(fetchPage: (page: number) => Promise<unknown>): AsyncGenerator<unknown> {
  for (let page = 1; ; ) {
    const { data, paginationInfo: info } = expandedPage.parse(await fetchPage(page));
    yield* data;
    const totalsKnown = typeof info.totalPages === 'number';
    const next = info.next ?? (!totalsKnown && data.length >= PER_PAGE ? page + 1 : null);
    if (!next || next <= page) return;
    page = next;
  }
}

/** Every item of an offset-paged list, collected. */
export async function allPages(fetchPage: (page: number) => Promise<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of pages(fetchPage)) out.push(item);
  return out;
}
