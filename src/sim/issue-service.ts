import { canAdminIssue, canAdminLabel, canReadProject, canSetNewIssueMetadata } from './access.js';
import type { Actor, SimContext } from './context.js';
import { nowIso } from './context.js';
import { invalid, missing, validation } from './errors.js';
import { fireIssueHook, type IssueChange } from './issue-change.js';
import { interpretCommands, mergeChanges } from './issue-commands.js';
import { labelsByTitles, resolveScoped, setIssueLabels } from './labels.js';
import { bool, has, intList, int, list, oneOf, str, type Params } from './params.js';
import { extractCommands } from './quick-actions.js';
import { readFile } from './repo.js';
import { issueEvents, nextId } from './store.js';
import type { SimIssue, SimProject } from './types.js';

const DEFAULT_TEMPLATE = '.gitlab/issue_templates/Default.md';

/**
 * Assignee ids as IssuableBaseService#filter_assignees_using_checks leaves them (GitLab 16.8+): on
 * Free only the first id counts (`allows_multiple_assignees?` is Premium); ids of users who cannot
 * read the project's issues (`user_can_read?` asks `read_issue` on `issuable.resource_parent`, the
 * project, for new and existing issues alike) are dropped silently; if none is left the parameter is
 * dropped and the assignees stay as they were; `[0]` (IssuableFinder::Params::NONE) and `[]` clear them.
 */
function assigneesFrom(ctx: SimContext, project: SimProject, p: Params): number[] | undefined {
  let ids = intList(p, 'assignee_ids');
  if (ids === undefined && has(p, 'assignee_ids')) ids = [];
  if (ids === undefined) {
    const one = int(p, 'assignee_id');
    if (one === undefined) return has(p, 'assignee_id') ? [] : undefined;
    ids = [one];
  }
  if (ids.length === 0) return [];
  if (ctx.settings.tier === 'free') ids = ids.slice(0, 1);
  if (ids.length === 1 && ids[0] === 0) return [];
  const readable = ids.filter((id) => {
    const u = ctx.store.users.get(id);
    return u !== undefined && canReadProject(ctx.store, u, project);
  });
  return readable.length > 0 ? readable : undefined;
}

function dueDateFrom(p: Params): string | null | undefined {
  if (!has(p, 'due_date')) return undefined;
  const v = str(p, 'due_date');
  if (v === undefined || v === '') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw invalid('due_date');
  return v;
}

/**
 * Request parameters as an IssueChange. Metadata (labels, assignees, due date, lock) needs
 * `set_issue_metadata` (app/policies/issue_policy.rb): on a new issue any project member with Guest
 * access or more (and admins); on an existing one `admin_issue` (Planner and up). Without it GitLab
 * drops those parameters silently (IssuableBaseService#filter_params and Issuable::Callbacks::Labels)
 * and still applies the rest (title, description, state). `confidential` needs `set_confidentiality`:
 * anyone who may create the issue, then `set_issue_metadata` once it exists.
 */
export function paramsToChange(ctx: SimContext, actor: Actor, project: SimProject, p: Params, creating: boolean): IssueChange {
  const change: IssueChange = {};
  if (has(p, 'title')) {
    const title = str(p, 'title') ?? '';
    if (title.trim() === '') throw validation({ title: ["can't be blank"] });
    change.title = title;
  }
  if (has(p, 'description')) change.description = str(p, 'description') ?? '';
  const stateEvent = oneOf(p, 'state_event', ['close', 'reopen'] as const);
  if (stateEvent) change.stateEvent = stateEvent;
  const user = actor.user;
  const createLabels = canAdminLabel(ctx.store, user, project);
  const labels = list(p, 'labels');
  const add = list(p, 'add_labels');
  const remove = list(p, 'remove_labels');
  const meta: IssueChange = {
    labelIds: labels === undefined ? undefined : labelsByTitles(ctx, project, labels, createLabels).map((l) => l.id),
    addLabelIds: add === undefined ? undefined : labelsByTitles(ctx, project, add, createLabels).map((l) => l.id),
    removeLabelIds: remove === undefined ? undefined : labelsByTitles(ctx, project, remove, false).map((l) => l.id),
    assigneeIds: assigneesFrom(ctx, project, p),
    dueDate: dueDateFrom(p),
    discussionLocked: bool(p, 'discussion_locked'),
  };
  const confidential = bool(p, 'confidential');
  const metadata = creating ? canSetNewIssueMetadata(ctx.store, user, project) : canAdminIssue(ctx.store, user, project);
  if (metadata) {
    for (const [k, v] of Object.entries(meta)) if (v !== undefined) (change as Record<string, unknown>)[k] = v;
  }
  if (confidential !== undefined && (creating || metadata)) change.confidential = confidential;
  return change;
}

