import { createHash } from 'node:crypto';
import type { SimContext } from './context.js';
import type { SimToken, SimUser } from './types.js';

/** Gravatar URL as GitLab builds it for users without an uploaded avatar. */
export function avatarUrl(user: SimUser): string {
  const hash = createHash('sha256').update(user.email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`;
}

/**
 * `API::Entities::UserBasic`. GitLab 15.11+ also sends `locked`; it is left out because GitLab's own
 * issue schema (schemas/public_api/v4/issue.json) forbids extra keys on assignees.
 */
export function userBasic(ctx: SimContext, user: SimUser) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state,
    avatar_url: avatarUrl(user),
    web_url: `${ctx.baseUrl}/${user.username}`,
  };
}

/** A user id rendered as UserBasic, or null when missing. */
export function userBasicById(ctx: SimContext, id: number | null): ReturnType<typeof userBasic> | null {
  if (id === null) return null;
  const user = ctx.store.users.get(id);
  return user ? userBasic(ctx, user) : null;
}

/** `API::Entities::User` (public profile), plus admin-only fields when an admin asks. */
export function userDetail(ctx: SimContext, user: SimUser, viewer: SimUser) {
  const base = {
    ...userBasic(ctx, user),
    created_at: user.createdAt,
    bio: '',
    location: '',
    public_email: null,
    skype: '',
    linkedin: '',
    twitter: '',
    discord: '',
    website_url: '',
    organization: '',
    job_title: '',
    pronouns: null,
    bot: false,
    work_information: null,
    local_time: null,
  };
  const self = viewer.id === user.id;
  if (!self && !viewer.admin) return base;
  return {
    ...base,
    last_sign_in_at: null,
    confirmed_at: user.createdAt,
    last_activity_on: null,
    email: user.email,
    theme_id: 3,
    color_scheme_id: 1,
    projects_limit: 100000,
    current_sign_in_at: null,
    identities: [],
    can_create_group: true,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
    commit_email: user.email,
    ...(viewer.admin ? { is_admin: user.admin, note: null, namespace_id: user.namespaceId, created_by: null, email_reset_offered_at: null, using_license_seat: false, is_auditor: false, provisioned_by_group_id: null, enterprise_group_id: null, enterprise_group_associated_at: null } : {}),
  };
}

/** `API::Entities::PersonalAccessToken(WithToken)`. */
export function tokenEntity(token: SimToken, withToken: boolean) {
  return {
    id: token.id,
    name: token.name,
    revoked: token.revoked,
    created_at: token.createdAt,
    description: null,
    scopes: token.scopes,
    user_id: token.userId,
    last_used_at: token.lastUsedAt,
    active: !token.revoked,
    expires_at: token.expiresAt,
    ...(withToken ? { token: token.token } : {}),
  };
}

/** `User#hook_attrs`: webhook payloads show the public email or `[REDACTED]`. */
export function userHookAttrs(ctx: SimContext, user: SimUser) {
  return { id: user.id, name: user.name, username: user.username, avatar_url: avatarUrl(user), email: '[REDACTED]' };
}
