import type { FastifyInstance } from 'fastify';
import { canReadIssue, canReadProject } from './access.js';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { badMessage, conflict, missing, notFound } from './errors.js';
import { addSystemNote } from './issue-change.js';
import { paginate } from './pagination.js';
import { oneOf, reqStr, str } from './params.js';
import { issueEntity, relatedIssueEntity } from './present-issue.js';
import { actorOf, input, param, requireUser, userProject } from './request-state.js';
import { userIssue } from './routes-issues.js';
import { findProject, nextId, projectFullPath } from './store.js';
import type { SimIssue, SimIssueLink, SimProject } from './types.js';

const LINK_TYPES = ['relates_to', 'blocks', 'is_blocked_by'] as const;

function linksOf(ctx: SimContext, issue: SimIssue): SimIssueLink[] {
  return [...(ctx.store.linksByIssue.get(issue.id) ?? [])].map((id) => ctx.store.links.get(id)).filter((l): l is SimIssueLink => l !== undefined);
}

function index(ctx: SimContext, issueId: number, linkId: number, add: boolean): void {
  let set = ctx.store.linksByIssue.get(issueId);
  if (!set) {
    set = new Set();
    ctx.store.linksByIssue.set(issueId, set);
  }
  if (add) set.add(linkId);
  else set.delete(linkId);
}

/** `#2`, or `group/project#2` from another project, as GitLab writes references in system notes. */
function reference(ctx: SimContext, issue: SimIssue, from: SimProject): string {
  return issue.projectId === from.id ? `#${issue.iid}` : `${projectFullPath(ctx.store, ctx.store.projects.get(issue.projectId) as SimProject)}#${issue.iid}`;
}

const NOTE_VERB: Record<(typeof LINK_TYPES)[number], [string, string]> = {
  relates_to: ['marked this issue as related to', 'marked this issue as related to'],
  blocks: ['marked this issue as blocking', 'marked this issue as blocked by'],
  is_blocked_by: ['marked this issue as blocked by', 'marked this issue as blocking'],
};

/** Issue link routes: links are two-way and each side gets a system note. */
export function registerLinkRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/issues/:issue_iid/links', async (req, reply) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    const user = requireUser(req);
    const related = linksOf(ctx, issue)
      .map((l) => relatedIssueEntity(ctx, l, issue.id))
      .filter((e): e is NonNullable<typeof e> => {
        const other = e ? ctx.store.issues.get(e.id) : undefined;
        const p = other ? ctx.store.projects.get(other.projectId) : undefined;
        return !!(e && other && p && canReadIssue(ctx.store, user, p, other));
      });
    return paginate(ctx, req, reply, related);
  });

  app.post('/projects/:id/issues/:issue_iid/links', async (req, reply) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    const actor = actorOf(req);
    const p = input(req);
    const targetRef = reqStr(p, 'target_project_id');
    const targetIid = str(p, 'target_issue_iid');
    if (targetIid === undefined || targetIid === '') throw missing('target_issue_iid');
    const linkType = oneOf(p, 'link_type', LINK_TYPES) ?? 'relates_to';
    const targetProject = findProject(ctx.store, targetRef);
    if (!targetProject || !canReadProject(ctx.store, actor.user, targetProject)) throw notFound('Project');
    const target = targetProject.issues.get(Number(targetIid));
    if (!target || !canReadIssue(ctx.store, actor.user, targetProject, target)) throw notFound();
    if (target.id === issue.id) throw badMessage('Source cannot be related to itself.');
    if (linksOf(ctx, issue).some((l) => l.sourceId === target.id || l.targetId === target.id)) throw conflict('Issue(s) already assigned');
    const now = nowIso(ctx);
    // GitLab stores is_blocked_by as the reverse `blocks` link.
    const reversed = linkType === 'is_blocked_by';
    const link: SimIssueLink = {
      id: nextId(ctx.store, 'link'), sourceId: reversed ? target.id : issue.id, targetId: reversed ? issue.id : target.id,
      linkType: reversed ? 'blocks' : linkType, createdAt: now, updatedAt: now,
    };
    ctx.store.links.set(link.id, link);
    index(ctx, issue.id, link.id, true);
    index(ctx, target.id, link.id, true);
    const [mine, theirs] = NOTE_VERB[linkType];
    addSystemNote(ctx, issue, actor.user, `${mine} ${reference(ctx, target, project)}`);
    addSystemNote(ctx, target, actor.user, `${theirs} ${reference(ctx, issue, targetProject)}`);
    return reply.code(201).send({ source_issue: issueEntity(ctx, project, issue), target_issue: issueEntity(ctx, targetProject, target), link_type: linkType });
  });

  app.delete('/projects/:id/issues/:issue_iid/links/:issue_link_id', async (req) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    const actor = actorOf(req);
    const link = ctx.store.links.get(Number(param(req, 'issue_link_id')));
    if (!link || (link.sourceId !== issue.id && link.targetId !== issue.id)) throw notFound('Issue link');
    ctx.store.links.delete(link.id);
    index(ctx, link.sourceId, link.id, false);
    index(ctx, link.targetId, link.id, false);
    const source = ctx.store.issues.get(link.sourceId);
    const target = ctx.store.issues.get(link.targetId);
    if (source && target) {
      addSystemNote(ctx, source, actor.user, `removed the relation with ${reference(ctx, target, ctx.store.projects.get(source.projectId) as SimProject)}`);
      addSystemNote(ctx, target, actor.user, `removed the relation with ${reference(ctx, source, ctx.store.projects.get(target.projectId) as SimProject)}`);
    }
    const sourceProject = source ? ctx.store.projects.get(source.projectId) : undefined;
    const targetProject = target ? ctx.store.projects.get(target.projectId) : undefined;
    return {
      source_issue: source && sourceProject ? issueEntity(ctx, sourceProject, source) : null,
      target_issue: target && targetProject ? issueEntity(ctx, targetProject, target) : null,
      link_type: link.linkType,
    };
  });
}
