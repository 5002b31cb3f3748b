import type { SimContext } from './context.js';
import { groupAccess } from './access.js';
import { namespaceFullPath, namespaceName, projectFullPath } from './store.js';
import { avatarUrl, userBasic } from './present-user.js';
import type { SimGroup, SimMember, SimProject, SimUser, Visibility } from './types.js';

const VISIBILITY_LEVEL: Record<Visibility, number> = { private: 0, internal: 10, public: 20 };

/** `Gitlab::VisibilityLevel` number of a visibility name. */
export function visibilityLevel(v: Visibility): number {
  return VISIBILITY_LEVEL[v];
}

/** A project's web URL. */
export function projectWebUrl(ctx: SimContext, project: SimProject): string {
  return `${ctx.baseUrl}/${projectFullPath(ctx.store, project)}`;
}

function host(ctx: SimContext): string {
  return new URL(ctx.baseUrl || 'http://localhost').hostname;
}

/** `API::Entities::NamespaceBasic` of a project's namespace. */
export function namespaceEntity(ctx: SimContext, project: SimProject) {
  const full = namespaceFullPath(ctx.store, project);
  const group = project.namespace.kind === 'group' ? ctx.store.groups.get(project.namespace.ownerId) : undefined;
  const user = project.namespace.kind === 'user' ? ctx.store.users.get(project.namespace.ownerId) : undefined;
  return {
    id: project.namespace.namespaceId,
    name: namespaceName(ctx.store, project),
    path: group?.path ?? user?.username ?? full,
    kind: project.namespace.kind,
    full_path: full,
    parent_id: group?.parentId ?? null,
    avatar_url: user ? avatarUrl(user) : null,
    web_url: group ? `${ctx.baseUrl}/groups/${full}` : `${ctx.baseUrl}/${full}`,
  };
}

/** `Project#readme_url`: the default branch's README.md, if there is one. */
function readmeUrl(project: SimProject, web: string): string | null {
  const head = project.repo.branches.get(project.defaultBranch);
  const has = head ? project.repo.commits.get(head)?.tree.has('README.md') : false;
  return has ? `${web}/-/blob/${project.defaultBranch}/README.md` : null;
}

/** `API::Entities::Project` (the fields clients read; GitLab returns more). */
export function projectEntity(ctx: SimContext, project: SimProject, viewer: SimUser) {
  const full = projectFullPath(ctx.store, project);
  const web = projectWebUrl(ctx, project);
  const api = `${ctx.baseUrl}/api/v4/projects/${project.id}`;
  const owner = project.namespace.kind === 'user' ? ctx.store.users.get(project.namespace.ownerId) : undefined;
  const direct = project.members.get(viewer.id)?.accessLevel;
  const group = project.namespace.kind === 'group' ? ctx.store.groups.get(project.namespace.ownerId) : undefined;
  const groupLevel = group ? groupAccess(ctx.store, viewer, group) : 0;
  let open = 0;
  for (const issue of project.issues.values()) if (issue.state === 'opened') open += 1;
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${namespaceName(ctx.store, project)} / ${project.name}`,
    path: project.path,
    path_with_namespace: full,
    created_at: project.createdAt,
    default_branch: project.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host(ctx)}:${full}.git`,
    http_url_to_repo: `${web}.git`,
    web_url: web,
    readme_url: readmeUrl(project, web),
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: project.lastActivityAt,
    namespace: namespaceEntity(ctx, project),
    _links: {
      self: api, issues: `${api}/issues`, merge_requests: `${api}/merge_requests`, repo_branches: `${api}/repository/branches`,
      labels: `${api}/labels`, events: `${api}/events`, members: `${api}/members`, cluster_agents: `${api}/cluster_agents`,
    },
    empty_repo: project.repo.commits.size === 0,
    archived: false,
    visibility: project.visibility,
    ...(owner ? { owner: userBasic(ctx, owner) } : {}),
    issues_enabled: true,
    merge_requests_enabled: true,
    wiki_enabled: true,
    jobs_enabled: true,
    snippets_enabled: true,
    issues_access_level: 'enabled',
    repository_access_level: 'enabled',
    merge_requests_access_level: 'enabled',
    creator_id: project.creatorId,
    open_issues_count: open,
    issues_template: null,
    permissions: {
      project_access: direct === undefined ? null : { access_level: direct, notification_level: 3 },
      group_access: groupLevel > 0 ? { access_level: groupLevel, notification_level: 3 } : null,
    },
  };
}

/** `Project#hook_attrs`: the `project` object of webhook payloads. */
export function projectHookAttrs(ctx: SimContext, project: SimProject) {
  const full = projectFullPath(ctx.store, project);
  const web = projectWebUrl(ctx, project);
  const ssh = `git@${host(ctx)}:${full}.git`;
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    web_url: web,
    avatar_url: null,
    git_ssh_url: ssh,
    git_http_url: `${web}.git`,
    namespace: namespaceName(ctx.store, project),
    visibility_level: visibilityLevel(project.visibility),
    path_with_namespace: full,
    default_branch: project.defaultBranch,
    ci_config_path: null,
    homepage: web,
    url: ssh,
    ssh_url: ssh,
    http_url: `${web}.git`,
  };
}

/** The `repository` object of issue and note payloads. */
export function repositoryHookAttrs(ctx: SimContext, project: SimProject) {
  const web = projectWebUrl(ctx, project);
  return { name: project.name, url: `git@${host(ctx)}:${projectFullPath(ctx.store, project)}.git`, description: project.description, homepage: web };
}

/** `API::Entities::Group`. */
export function groupEntity(ctx: SimContext, group: SimGroup) {
  return {
    id: group.id,
    web_url: `${ctx.baseUrl}/groups/${group.fullPath}`,
    name: group.name,
    path: group.path,
    description: group.description,
    visibility: group.visibility,
    share_with_group_lock: false,
    require_two_factor_authentication: false,
    two_factor_grace_period: 48,
    project_creation_level: group.projectCreationLevel,
    auto_devops_enabled: null,
    subgroup_creation_level: 'maintainer',
    emails_disabled: false,
    emails_enabled: true,
    mentions_disabled: null,
    lfs_enabled: true,
    default_branch: null,
    default_branch_protection: 2,
    avatar_url: null,
    request_access_enabled: true,
    full_name: fullName(ctx, group),
    full_path: group.fullPath,
    created_at: group.createdAt,
    parent_id: group.parentId,
    organization_id: 1,
    shared_runners_setting: 'enabled',
    ldap_cn: null,
    ldap_access: null,
    wiki_access_level: 'enabled',
  };
}

function fullName(ctx: SimContext, group: SimGroup): string {
  const parent = group.parentId === null ? undefined : ctx.store.groups.get(group.parentId);
  return parent ? `${fullName(ctx, parent)} / ${group.name}` : group.name;
}

/** `API::Entities::Member`. */
export function memberEntity(ctx: SimContext, user: SimUser, member: SimMember) {
  const creator = member.createdBy === null ? undefined : ctx.store.users.get(member.createdBy);
  return {
    ...userBasic(ctx, user),
    access_level: member.accessLevel,
    created_at: member.createdAt,
    ...(creator ? { created_by: userBasic(ctx, creator) } : {}),
    expires_at: member.expiresAt,
    membership_state: 'active',
  };
}
