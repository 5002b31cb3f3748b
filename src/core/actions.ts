import type { Marker } from './markers.js';
import type { IssueDraft } from './gitlab-port.js';

/**
 * What a plan asks for. Plans are pure functions that return these; core/executor.ts applies them
 * idempotently. An issue is named either by iid or by the `ref` of an `ensure-issue` earlier in the
 * same plan (its iid is known only once it exists).
 */
export type IssueRef = { readonly iid: number; readonly project?: string } | { readonly ref: string };

export type Action =
  /**
   * Find the issue carrying `marker` (in `project`, default the run's project) or create it from
   * `draft`. Only an issue Trellis wrote is ever taken for it: a marker is plain text anyone can type
   * into an issue of their own (issues people open from templates are adopted by their workflows' own rules).
   */
  | { readonly kind: 'ensure-issue'; readonly ref: string; readonly marker: Marker; readonly draft: IssueDraft; readonly project?: string }
  /**
   * Make these labels present and those absent. Adding a scoped label (`scope::value`) removes every
   * other label of its scope, so Free tier behaves like Premium. Writes nothing when already so.
   */
  | { readonly kind: 'set-labels'; readonly issue: IssueRef; readonly add: readonly string[]; readonly remove?: readonly string[] }
  /** Trellis's note on the issue carrying `marker`, created once and edited in place; unchanged text writes nothing. */
  | { readonly kind: 'upsert-note'; readonly issue: IssueRef; readonly marker: Marker; readonly body: string }
  /**
   * Records what Trellis's note with `marker` would say without writing it, because the issue Trellis
   * just created already says it; the note is written only once it would say something else. Saves
   * a note per record on fan-outs (GitLab allows far fewer note creations than issue creations).
   */
  | { readonly kind: 'baseline-note'; readonly issue: IssueRef; readonly marker: Marker; readonly body: string }
  /** A reply that is written at most once per marker (for a command: the command note's id). */
  | { readonly kind: 'reply'; readonly issue: IssueRef; readonly marker: Marker; readonly body: string }
  | { readonly kind: 'link-issues'; readonly issue: IssueRef; readonly target: IssueRef }
  | { readonly kind: 'set-state'; readonly issue: IssueRef; readonly state: 'opened' | 'closed' }
  /** Fields other than labels and state; only differing fields are written. */
  | {
      readonly kind: 'update-issue';
      readonly issue: IssueRef;
      readonly assignees?: readonly string[];
      readonly dueDate?: string | null;
      readonly confidential?: boolean;
      readonly title?: string;
      /**
       * Exact texts of the description to replace, applied to the description as the executor reads
       * it just before writing (so a person's edits since the plan are kept); written only when the
       * result differs.
       */
      readonly replaceText?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
    };

export type ActionKind = Action['kind'];

/** A one-line description of an action, for dry runs and logs. */
export function describeAction(action: Action): string {
  const on = 'issue' in action ? ` on ${refText(action.issue)}` : '';
  switch (action.kind) {
    case 'ensure-issue':
      return `ensure issue "${action.draft.title}" [${action.draft.labels.join(', ')}]${action.draft.confidential ? ' (confidential)' : ''} as ${action.ref}`;
    case 'set-labels':
      return `set labels${on}: +[${action.add.join(', ')}] -[${(action.remove ?? []).join(', ')}]`;
    case 'upsert-note':
      return `upsert ${action.marker.kind} note${on}`;
    case 'baseline-note':
      return `baseline ${action.marker.kind} note${on}`;
    case 'reply':
      return `reply${on} (${action.marker.kind}:${action.marker.key})`;
    case 'link-issues':
      return `link${on} to ${refText(action.target)}`;
    case 'set-state':
      return `${action.state === 'closed' ? 'close' : 'reopen'}${on.replace(' on ', ' ')}`;
    case 'update-issue':
      return `update${on}: ${Object.keys(action).filter((k) => k !== 'kind' && k !== 'issue').join(', ')}`;
  }
}

function refText(ref: IssueRef): string {
  return 'ref' in ref ? `<${ref.ref}>` : `${ref.project ? ref.project : ''}#${ref.iid}`;
}
