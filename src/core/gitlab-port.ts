/**
 * The GitLab port: what Trellis needs from GitLab, in Trellis's words. Two adapters implement it:
 * `gitbeaker-adapter.ts` (real GitLab over HTTP) and `memory-adapter.ts` (unit tests). One contract
 * suite (test/contract/) runs against both. Users are named by username throughout; adapters map
 * usernames to ids themselves. The idempotent verbs (ensure issue by marker, set labels, upsert note)
 * live once in core/executor.ts on top of these primitives.
 */

/** An issue as Trellis sees it. */
export interface Issue {
  readonly id: number;
  readonly iid: number;
  readonly projectId: number;
  readonly title: string;
  readonly description: string;
  readonly state: 'opened' | 'closed';
  readonly labels: readonly string[];
  /** Usernames. */
  readonly assignees: readonly string[];
  /** Username of the author. */
  readonly author: string;
  readonly confidential: boolean;
  /** `YYYY-MM-DD` or null. */
  readonly dueDate: string | null;
  readonly webUrl: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly closedAt: string | null;
}

export interface Note {
  readonly id: number;
  readonly body: string;
  readonly author: string;
  readonly system: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface User {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  /** `active`, `blocked`, ... */
  readonly state: string;
}

/** What a new issue should look like. */
export interface IssueDraft {
  readonly title: string;
  readonly description: string;
  readonly labels: readonly string[];
  /** Usernames; an unknown user is `PermanentError('gitlab_rejected')` and nothing is written. */
  readonly assignees: readonly string[];
  readonly confidential: boolean;
  readonly dueDate?: string | null;
}

/** A change to an issue; absent fields are left alone. */
export interface IssueChange {
  readonly title?: string;
  readonly description?: string;
  readonly addLabels?: readonly string[];
  readonly removeLabels?: readonly string[];
  readonly assignees?: readonly string[];
  readonly confidential?: boolean;
  readonly dueDate?: string | null;
  readonly stateEvent?: 'close' | 'reopen';
}

export interface IssueQuery {
  /** Issues having all of these labels. */
  readonly labels?: readonly string[];
  /** Issues having none of these labels. */
  readonly notLabels?: readonly string[];
  readonly state?: 'opened' | 'closed' | 'all';
  /** Text searched in title and description. */
  readonly search?: string;
  readonly updatedAfter?: string;
  readonly author?: string;
  readonly assignee?: string;
  readonly iids?: readonly number[];
}

export interface RepoFile {
  readonly path: string;
  readonly content: string;
  readonly lastCommitId: string;
}

export interface FileChange {
  readonly path: string;
  readonly content: string;
  /** `create` for a new file, `update` for an existing one. */
  readonly action: 'create' | 'update';
}

export interface Label {
  readonly name: string;
  readonly color: string;
  readonly description: string | null;
}

export interface Hook {
  readonly id: number;
  readonly url: string;
  readonly issuesEvents: boolean;
  readonly confidentialIssuesEvents: boolean;
  readonly noteEvents: boolean;
  readonly confidentialNoteEvents: boolean;
  readonly pushEvents: boolean;
  /** `executable`, `temporarily_disabled` or `disabled` (GitLab's `alert_status`). */
  readonly alertStatus: string;
  readonly disabledUntil: string | null;
}

export interface HookSettings {
  readonly url: string;
  readonly token: string;
  readonly issuesEvents: boolean;
  readonly confidentialIssuesEvents: boolean;
  readonly noteEvents: boolean;
  readonly confidentialNoteEvents: boolean;
  readonly pushEvents: boolean;
  readonly enableSslVerification: boolean;
}

/** Who added or removed a label of an issue, and when (GitLab's resource label events). */
export interface LabelEvent {
  readonly action: 'add' | 'remove';
  /** The label's name; '' when the label was deleted since. */
  readonly label: string;
  readonly user: string;
  readonly createdAt: string;
}

export interface HookEvent {
  readonly id: number;
  readonly status: number | string;
  readonly trigger: string;
  readonly createdAt: string;
}

export interface Project {
  readonly id: number;
  readonly path: string;
  readonly webUrl: string;
  readonly defaultBranch: string;
}

/** GitLab's access levels (doc/api/members.md): Guest 10, Planner 15, Reporter 20, Developer 30, Maintainer 40, Owner 50. */
export const ACCESS_LEVEL = { guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

/** A member of a project or group. */
export interface Member {
  readonly userId: number;
  readonly username: string;
  readonly accessLevel: number;
  /** Active, blocked, ... (a blocked user reads nothing, but still counts as a member). */
  readonly state: string;
}

export interface Group {
  readonly id: number;
  readonly fullPath: string;
  readonly webUrl: string;
  readonly visibility: string;
}

/** A project Trellis creates (a person's private records project). */
export interface ProjectDraft {
  readonly path: string;
  readonly name: string;
  readonly description: string;
}

/** Where webhooks are kept: a project (every tier) or a group (GitLab Premium and up). */
export interface HookHost {
  listHooks(): Promise<Hook[]>;
  createHook(settings: HookSettings): Promise<Hook>;
  updateHook(id: number, settings: HookSettings): Promise<Hook>;
  /** Deliveries of the last 7 days; `status` filters (`client_failure`, `server_failure`, ...). */
  listHookEvents(hookId: number, status?: string): Promise<HookEvent[]>;
  /**
   * Resends a logged delivery (5 a minute per hook); `status` is how the receiver answered the resend,
   * as GitLab reports it (`response_status`: `202`, `503`, `internal error` when nothing answered).
   * A hook GitLab disabled refuses: `PermanentError('gitlab_rejected')`, 422 "Hook disabled".
   */
  resendHookEvent(hookId: number, eventId: number): Promise<{ readonly status: string }>;
  /**
   * Sends GitLab's test delivery of push events (GitLab 16.11+). It is sent even while GitLab has
   * auto-disabled the hook, and its success re-enables the hook, as GitLab's docs advise.
   * A delivery that fails is `PermanentError('gitlab_rejected')` with GitLab's message.
   */
  testHook(hookId: number): Promise<void>;
}

/** A list of an issue board: the open issues with one label (GitLab's label list). */
export interface BoardList {
  readonly id: number;
  /** The label's name; null for a list of another kind (assignee, milestone, iteration: Premium). */
  readonly label: string | null;
  readonly labelId: number | null;
  /** 0 for the leftmost list after Open. */
  readonly position: number;
}

/** An issue board of a project or group (doc/api/boards.md, doc/api/group_boards.md). */
export interface Board {
  readonly id: number;
  readonly name: string;
  /** The board's scope labels (GitLab Premium's configurable boards); empty when unscoped or on Free. */
  readonly labels: readonly string[];
  /** Its lists besides Open and Closed, by position. */
  readonly lists: readonly BoardList[];
  /** `<project or group web_url>/-/boards/<id>`, the page people open. */
  readonly webUrl: string;
}

/** A change to a board; absent fields are left alone. */
export interface BoardChange {
  readonly name?: string;
  /** Scope labels by name (Premium); an empty array clears the scope. */
  readonly labels?: readonly string[];
}

/**
 * Issue boards of a project (several on every tier since GitLab 12.1) or of a group (one on Free,
 * several on Premium). Lists are named by label; adapters map names to GitLab's label ids.
 */
export interface BoardHost {
  /** Every board here, with its lists. */
  listBoards(): Promise<Board[]>;
  /**
   * A new board (GitLab adds only its Open and Closed lists); null where the tier refuses it: group
   * boards on Free, whose REST API has no create (GitLab CE answers 404, unlicensed EE 403).
   */
  createBoard(name: string): Promise<Board | null>;
  /** Renames or scopes a board; answers the board as GitLab keeps it (Free drops scope silently). */
  updateBoard(boardId: number, change: BoardChange): Promise<Board>;
  /** A label list at the right end; a label that does not exist here is `PermanentError('gitlab_rejected')`. */
  createBoardList(boardId: number, label: string): Promise<BoardList>;
  /** Moves a list to `position`; the lists between shift by one, as GitLab's move does. */
  moveBoardList(boardId: number, listId: number, position: number): Promise<void>;
  /** Deletes a list (never an issue); one already gone is not an error. */
  deleteBoardList(boardId: number, listId: number): Promise<void>;
}

/** Members of a project or group, managed by Trellis where it keeps records private. */
export interface MemberHost {
  /**
   * Members; with `inherited`, also those who reach here through ancestor groups (GitLab's
   * `members/all`, the highest level per person): everyone who can read what is inside.
   */
  listMembers(opts: { inherited: boolean }): Promise<Member[]>;
  /** Adds a direct member, or changes the level of one. */
  setMember(username: string, accessLevel: number): Promise<void>;
  /** Removes a direct member; removing one who is not a member is not an error. */
  removeMember(username: string): Promise<void>;
}

/**
 * GitLab for one group: the records group that holds each person's private records project.
 * Reads of something missing return null, as on the project gateway.
 */
export interface GroupGateway extends MemberHost, BoardHost {
  group(): Promise<Group | null>;
  /** Issues of every project in the group and its subgroups that the token may read, 100 a page, newest first. */
  listIssues(query: IssueQuery): AsyncIterable<Issue>;
  /** Projects directly in the group. */
  listProjects(): Promise<Project[]>;
  /** A private project in this group. */
  createProject(draft: ProjectDraft): Promise<Project>;
  /** Group labels: every project below the group uses them (all tiers). */
  listLabels(): Promise<Label[]>;
  createLabel(label: Label): Promise<void>;
  updateLabel(label: Label): Promise<void>;
  /** Group webhooks (Premium and up); null on a tier without them (GitLab answers 404 or 403). */
  hooks(): Promise<HookHost | null>;
}

/**
 * GitLab for one project (the records project unless `forProject` chose another). Every method throws
 * `TransientError` for what may pass (429, 5xx, timeouts) and `PermanentError` for what will not;
 * reads of something missing return null instead of throwing. A write that may or may not have been
 * applied (a 5xx or timeout after a POST was sent) throws `TransientError('gitlab_ambiguous_write')`
 * and is never repeated blindly: the job re-runs, and the executor finds by marker before creating.
 */
export interface GitLabGateway extends HookHost, MemberHost, BoardHost {
  /** The project this gateway acts on. */
  project(): Promise<Project>;
  /** The project, or null when it does not exist (or the token cannot see it). */
  findProject(): Promise<Project | null>;
  /** The same gateway aimed at another project (path or id). */
  forProject(project: string | number): GitLabGateway;
  /** A gateway for a group (full path or id). */
  forGroup(group: string | number): GroupGateway;
  /** Creates a private group, under `parent` when given (a subgroup). */
  createGroup(draft: { path: string; name: string; parent?: string }): Promise<Group>;

  /** The user whose token Trellis uses (`GET /user`). */
  currentUser(): Promise<User>;
  findUser(username: string): Promise<User | null>;
  /** The access level (GitLab's numbers: 30 developer, 40 maintainer, 50 owner) the token's user has here. */
  accessLevel(): Promise<number>;

  getIssue(iid: number): Promise<Issue | null>;
  /** Every matching issue, 100 a page, newest first. */
  listIssues(query: IssueQuery): AsyncIterable<Issue>;
  createIssue(draft: IssueDraft): Promise<Issue>;
  updateIssue(iid: number, change: IssueChange): Promise<Issue>;

  /** Every note of an issue, oldest first, system notes included. */
  listNotes(iid: number): Promise<Note[]>;
  /** One note of an issue by id, as GitLab has it now (author, body); null when the note or the issue does not exist. */
  getNote(iid: number, noteId: number): Promise<Note | null>;
  createNote(iid: number, body: string): Promise<Note>;
  updateNote(iid: number, noteId: number, body: string): Promise<Note>;
  /** Deletes a note (its author, or Maintainer and up); deleting one already gone is not an error. */
  deleteNote(iid: number, noteId: number): Promise<void>;

  /** Every label added to or removed from an issue, oldest first: the only record of who moved a card. */
  listLabelEvents(iid: number): Promise<LabelEvent[]>;

  /** Issues linked to this one, in this or another project. */
  listLinks(iid: number): Promise<Array<{ projectId: number; iid: number }>>;
  /** Linking issues that are already linked is not an error. */
  linkIssues(iid: number, target: { projectId: number; iid: number }): Promise<void>;

  /** A file on the default branch (or `ref`), null when absent. */
  getFile(path: string, ref?: string): Promise<RepoFile | null>;
  /** One commit on the default branch. */
  commitFiles(message: string, changes: readonly FileChange[]): Promise<void>;

  listLabels(): Promise<Label[]>;
  createLabel(label: Label): Promise<void>;
  updateLabel(label: Label): Promise<void>;
}
