import type { Issue } from '../core/gitlab-port.js';

/**
 * Normalised GitLab events: what workers receive from the `events` queue. Built by events/normalize.ts
 * from payloads of any supported GitLab version; they hold ids and the text Trellis parses, never
 * tokens or headers other than the delivery's event UUID.
 */
export interface Actor {
  readonly id: number;
  readonly username: string;
}

export interface ProjectRef {
  readonly id: number;
  readonly path: string;
  readonly webUrl: string;
}

/** Label titles before and after, when the labels changed in this event. */
export interface IssueChanges {
  readonly labels?: { readonly previous: readonly string[]; readonly current: readonly string[] };
  /** Only the old text: the new one is the issue's description (job data would carry it twice). */
  readonly description?: { readonly previous: string | null };
  readonly title?: { readonly previous: string | null; readonly current: string | null };
  readonly state?: { readonly previous: 'opened' | 'closed' | null; readonly current: 'opened' | 'closed' | null };
  readonly assignees?: { readonly previous: readonly string[]; readonly current: readonly string[] };
  readonly confidential?: { readonly previous: boolean | null; readonly current: boolean | null };
}

export interface IssueEvent {
  readonly type: 'issue';
  /** `open`, `close`, `reopen`, `update`; older GitLab versions may omit it (`unknown`). */
  readonly action: 'open' | 'close' | 'reopen' | 'update' | 'unknown';
  readonly actor: Actor;
  readonly project: ProjectRef;
  /** The issue as the payload shows it after the change. */
  readonly issue: Issue;
  /** The issue author's user id as the payload gives it (`issue.author` is '' unless the actor wrote it). */
  readonly issueAuthorId?: number;
  readonly changes: IssueChanges;
  readonly eventUuid?: string;
}

export interface NoteEvent {
  readonly type: 'note';
  readonly action: 'create' | 'update' | 'unknown';
  readonly actor: Actor;
  readonly project: ProjectRef;
  readonly note: { readonly id: number; readonly body: string; readonly url: string };
  /** The issue the note is on, as the payload shows it. */
  readonly issue: Issue;
  /** The issue author's user id as the payload gives it. */
  readonly issueAuthorId?: number;
  readonly eventUuid?: string;
}

export interface PushEvent {
  readonly type: 'push';
  readonly actor: Actor;
  readonly project: ProjectRef;
  /** `refs/heads/main` */
  readonly ref: string;
  readonly after: string;
  /** Paths added, modified or removed by the pushed commits. */
  readonly paths: readonly string[];
  /** GitLab lists at most 20 commits: true when there were more, so `paths` may be incomplete. */
  readonly truncated?: boolean;
  readonly eventUuid?: string;
}

export type TrellisEvent = IssueEvent | NoteEvent | PushEvent;
