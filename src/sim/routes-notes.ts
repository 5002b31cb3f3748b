import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canAdminIssue, canAdminNote, canReadIssue } from './access.js';
import type { SimContext } from './context.js';
import { ApiError, forbidden, missing, notFound } from './errors.js';
import { createNote, deleteNote, updateNote, type NoteResult } from './note-service.js';
import { paginate } from './pagination.js';
import { bool, has, oneOf, str } from './params.js';
import { noteEntity } from './present-issue.js';
import { actorOf, input, param, requireUser, userProject } from './request-state.js';
import type { SimIssue, SimNote, SimProject } from './types.js';

/** The noteable issue, or `404 Issue Not Found` as `find_noteable` answers. */
function noteable(ctx: SimContext, req: FastifyRequest): { project: SimProject; issue: SimIssue } {
  const project = userProject(ctx, req);
  const issue = project.issues.get(Number(param(req, 'issue_iid')));
  if (!issue || !canReadIssue(ctx.store, requireUser(req), project, issue)) throw notFound('Issue');
  return { project, issue };
}

function findNote(ctx: SimContext, req: FastifyRequest, issue: SimIssue, project: SimProject): SimNote {
  const note = ctx.store.notes.get(Number(param(req, 'note_id')));
  if (!note || note.issueId !== issue.id) throw notFound();
  if (note.internal && !canAdminIssue(ctx.store, requireUser(req), project)) throw notFound('Note');
  return note;
}

function answer(ctx: SimContext, reply: FastifyReply, issue: SimIssue, result: NoteResult, created: boolean) {
  if (result.kind === 'commands') return reply.code(202).send({ commands_changes: result.commandsChanges, summary: result.summary });
  return reply.code(created ? 201 : 200).send({ ...noteEntity(ctx, result.note, issue), commands_changes: result.commandsChanges });
}

/** Issue notes routes. */
export function registerNoteRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/issues/:issue_iid/notes', async (req, reply) => {
    const { project, issue } = noteable(ctx, req);
    const p = input(req);
    const orderBy = oneOf(p, 'order_by', ['created_at', 'updated_at'] as const) ?? 'created_at';
    const dir = (oneOf(p, 'sort', ['asc', 'desc'] as const) ?? 'desc') === 'asc' ? 1 : -1;
    const filter = oneOf(p, 'activity_filter', ['all_notes', 'only_comments', 'only_activity'] as const) ?? 'all_notes';
    const seeInternal = canAdminIssue(ctx.store, requireUser(req), project);
    const notes = issue.noteIds
      .map((id) => ctx.store.notes.get(id))
      .filter((n): n is SimNote => n !== undefined && (seeInternal || !n.internal))
      .filter((n) => filter === 'all_notes' || (filter === 'only_comments' ? !n.system : n.system));
    const key = (n: SimNote) => (orderBy === 'updated_at' ? n.updatedAt : n.createdAt);
    notes.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : (a.id - b.id) * dir));
    return paginate(ctx, req, reply, notes).map((n) => noteEntity(ctx, n, issue));
  });

  app.get('/projects/:id/issues/:issue_iid/notes/:note_id', async (req) => {
    const { project, issue } = noteable(ctx, req);
    return noteEntity(ctx, findNote(ctx, req, issue, project), issue);
  });

  app.post('/projects/:id/issues/:issue_iid/notes', async (req, reply) => {
    const { project, issue } = noteable(ctx, req);
    const p = input(req);
    const body = str(p, 'body');
    if (body === undefined) throw missing('body');
    const internal = bool(p, 'internal') ?? bool(p, 'confidential') ?? false;
    return answer(ctx, reply, issue, createNote(ctx, actorOf(req), project, issue, body, internal), true);
  });

  app.put('/projects/:id/issues/:issue_iid/notes/:note_id', async (req, reply) => {
    const { project, issue } = noteable(ctx, req);
    const note = findNote(ctx, req, issue, project);
    const p = input(req);
    const body = str(p, 'body');
    if (has(p, 'body') && (body === undefined || body === '')) throw new ApiError(400, { error: 'body is empty' });
    if (body === undefined) return noteEntity(ctx, note, issue);
    return answer(ctx, reply, issue, updateNote(ctx, actorOf(req), project, issue, note, body), false);
  });

  app.delete('/projects/:id/issues/:issue_iid/notes/:note_id', async (req, reply) => {
    const { project, issue } = noteable(ctx, req);
    const note = findNote(ctx, req, issue, project);
    if (note.system || !canAdminNote(ctx.store, requireUser(req), project, note)) throw forbidden();
    deleteNote(ctx, issue, note);
    return reply.code(204).send();
  });
}
