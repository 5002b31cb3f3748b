import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canPush, canReadCode } from './access.js';
import type { SimContext } from './context.js';
import { ApiError, forbidden, missing, notFound } from './errors.js';
import { paginate } from './pagination.js';
import { bool, oneOf, raw, reqStr, str, type Params } from './params.js';
import { projectWebUrl } from './present-project.js';
import { commitActions, commitEntity, commitLog, readFile, resolveRef, type CommitAction } from './repo.js';
import { actorOf, input, param, requireUser, userProject } from './request-state.js';
import type { SimProject } from './types.js';

function readable(ctx: SimContext, req: FastifyRequest): SimProject {
  const project = userProject(ctx, req);
  if (!canReadCode(ctx.store, requireUser(req), project)) throw forbidden();
  return project;
}

function fileAt(ctx: SimContext, req: FastifyRequest, reply: FastifyReply, ref: string) {
  const project = readable(ctx, req);
  const path = param(req, 'file_path');
  if (!resolveRef(project, ref)) throw notFound('Commit');
  const file = readFile(project, ref, path);
  if (!file) throw notFound('File');
  const meta = {
    file_name: path.split('/').pop() ?? path,
    file_path: path,
    size: file.content.length,
    encoding: 'base64',
    content_sha256: createHash('sha256').update(file.content).digest('hex'),
    ref,
    blob_id: file.entry.blobId,
    commit_id: file.commit.id,
    last_commit_id: file.entry.lastCommitId,
    execute_filemode: false,
  };
  const headers: Record<string, string> = {
    'X-Gitlab-Blob-Id': meta.blob_id, 'X-Gitlab-Commit-Id': meta.commit_id, 'X-Gitlab-Content-Sha256': meta.content_sha256,
    'X-Gitlab-Encoding': 'base64', 'X-Gitlab-File-Name': meta.file_name, 'X-Gitlab-File-Path': path,
    'X-Gitlab-Last-Commit-Id': meta.last_commit_id, 'X-Gitlab-Ref': ref, 'X-Gitlab-Size': String(meta.size), 'X-Gitlab-Execute-Filemode': 'false',
  };
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return { meta, content: file.content };
}

function writeAction(req: FastifyRequest, action: CommitAction['action']): { branch: string; message: string; startBranch?: string; action: CommitAction } {
  const p = input(req);
  const branch = reqStr(p, 'branch');
  const content = action === 'delete' ? undefined : str(p, 'content');
  if (action !== 'delete' && content === undefined) throw missing('content');
  const message = reqStr(p, 'commit_message');
  return {
    branch, message, startBranch: str(p, 'start_branch'),
    action: { action, filePath: param(req, 'file_path'), content, encoding: oneOf(p, 'encoding', ['text', 'base64'] as const), lastCommitId: str(p, 'last_commit_id') },
  };
}

function commitOne(ctx: SimContext, req: FastifyRequest, action: CommitAction['action']) {
  const project = userProject(ctx, req);
  const actor = actorOf(req);
  const w = writeAction(req, action);
  if (!canPush(ctx.store, actor.user, project, w.branch)) throw forbidden('403 Forbidden - You are not allowed to push into this branch');
  commitActions(ctx, actor, project, { branch: w.branch, message: w.message, startBranch: w.startBranch, actions: [w.action] });
  return { file_path: w.action.filePath, branch: w.branch };
}

function parseActions(p: Params): CommitAction[] {
  const list = raw(p, 'actions');
  if (!Array.isArray(list) || list.length === 0) throw missing('actions');
  return list.map((a: Record<string, unknown>, i) => {
    const action = String(a.action ?? '');
    if (!['create', 'update', 'delete', 'move', 'chmod'].includes(action)) throw new ApiError(400, { error: `actions[${i}][action] does not have a valid value` });
    if (typeof a.file_path !== 'string' || a.file_path === '') throw missing(`actions[${i}][file_path]`);
    return {
      action: action as CommitAction['action'], filePath: a.file_path, previousPath: typeof a.previous_path === 'string' ? a.previous_path : undefined,
      content: typeof a.content === 'string' ? a.content : undefined, encoding: a.encoding === 'base64' ? 'base64' : 'text',
      lastCommitId: typeof a.last_commit_id === 'string' ? a.last_commit_id : undefined,
    };
  });
}

