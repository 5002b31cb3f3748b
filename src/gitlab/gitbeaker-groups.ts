import { AppError, PermanentError } from '../core/errors.js';
import type { HttpRequester } from './gitlab-http.js';
import { hookParams, issueQueryParams, pages, PER_PAGE } from './gitlab-params.js';
import { boardMethods } from './gitlab-boards.js';
import { toGroup, toHook, toHookEvent, toIssue, toLabel, toMember, toProject } from './gitlab-schemas.js';
import type { Group, GroupGateway, HookHost, Issue, MemberHost, User } from '../core/gitlab-port.js';

/*
 * The parts of the port that GitLab offers on projects and groups alike (members, webhooks), and
 * the group gateway. They go through Trellis's own requester (same budget, retries and metrics as
 * every other call) with GitLab's REST paths, which are the same for `projects/:id` and `groups/:id`.
 */

/** `projects/12` or `groups/34`: the REST prefix of a project or group. */
export type Base = () => Promise<string>;

/** Every item of a raw offset-paged GET, streamed. */
export function rawPages(raw: HttpRequester, path: string, searchParams: Record<string, unknown> = {}): AsyncGenerator<unknown> {
  return pages(async (page) => {
    const res = await raw.get<unknown>(path, { searchParams: { ...searchParams, page, perPage: PER_PAGE } });
    return { data: res.body, paginationInfo: { next: Number(res.headers['x-next-page']) || null, totalPages: Number(res.headers['x-total-pages']) || null } };
  });
}

async function collect<T>(items: AsyncIterable<unknown>, map: (body: unknown) => T): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(map(item));
  return out;
}

/** A read of something missing is null, not an error (the port's rule). */
export async function orNull<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (err) {
    if (err instanceof AppError && err.code === 'gitlab_not_found') return null;
    throw err;
  }
}

/** Webhooks of a project or group (doc/api/projects.md "Hooks", doc/api/group_webhooks.md). */
export function hookMethods(raw: HttpRequester, base: Base): HookHost {
  return {
    async listHooks() {
      return collect(rawPages(raw, `${await base()}/hooks`), toHook);
    },
    async createHook(settings) {
      return toHook((await raw.post<unknown>(`${await base()}/hooks`, { body: { url: settings.url, ...hookParams(settings) } })).body);
    },
    async updateHook(id, settings) {
      return toHook((await raw.put<unknown>(`${await base()}/hooks/${id}`, { body: { url: settings.url, ...hookParams(settings) } })).body);
    },
    async listHookEvents(hookId, status) {
      return collect(rawPages(raw, `${await base()}/hooks/${hookId}/events`, { status }), toHookEvent);
    },
    async resendHookEvent(hookId, eventId) {
      const res = await raw.post<{ response_status?: unknown } | null>(`${await base()}/hooks/${hookId}/events/${eventId}/resend`);
      return { status: String(res.body?.response_status ?? '') };
    },
    async testHook(hookId) {
      await raw.post<unknown>(`${await base()}/hooks/${hookId}/test/push_events`);
    },
  };
}

/** Members of a project or group (doc/api/members.md). `findUser` maps a username to GitLab's id. */
export function memberMethods(raw: HttpRequester, base: Base, findUser: (username: string) => Promise<User | null>): MemberHost {
  async function userId(username: string): Promise<number> {
    const user = await findUser(username);
    if (!user) throw new PermanentError('gitlab_rejected', `GitLab has no user @${username}`, { username });
    return user.id;
  }
  return {
    async listMembers({ inherited }) {
      return collect(rawPages(raw, `${await base()}/members${inherited ? '/all' : ''}`), toMember);
    },
    async setMember(username, accessLevel) {
      const [prefix, id] = [await base(), await userId(username)];
      const current = await orNull(raw.get<unknown>(`${prefix}/members/${id}`));
      if (current === null) await raw.post<unknown>(`${prefix}/members`, { body: { userId: id, accessLevel } });
      else if (toMember(current.body).accessLevel !== accessLevel) await raw.put<unknown>(`${prefix}/members/${id}`, { body: { accessLevel } });
    },
    async removeMember(username) {
      const [prefix, id] = [await base(), await userId(username)];
      // Removing a group member also removes their direct memberships below it unless told not to
      // (app/services/members/destroy_service.rb): a record reader who is also a manager keeps the
      // memberships of their reports' projects.
      const searchParams = prefix.startsWith('groups/') ? { skipSubresources: true } : {};
      await orNull(raw.delete<unknown>(`${prefix}/members/${id}`, { searchParams }));
    },
  };
}

/** The group gateway over the raw requester. */
export function groupGateway(raw: HttpRequester, ref: string | number, findUser: (username: string) => Promise<User | null>): GroupGateway {
  let resolved: Promise<Group | null> | undefined;
  const group = (): Promise<Group | null> => {
    resolved ??= orNull(raw.get<unknown>(`groups/${encodeURIComponent(String(ref))}`)).then((res) => (res === null ? null : toGroup(res.body)));
    resolved.then((g) => g ?? (resolved = undefined)).catch(() => (resolved = undefined));
    return resolved;
  };
  const base: Base = async () => {
    const g = await group();
    if (!g) throw new PermanentError('gitlab_not_found', `GitLab has no group ${String(ref)} that this token can see (404)`, { status: 404 });
    return `groups/${g.id}`;
  };
  const hosted = hookMethods(raw, base);
  return {
    group,
    ...memberMethods(raw, base, findUser),
    ...boardMethods(raw, base, async () => (await group())?.webUrl ?? ''),
    async *listIssues(query): AsyncGenerator<Issue> {
      for await (const item of rawPages(raw, `${await base()}/issues`, { ...issueQueryParams(query), scope: 'all' })) yield toIssue(item);
    },
    async listProjects() {
      return collect(rawPages(raw, `${await base()}/projects`), (body) => toProject(body).project);
    },
    async createProject(draft) {
      const g = await group();
      if (!g) throw new PermanentError('gitlab_not_found', `GitLab has no group ${String(ref)} to create ${draft.path} in (404)`, { status: 404 });
      const body = { name: draft.name, path: draft.path, description: draft.description, namespaceId: g.id, visibility: 'private', initializeWithReadme: false };
      return toProject((await raw.post<unknown>('projects', { body })).body).project;
    },
    async listLabels() {
      return collect(rawPages(raw, `${await base()}/labels`), toLabel);
    },
    async createLabel(label) {
      await raw.post<unknown>(`${await base()}/labels`, { body: { name: label.name, color: label.color, description: label.description ?? '' } });
    },
    async updateLabel(label) {
      await raw.put<unknown>(`${await base()}/labels/${encodeURIComponent(label.name)}`, { body: { color: label.color, description: label.description ?? '' } });
    },
    async hooks() {
      // Group webhooks are a Premium feature: Free answers 404 (no such API), an unlicensed EE 403.
      try {
        await hosted.listHooks();
        return hosted;
      } catch (err) {
        if (err instanceof AppError && (err.code === 'gitlab_not_found' || err.code === 'gitlab_forbidden')) return null;
        throw err;
      }
    },
  };
}
