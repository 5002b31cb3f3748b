/**
 * The fields of GitLab's webhook payloads that Trellis reads, as read-payloads.ts gives them (GitLab's
 * snake_case names, timestamps already ISO 8601). normalize.ts turns them into Trellis's events.
 */

export interface LabelRef {
  readonly title: string;
}
export interface UserRef {
  readonly username: string;
}
export interface HookUser {
  /** Arrived in user hook data around GitLab 12; before, only name and username. */
  readonly id: number | undefined;
  readonly username: string;
}
export interface HookProject {
  readonly id: number;
  readonly path_with_namespace: string;
  readonly web_url: string;
}
/** One entry of `changes`. */
export interface Change<T> {
  readonly previous: T | null | undefined;
  readonly current: T | null | undefined;
}

/** The `changes` keys Trellis reads; the others (`updated_at`, `milestone_id`, ...) pass unchecked. */
export interface IssueHookChanges {
  readonly title?: Change<string> | undefined;
  readonly description?: Change<string> | undefined;
  readonly labels?: Change<LabelRef[]> | undefined;
  readonly assignees?: Change<UserRef[]> | undefined;
  readonly confidential?: Change<boolean> | undefined;
  readonly state_id?: Change<number> | undefined;
  /** GitLab before 12.x stored the state as a string column, so its change came under `state`. */
  readonly state?: Change<string> | undefined;
}

/** An issue as hook data shows it (Gitlab::HookData::IssueBuilder): `object_attributes` of an issue hook, `issue` of a note hook. */
export interface IssueFields {
  readonly id: number;
  readonly iid: number;
  readonly title: string;
  readonly description: string | null;
  readonly state: string | undefined;
  readonly state_id: number | undefined;
  readonly confidential: boolean | undefined;
  readonly author_id: number | undefined;
  readonly due_date: string | null | undefined;
  /** ISO 8601 in UTC, whatever format GitLab sent (see gitlab-values.ts). */
  readonly created_at: string;
  readonly updated_at: string;
  readonly closed_at: string | null | undefined;
  /** Inside the issue since GitLab 12; issue hooks also carry them at the top level. */
  readonly labels: LabelRef[] | undefined;
  readonly url: string | undefined;
}

/** `Issue Hook` and `Confidential Issue Hook`. */
export interface IssueHook {
  readonly event_type: string | undefined;
  readonly user: HookUser;
  readonly project: HookProject;
  readonly object_attributes: IssueFields & { readonly url: string; readonly action: string | undefined };
  readonly labels: LabelRef[] | undefined;
  /** Only when the issue has assignees; `assignee` (the first one) is all GitLab before 9.x sent. */
  readonly assignees: UserRef[] | undefined;
  readonly assignee: UserRef | null | undefined;
  readonly changes: IssueHookChanges | null | undefined;
}

/** The first look at a note hook: enough to tell a note on an issue from one on anything else. */
export interface NoteTarget {
  readonly noteable_type: string;
  readonly system: boolean | null | undefined;
}

/** `Note Hook` and `Confidential Note Hook` for a note on an issue. */
export interface NoteHook {
  readonly event_type: string | undefined;
  readonly user: HookUser;
  readonly project: HookProject;
  readonly object_attributes: {
    readonly id: number;
    readonly note: string;
    readonly url: string;
    /** Since GitLab 16.11. */
    readonly action: string | undefined;
    readonly author_id: number | undefined;
  };
  readonly issue: IssueFields;
}

/** `Push Hook`. The pusher is `user_id` / `user_username`, not a `user` object. */
export interface PushHook {
  readonly ref: string;
  readonly after: string;
  readonly user_id: number;
  /** GitLab 8.x and before sent only `user_name` (the display name). */
  readonly user_username: string | undefined;
  readonly project: HookProject;
  /** GitLab lists at most 20 commits; `total_commits_count` says how many there were. */
  readonly commits: ReadonlyArray<{ readonly added: string[] | null | undefined; readonly modified: string[] | null | undefined; readonly removed: string[] | null | undefined }> | null | undefined;
  readonly total_commits_count: number | undefined;
}
