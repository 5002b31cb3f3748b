import { canAdminNote } from './access.js';
import type { Actor, SimContext } from './context.js';
import { nowIso } from './context.js';
import { badRequest, forbidden } from './errors.js';
import { notePayload } from './hook-payloads.js';
import { applyIssueChange, touchNoteable } from './issue-change.js';
import { interpretCommands, type Interpreted } from './issue-commands.js';
import { extractCommands } from './quick-actions.js';
import { nextId } from './store.js';
import type { SimIssue, SimNote, SimProject } from './types.js';

/** A saved note, or (202) the effect of a note made only of quick actions. */
export type NoteResult = { kind: 'note'; note: SimNote; commandsChanges: Record<string, unknown> } | { kind: 'commands'; commandsChanges: Record<string, unknown>; summary: string[] };

function fireNoteHook(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue, note: SimNote, action: 'create' | 'update'): void {
  const scope = note.internal || issue.confidential ? 'confidential_note_hooks' : 'note_hooks';
  ctx.hooks.fire(project, scope, notePayload(ctx, project, issue, note, actor.user, action), actor.chain);
}

function runCommands(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue, interpreted: Interpreted): void {
  if (Object.values(interpreted.change).some((v) => v !== undefined)) applyIssueChange(ctx, actor, project, issue, interpreted.change);
}

/**
 * Creates a comment as Notes::CreateService: quick actions run with the writer's rights and are
 * removed; a comment made only of commands is not saved (the API answers 202). Saving the note
 * touches the issue's `updated_at` (throttled to once a minute, see touchNoteable), without an issue hook.
 */
export function createNote(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue, body: string, internal: boolean): NoteResult {
  const { content, commands } = extractCommands(body);
  const interpreted = interpretCommands(ctx, project, actor.user, issue, commands);
  if (commands.length > 0 && content.trim() === '') {
    runCommands(ctx, actor, project, issue, interpreted);
    return { kind: 'commands', commandsChanges: interpreted.commandsChanges, summary: interpreted.messages };
  }
  if (content.trim() === '') throw badRequest('Note {:note=>["can\'t be blank"]}');
  const now = nowIso(ctx);
  const note: SimNote = {
    id: nextId(ctx.store, 'note'), issueId: issue.id, projectId: project.id, authorId: actor.user.id, body: content,
    system: false, internal, createdAt: now, updatedAt: now, updatedById: null,
  };
  ctx.store.notes.set(note.id, note);
  issue.noteIds.push(note.id);
  issue.userNotesCount += 1;
  touchNoteable(ctx, issue);
  project.lastActivityAt = now;
  fireNoteHook(ctx, actor, project, issue, note, 'create');
  runCommands(ctx, actor, project, issue, interpreted);
  return { kind: 'note', note, commandsChanges: interpreted.commandsChanges };
}

/**
 * Edits a comment as Notes::UpdateService: only its author (or a Maintainer) may; quick actions in
 * the new text run; a text reduced to commands deletes the note; a hook fires only if the text changed;
 * the save touches the issue's `updated_at` as a new note does.
 */
export function updateNote(ctx: SimContext, actor: Actor, project: SimProject, issue: SimIssue, note: SimNote, body: string): NoteResult {
  if (note.system || !canAdminNote(ctx.store, actor.user, project, note)) throw forbidden();
  const { content, commands } = extractCommands(body);
  const interpreted = interpretCommands(ctx, project, actor.user, issue, commands);
  if (commands.length > 0 && content.trim() === '') {
    deleteNote(ctx, issue, note);
    runCommands(ctx, actor, project, issue, interpreted);
    return { kind: 'commands', commandsChanges: interpreted.commandsChanges, summary: interpreted.messages };
  }
  if (content.trim() === '') throw badRequest('Note {:note=>["can\'t be blank"]}');
  const changed = content !== note.body;
  if (changed) {
    note.body = content;
    note.updatedAt = nowIso(ctx);
    note.updatedById = actor.user.id;
  }
  // Notes::UpdateService saves the note whatever changed, and every save touches the issue (throttled)
  // before the hook data is read.
  touchNoteable(ctx, issue);
  if (changed) fireNoteHook(ctx, actor, project, issue, note, 'update');
  runCommands(ctx, actor, project, issue, interpreted);
  return { kind: 'note', note, commandsChanges: interpreted.commandsChanges };
}

/** Removes a note from its issue. */
export function deleteNote(ctx: SimContext, issue: SimIssue, note: SimNote): void {
  ctx.store.notes.delete(note.id);
  issue.noteIds = issue.noteIds.filter((id) => id !== note.id);
  if (!note.system) issue.userNotesCount = Math.max(0, issue.userNotesCount - 1);
}
