import { hookTime } from './clock.js';
import type { Actor, SimContext } from './context.js';
import { nowIso } from './context.js';
import { issuePayload } from './hook-payloads.js';
import { resolveScoped, setIssueLabels } from './labels.js';
import { issueLabels } from './present-issue.js';
import { labelHookAttrs } from './present-label.js';
import { userHookAttrs } from './present-user.js';
import { longDate } from './quick-actions.js';
import { issueEvents, nextId } from './store.js';
import type { SimIssue, SimNote, SimProject, SimUser } from './types.js';

/** A change to an issue in GitLab's update-service terms; absent fields stay as they are. */
export interface IssueChange {
  title?: string;
  description?: string;
  /** Replaces all labels (before adds and removes apply). */
  labelIds?: number[];
  addLabelIds?: number[];
  removeLabelIds?: number[];
  assigneeIds?: number[];
  confidential?: boolean;
  dueDate?: string | null;
  stateEvent?: 'close' | 'reopen';
  discussionLocked?: boolean;
}


interface Snapshot {
  title: string;
  description: string;
  labelIds: number[];
  assigneeIds: number[];
  confidential: boolean;
  dueDate: string | null;
  discussionLocked: boolean | null;
  updatedAt: string;
  updatedById: number | null;
  lastEditedAt: string | null;
  lastEditedById: number | null;
}

function snapshot(issue: SimIssue): Snapshot {
  return {
    title: issue.title, description: issue.description, labelIds: [...issue.labelIds].sort((a, b) => a - b), assigneeIds: [...issue.assigneeIds],
    confidential: issue.confidential, dueDate: issue.dueDate, discussionLocked: issue.discussionLocked,
    updatedAt: issue.updatedAt, updatedById: issue.updatedById, lastEditedAt: issue.lastEditedAt, lastEditedById: issue.lastEditedById,
  };
}

const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((x) => b.includes(x));

/** `ThrottledTouch::TOUCH_INTERVAL` (app/models/concerns/throttled_touch.rb). */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * `Note#touch_noteable` (app/models/note.rb, `after_save`: on every note saved, new or edited, user or
 * system) through Issue's `ThrottledTouch`: the issue's `updated_at` moves to now only when it is more
 * than a minute old, so a note within a minute of the last change leaves it as it was. A touch runs no
 * callbacks: no issue hook, no `updated_by`.
 */
export function touchNoteable(ctx: SimContext, issue: SimIssue): void {
  const now = nowIso(ctx);
  if (Date.parse(now) - Date.parse(issue.updatedAt) > TOUCH_INTERVAL_MS) issue.updatedAt = now;
}

/** Adds a system note (no note hook fires for these, as in GitLab); saving it touches the issue. */
export function addSystemNote(ctx: SimContext, issue: SimIssue, user: SimUser, body: string): SimNote {
  const now = nowIso(ctx);
  const note: SimNote = {
    id: nextId(ctx.store, 'note'), issueId: issue.id, projectId: issue.projectId, authorId: user.id, body,
    system: true, internal: false, createdAt: now, updatedAt: now, updatedById: null,
  };
  ctx.store.notes.set(note.id, note);
  issue.noteIds.push(note.id);
  touchNoteable(ctx, issue);
  return note;
}

/** Fires the issue hooks of the project for this issue's current state. */
export function fireIssueHook(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue, action: string, changes: Record<string, unknown>): void {
  const scope = issue.confidential ? 'confidential_issue_hooks' : 'issue_hooks';
  ctx.hooks.fire(project, scope, issuePayload(ctx, project, issue, actor.user, action, changes), actor.chain);
}

/**
 * The new `updated_at` of a save. Real GitLab stores microseconds, so a save always moves it; with
 * millisecond timestamps two quick saves could tie, so a tie moves it by 1 ms (not on a frozen clock).
 */
function touchTime(ctx: SimContext, issue: SimIssue): string {
  const now = nowIso(ctx);
  if (ctx.clock.frozen() || now > issue.updatedAt) return now;
  return new Date(Date.parse(issue.updatedAt) + 1).toISOString();
}

