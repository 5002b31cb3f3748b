import type { SimContext } from './context.js';
import { projectFullPath } from './store.js';
import { labelBasic } from './present-label.js';
import { userBasic, userBasicById } from './present-user.js';
import type { SimIssue, SimIssueLink, SimLabel, SimNote, SimProject } from './types.js';

const TASK = /^\s*(?:[-+*]|\d+[.)])\s+\[([ xX~])\]\s/;

/** `{count, completed_count}` of the Markdown task list, skipping fenced code as the renderer does. */
export function taskCompletion(text: string): { count: number; completed_count: number } {
  let count = 0;
  let done = 0;
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    const m = TASK.exec(line);
    if (!m || m[1] === '~') continue;
    count += 1;
    if (m[1] === 'x' || m[1] === 'X') done += 1;
  }
  return { count, completed_count: done };
}

/** The web URL of an issue: `<url>/<path>/-/issues/<iid>`. */
export function issueWebUrl(ctx: SimContext, project: SimProject, issue: SimIssue): string {
  return `${ctx.baseUrl}/${projectFullPath(ctx.store, project)}/-/issues/${issue.iid}`;
}

/** Labels of an issue (project and ancestor group labels), sorted by title as GitLab lists them. */
export function issueLabels(ctx: SimContext, issue: SimIssue): SimLabel[] {
  const labels = issue.labelIds.map((id) => ctx.store.labels.get(id)).filter((l): l is SimLabel => l !== undefined);
  return labels.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

/** `API::Entities::Issue`. `withLabelsDetails` renders labels as objects; `single` adds `subscribed`. */
export function issueEntity(ctx: SimContext, project: SimProject, issue: SimIssue, opts: { withLabelsDetails?: boolean; single?: boolean } = {}) {
  const api = `${ctx.baseUrl}/api/v4/projects/${project.id}`;
  const labels = issueLabels(ctx, issue);
  const assignees = issue.assigneeIds.map((id) => userBasicById(ctx, id)).filter((u) => u !== null);
  const tasks = taskCompletion(issue.description);
  const full = projectFullPath(ctx.store, project);
  const author = ctx.store.users.get(issue.authorId);
  return {
    id: issue.id,
    iid: issue.iid,
    project_id: project.id,
    title: issue.title,
    description: issue.description,
    state: issue.state,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    closed_by: userBasicById(ctx, issue.closedById),
    labels: opts.withLabelsDetails ? labels.map(labelBasic) : labels.map((l) => l.title),
    milestone: null,
    assignees,
    author: author ? userBasic(ctx, author) : null,
    type: 'ISSUE',
    assignee: assignees[0] ?? null,
    user_notes_count: issue.userNotesCount,
    merge_requests_count: 0,
    upvotes: 0,
    downvotes: 0,
    due_date: issue.dueDate,
    confidential: issue.confidential,
    discussion_locked: issue.discussionLocked,
    issue_type: 'issue',
    web_url: issueWebUrl(ctx, project, issue),
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    task_completion_status: tasks,
    has_tasks: tasks.count > 0,
    ...(tasks.count > 0 ? { task_status: `${tasks.completed_count} of ${tasks.count} checklist item${tasks.count === 1 ? '' : 's'} completed` } : {}),
    _links: {
      self: `${api}/issues/${issue.iid}`,
      notes: `${api}/issues/${issue.iid}/notes`,
      award_emoji: `${api}/issues/${issue.iid}/award_emoji`,
      project: api,
      closed_as_duplicate_of: null,
    },
    references: { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${full}#${issue.iid}` },
    severity: 'UNKNOWN',
    ...(opts.single ? { subscribed: true } : {}),
    moved_to_id: null,
    imported: false,
    imported_from: 'none',
    service_desk_reply_to: null,
  };
}

/** `API::Entities::RelatedIssue`: the linked issue seen from `fromIssueId`, with link details. */
export function relatedIssueEntity(ctx: SimContext, link: SimIssueLink, fromIssueId: number) {
  const otherId = link.sourceId === fromIssueId ? link.targetId : link.sourceId;
  const other = ctx.store.issues.get(otherId);
  const project = other ? ctx.store.projects.get(other.projectId) : undefined;
  if (!other || !project) return null;
  let linkType = link.linkType;
  // A "blocks" link reads as "is_blocked_by" from its target's side.
  if (link.targetId === fromIssueId && linkType === 'blocks') linkType = 'is_blocked_by';
  return {
    ...issueEntity(ctx, project, other),
    issue_link_id: link.id,
    link_type: linkType,
    link_created_at: link.createdAt,
    link_updated_at: link.updatedAt,
  };
}

/**
 * `API::Entities::Note`. Keys are limited to what GitLab's notes.json schema allows
 * (it forbids extra keys), which drops the newer `project_id`, `imported` and `imported_from`.
 */
export function noteEntity(ctx: SimContext, note: SimNote, issue: SimIssue) {
  const author = ctx.store.users.get(note.authorId);
  return {
    id: note.id,
    type: null,
    body: note.body,
    attachment: null,
    author: author ? userBasic(ctx, author) : null,
    created_at: note.createdAt,
    updated_at: note.updatedAt,
    system: note.system,
    noteable_id: issue.id,
    noteable_type: 'Issue',
    resolvable: false,
    confidential: note.internal,
    internal: note.internal,
    noteable_iid: issue.iid,
    commands_changes: {},
  };
}
