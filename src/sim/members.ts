import { ACCESS, ACCESS_NAMES, highestGroupMember } from './access.js';
import type { SimContext } from './context.js';
import { validation } from './errors.js';
import { intList, str, type Params } from './params.js';
import { groupChain, groupProjects, projectGroups, type SimStore } from './store.js';
import type { SimGroup, SimMember, SimProject, SimUser } from './types.js';

const VALID_LEVELS: readonly number[] = [ACCESS.minimal, ACCESS.guest, ACCESS.planner, ACCESS.reporter, ACCESS.developer, ACCESS.maintainer, ACCESS.owner];

/** A user with the membership that counts for them. */
export interface MemberRow {
  user: SimUser;
  member: SimMember;
}

/**
 * The effective members of a chain of sources (a project then its groups, or a group then its
 * ancestors), one row per user with the highest level; a tie keeps the nearest source, as
 * MembersFinder / GroupMembersFinder (`include_relations: [:inherited, :direct]`) answer `members/all`.
 */
export function mergedMembers(ctx: SimContext, sources: Array<{ members: Map<number, SimMember> }>): MemberRow[] {
  const best = new Map<number, SimMember>();
  for (const source of sources) {
    for (const m of source.members.values()) {
      const had = best.get(m.userId);
      if (!had || m.accessLevel > had.accessLevel) best.set(m.userId, m);
    }
  }
  return directRows(ctx, best);
}

/**
 * `GET /projects/:id/members/all`: the project's members and those of its group and every ancestor
 * group, highest level per user. A personal project's namespace owner counts as Owner.
 */
export function projectMembersAll(ctx: SimContext, project: SimProject): MemberRow[] {
  const rows = mergedMembers(ctx, [project, ...projectGroups(ctx.store, project)]);
  const owner = project.namespace.kind === 'user' ? ctx.store.users.get(project.namespace.ownerId) : undefined;
  if (owner && !rows.some((r) => r.user.id === owner.id)) {
    rows.push({ user: owner, member: { userId: owner.id, accessLevel: ACCESS.owner, createdAt: project.createdAt, createdBy: null, expiresAt: null } });
    rows.sort((a, b) => a.user.id - b.user.id);
  }
  return rows;
}

/** Rows of a member map, in user id order, skipping users that no longer exist. */
export function directRows(ctx: SimContext, members: Map<number, SimMember>): MemberRow[] {
  const rows: MemberRow[] = [];
  for (const m of members.values()) {
    const user = ctx.store.users.get(m.userId);
    if (user) rows.push({ user, member: m });
  }
  return rows.sort((a, b) => a.user.id - b.user.id);
}

/**
 * The `query` and `user_ids` filters of the members API (lib/api/helpers/members_helpers.rb
 * `retrieve_members`): `query` as User.search (name or username containing it, or the exact email).
 */
export function filterMembers(rows: MemberRow[], p: Params): MemberRow[] {
  const query = str(p, 'query')?.trim().toLowerCase();
  const ids = intList(p, 'user_ids');
  return rows.filter(({ user }) => {
    if (ids && ids.length > 0 && !ids.includes(user.id)) return false;
    if (!query) return true;
    return user.name.toLowerCase().includes(query) || user.username.toLowerCase().includes(query) || user.email.toLowerCase() === query;
  });
}

/**
 * Member#higher_access_level_than_group: a direct membership may not be lower than one the user
 * inherits from an ancestor group (400 `should be greater than or equal to Developer inherited
 * membership from group Records`). `ancestors` are the groups above the project or group.
 */
export function checkInheritedLevel(user: SimUser, level: number, ancestors: SimGroup[]): void {
  if (!VALID_LEVELS.includes(level)) {
    throw validation({ access_level: ['is not included in the list'] });
  }
  const highest = highestGroupMember(user, ancestors);
  if (highest && highest.member.accessLevel > level) {
    const name = ACCESS_NAMES[highest.member.accessLevel] ?? String(highest.member.accessLevel);
    throw validation({ access_level: [`should be greater than or equal to ${name} inherited membership from group ${highest.group.name}`] });
  }
}

/**
 * Group#last_owner?: for a top-level group its only direct Owner; for a subgroup the only Owner
 * across it and its ancestors. GitLab refuses to change or remove that membership (403).
 */
export function isLastOwner(store: SimStore, group: SimGroup, user: SimUser): boolean {
  const groups = group.parentId === null ? [group] : groupChain(store, group);
  const owners = new Set<number>();
  for (const g of groups) for (const m of g.members.values()) if (m.accessLevel === ACCESS.owner) owners.add(m.userId);
  return owners.size === 1 && owners.has(user.id);
}

/**
 * Members::DestroyService#delete_subresources: removing someone from a group also removes their
 * direct memberships in its subgroups and in every project below it, unless `skip_subresources`.
 */
export function removeFromDescendants(store: SimStore, group: SimGroup, user: SimUser): void {
  for (const g of store.groups.values()) if (g !== group && groupChain(store, g).includes(group)) g.members.delete(user.id);
  for (const p of groupProjects(store, group, true)) p.members.delete(user.id);
}