function changeState(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue, event: 'close' | 'reopen'): void {
  if ((event === 'close') !== (issue.state === 'opened')) return;
  const before = { closedAt: issue.closedAt, updatedAt: issue.updatedAt, stateId: issue.state === 'opened' ? 1 : 2 };
  const now = touchTime(ctx, issue);
  issue.state = event === 'close' ? 'closed' : 'opened';
  issue.closedAt = event === 'close' ? now : null;
  issue.closedById = event === 'close' ? actor.user.id : null;
  issue.updatedAt = now;
  issueEvents(ctx.store, issue.id).push({
    id: nextId(ctx.store, 'event'), kind: 'state', issueId: issue.id, userId: actor.user.id, createdAt: now,
    state: event === 'close' ? 'closed' : 'reopened',
  });
  fireIssueHook(ctx, actor, project, issue, event, {
    closed_at: { previous: hookTime(before.closedAt), current: hookTime(issue.closedAt) },
    state_id: { previous: before.stateId, current: issue.state === 'opened' ? 1 : 2 },
    updated_at: { previous: hookTime(before.updatedAt), current: hookTime(issue.updatedAt) },
  });
}

function nextLabelIds(ctx: SimContext, issue: SimIssue, change: IssueChange): number[] | undefined {
  if (change.labelIds === undefined && change.addLabelIds === undefined && change.removeLabelIds === undefined) return undefined;
  let ids = change.labelIds ? [...change.labelIds] : [...issue.labelIds];
  for (const id of change.addLabelIds ?? []) if (!ids.includes(id)) ids.push(id);
  const removed = new Set(change.removeLabelIds ?? []);
  ids = ids.filter((id) => !removed.has(id));
  const added = [...(change.labelIds ?? []), ...(change.addLabelIds ?? [])].filter((id) => !issue.labelIds.includes(id) && ids.includes(id));
  return resolveScoped(ctx, ids, added);
}

function sentence(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function refs(ctx: SimContext, ids: number[]): string[] {
  return ids.map((id) => `@${ctx.store.users.get(id)?.username ?? id}`);
}

/** GitLab's inline title diff, reduced to one changed span: `**Old {-x-}**` / `**New {+y+}**`. */
function titleNote(before: string, after: string): string {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end += 1;
  const mark = (s: string, sign: '-' | '+') => {
    const mid = s.slice(start, s.length - end);
    return mid === '' ? s : `${s.slice(0, start)}{${sign}${mid}${sign}}${s.slice(s.length - end)}`;
  };
  return `changed title from **${mark(before, '-')}** to **${mark(after, '+')}**`;
}

function systemNotes(ctx: SimContext, actor: Actor, issue: SimIssue, before: Snapshot): void {
  const user = actor.user;
  if (!sameSet(before.assigneeIds, issue.assigneeIds)) {
    const added = issue.assigneeIds.filter((id) => !before.assigneeIds.includes(id));
    const gone = before.assigneeIds.filter((id) => !issue.assigneeIds.includes(id));
    const parts = [];
    if (added.length) parts.push(`assigned to ${sentence(refs(ctx, added))}`);
    if (gone.length) parts.push(`unassigned ${sentence(refs(ctx, gone))}`);
    addSystemNote(ctx, issue, user, parts.join(' and '));
  }
  if (before.title !== issue.title) addSystemNote(ctx, issue, user, titleNote(before.title, issue.title));
  if (before.description !== issue.description) addSystemNote(ctx, issue, user, 'changed the description');
  if (before.dueDate !== issue.dueDate) {
    addSystemNote(ctx, issue, user, issue.dueDate ? `changed due date to ${longDate(issue.dueDate)}` : 'removed due date');
  }
  if (before.confidential !== issue.confidential) {
    addSystemNote(ctx, issue, user, issue.confidential ? 'made the issue confidential' : 'made the issue visible to everyone');
  }
  if (before.discussionLocked !== issue.discussionLocked && issue.discussionLocked !== null) {
    addSystemNote(ctx, issue, user, issue.discussionLocked ? 'locked the discussion in this issue' : 'unlocked the discussion in this issue');
  }
}

function labelEvents(ctx: SimContext, actor: Actor, issue: SimIssue, beforeIds: number[]): void {
  const now = nowIso(ctx);
  const events = issueEvents(ctx.store, issue.id);
  const push = (labelId: number, action: 'add' | 'remove') =>
    events.push({ id: nextId(ctx.store, 'event'), kind: 'label', issueId: issue.id, userId: actor.user.id, createdAt: now, labelId, action });
  for (const id of issue.labelIds) if (!beforeIds.includes(id)) push(id, 'add');
  for (const id of beforeIds) if (!issue.labelIds.includes(id)) push(id, 'remove');
}

function hookChanges(ctx: SimContext, issue: SimIssue, before: Snapshot): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  const pair = (key: string, previous: unknown, current: unknown) => {
    if (previous !== current) c[key] = { previous, current };
  };
  pair('title', before.title, issue.title);
  pair('description', before.description, issue.description);
  pair('confidential', before.confidential, issue.confidential);
  pair('due_date', before.dueDate, issue.dueDate);
  pair('discussion_locked', before.discussionLocked, issue.discussionLocked);
  // Timestamps are compared at full precision and rendered at the hook's one-second precision.
  const time = (key: string, previous: string | null, current: string | null) => {
    if (previous !== current) c[key] = { previous: hookTime(previous), current: hookTime(current) };
  };
  time('last_edited_at', before.lastEditedAt, issue.lastEditedAt);
  pair('last_edited_by_id', before.lastEditedById, issue.lastEditedById);
  time('updated_at', before.updatedAt, issue.updatedAt);
  pair('updated_by_id', before.updatedById, issue.updatedById);
  if (!sameSet(before.labelIds, issue.labelIds)) {
    const prev = { ...issue, labelIds: before.labelIds };
    c.labels = { previous: issueLabels(ctx, prev).map(labelHookAttrs), current: issueLabels(ctx, issue).map(labelHookAttrs) };
  }
  if (!sameSet(before.assigneeIds, issue.assigneeIds)) {
    const users = (ids: number[]) => ids.map((id) => ctx.store.users.get(id)).filter((u): u is SimUser => !!u).map((u) => userHookAttrs(ctx, u));
    c.assignees = { previous: users(before.assigneeIds), current: users(issue.assigneeIds) };
  }
  return c;
}

