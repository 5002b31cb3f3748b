import { PermanentError } from '../core/errors.js';
import {
  addProject,
  addUser,
  applyLabels,
  botUser,
  findIssue,
  findProject,
  groupLabelsAbove,
  knownUsers,
  labelEventsOf,
  matches,
  newCommitId,
  newId,
  now,
  type IssueRecord,
  type MemoryCall,
  type ProjectRecord,
  type World,
} from './memory-world.js';
import { memoryBoardMethods } from './memory-boards.js';
import { placeMethods } from './memory-places.js';
import { repositoryMethods } from './memory-repo.js';
import type { GitLabGateway, HookEvent, Issue, IssueDraft, Note, User } from '../core/gitlab-port.js';

export type { MemoryCall } from './memory-world.js';

/** The world the in-memory gateway starts with. */
export interface MemoryGatewayOptions {
  /** The records project; default `infra/career`. */
  readonly projectPath?: string;
  /** The token's user, author of everything the gateway writes; default `trellis-bot`. */
  readonly botUsername?: string;
  /** Other users that exist (assignable, findable). */
  readonly users?: readonly string[];
  /** More projects, reachable through `forProject`. */
  readonly otherProjects?: readonly string[];
  /** The bot's access level in every project; default 40 (maintainer). */
  readonly accessLevel?: number;
  readonly defaultBranch?: string;
  /** Files on the default branch of the records project. */
  readonly files?: Readonly<Record<string, string>>;
  /** Groups that exist (full paths, parents first), e.g. the records group. */
  readonly groups?: readonly string[];
}

/** An issue as someone other than Trellis may have left it. */
export interface SeedIssue extends Partial<Omit<IssueDraft, 'title'>> {
  readonly title: string;
  /** Default: the bot. */
  readonly author?: string;
  readonly state?: 'opened' | 'closed';
}

/** The in-memory gateway plus what unit tests need to arrange and observe. */
export interface MemoryGateway extends GitLabGateway {
  /** Every gateway call in order (seeding is not a call). Shared by `forProject` views. */
  readonly calls: readonly MemoryCall[];
  resetCalls(): void;
  /** The calls that write, for "changes nothing, writes nothing" assertions. */
  writeCalls(): MemoryCall[];
  seedIssue(seed: SeedIssue): Issue;
  seedNote(iid: number, body: string, opts?: { author?: string; system?: boolean }): Note;
  seedHookEvent(hookId: number, event: { status: number | string; trigger?: string }): HookEvent;
  addUser(username: string, opts?: { name?: string; state?: string }): User;
  setFile(path: string, content: string): void;
  /**
   * The next call of `method` throws `error`; with `applied`, only after doing its work (a write
   * whose answer was lost, as after a timeout).
   */
  failNext(method: string, error: Error, opts?: { applied?: boolean }): void;
  forProject(project: string | number): MemoryGateway;
}

const WRITES = new Set(['createIssue', 'updateIssue', 'createNote', 'updateNote', 'deleteNote', 'linkIssues', 'commitFiles', 'createLabel', 'updateLabel', 'createHook', 'updateHook', 'resendHookEvent', 'testHook', 'createGroup', 'createProject', 'setMember', 'removeMember', 'createGroupLabel', 'updateGroupLabel', 'createBoard', 'updateBoard', 'createBoardList', 'moveBoardList', 'deleteBoardList']);