/** Repository files, commits and tree routes (one default branch history per project). */
export function registerFileRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/repository/files/:file_path', async (req, reply) => {
    const ref = reqStr(input(req), 'ref');
    const { meta, content } = fileAt(ctx, req, reply, ref);
    return { file_name: meta.file_name, file_path: meta.file_path, size: meta.size, encoding: meta.encoding, content: content.toString('base64'), content_sha256: meta.content_sha256, ref: meta.ref, blob_id: meta.blob_id, commit_id: meta.commit_id, last_commit_id: meta.last_commit_id, execute_filemode: false };
  });

  app.get('/projects/:id/repository/files/:file_path/raw', async (req, reply) => {
    const project = readable(ctx, req);
    const { content } = fileAt(ctx, req, reply, str(input(req), 'ref') || project.defaultBranch);
    return reply.type('text/plain; charset=utf-8').send(content);
  });

  app.post('/projects/:id/repository/files/:file_path', async (req, reply) => reply.code(201).send(commitOne(ctx, req, 'create')));
  app.put('/projects/:id/repository/files/:file_path', async (req) => commitOne(ctx, req, 'update'));
  app.delete('/projects/:id/repository/files/:file_path', async (req, reply) => {
    commitOne(ctx, req, 'delete');
    return reply.code(204).send();
  });

  app.post('/projects/:id/repository/commits', async (req, reply) => {
    const project = userProject(ctx, req);
    const actor = actorOf(req);
    const p = input(req);
    const branch = reqStr(p, 'branch');
    const message = reqStr(p, 'commit_message');
    const actions = parseActions(p);
    if (!canPush(ctx.store, actor.user, project, branch)) throw forbidden('403 Forbidden - You are not allowed to push into this branch');
    const commit = commitActions(ctx, actor, project, { branch, message, actions, startBranch: str(p, 'start_branch') });
    return reply.code(201).send(commitEntity(ctx, project, commit, projectWebUrl(ctx, project)));
  });

  // lib/api/commits.rb: `ref_name` (default branch by default), `path`, `since`, `until`, `with_stats`;
  // API::Entities::Commit, or CommitWithStats. An unknown ref or an empty repository lists nothing.
  app.get('/projects/:id/repository/commits', async (req, reply) => {
    const project = readable(ctx, req);
    const p = input(req);
    const head = resolveRef(project, str(p, 'ref_name') || project.defaultBranch);
    const log = head ? commitLog(project, head, { path: str(p, 'path'), since: str(p, 'since'), until: str(p, 'until') }) : [];
    const stats = bool(p, 'with_stats') ?? false;
    return paginate(ctx, req, reply, log).map((c) => {
      const { stats: counted, status: _status, project_id: _project, last_pipeline: _pipeline, ...basic } = commitEntity(ctx, project, c, projectWebUrl(ctx, project));
      return stats ? { ...basic, stats: counted } : basic;
    });
  });

  app.get('/projects/:id/repository/commits/:sha', async (req) => {
    const project = readable(ctx, req);
    const commit = resolveRef(project, param(req, 'sha'));
    if (!commit) throw notFound('Commit');
    return commitEntity(ctx, project, commit, projectWebUrl(ctx, project));
  });

  app.get('/projects/:id/repository/tree', async (req, reply) => {
    const project = readable(ctx, req);
    const p = input(req);
    const commit = resolveRef(project, str(p, 'ref') || project.defaultBranch);
    if (!commit) throw notFound('Tree');
    const base = (str(p, 'path') ?? '').replace(/^\/+|\/+$/g, '');
    const recursive = bool(p, 'recursive') ?? false;
    const prefix = base ? `${base}/` : '';
    const entries = new Map<string, { id: string; name: string; type: 'tree' | 'blob'; path: string; mode: string }>();
    for (const [path, entry] of commit.tree) {
      if (!path.startsWith(prefix)) continue;
      const parts = path.slice(prefix.length).split('/');
      for (let depth = 1; depth <= parts.length; depth += 1) {
        if (!recursive && depth > 1) break;
        const sub = prefix + parts.slice(0, depth).join('/');
        const blob = depth === parts.length;
        entries.set(sub, { id: blob ? entry.blobId : createHash('sha1').update(sub).digest('hex'), name: parts[depth - 1] ?? '', type: blob ? 'blob' : 'tree', path: sub, mode: blob ? '100644' : '040000' });
      }
    }
    const list = [...entries.values()].sort((a, b) => (a.type === b.type ? a.path.localeCompare(b.path) : a.type === 'tree' ? -1 : 1));
    return paginate(ctx, req, reply, list);
  });
}
