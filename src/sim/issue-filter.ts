import { canAdminIssue, canReadProject } from './access.js';
import type { SimContext } from './context.js';
import { invalid } from './errors.js';
import { bool, intList, list, nested, oneOf, str, type Params } from './params.js';
import { idsWithTitle } from './labels.js';
import { findUserByName } from './store.js';
import type { SimIssue, SimProject, SimUser } from './types.js';

type Pred = (issue: SimIssue) => boolean;

function time(p: Params, key: string): string | undefined {
  const v = str(p, key);
  if (v === undefined || v === '') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalid(key);
  return new Date(ms).toISOString();
}

function userIdsFor(ctx: SimContext, names: string[]): number[] {
  return names.map((n) => findUserByName(ctx.store, n)?.id ?? -1);
}

/**
 * Issues of one project that match, before visibility: uses the label index to avoid full scans.
 * A label filter names titles, so a title matches the project's label and any ancestor group label
 * of that title (IssuesFinder filters on `labels.title`).
 */
function candidates(ctx: SimContext, project: SimProject, labelTitles: string[] | undefined): Iterable<SimIssue> {
  const real = (labelTitles ?? []).filter((t) => t !== 'None' && t !== 'Any');
  if (real.length === 0) return project.issues.values();
  let smallest: Set<SimIssue> | undefined;
  for (const title of real) {
    const set = new Set<SimIssue>();
    for (const id of idsWithTitle(ctx.store, project, title)) for (const issue of project.labelIndex.get(id) ?? []) set.add(issue);
    if (set.size === 0) return [];
    if (!smallest || set.size < smallest.size) smallest = set;
  }
  return smallest ?? [];
}

/** The predicates of IssuesFinder for the list parameters GitLab documents. */
function predicates(ctx: SimContext, project: SimProject, user: SimUser, p: Params, defaultScope: 'all' | 'created_by_me'): Pred[] {
  const preds: Pred[] = [];
  const state = oneOf(p, 'state', ['opened', 'closed', 'all'] as const) ?? 'all';
  if (state !== 'all') preds.push((i) => i.state === state);
  const labels = list(p, 'labels');
  if (labels) {
    const wanted = labels.filter((t) => t !== 'None' && t !== 'Any').map((t) => idsWithTitle(ctx.store, project, t));
    if (labels.includes('None')) preds.push((i) => i.labelIds.length === 0);
    if (labels.includes('Any')) preds.push((i) => i.labelIds.length > 0);
    if (wanted.length) preds.push((i) => wanted.every((ids) => ids.some((id) => i.labelIds.includes(id))));
  }
  const notLabels = nested(p, 'not', 'labels');
  if (notLabels !== undefined) {
    const ids = (list({ v: notLabels }, 'v') ?? []).flatMap((t) => idsWithTitle(ctx.store, project, t));
    preds.push((i) => !ids.some((id) => i.labelIds.includes(id)));
  }
  const search = str(p, 'search')?.toLowerCase();
  if (search) {
    const fields = list(p, 'in') ?? ['title', 'description'];
    preds.push((i) => (fields.includes('title') && i.title.toLowerCase().includes(search)) || (fields.includes('description') && i.description.toLowerCase().includes(search)));
  }
  const assigneeNames = list(p, 'assignee_username');
  if (assigneeNames) {
    const ids = userIdsFor(ctx, assigneeNames);
    preds.push((i) => ids.every((id) => i.assigneeIds.includes(id)));
  }
  const assigneeId = str(p, 'assignee_id');
  if (assigneeId !== undefined && assigneeId !== '') {
    if (assigneeId.toLowerCase() === 'none') preds.push((i) => i.assigneeIds.length === 0);
    else if (assigneeId.toLowerCase() === 'any') preds.push((i) => i.assigneeIds.length > 0);
    else preds.push((i) => i.assigneeIds.includes(Number(assigneeId)));
  }
  const author = str(p, 'author_username');
  if (author) {
    const id = findUserByName(ctx.store, author)?.id ?? -1;
    preds.push((i) => i.authorId === id);
  }
  const authorId = str(p, 'author_id');
  if (authorId) preds.push((i) => i.authorId === Number(authorId));
  const confidential = bool(p, 'confidential');
  if (confidential !== undefined) preds.push((i) => i.confidential === confidential);
  const iids = intList(p, 'iids');
  if (iids) preds.push((i) => iids.includes(i.iid));
  for (const [key, cmp] of [['updated_after', 1], ['updated_before', -1], ['created_after', 1], ['created_before', -1]] as const) {
    const t = time(p, key);
    if (!t) continue;
    const field = key.startsWith('updated') ? 'updatedAt' : 'createdAt';
    preds.push((i) => (cmp > 0 ? i[field] >= t : i[field] <= t));
  }
  const scope = oneOf(p, 'scope', ['created_by_me', 'assigned_to_me', 'all', 'created-by-me', 'assigned-to-me'] as const) ?? defaultScope;
  if (scope === 'created_by_me' || scope === 'created-by-me') preds.push((i) => i.authorId === user.id);
  if (scope === 'assigned_to_me' || scope === 'assigned-to-me') preds.push((i) => i.assigneeIds.includes(user.id));
  return preds;
}

/** Sorts as `order_by` / `sort` ask, with the id as tie-breaker like GitLab's keyset-safe ordering. */
export function sortIssues(issues: SimIssue[], p: Params): SimIssue[] {
  const orderBy = oneOf(p, 'order_by', ['created_at', 'updated_at', 'priority', 'due_date', 'relative_position', 'label_priority', 'milestone_due', 'popularity', 'weight', 'title'] as const) ?? 'created_at';
  const dir = (oneOf(p, 'sort', ['asc', 'desc'] as const) ?? 'desc') === 'asc' ? 1 : -1;
  const key = (i: SimIssue): string | number => {
    if (orderBy === 'updated_at') return i.updatedAt;
    if (orderBy === 'title') return i.title.toLowerCase();
    if (orderBy === 'due_date') return i.dueDate ?? (dir > 0 ? '9999' : '0000');
    if (orderBy === 'relative_position') return i.seq;
    return i.createdAt;
  };
  return issues.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -dir;
    if (ka > kb) return dir;
    return (a.id - b.id) * dir;
  });
}

/** Issues of the given projects that `user` may see and that match the list parameters. */
export function findIssues(ctx: SimContext, projects: SimProject[], user: SimUser, p: Params, defaultScope: 'all' | 'created_by_me'): SimIssue[] {
  const out: SimIssue[] = [];
  const labels = list(p, 'labels');
  for (const project of projects) {
    if (!canReadProject(ctx.store, user, project)) continue;
    const preds = predicates(ctx, project, user, p, defaultScope);
    const allConfidential = canAdminIssue(ctx.store, user, project);
    for (const issue of candidates(ctx, project, labels)) {
      if (issue.confidential && !allConfidential && issue.authorId !== user.id && !issue.assigneeIds.includes(user.id)) continue;
      if (preds.every((f) => f(issue))) out.push(issue);
    }
  }
  return sortIssues(out, p);
}