/** An in-memory GitLab behind the port, for unit tests and dry runs. */
export function createMemoryGateway(opts: MemoryGatewayOptions = {}): MemoryGateway {
  const world: World = { users: new Map(), projects: new Map(), groups: new Map(), calls: [], boards: new Map(), labelIds: new Map(), bot: opts.botUsername ?? 'trellis-bot', nextId: 0, lastMs: 0 };
  addUser(world, world.bot, { name: 'Trellis' });
  for (const u of opts.users ?? []) addUser(world, u);
  const settings = { defaultBranch: opts.defaultBranch, accessLevel: opts.accessLevel };
  const main = addProject(world, opts.projectPath ?? 'infra/career', settings);
  for (const p of opts.otherProjects ?? []) addProject(world, p, settings);
  const commit = newCommitId(world);
  for (const [path, content] of Object.entries(opts.files ?? {})) main.files.set(path, { content, lastCommitId: commit });
  for (const path of opts.groups ?? []) {
    world.groups.set(path.toLowerCase(), { group: { id: newId(world), fullPath: path, webUrl: `https://gitlab.example/groups/${path}`, visibility: 'private' }, members: new Map(), labels: new Map() });
  }
  const faults = new Map<string, { error: Error; applied: boolean }>();
  return view(world, faults, main.project.path);
}