/** Runs quick actions in a changed description and folds their effects into the change. */
export function withDescriptionCommands(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue | null, change: IssueChange): IssueChange {
  if (change.description === undefined) return change;
  const { content, commands } = extractCommands(change.description);
  if (commands.length === 0) return change;
  const interpreted = interpretCommands(ctx, project, actor.user, issue, commands);
  return mergeChanges({ ...change, description: content }, interpreted.change);
}

/**
 * Creates an issue as Issues::CreateService: per-project iid, Default.md when the description is
 * empty, quick actions applied and removed, unknown labels created, one `open` hook.
 */
export function createIssue(ctx: SimContext, actor: Actor, project: SimProject, p: Params): SimIssue {
  if (!has(p, 'title') || str(p, 'title') === undefined) throw missing('title');
  let change = paramsToChange(ctx, actor, project, p, true);
  if ((change.description ?? '').trim() === '') {
    const template = readFile(project, project.defaultBranch, DEFAULT_TEMPLATE);
    change.description = template ? template.content.toString('utf8') : change.description ?? '';
  }
  change = withDescriptionCommands(ctx, actor, project, null, change);
  const now = nowIso(ctx);
  const createdAt = str(p, 'created_at');
  const canBackdate = actor.user.admin || project.members.get(actor.user.id)?.accessLevel === 50;
  const at = createdAt && canBackdate && !Number.isNaN(Date.parse(createdAt)) ? new Date(createdAt).toISOString() : now;
  const issue: SimIssue = {
    id: nextId(ctx.store, 'issue'),
    iid: project.nextIid,
    projectId: project.id,
    title: change.title ?? '',
    description: change.description ?? '',
    state: 'opened',
    authorId: actor.user.id,
    assigneeIds: [...new Set(change.assigneeIds ?? [])],
    labelIds: [],
    confidential: change.confidential ?? false,
    dueDate: change.dueDate ?? null,
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    closedById: null,
    updatedById: null,
    lastEditedAt: null,
    lastEditedById: null,
    discussionLocked: change.discussionLocked ?? null,
    noteIds: [],
    userNotesCount: 0,
    seq: ctx.store.seq.issue,
  };
  project.nextIid += 1;
  project.issues.set(issue.iid, issue);
  ctx.store.issues.set(issue.id, issue);
  project.lastActivityAt = now;
  let ids = [...(change.labelIds ?? []), ...(change.addLabelIds ?? [])];
  ids = ids.filter((id, i) => ids.indexOf(id) === i && !(change.removeLabelIds ?? []).includes(id));
  setIssueLabels(project, issue, resolveScoped(ctx, ids, ids));
  for (const labelId of issue.labelIds) {
    issueEvents(ctx.store, issue.id).push({ id: nextId(ctx.store, 'event'), kind: 'label', issueId: issue.id, userId: actor.user.id, createdAt: at, labelId, action: 'add' });
  }
  fireIssueHook(ctx, actor, project, issue, 'open', createChanges(issue));
  return issue;
}

/** `changes` of an `open` hook: the columns the INSERT set, from nil to their value. */
function createChanges(issue: SimIssue): Record<string, unknown> {
  const hook = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  const c: Record<string, unknown> = {
    author_id: { previous: null, current: issue.authorId },
    created_at: { previous: null, current: hook(issue.createdAt) },
    description: { previous: null, current: issue.description },
    id: { previous: null, current: issue.id },
    iid: { previous: null, current: issue.iid },
    project_id: { previous: null, current: issue.projectId },
    title: { previous: null, current: issue.title },
    updated_at: { previous: null, current: hook(issue.updatedAt) },
  };
  if (issue.confidential) c.confidential = { previous: false, current: true };
  if (issue.dueDate) c.due_date = { previous: null, current: issue.dueDate };
  return c;
}
