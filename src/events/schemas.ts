import { z } from 'zod';
import { issueState, toDay, toIsoDateTime } from './gitlab-values.js';

/*
 * zod schemas of the GitLab webhook payloads Trellis handles. They declare only the fields Trellis
 * reads; everything else passes unchecked (and is dropped from the parsed output), so a new GitLab
 * version adding fields never breaks parsing. Optional fields are the ones older versions leave out:
 * `event_type`, `state_id`, a note's `action`, `assignees`, `labels`, `changes`, a user's `id`.
 */

const id = z.number().int();

/** A GitLab timestamp in any format GitLab has used, read as ISO 8601 (see gitlab-values.ts). */
const dateTime = z.string().transform((value, ctx) => {
  const iso = toIsoDateTime(value);
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: `expected a date and time, received ${JSON.stringify(value.slice(0, 40))}` });
    return z.NEVER;
  }
  return iso;
});

const day = z.string().refine((value) => toDay(value) !== null, { error: 'expected a date like 2026-04-30' });

const label = z.object({ title: z.string() });
const userRef = z.object({ username: z.string() });

/** `user`: who did it. `id` arrived in user hook data around GitLab 12; before, only name and username. */
const user = z.object({ id: id.optional(), username: z.string() });

const project = z.object({ id, path_with_namespace: z.string(), web_url: z.string() });

/**
 * One entry of `changes`: `{ previous, current }` since GitLab 11, or `[previous, current]` (what
 * ActiveRecord's `previous_changes` gives) in GitLab 10 and before. A pair is read as the object, so
 * problems name `previous`/`current` either way.
 */
function change<T extends z.ZodType>(value: T) {
  const side = value.nullable().optional();
  return z.preprocess(
    (input) => (Array.isArray(input) && input.length === 2 ? { previous: input[0], current: input[1] } : input),
    z.object({ previous: side, current: side }),
  );
}

/** The `changes` keys Trellis reads; the others (`updated_at`, `milestone_id`, ...) pass unchecked. */
const issueChanges = z.object({
  title: change(z.string()).optional(),
  description: change(z.string()).optional(),
  labels: change(z.array(label)).optional(),
  assignees: change(z.array(userRef)).optional(),
  confidential: change(z.boolean()).optional(),
  state_id: change(id).optional(),
  // GitLab before 12.x stored the state as a string column, so its change came under `state`.
  state: change(z.string()).optional(),
});

/**
 * An issue as hook data shows it (Gitlab::HookData::IssueBuilder): `object_attributes` of an issue
 * hook and `issue` of a note hook. `state` or `state_id` must say whether it is open.
 */
const issueFields = {
  id,
  iid: id,
  title: z.string(),
  description: z.string().nullable(),
  state: z.string().optional(),
  state_id: id.optional(),
  confidential: z.boolean().optional(),
  author_id: id.optional(),
  due_date: day.nullable().optional(),
  created_at: dateTime,
  updated_at: dateTime,
  closed_at: dateTime.nullable().optional(),
  // Inside the issue since GitLab 12; issue hooks also carry them at the top level.
  labels: z.array(label).optional(),
  url: z.string().optional(),
};

function requireState(issue: { state?: string | undefined; state_id?: number | undefined }, ctx: z.RefinementCtx): void {
  if (issueState(issue.state, issue.state_id) !== null) return;
  const message =
    issue.state === undefined && issue.state_id === undefined
      ? 'required (state or state_id)'
      : `expected opened or closed, received ${JSON.stringify(issue.state ?? issue.state_id)}`;
  ctx.addIssue({ code: 'custom', path: ['state'], message });
}

/** `Issue Hook` and `Confidential Issue Hook`. */
export const issueHookSchema = z.object({
  event_type: z.string().optional(),
  user,
  project,
  object_attributes: z
    .object({ ...issueFields, url: z.string(), action: z.string().optional() })
    .superRefine(requireState),
  labels: z.array(label).optional(),
  // Only when the issue has assignees; `assignee` (the first one) is all GitLab before 9.x sent.
  assignees: z.array(userRef).optional(),
  assignee: userRef.nullable().optional(),
  changes: issueChanges.nullable().optional(),
});

/** The first look at a note hook: enough to tell a note on an issue from one on anything else. */
export const noteTargetSchema = z.object({
  object_attributes: z.object({ noteable_type: z.string(), system: z.boolean().nullable().optional() }),
});

/** `Note Hook` and `Confidential Note Hook` for a note on an issue. */
export const noteHookSchema = z.object({
  event_type: z.string().optional(),
  user,
  project,
  object_attributes: z.object({
    id,
    note: z.string(),
    url: z.string(),
    // Since GitLab 16.11.
    action: z.string().optional(),
    author_id: id.optional(),
  }),
  issue: z.object(issueFields).superRefine(requireState),
});

const paths = z.array(z.string()).nullable().optional();

/** `Push Hook`. The pusher is `user_id` / `user_username`, not a `user` object. */
export const pushHookSchema = z.object({
  ref: z.string(),
  after: z.string(),
  user_id: id,
  // GitLab 8.x and before sent only `user_name` (the display name).
  user_username: z.string().optional(),
  project,
  // GitLab lists at most 20 commits; `total_commits_count` says how many there were.
  commits: z.array(z.object({ added: paths, modified: paths, removed: paths })).nullable().optional(),
  total_commits_count: z.number().int().optional(),
});

export type IssueHook = z.output<typeof issueHookSchema>;
export type NoteHook = z.output<typeof noteHookSchema>;
export type PushHook = z.output<typeof pushHookSchema>;
export type IssueHookChanges = z.output<typeof issueChanges>;
/** The issue fields of an issue hook or a note hook, as parsed. */
export type IssueFields = NoteHook['issue'];
