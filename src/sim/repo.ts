import { createHash } from 'node:crypto';
import type { Actor, SimContext } from './context.js';
import { nowIso } from './context.js';
import { badMessage } from './errors.js';
import { pushPayload } from './hook-payloads.js';
import type { SimCommit, SimProject, SimTreeEntry } from './types.js';

const ZERO_SHA = '0000000000000000000000000000000000000000';

/** Git's blob id: sha1 of `blob <size>\0<content>`. */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** A commit by branch name or (abbreviated, 7+) commit id. */
export function resolveRef(project: SimProject, ref: string): SimCommit | undefined {
  const head = project.repo.branches.get(ref);
  if (head) return project.repo.commits.get(head);
  if (/^[0-9a-f]{7,40}$/.test(ref)) {
    for (const [id, commit] of project.repo.commits) if (id.startsWith(ref)) return commit;
  }
  return undefined;
}

/** A file at a ref, with its blob and last commit, or undefined. */
export function readFile(project: SimProject, ref: string, path: string): { content: Buffer; entry: SimTreeEntry; commit: SimCommit } | undefined {
  const commit = resolveRef(project, ref);
  const entry = commit?.tree.get(path);
  const content = entry ? project.repo.blobs.get(entry.blobId) : undefined;
  if (!commit || !entry || !content) return undefined;
  return { content, entry, commit };
}

/** One action of `POST /repository/commits` (the files API maps onto these too). */
export interface CommitAction {
  action: 'create' | 'update' | 'delete' | 'move' | 'chmod';
  filePath: string;
  previousPath?: string;
  content?: string;
  encoding?: 'text' | 'base64';
  lastCommitId?: string;
}

function decode(action: CommitAction): Buffer {
  return action.encoding === 'base64' ? Buffer.from(action.content ?? '', 'base64') : Buffer.from(action.content ?? '', 'utf8');
}

function applyAction(project: SimProject, tree: Map<string, SimTreeEntry>, a: CommitAction, commitId: string): void {
  const existing = tree.get(a.filePath);
  if (a.lastCommitId && existing && existing.lastCommitId !== a.lastCommitId) {
    throw badMessage('You are attempting to update a file that has changed since you started editing it.');
  }
  if (a.action === 'create') {
    if (existing) throw badMessage('A file with this name already exists');
  } else if (a.action === 'move') {
    const from = a.previousPath ? tree.get(a.previousPath) : undefined;
    if (!from || !a.previousPath) throw badMessage("A file with this name doesn't exist");
    if (existing) throw badMessage('A file with this name already exists');
    tree.delete(a.previousPath);
    if (a.content === undefined) {
      tree.set(a.filePath, { blobId: from.blobId, lastCommitId: commitId });
      return;
    }
  } else if (!existing) {
    throw badMessage("A file with this name doesn't exist");
  }
  if (a.action === 'delete') {
    tree.delete(a.filePath);
    return;
  }
  if (a.action === 'chmod') return;
  const content = decode(a);
  const blobId = blobSha(content);
  project.repo.blobs.set(blobId, content);
  tree.set(a.filePath, { blobId, lastCommitId: commitId });
}

/**
 * Commits actions to a branch (creating it from `startBranch`, or as the first commit of an empty
 * repository) and fires a `Push Hook`. Errors carry GitLab's messages.
 */