/**
 * Applies a change as Issues::UpdateService does: a state event first (its own `close`/`reopen`
 * hook), then the other fields, with system notes, label events and one `update` hook. A given
 * attribute that keeps its value still saves and fires the hook with empty `changes`.
 */
export function applyIssueChange(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue, change: IssueChange): void {
  if (change.stateEvent) changeState(ctx, actor, project, issue, change.stateEvent);
  const { stateEvent: _ignored, ...rest } = change;
  if (Object.values(rest).every((v) => v === undefined)) return;
  const before = snapshot(issue);
  if (rest.title !== undefined) issue.title = rest.title;
  if (rest.description !== undefined) issue.description = rest.description;
  if (rest.confidential !== undefined) issue.confidential = rest.confidential;
  if (rest.dueDate !== undefined) issue.dueDate = rest.dueDate;
  if (rest.discussionLocked !== undefined) issue.discussionLocked = rest.discussionLocked;
  if (rest.assigneeIds !== undefined) issue.assigneeIds = [...new Set(rest.assigneeIds)];
  const labelIds = nextLabelIds(ctx, issue, rest);
  if (labelIds !== undefined) setIssueLabels(project, issue, labelIds);
  const after = snapshot(issue);
  const changed = (Object.keys(before) as Array<keyof Snapshot>).some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed) {
    const now = touchTime(ctx, issue);
    issue.updatedAt = now;
    issue.updatedById = actor.user.id;
    if (before.title !== issue.title || before.description !== issue.description) {
      issue.lastEditedAt = now;
      issue.lastEditedById = actor.user.id;
    }
    systemNotes(ctx, actor, issue, before);
    labelEvents(ctx, actor, issue, before.labelIds);
  }
  // Label and assignee params that change nothing are dropped before the save (GitLab's
  // assign_requested_labels/assignees); any other given attribute still saves and fires the hook.
  const attrGiven = [rest.title, rest.description, rest.confidential, rest.dueDate, rest.discussionLocked].some((v) => v !== undefined);
  if (changed || attrGiven) fireIssueHook(ctx, actor, project, issue, 'update', hookChanges(ctx, issue, before));
}
