import type { SimStore } from './store.js';
import type { SimGroup, SimIssue, SimNote, SimProject, SimUser } from './types.js';

/** GitLab's access levels. */
export const ACCESS = { none: 0, minimal: 5, guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

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

/** Whether a group is visible to the user. */
export function canReadGroup(store: SimStore, user: SimUser, group: SimGroup): boolean {
  if (user.admin || group.visibility !== 'private') return true;
  if (groupAccess(store, user, group) > 0) return true;
  // A member of any project in the group can see it, as GitLab's `has_projects` rule allows.
  for (const p of store.projects.values()) {
    if (p.namespace.kind === 'group' && p.namespace.ownerId === group.id && p.members.has(user.id)) return true;
  }
  return false;
}