export function commitActions(
  ctx: SimContext, actor: Actor, project: SimProject,
  input: { branch: string; message: string; actions: CommitAction[]; startBranch?: string },
): SimCommit {
  const repo = project.repo;
  const headId = repo.branches.get(input.branch);
  let parent = headId ? repo.commits.get(headId) : undefined;
  if (!parent) {
    if (input.startBranch) {
      parent = resolveRef(project, input.startBranch);
      if (!parent) throw badMessage(`Invalid reference name: ${input.startBranch}`);
    } else if (repo.commits.size > 0) {
      throw badMessage('You can only create or edit files when you are on a branch');
    }
  }
  if (input.actions.length === 0) throw badMessage('No actions given');
  const now = nowIso(ctx);
  const id = createHash('sha1').update(`${parent?.id ?? ''}\n${input.message}\n${now}\n${project.id}\n${repo.commits.size}\n${Math.random()}`).digest('hex');
  const tree = new Map(parent?.tree ?? []);
  for (const a of input.actions) applyAction(project, tree, a, id);
  const message = input.message;
  const commit: SimCommit = {
    id, parentIds: parent ? [parent.id] : [], title: message.split('\n')[0] ?? '', message, authorId: actor.user.id, createdAt: now, tree,
  };
  repo.commits.set(id, commit);
  repo.branches.set(input.branch, id);
  project.lastActivityAt = now;
  ctx.hooks.fire(project, 'push_hooks', pushPayload(ctx, project, actor.user, input.branch, headId ?? ZERO_SHA, [commit]), actor.chain);
  return commit;
}

/** `API::Entities::CommitDetail` of a commit. */
export function commitEntity(ctx: SimContext, project: SimProject, commit: SimCommit, webUrl: string) {
  const author = ctx.store.users.get(commit.authorId);
  let additions = 0;
  let deletions = 0;
  const parent = commit.parentIds[0] ? project.repo.commits.get(commit.parentIds[0]) : undefined;
  const lines = (blobId: string | undefined) => (blobId ? (project.repo.blobs.get(blobId)?.toString('utf8').split('\n').length ?? 0) : 0);
  for (const [path, entry] of commit.tree) {
    const old = parent?.tree.get(path);
    if (old?.blobId === entry.blobId) continue;
    additions += lines(entry.blobId);
    deletions += lines(old?.blobId);
  }
  for (const [path, entry] of parent?.tree ?? []) if (!commit.tree.has(path)) deletions += lines(entry.blobId);
  return {
    id: commit.id,
    short_id: commit.id.slice(0, 8),
    created_at: commit.createdAt,
    parent_ids: commit.parentIds,
    title: commit.title,
    message: commit.message,
    author_name: author?.name ?? '',
    author_email: author?.email ?? '',
    authored_date: commit.createdAt,
    committer_name: author?.name ?? '',
    committer_email: author?.email ?? '',
    committed_date: commit.createdAt,
    trailers: {},
    extended_trailers: {},
    web_url: `${webUrl}/-/commit/${commit.id}`,
    stats: { additions, deletions, total: additions + deletions },
    status: null,
    project_id: project.id,
    last_pipeline: null,
  };
}

/** Whether a commit changed `path` (a file, or anything below a directory) against its first parent. */
function touches(project: SimProject, commit: SimCommit, path: string): boolean {
  const parent = commit.parentIds[0] ? project.repo.commits.get(commit.parentIds[0]) : undefined;
  const under = (p: string) => p === path || p.startsWith(`${path}/`);
  for (const [p, entry] of commit.tree) if (under(p) && parent?.tree.get(p)?.blobId !== entry.blobId) return true;
  for (const p of parent?.tree.keys() ?? []) if (under(p) && !commit.tree.has(p)) return true;
  return false;
}

/**
 * `git log` from a commit, newest first, as Repository#commits answers GET /repository/commits:
 * `path` keeps commits that changed it, `since` / `until` bound the commit time (ISO 8601).
 */
export function commitLog(project: SimProject, head: SimCommit, filter: { path?: string; since?: string; until?: string }): SimCommit[] {
  const out: SimCommit[] = [];
  const path = filter.path?.replace(/^\/+|\/+$/g, '');
  const since = filter.since ? Date.parse(filter.since) : undefined;
  const until = filter.until ? Date.parse(filter.until) : undefined;
  for (let c: SimCommit | undefined = head; c; c = c.parentIds[0] ? project.repo.commits.get(c.parentIds[0]) : undefined) {
    const at = Date.parse(c.createdAt);
    if (since !== undefined && at < since) continue;
    if (until !== undefined && at > until) continue;
    if (path && !touches(project, c, path)) continue;
    out.push(c);
  }
  return out;
}
