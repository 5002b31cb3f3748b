import { Gitlab } from '@gitbeaker/rest';
import { AppError, PermanentError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import type { ApiBudget } from './api-budget.js';
import { createHttpRequesterFn, type GitLabCallObserver, type HttpRequester } from './gitlab-http.js';
import { boardMethods } from './gitlab-boards.js';
import { groupGateway, hookMethods, memberMethods, orNull } from './gitbeaker-groups.js';
import { allPages, createIssueParams, editIssueParams, issueQueryParams, pages, PER_PAGE } from './gitlab-params.js';
import { parseList, toAccessLevel, toGroup, toIssue, toLabel, toLabelEvent, toLink, toNote, toProject, toRepoFile, toUser } from './gitlab-schemas.js';
import type { GitLabGateway, GroupGateway, Issue, IssueQuery, Project, User } from '../core/gitlab-port.js';
import { defaultRetryPolicy } from './retry.js';

/** How to reach GitLab and whose budget to spend. */
export interface GitbeakerGatewayOptions {
  /** Base URL of the instance, e.g. `https://gitlab.com` (the API is at `/api/v4`). */
  readonly url: string;
  readonly token: string;
  /** The records project, by path or id. */
  readonly project: string | number;
  readonly budget: ApiBudget;
  readonly log: Log;
  /** Per attempt; default 10 s. */
  readonly fetchTimeoutMs?: number;
  /** Attempts per call, the first included; default 5. */
  readonly maxAttempts?: number;
  /**
   * The longest `Retry-After` slept through inside a call (default 60 s). A longer one is thrown as
   * `gitlab_rate_limited` with `retryAfterMs`, so the queue can delay the job instead of a worker
   * waiting; the shared budget is paused either way.
   */
  readonly maxRetryAfterMs?: number;
  /** Sees every HTTP attempt (metrics). */
  readonly onCall?: GitLabCallObserver;
}

/** State shared by the gateway and every `forProject` sibling: one client, one user cache. */
interface Shared {
  readonly api: InstanceType<typeof Gitlab<false>>;
  readonly raw: HttpRequester;
  readonly users: Map<string, User>;
  /** When each project's member list last filled `users` (by project path or id). */
  readonly membersLoadedAt: Map<string, number>;
  /** The department project (the gateway's own): its members are everyone Trellis assigns. */
  readonly home: string | number;
  readonly gateways: Map<string, GitLabGateway>;
  readonly groups: Map<string, GroupGateway>;
  me: Promise<User> | undefined;
}

/**
 * The GitLab port over @gitbeaker/rest. gitbeaker builds URLs and bodies; Trellis's own requester
 * (gitlab-http.ts) sends them, so gitbeaker's retry loop and in-memory rate limiter never run.
 */
export function createGitbeakerGateway(opts: GitbeakerGatewayOptions): GitLabGateway {
  const host = opts.url.replace(/\/+$/, '');
  const requesterFn = createHttpRequesterFn({
    budget: opts.budget,
    log: opts.log.child({ component: 'gitlab' }),
    fetchTimeoutMs: opts.fetchTimeoutMs ?? 10_000,
    ...(opts.onCall ? { onCall: opts.onCall } : {}),
    retry: {
      ...defaultRetryPolicy,
      maxAttempts: opts.maxAttempts ?? defaultRetryPolicy.maxAttempts,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? defaultRetryPolicy.maxRetryAfterMs,
    },
  });
  // gitbeaker 43.8 retries (429/502 ten times, `delay(2 ** i * 0.25)`) in @gitbeaker/rest's
  // defaultRequestHandler, reached only through its preset requesterFn; the preset constructor
  // merges `{ ...preset, ...config }`, so ours replaces it. Its in-memory rate limiters are built by
  // requester-utils' createRequesterFn, which ours never calls (rateLimits: {} is belt and braces).
  // queryTimeout: null drops its 300 s signal: the requester sets one per attempt.
  const api = new Gitlab({ host, token: opts.token, requesterFn, queryTimeout: null, rateLimits: {} });
  // Hook delivery logs have no gitbeaker resource: same requester, same budget and retries.
  const raw = requesterFn({ url: `${host}/api/v4`, headers: {}, authHeaders: { 'private-token': () => Promise.resolve(opts.token) } });
  const shared: Shared = { api, raw, users: new Map(), membersLoadedAt: new Map(), home: opts.project, gateways: new Map(), groups: new Map(), me: undefined };
  return gatewayFor(shared, opts.project);
}

/**
 * How many project gateways are kept for reuse. One costs about 7 KB of heap (its methods are
 * closures), and a fan-out over a 10,000-person department touches 10,000 records projects: kept
 * all, that was 72 MB of a worker's 256 MB heap. A gateway holds nothing but a cached project
 * look-up, so the least recently used are dropped and made again when needed.
 */
const KEPT_GATEWAYS = 256;

function gatewayFor(shared: Shared, ref: string | number): GitLabGateway {
  const key = String(ref);
  const existing = shared.gateways.get(key);
  if (existing) {
    // Map keeps insertion order: re-inserting makes this the most recently used.
    shared.gateways.delete(key);
    shared.gateways.set(key, existing);
    return existing;
  }
  const gateway = projectGateway(shared, ref);
  shared.gateways.set(key, gateway);
  if (shared.gateways.size > KEPT_GATEWAYS) shared.gateways.delete(shared.gateways.keys().next().value!);
  return gateway;
}

function groupFor(shared: Shared, ref: string | number, findUser: (username: string) => Promise<User | null>): GroupGateway {
  const key = String(ref);
  let gateway = shared.groups.get(key);
  if (!gateway) shared.groups.set(key, (gateway = groupGateway(shared.raw, ref, findUser)));
  return gateway;
}

function projectGateway(shared: Shared, ref: string | number): GitLabGateway {
  const { api, raw } = shared;
  let resolved: Promise<Project> | undefined;
  const base = async (): Promise<string> => `projects/${encodeURIComponent(String(ref))}`;

  function project(): Promise<Project> {
    // Resolved once; a failure is not cached so the next call tries again.
    resolved ??= api.Projects.show(ref).then((body) => toProject(body).project);
    resolved.catch(() => (resolved = undefined));
    return resolved;
  }
  // GitLab takes a project's path wherever it takes its id (URL-encoded, which gitbeaker does), so
  // calls name the project as given: a fan-out over a thousand people's records projects then costs
  // no look-up of each project's id.
  const pid = async (): Promise<string | number> => ref;

  async function currentUser(): Promise<User> {
    shared.me ??= api.Users.showCurrentUser().then(toUser);
    shared.me.catch(() => (shared.me = undefined));
    return shared.me;
  }

  async function findUser(username: string): Promise<User | null> {
    const cached = shared.users.get(username.toLowerCase());
    if (cached) return cached;
    const found = parseList(toUser, await api.Users.all({ username }), 'users').find((u) => u.username.toLowerCase() === username.toLowerCase());
    // Only hits are cached: a user created later must still be found.
    if (found) shared.users.set(username.toLowerCase(), found);
    return found ?? null;
  }

  /**
   * Fills the user cache from the department project's members (100 a page), at most once every 10
   * minutes: a fan-out assigning a thousand people, in as many records projects, then costs ten
   * reads, not a thousand user look-ups. Anyone not among them is looked up by name.
   */
  async function loadMembers(): Promise<void> {
    const key = String(shared.home);
    const last = shared.membersLoadedAt.get(key) ?? 0;
    if (Date.now() - last < 10 * 60_000) return;
    shared.membersLoadedAt.set(key, Date.now());
    for await (const item of pages((page) => api.ProjectMembers.all(shared.home, { includeInherited: true, page, perPage: PER_PAGE, showExpanded: true }))) {
      const user = toUser(item);
      shared.users.set(user.username.toLowerCase(), user);
    }
  }

  async function userIds(usernames: readonly string[]): Promise<number[]> {
    if (usernames.some((u) => !shared.users.has(u.toLowerCase()))) await loadMembers();
    const ids: number[] = [];
    for (const username of usernames) {
      const user = await findUser(username);
      if (!user) throw new PermanentError('gitlab_rejected', `GitLab has no user @${username} to assign`, { username });
      ids.push(user.id);
    }
    return ids;
  }

  async function getIssue(iid: number): Promise<Issue | null> {
    const body = await orNull(api.Issues.show(iid, { projectId: await pid() }));
    return body === null ? null : toIssue(body);
  }

  async function* listIssues(query: IssueQuery): AsyncGenerator<Issue> {
    const projectId = await pid();
    const params = issueQueryParams(query);
    for await (const item of pages((page) => api.Issues.all({ ...params, projectId, page, perPage: PER_PAGE, showExpanded: true }))) {
      yield toIssue(item);
    }
  }

  return {
    project,
    findProject: () => orNull(project()),
    forProject: (other) => gatewayFor(shared, other),
    forGroup: (group) => groupFor(shared, group, findUser),
    async createGroup(draft) {
      const parent = draft.parent === undefined ? null : await groupFor(shared, draft.parent, findUser).group();
      if (draft.parent !== undefined && !parent) throw new PermanentError('gitlab_not_found', `GitLab has no group ${draft.parent} to create ${draft.path} in (404)`, { status: 404 });
      const body = { name: draft.name, path: draft.path, visibility: 'private', ...(parent ? { parentId: parent.id } : {}) };
      return toGroup((await raw.post<unknown>('groups', { body })).body);
    },
    currentUser,
    findUser,
    ...memberMethods(raw, base, findUser),
    ...hookMethods(raw, base),
    ...boardMethods(raw, base, async () => (await project()).webUrl),

    async accessLevel() {
      const [projectId, me] = [await pid(), await currentUser()];
      const member = await orNull(api.ProjectMembers.show(projectId, me.id, { includeInherited: true }));
      if (member !== null) return toAccessLevel(member);
      // Not a member (e.g. an admin): GitLab still reports permissions on the project itself.
      return toProject(await api.Projects.show(projectId)).accessLevel ?? 0;
    },

    getIssue,
    listIssues,

    async createIssue(draft) {
      const [projectId, ids] = [await pid(), await userIds(draft.assignees)];
      return toIssue(await api.Issues.create(projectId, draft.title, createIssueParams(draft, ids)));
    },

    async updateIssue(iid, change) {
      const projectId = await pid();
      const ids = change.assignees ? await userIds(change.assignees) : undefined;
      const params = editIssueParams(change, ids);
      if (Object.keys(params).length === 0) {
        // GitLab answers 400 to an empty update; nothing to change means reading is enough.
        const issue = await getIssue(iid);
        if (!issue) throw new PermanentError('gitlab_not_found', `issue #${iid} does not exist`, { iid });
        return issue;
      }
      return toIssue(await api.Issues.edit(projectId, iid, params));
    },

    async listNotes(iid) {
      const projectId = await pid();
      const items = await allPages((page) => api.IssueNotes.all(projectId, iid, { sort: 'asc', orderBy: 'created_at', page, perPage: PER_PAGE, showExpanded: true }));
      return items.map(toNote);
    },

    async getNote(iid, noteId) {
      const body = await orNull(api.IssueNotes.show(await pid(), iid, noteId));
      return body === null ? null : toNote(body);
    },

    async createNote(iid, body) {
      return toNote(await api.IssueNotes.create(await pid(), iid, body));
    },

    async updateNote(iid, noteId, body) {
      return toNote(await api.IssueNotes.edit(await pid(), iid, noteId, { body }));
    },

    async deleteNote(iid, noteId) {
      await orNull(raw.delete<unknown>(`${await base()}/issues/${iid}/notes/${noteId}`));
    },

    async listLabelEvents(iid) {
      const prefix = await base();
      const items = await allPages(async (page) => {
        const res = await raw.get<unknown>(`${prefix}/issues/${iid}/resource_label_events`, { searchParams: { page, perPage: PER_PAGE } });
        return { data: res.body, paginationInfo: { next: Number(res.headers['x-next-page']) || null, totalPages: Number(res.headers['x-total-pages']) || null } };
      });
      return items.map(toLabelEvent);
    },

    async listLinks(iid) {
      const projectId = await pid();
      const items = await allPages((page) => api.IssueLinks.all(projectId, iid, { page, perPage: PER_PAGE, showExpanded: true }));
      return items.map(toLink);
    },

    async linkIssues(iid, target) {
      try {
        await api.IssueLinks.create(await pid(), iid, target.projectId, target.iid);
      } catch (err) {
        // 409: already linked. Linking is what the caller wanted, so it is done.
        if (!(err instanceof AppError && err.details.status === 409)) throw err;
      }
    },

    async getFile(path, ref) {
      const p = await project();
      const body = await orNull(api.RepositoryFiles.show(p.id, path, ref ?? p.defaultBranch));
      return body === null ? null : toRepoFile(body);
    },

    async commitFiles(message, changes) {
      const p = await project();
      const actions = changes.map((c) => ({ action: c.action, filePath: c.path, content: c.content }));
      await api.Commits.create(p.id, p.defaultBranch, message, actions);
    },

    async listLabels() {
      const projectId = await pid();
      return (await allPages((page) => api.ProjectLabels.all(projectId, { page, perPage: PER_PAGE, showExpanded: true }))).map(toLabel);
    },

    async createLabel(label) {
      await api.ProjectLabels.create(await pid(), label.name, label.color, { description: label.description ?? '' });
    },

    async updateLabel(label) {
      await api.ProjectLabels.edit(await pid(), label.name, { color: label.color, description: label.description ?? '' });
    },
  };
}
