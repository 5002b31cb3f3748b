import { groupProjects, type SimStore } from './store.js';
import type { SimGroup, SimIssue, SimMember, SimNote, SimProject, SimUser } from './types.js';

/** GitLab's access levels. */
export const ACCESS = { none: 0, minimal: 5, guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

/** `Gitlab::Access.options_with_owner` names (lib/gitlab/access.rb), as validation messages print them. */
export const ACCESS_NAMES: Record<number, string> = { 5: 'Minimal Access', 10: 'Guest', 15: 'Planner', 20: 'Reporter', 30: 'Developer', 40: 'Maintainer', 50: 'Owner' };

/** Direct or inherited access of a user to a group (max over the group and its ancestors). */
export function groupAccess(store: SimStore, user: SimUser, group: SimGroup | undefined): number {
  let level = 0;
  let g = group;
  while (g) {
    level = Math.max(level, g.members.get(user.id)?.accessLevel ?? 0);
    g = g.parentId === null ? undefined : store.groups.get(g.parentId);
  }
  return level;
}

/** The direct membership with the highest level among the given groups (GitLab's `highest_group_member`). */
export function highestGroupMember(user: SimUser, groups: SimGroup[]): { group: SimGroup; member: SimMember } | null {
  let best: { group: SimGroup; member: SimMember } | null = null;
  for (const group of groups) {
    const member = group.members.get(user.id);
    if (member && (!best || member.accessLevel > best.member.accessLevel)) best = { group, member };
  }
  return best;
}

/** A group level for permission checks: admins act as Owners (`max_member_access_for_user`). */
export function groupLevel(store: SimStore, user: SimUser, group: SimGroup): number {
  return user.admin ? ACCESS.owner : groupAccess(store, user, group);
}

/** A user's effective membership level in a project (0 when not a member). Admins are not members. */
export function projectAccess(store: SimStore, user: SimUser, project: SimProject): number {
  let level = project.members.get(user.id)?.accessLevel ?? 0;
  if (project.namespace.kind === 'group') {
    level = Math.max(level, groupAccess(store, user, store.groups.get(project.namespace.ownerId)));
  } else if (project.namespace.ownerId === user.id) {
    level = ACCESS.owner;
  }
  return level;
}

/** The level used for permission checks: admins act as owners everywhere. */
function effective(store: SimStore, user: SimUser, project: SimProject): number {
  return user.admin ? ACCESS.owner : projectAccess(store, user, project);
}

/** `read_project`: members, admins, and any signed-in user on internal or public projects. */
export function canReadProject(store: SimStore, user: SimUser, project: SimProject): boolean {
  return project.visibility !== 'private' || effective(store, user, project) >= ACCESS.guest;
}

/** `admin_issue`: set labels, assignees, due date, confidentiality (Planner and up). */
export function canAdminIssue(store: SimStore, user: SimUser, project: SimProject): boolean {
  return effective(store, user, project) >= ACCESS.planner;
}

/** `read_issue` on one issue: confidential ones need Planner+, authorship or assignment. */
export function canReadIssue(store: SimStore, user: SimUser, project: SimProject, issue: SimIssue): boolean {
  if (!canReadProject(store, user, project)) return false;
  if (!issue.confidential) return true;
  return canAdminIssue(store, user, project) || issue.authorId === user.id || issue.assigneeIds.includes(user.id);
}

/** `update_issue`: Planner+, or the author or an assignee (with at least guest access). */
export function canUpdateIssue(store: SimStore, user: SimUser, project: SimProject, issue: SimIssue): boolean {
  if (!canReadIssue(store, user, project, issue)) return false;
  return canAdminIssue(store, user, project) || issue.authorId === user.id || issue.assigneeIds.includes(user.id);
}

/** `admin_note`: the note's author, or Maintainer+. */
export function canAdminNote(store: SimStore, user: SimUser, project: SimProject, note: SimNote): boolean {
  return note.authorId === user.id || effective(store, user, project) >= ACCESS.maintainer;
}

/** `admin_label`: Planner and up (Reporter included). */
export function canAdminLabel(store: SimStore, user: SimUser, project: SimProject): boolean {
  return effective(store, user, project) >= ACCESS.planner;
}

/** `admin_issue_board` and `admin_issue_board_list` (ProjectPolicy: Planner and up). */
export function canAdminBoard(store: SimStore, user: SimUser, project: SimProject): boolean {
  return effective(store, user, project) >= ACCESS.planner;
}

/** `download_code`: Reporter and up on private projects. */
export function canReadCode(store: SimStore, user: SimUser, project: SimProject): boolean {
  return project.visibility !== 'private' || effective(store, user, project) >= ACCESS.reporter;
}

/** Push to a branch: the default branch is fully protected (Maintainers), others need Developer. */
export function canPush(store: SimStore, user: SimUser, project: SimProject, branch: string): boolean {
  const need = branch === project.defaultBranch ? ACCESS.maintainer : ACCESS.developer;
  return effective(store, user, project) >= need;
}

/** Maintainer-only project settings: hooks and members. */
export function canAdminProject(store: SimStore, user: SimUser, project: SimProject): boolean {
  return effective(store, user, project) >= ACCESS.maintainer;
}

/** `remove_project` (app/policies/project_policy.rb: Owner, including group Owners, and admins). */
export function canRemoveProject(store: SimStore, user: SimUser, project: SimProject): boolean {
  return effective(store, user, project) >= ACCESS.owner;
}

/**
 * `set_issue_metadata` on an issue being created (app/policies/issue_policy.rb): admins, and project
 * members with at least Guest access (`~persisted & is_project_member & can?(:guest_access)`).
 * On an existing issue it is `admin_issue` (Planner and up).
 */
export function canSetNewIssueMetadata(store: SimStore, user: SimUser, project: SimProject): boolean {
  return effective(store, user, project) >= ACCESS.guest;
}

/** Whether a group is visible to the user (GroupPolicy `read_group`). */
export function canReadGroup(store: SimStore, user: SimUser, group: SimGroup): boolean {
  if (user.admin || group.visibility !== 'private') return true;
  if (groupAccess(store, user, group) > 0) return true;
  // A member of any project below the group can see it, as GroupPolicy's `has_projects` rule allows.
  return groupProjects(store, group, true).some((p) => p.members.has(user.id));
}

/** `admin_group` (GroupPolicy: Owner, and admins): group settings, members and (Premium) webhooks. */
export function canAdminGroup(store: SimStore, user: SimUser, group: SimGroup): boolean {
  return groupLevel(store, user, group) >= ACCESS.owner;
}

/** `admin_label` on a group: Planner and up (GroupPolicy `planner` and `reporter` rules). */
export function canAdminGroupLabel(store: SimStore, user: SimUser, group: SimGroup): boolean {
  return groupLevel(store, user, group) >= ACCESS.planner;
}

/**
 * `create_projects` in a group (app/policies/group_policy.rb): the group's `project_creation_level`
 * (default: the instance's `default_project_creation`, Developers + Maintainers; Owners always count
 * as they are above both) against the user's group level. Admins may always.
 */
export function canCreateProjectIn(store: SimStore, user: SimUser, group: SimGroup): boolean {
  if (user.admin) return true;
  const level = groupAccess(store, user, group);
  switch (group.projectCreationLevel) {
    case 'developer': return level >= ACCESS.developer;
    case 'maintainer': return level >= ACCESS.maintainer;
    case 'owner': return level >= ACCESS.owner;
    default: return false;
  }
}