function view(world: World, faults: Map<string, { error: Error; applied: boolean }>, ref: string | number): MemoryGateway {
  const rec = (): ProjectRecord => findProject(world, ref);

  async function call<T>(method: string, iid: number | undefined, work: () => T): Promise<T> {
    world.calls.push(iid === undefined ? { method, project: String(ref) } : { method, iid, project: String(ref) });
    const fault = faults.get(method);
    if (fault) faults.delete(method);
    if (fault && !fault.applied) throw fault.error;
    const result = work();
    if (fault) throw fault.error;
    return result;
  }

  function create(record: ProjectRecord, seed: SeedIssue): Issue {
    // Users first: the real adapter resolves them before it POSTs, so a bad one leaves no trace.
    const assignees = knownUsers(world, seed.assignees ?? []);
    const at = now(world);
    const iid = record.nextIid++;
    const issue: Issue = {
      id: newId(world),
      iid,
      projectId: record.project.id,
      title: seed.title,
      description: seed.description ?? '',
      state: seed.state ?? 'opened',
      labels: applyLabels(record, [], seed.labels ?? []),
      assignees,
      author: seed.author ?? world.bot,
      confidential: seed.confidential ?? false,
      dueDate: seed.dueDate ?? null,
      webUrl: `${record.project.webUrl}/-/issues/${iid}`,
      createdAt: at,
      updatedAt: at,
      closedAt: seed.state === 'closed' ? at : null,
    };
    record.issues.set(iid, { issue, notes: [], links: [], labelEvents: labelEventsOf([], issue.labels, world.bot, at) });
    return issue;
  }

  function addNote(entry: IssueRecord, body: string, author: string, system: boolean): Note {
    const at = now(world);
    const note: Note = { id: newId(world), body, author, system, createdAt: at, updatedAt: at };
    entry.notes.push(note);
    return note;
  }

  function issueOf(target: { projectId: number; iid: number }): IssueRecord {
    return findIssue(findProject(world, target.projectId), target.iid);
  }

  return {
    get calls() {
      return world.calls;
    },
    resetCalls: () => void world.calls.splice(0),
    writeCalls: () => world.calls.filter((c) => WRITES.has(c.method)),
    seedIssue: (seed) => create(rec(), seed),
    seedNote: (iid, body, o = {}) => addNote(findIssue(rec(), iid), body, o.author ?? world.bot, o.system ?? false),
    seedHookEvent(hookId, event) {
      const e: HookEvent = { id: newId(world), status: event.status, trigger: event.trigger ?? 'issue_hooks', createdAt: now(world) };
      rec().hookEvents.set(hookId, [...(rec().hookEvents.get(hookId) ?? []), e]);
      return e;
    },
    addUser: (username, o) => addUser(world, username, o),
    setFile: (path, content) => void rec().files.set(path, { content, lastCommitId: newCommitId(world) }),
    failNext: (method, error, o = {}) => void faults.set(method, { error, applied: o.applied ?? false }),

    project: () => call('project', undefined, () => rec().project),
    forProject: (other) => view(world, faults, other),
    currentUser: () => call('currentUser', undefined, () => botUser(world)),
    findUser: (username) => call('findUser', undefined, () => world.users.get(username.toLowerCase()) ?? null),
    accessLevel: () => call('accessLevel', undefined, () => rec().accessLevel),

    getIssue: (iid) => call('getIssue', iid, () => rec().issues.get(iid)?.issue ?? null),
    listIssues(query) {
      const pending = call('listIssues', undefined, () =>
        [...rec().issues.values()].map((r) => r.issue).filter((i) => matches(i, query)).sort((a, b) => b.iid - a.iid),
      );
      return (async function* () {
        yield* await pending;
      })();
    },
    createIssue: (draft) => call('createIssue', undefined, () => create(rec(), draft)),
    updateIssue: (iid, change) =>
      call('updateIssue', iid, () => {
        const record = rec();
        const entry = findIssue(record, iid);
        const old = entry.issue;
        const assignees = change.assignees ? knownUsers(world, change.assignees) : old.assignees;
        const at = now(world);
        const state = change.stateEvent === 'close' ? 'closed' : change.stateEvent === 'reopen' ? 'opened' : old.state;
        entry.issue = {
          ...old,
          title: change.title ?? old.title,
          description: change.description ?? old.description,
          labels: applyLabels(record, old.labels, change.addLabels ?? [], change.removeLabels ?? []),
          assignees,
          confidential: change.confidential ?? old.confidential,
          dueDate: change.dueDate === undefined ? old.dueDate : change.dueDate,
          state,
          updatedAt: at,
          closedAt: state === old.state ? old.closedAt : state === 'closed' ? at : null,
        };
        entry.labelEvents.push(...labelEventsOf(old.labels, entry.issue.labels, world.bot, at));
        return entry.issue;
      }),

    listNotes: (iid) => call('listNotes', iid, () => [...findIssue(rec(), iid).notes]),
    // A missing issue is null too, as GitLab's 404 for either is (the port's rule for reads).
    getNote: (iid, noteId) => call('getNote', iid, () => rec().issues.get(iid)?.notes.find((n) => n.id === noteId) ?? null),
    createNote: (iid, body) => call('createNote', iid, () => addNote(findIssue(rec(), iid), body, world.bot, false)),
    updateNote: (iid, noteId, body) =>
      call('updateNote', iid, () => {
        const entry = findIssue(rec(), iid);
        const index = entry.notes.findIndex((n) => n.id === noteId);
        const old = entry.notes[index];
        if (!old) throw new PermanentError('gitlab_not_found', `GitLab has no note ${noteId} on #${iid} (404)`, { status: 404, iid, noteId });
        const note: Note = { ...old, body, updatedAt: now(world) };
        entry.notes[index] = note;
        return note;
      }),

    deleteNote: (iid, noteId) =>
      call('deleteNote', iid, () => {
        const entry = findIssue(rec(), iid);
        entry.notes = entry.notes.filter((n) => n.id !== noteId);
      }),

    listLabelEvents: (iid) => call('listLabelEvents', iid, () => [...findIssue(rec(), iid).labelEvents]),
    listLinks: (iid) => call('listLinks', iid, () => [...findIssue(rec(), iid).links]),
    linkIssues: (iid, target) =>
      call('linkIssues', iid, () => {
        const source = findIssue(rec(), iid);
        const other = issueOf(target);
        if (source === other) throw new PermanentError('gitlab_rejected', 'an issue cannot be linked to itself', { status: 400, iid });
        const from = { projectId: source.issue.projectId, iid: source.issue.iid };
        // Linking twice is not an error (the real adapter treats GitLab's 409 the same way).
        if (!source.links.some((l) => l.projectId === target.projectId && l.iid === target.iid)) source.links.push({ ...target });
        if (!other.links.some((l) => l.projectId === from.projectId && l.iid === from.iid)) other.links.push(from);
      }),

    ...repositoryMethods(world, rec, call),
    ...placeMethods(world, rec, call),
    ...memoryBoardMethods(world, () => ({ key: `project:${rec().project.id}`, webUrl: rec().project.webUrl, labels: () => [...rec().labels.values(), ...groupLabelsAbove(world, rec().project.path)] }), call),
  };
}
