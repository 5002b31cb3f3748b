/**
 * The simulator's in-memory records. They mirror GitLab's tables closely enough that the API
 * entities and webhook payloads can be derived from them the way GitLab derives its own.
 * Timestamps are stored as API-format ISO strings (`2024-01-02T03:04:05.000Z`).
 */

/** A user account (`users` table). */
export interface SimUser {
  id: number;
  username: string;
  name: string;
  email: string;
  admin: boolean;
  state: 'active' | 'blocked';
  createdAt: string;
  /** Users and groups share one namespace id space in GitLab; this is the personal namespace. */
  namespaceId: number;
}

/** A personal access token. */
export interface SimToken {
  id: number;
  userId: number;
  name: string;
  scopes: string[];
  token: string;
  createdAt: string;
  expiresAt: string | null;
  revoked: boolean;
  lastUsedAt: string | null;
}

/** A direct membership of a project or group. */
export interface SimMember {
  userId: number;
  accessLevel: number;
  createdAt: string;
  createdBy: number | null;
  expiresAt: string | null;
}

export type Visibility = 'private' | 'internal' | 'public';

/** Who may create projects in a group (`project_creation_level`); GitLab's default is `developer`. */
export type ProjectCreationLevel = 'noone' | 'owner' | 'maintainer' | 'developer' | 'administrator';

export interface SimGroup {
  id: number;
  path: string;
  name: string;
  fullPath: string;
  parentId: number | null;
  description: string;
  visibility: Visibility;
  createdAt: string;
  members: Map<number, SimMember>;
  projectCreationLevel: ProjectCreationLevel;
  /** Group labels (`GroupLabel`), usable by issues of every project below the group. */
  labels: Map<number, SimLabel>;
  labelsByTitle: Map<string, SimLabel>;
  /** Group webhooks (Premium): they receive the events of every project below the group. */
  hooks: Map<number, SimHook>;
}

/** A project label (`projectId` set) or a group label (`groupId` set). */
export interface SimLabel {
  id: number;
  projectId: number | null;
  groupId: number | null;
  title: string;
  color: string;
  description: string | null;
  priority: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface SimIssue {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  authorId: number;
  assigneeIds: number[];
  labelIds: number[];
  confidential: boolean;
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedById: number | null;
  updatedById: number | null;
  lastEditedAt: string | null;
  lastEditedById: number | null;
  discussionLocked: boolean | null;
  noteIds: number[];
  userNotesCount: number;
  /** A monotonically increasing number that breaks ties when timestamps are equal (frozen clock). */
  seq: number;
}

export interface SimNote {
  id: number;
  issueId: number;
  projectId: number;
  authorId: number;
  body: string;
  system: boolean;
  internal: boolean;
  createdAt: string;
  updatedAt: string;
  updatedById: number | null;
}

export interface SimIssueLink {
  id: number;
  sourceId: number;
  targetId: number;
  linkType: 'relates_to' | 'blocks' | 'is_blocked_by';
  createdAt: string;
  updatedAt: string;
}

/** Label and state changes are resource events in GitLab, not notes. */
export interface SimResourceEvent {
  id: number;
  kind: 'label' | 'state';
  issueId: number;
  userId: number;
  createdAt: string;
  labelId?: number;
  action?: 'add' | 'remove';
  state?: 'closed' | 'reopened';
}

/** A project hook (`projectId` set) or a group hook (`groupId` set). */
export interface SimHook {
  id: number;
  projectId: number | null;
  groupId: number | null;
  url: string;
  name: string;
  description: string;
  token: string;
  pushEvents: boolean;
  pushEventsBranchFilter: string;
  issuesEvents: boolean;
  confidentialIssuesEvents: boolean;
  noteEvents: boolean;
  confidentialNoteEvents: boolean;
  tagPushEvents: boolean;
  mergeRequestsEvents: boolean;
  enableSslVerification: boolean;
  createdAt: string;
  recentFailures: number;
  disabledUntil: string | null;
  logs: SimHookLog[];
  /** Resend timestamps (ms) for the 5/min limit per hook and user. */
  resends: Map<number, number[]>;
}

export interface SimHookLog {
  id: number;
  hookId: number;
  url: string;
  trigger: string;
  requestHeaders: Record<string, string>;
  requestData: unknown;
  responseHeaders: Record<string, string>;
  responseBody: string;
  responseStatus: string;
  executionDuration: number;
  createdAt: string;
  idempotencyKey: string;
  internalErrorMessage: string | null;
}

export interface SimTreeEntry {
  blobId: string;
  lastCommitId: string;
}

export interface SimCommit {
  id: string;
  parentIds: string[];
  title: string;
  message: string;
  authorId: number;
  createdAt: string;
  tree: Map<string, SimTreeEntry>;
}

export interface SimRepo {
  branches: Map<string, string>;
  commits: Map<string, SimCommit>;
  blobs: Map<string, Buffer>;
}

export interface SimNamespaceRef {
  kind: 'group' | 'user';
  /** Group id, or user id for personal namespaces. */
  ownerId: number;
  namespaceId: number;
}

export interface SimProject {
  id: number;
  name: string;
  path: string;
  description: string | null;
  namespace: SimNamespaceRef;
  defaultBranch: string;
  visibility: Visibility;
  createdAt: string;
  lastActivityAt: string;
  creatorId: number;
  members: Map<number, SimMember>;
  issues: Map<number, SimIssue>;
  nextIid: number;
  /** The project's own labels; ancestor group labels live on the groups. */
  labels: Map<number, SimLabel>;
  labelsByTitle: Map<string, SimLabel>;
  /** label id (project or group label) -> issues of this project carrying it, so label filters never scan every issue. */
  labelIndex: Map<number, Set<SimIssue>>;
  hooks: Map<number, SimHook>;
  repo: SimRepo;
  /** Issue boards (`Board`), by id. */
  boards: Map<number, SimBoard>;
}

/**
 * A board list (`List`, app/models/list.rb): the Open (`backlog`) and Closed lists every board gets,
 * which have no position and never show in the API, and label lists at positions 0, 1, 2 ...
 */
export interface SimBoardList {
  id: number;
  listType: 'backlog' | 'label' | 'closed';
  labelId: number | null;
  position: number | null;
}

/** A project issue board (`Board`, app/models/board.rb); the scope fields are Premium's. */
export interface SimBoard {
  id: number;
  projectId: number;
  name: string;
  hideBacklogList: boolean;
  hideClosedList: boolean;
  lists: SimBoardList[];
  /** Scope (Premium `scoped_issue_board`): labels, assignee and weight. */
  labelIds: number[];
  assigneeId: number | null;
  weight: number | null;
}
