import { hookTime } from './clock.js';
import type { SimContext } from './context.js';
import { issueLabels, issueWebUrl } from './present-issue.js';
import { labelHookAttrs } from './present-label.js';
import { projectHookAttrs, projectWebUrl, repositoryHookAttrs } from './present-project.js';
import { avatarUrl, userHookAttrs } from './present-user.js';
import type { SimCommit, SimIssue, SimNote, SimProject, SimUser } from './types.js';

/** `Issue#hook_attrs` (Gitlab::HookData::IssueBuilder): the issue as payloads carry it. */
export function issueHookAttrs(ctx: SimContext, project: SimProject, issue: SimIssue) {
  return {
    author_id: issue.authorId,
    closed_at: hookTime(issue.closedAt),
    confidential: issue.confidential,
    created_at: hookTime(issue.createdAt),
    description: issue.description,
    discussion_locked: issue.discussionLocked,
    due_date: issue.dueDate,
    id: issue.id,
    iid: issue.iid,
    last_edited_at: hookTime(issue.lastEditedAt),
    last_edited_by_id: issue.lastEditedById,
    milestone_id: null,
    moved_to_id: null,
    duplicated_to_id: null,
    project_id: project.id,
    relative_position: issue.seq * 513,
    state_id: issue.state === 'opened' ? 1 : 2,
    time_estimate: 0,
    title: issue.title,
    updated_at: hookTime(issue.updatedAt),
    updated_by_id: issue.updatedById,
    type: 'Issue',
    url: issueWebUrl(ctx, project, issue),
    total_time_spent: 0,
    time_change: 0,
    human_total_time_spent: null,
    human_time_change: null,
    human_time_estimate: null,
    assignee_ids: [...issue.assigneeIds],
    assignee_id: issue.assigneeIds[0] ?? null,
    labels: issueLabels(ctx, issue).map(labelHookAttrs),
    state: issue.state,
    severity: 'unknown',
    customer_relations_contacts: [],
    weight: null,
    health_status: null,
    escalation_status: null,
    escalation_policy: null,
  };
}

function assigneesOf(ctx: SimContext, issue: SimIssue) {
  return issue.assigneeIds
    .map((id) => ctx.store.users.get(id))
    .filter((u): u is SimUser => u !== undefined)
    .map((u) => userHookAttrs(ctx, u));
}

/** An `Issue Hook` / `Confidential Issue Hook` payload. */
export function issuePayload(ctx: SimContext, project: SimProject, issue: SimIssue, user: SimUser, action: string, changes: Record<string, unknown>) {
  const assignees = assigneesOf(ctx, issue);
  return {
    object_kind: 'issue',
    event_type: issue.confidential ? 'confidential_issue' : 'issue',
    user: userHookAttrs(ctx, user),
    project: projectHookAttrs(ctx, project),
    object_attributes: { ...issueHookAttrs(ctx, project, issue), action },
    labels: issueLabels(ctx, issue).map(labelHookAttrs),
    changes,
    repository: repositoryHookAttrs(ctx, project),
    // GitLab adds these only when the issue has assignees.
    ...(assignees.length > 0 ? { assignees, assignee: assignees[0] } : {}),
  };
}

/** A `Note Hook` / `Confidential Note Hook` payload for a comment on an issue. */
export function notePayload(ctx: SimContext, project: SimProject, issue: SimIssue, note: SimNote, user: SimUser, action: 'create' | 'update') {
  const confidential = note.internal || issue.confidential;
  return {
    object_kind: 'note',
    event_type: confidential ? 'confidential_note' : 'note',
    user: userHookAttrs(ctx, user),
    project_id: project.id,
    project: projectHookAttrs(ctx, project),
    object_attributes: {
      attachment: null,
      author_id: note.authorId,
      change_position: null,
      commit_id: null,
      created_at: hookTime(note.createdAt),
      discussion_id: discussionId(note),
      id: note.id,
      line_code: null,
      note: note.body,
      noteable_id: issue.id,
      noteable_type: 'Issue',
      original_position: null,
      position: null,
      project_id: project.id,
      resolved_at: null,
      resolved_by_id: null,
      resolved_by_push: null,
      st_diff: null,
      system: note.system,
      type: null,
      updated_at: hookTime(note.updatedAt),
      updated_by_id: note.updatedById,
      internal: note.internal,
      description: note.body,
      url: `${issueWebUrl(ctx, project, issue)}#note_${note.id}`,
      action,
    },
    repository: repositoryHookAttrs(ctx, project),
    issue: { ...issueHookAttrs(ctx, project, issue), position: issue.seq * 513, branch_name: null },
  };
}

/** A stable 40-hex discussion id per note, as GitLab derives one for individual notes. */
function discussionId(note: SimNote): string {
  return (note.id.toString(16).padStart(8, '0') + 'd15c0551d'.repeat(4)).slice(0, 40);
}

/** A `Push Hook` payload for commits pushed to a branch. */
export function pushPayload(ctx: SimContext, project: SimProject, user: SimUser, branch: string, before: string, commits: SimCommit[]) {
  const web = projectWebUrl(ctx, project);
  const after = commits[commits.length - 1]?.id ?? before;
  const repo = repositoryHookAttrs(ctx, project);
  const projectAttrs = projectHookAttrs(ctx, project);
  return {
    object_kind: 'push',
    event_name: 'push',
    before,
    after,
    ref: `refs/heads/${branch}`,
    ref_protected: branch === project.defaultBranch,
    checkout_sha: after,
    message: null,
    user_id: user.id,
    user_name: user.name,
    user_username: user.username,
    user_email: '[REDACTED]',
    user_avatar: avatarUrl(user),
    project_id: project.id,
    project: projectAttrs,
    commits: [...commits].reverse().slice(0, 20).map((c) => commitAttrs(ctx, web, c, before, project)),
    total_commits_count: commits.length,
    push_options: {},
    repository: { ...repo, git_http_url: projectAttrs.git_http_url, git_ssh_url: projectAttrs.git_ssh_url, visibility_level: projectAttrs.visibility_level },
  };
}

function commitAttrs(ctx: SimContext, web: string, commit: SimCommit, _before: string, project: SimProject) {
  const author = ctx.store.users.get(commit.authorId);
  const parent = commit.parentIds[0] ? project.repo.commits.get(commit.parentIds[0]) : undefined;
  const added: string[] = [];
  const modified: string[] = [];
  const removed: string[] = [];
  for (const [path, entry] of commit.tree) {
    const old = parent?.tree.get(path);
    if (!old) added.push(path);
    else if (old.blobId !== entry.blobId) modified.push(path);
  }
  for (const path of parent?.tree.keys() ?? []) if (!commit.tree.has(path)) removed.push(path);
  return {
    id: commit.id,
    message: commit.message,
    title: commit.title,
    timestamp: commit.createdAt.replace(/\.\d{3}Z$/, '+00:00'),
    url: `${web}/-/commit/${commit.id}`,
    author: { name: author?.name ?? '', email: author?.email ?? '' },
    added,
    modified,
    removed,
  };
}
