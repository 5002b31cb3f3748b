import { canAdminIssue, canReadProject, canSetNewIssueMetadata, canUpdateIssue } from './access.js';
import type { SimContext } from './context.js';
import type { IssueChange } from './issue-change.js';
import { parseDueDate, parseLabelRefs, parseUserRefs, longDate, type QuickCommand } from './quick-actions.js';
import { availableByTitle, labelById } from './labels.js';
import { findUserByName, type SimStore } from './store.js';
import type { SimIssue, SimLabel, SimProject, SimUser } from './types.js';

/** What a set of quick actions does: the change, GitLab's `commands_changes` and the summary lines. */
export interface Interpreted {
  change: IssueChange;
  commandsChanges: Record<string, unknown>;
  messages: string[];
}

function labelRef(l: SimLabel): string {
  return /^[\w-]+$/.test(l.title) ? `~${l.title}` : `~"${l.title}"`;
}

/** Labels named in a command: the project's own or its ancestor groups' (`~title`, `~"a b"` or `~id`). */
function findLabels(store: SimStore, project: SimProject, arg: string): SimLabel[] {
  const out: SimLabel[] = [];
  for (const ref of parseLabelRefs(arg)) {
    const byId = ref.id !== undefined ? labelById(store, ref.id) : undefined;
    const usable = byId && (byId.projectId === project.id || (byId.groupId !== null && availableByTitle(store, project, byId.title) === byId)) ? byId : undefined;
    const label = (ref.title !== undefined ? availableByTitle(store, project, ref.title) : undefined) ?? usable;
    if (label && !out.includes(label)) out.push(label);
  }
  return out;
}

function findUsers(ctx: SimContext, project: SimProject, user: SimUser, arg: string): SimUser[] {
  const out: SimUser[] = [];
  for (const name of parseUserRefs(arg)) {
    const u = name === 'me' ? user : findUserByName(ctx.store, name);
    if (u && canReadProject(ctx.store, u, project) && !out.includes(u)) out.push(u);
  }
  return out;
}

/**
 * Interprets commands for `issue` (null while the issue is being created). Each command runs only
 * when GitLab's condition for it holds for this writer: e.g. `/close` needs a persisted open issue
 * and update rights; `/label` needs the right to set metadata (any creator on a new issue).
 */
export function interpretCommands(ctx: SimContext, project: SimProject, user: SimUser, issue: SimIssue | null, commands: QuickCommand[]): Interpreted {
  const change: IssueChange = {};
  const cc: Record<string, unknown> = {};
  const messages: string[] = [];
  // `set_issue_metadata`: any member (Guest+) on a new issue, `admin_issue` (Planner+) on an existing one.
  const admin = issue === null ? canSetNewIssueMetadata(ctx.store, user, project) : canAdminIssue(ctx.store, user, project);
  const update = issue !== null && canUpdateIssue(ctx.store, user, project, issue);
  const currentLabels = () => change.labelIds ?? issue?.labelIds ?? [];
  const currentAssignees = () => change.assigneeIds ?? issue?.assigneeIds ?? [];
  for (const { name, arg } of commands) {
    if ((name === 'close' && issue?.state === 'opened' && update) || (name === 'reopen' && issue?.state === 'closed' && update)) {
      change.stateEvent = name;
      cc.state_event = name;
      messages.push(name === 'close' ? 'Closed this issue.' : 'Reopened this issue.');
    } else if (name === 'title' && update && arg !== '') {
      change.title = arg;
      cc.title = arg;
      messages.push(`Changed the title to "${arg}".`);
    } else if ((name === 'label' || name === 'labels') && admin) {
      const labels = findLabels(ctx.store, project, arg);
      if (labels.length === 0) continue;
      change.addLabelIds = [...(change.addLabelIds ?? []), ...labels.map((l) => l.id)];
      cc.add_label_ids = change.addLabelIds;
      messages.push(`Added ${labels.map(labelRef).join(' ')} label${labels.length > 1 ? 's' : ''}.`);
    } else if ((name === 'unlabel' || name === 'remove_label') && issue && admin && currentLabels().length > 0) {
      if (arg === '') {
        change.labelIds = [];
        change.addLabelIds = [];
        cc.label_ids = [];
        messages.push('Removed all labels.');
      } else {
        const labels = findLabels(ctx.store, project, arg);
        if (labels.length === 0) continue;
        change.removeLabelIds = [...(change.removeLabelIds ?? []), ...labels.map((l) => l.id)];
        cc.remove_label_ids = change.removeLabelIds;
        messages.push(`Removed ${labels.map(labelRef).join(' ')} label${labels.length > 1 ? 's' : ''}.`);
      }
    } else if (name === 'relabel' && admin && (issue === null || currentLabels().length > 0)) {
      const labels = findLabels(ctx.store, project, arg);
      if (labels.length === 0) continue;
      change.labelIds = labels.map((l) => l.id);
      change.addLabelIds = [];
      cc.label_ids = change.labelIds;
      messages.push(`Replaced all labels with ${labels.map(labelRef).join(' ')} label${labels.length > 1 ? 's' : ''}.`);
    } else if (name === 'assign' && admin) {
      const users = findUsers(ctx, project, user, arg);
      if (users.length === 0) continue;
      // Free tier allows one assignee: `/assign` then replaces it with the first user named.
      const named = ctx.settings.tier === 'free' ? users.slice(0, 1) : users;
      const base = ctx.settings.tier === 'free' ? [] : currentAssignees();
      change.assigneeIds = [...new Set([...base, ...named.map((u) => u.id)])];
      cc.assignee_ids = change.assigneeIds;
      messages.push(`Assigned ${named.map((u) => `@${u.username}`).join(' and ')}.`);
    } else if (name === 'unassign' && issue && admin && currentAssignees().length > 0) {
      const users = arg === '' ? [] : findUsers(ctx, project, user, arg);
      const gone = arg === '' ? currentAssignees() : users.map((u) => u.id);
      change.assigneeIds = currentAssignees().filter((id) => !gone.includes(id));
      cc.assignee_ids = change.assigneeIds;
      messages.push(`Removed assignee${gone.length > 1 ? 's' : ''} ${gone.map((id) => `@${ctx.store.users.get(id)?.username ?? id}`).join(' and ')}.`);
    } else if (name === 'confidential' && admin && !(issue?.confidential ?? false)) {
      change.confidential = true;
      cc.confidential = true;
      messages.push('Made this issue confidential.');
    } else if (name === 'due' && admin) {
      const due = parseDueDate(arg, ctx.clock.now());
      if (due === null) continue;
      change.dueDate = due;
      cc.due_date = due;
      messages.push(`Set the due date to ${longDate(due)}.`);
    } else if (name === 'remove_due_date' && issue?.dueDate && admin) {
      change.dueDate = null;
      cc.due_date = null;
      messages.push('Removed the due date.');
    }
  }
  return { change, commandsChanges: cc, messages };
}

/** Merges command effects over parameters, as GitLab lets commands win over the request's fields. */
export function mergeChanges(base: IssueChange, commands: IssueChange): IssueChange {
  const out: IssueChange = { ...base };
  for (const [key, value] of Object.entries(commands) as Array<[keyof IssueChange, unknown]>) {
    if (value === undefined) continue;
    if ((key === 'addLabelIds' || key === 'removeLabelIds') && Array.isArray(value)) {
      out[key] = [...(base[key] ?? []), ...(value as number[])];
    } else {
      (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}
