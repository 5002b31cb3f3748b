import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ACCESS, canReadIssue, canUpdateIssue, projectAccess } from './access.js';
import type { SimContext } from './context.js';
import { ApiError, forbidden, notFound } from './errors.js';
import { applyIssueChange } from './issue-change.js';
import { findIssues } from './issue-filter.js';
import { createIssue, paramsToChange, withDescriptionCommands } from './issue-service.js';
import { labelById, setIssueLabels } from './labels.js';
import { paginate } from './pagination.js';
import { bool } from './params.js';
import { issueEntity } from './present-issue.js';
import { labelBasic } from './present-label.js';
import { userBasicById } from './present-user.js';
import { actorOf, input, param, requireUser, userGroup, userProject } from './request-state.js';
import { groupProjects } from './store.js';
import type { SimIssue, SimProject } from './types.js';

const UPDATE_PARAMS = ['title', 'description', 'labels', 'add_labels', 'remove_labels', 'assignee_ids', 'assignee_id', 'confidential', 'due_date', 'state_event', 'discussion_locked', 'milestone_id', 'weight', 'issue_type', 'updated_at'];

/** The issue `:issue_iid` of a project if the user may see it; GitLab answers `404 Not found` otherwise. */
export function userIssue(ctx: SimContext, req: FastifyRequest, project: SimProject, name = 'issue_iid'): SimIssue {
  const issue = project.issues.get(Number(param(req, name)));
  if (!issue || !canReadIssue(ctx.store, requireUser(req), project, issue)) throw notFound();
  return issue;
}

/** Issue routes: list (project and global), get, create, update, delete, resource events. */
export function registerIssueRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/projects/:id/issues', async (req, reply) => {
    const project = userProject(ctx, req);
    const p = input(req);
    const issues = findIssues(ctx, [project], requireUser(req), p, 'all');
    const details = bool(p, 'with_labels_details') ?? false;
    return paginate(ctx, req, reply, issues).map((i) => issueEntity(ctx, project, i, { withLabelsDetails: details }));
  });

  // Group issues (lib/api/issues.rb, every tier): issues of every project in the group and its
  // subgroups that the user may read, confidential ones by each project's rules; `scope` defaults to `all`.
  app.get('/groups/:id/issues', async (req, reply) => {
    const group = userGroup(ctx, req);
    const user = requireUser(req);
    const p = input(req);
    const issues = findIssues(ctx, groupProjects(ctx.store, group, true), user, p, 'all');
    const details = bool(p, 'with_labels_details') ?? false;
    return paginate(ctx, req, reply, issues).map((i) => issueEntity(ctx, ctx.store.projects.get(i.projectId) as SimProject, i, { withLabelsDetails: details }));
  });

  // `scope` defaults to `created_by_me`; `all` is every issue the user may read (admins: every issue).
  app.get('/issues', async (req, reply) => {
    const user = requireUser(req);
    const p = input(req);
    const issues = findIssues(ctx, [...ctx.store.projects.values()], user, p, 'created_by_me');
    return paginate(ctx, req, reply, issues).map((i) => issueEntity(ctx, ctx.store.projects.get(i.projectId) as SimProject, i));
  });

  app.get('/projects/:id/issues/:issue_iid', async (req) => {
    const project = userProject(ctx, req);
    return issueEntity(ctx, project, userIssue(ctx, req, project), { single: true, withLabelsDetails: bool(input(req), 'with_labels_details') ?? false });
  });

  app.post('/projects/:id/issues', async (req, reply) => {
    const project = userProject(ctx, req);
    const issue = createIssue(ctx, actorOf(req), project, input(req));
    return reply.code(201).send(issueEntity(ctx, project, issue, { single: true }));
  });

  app.put('/projects/:id/issues/:issue_iid', async (req) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    const actor = actorOf(req);
    const p = input(req);
    if (!UPDATE_PARAMS.some((k) => p[k] !== undefined || p[`${k}[]`] !== undefined)) {
      throw new ApiError(400, { error: `${UPDATE_PARAMS.join(', ')} are missing, at least one parameter must be provided` });
    }
    if (!canUpdateIssue(ctx.store, actor.user, project, issue)) throw forbidden();
    const change = withDescriptionCommands(ctx, actor, project, issue, paramsToChange(ctx, actor, project, p, false));
    applyIssueChange(ctx, actor, project, issue, change);
    return issueEntity(ctx, project, issue, { single: true });
  });

  app.delete('/projects/:id/issues/:issue_iid', async (req, reply) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    const user = requireUser(req);
    // `destroy_issue` (app/policies/project_policy.rb): the Planner rule and Owners; not Reporter to Maintainer.
    const level = projectAccess(ctx.store, user, project);
    if (!user.admin && level !== ACCESS.planner && level < ACCESS.owner) throw forbidden();
    setIssueLabels(project, issue, []);
    project.issues.delete(issue.iid);
    ctx.store.issues.delete(issue.id);
    for (const id of issue.noteIds) ctx.store.notes.delete(id);
    return reply.code(204).send();
  });

  const labelEvents = (issue: SimIssue) => (ctx.store.events.get(issue.id) ?? []).filter((e) => e.kind === 'label');
  const labelEventEntity = (issue: SimIssue, e: ReturnType<typeof labelEvents>[number]) => {
    const label = e.labelId === undefined ? undefined : labelById(ctx.store, e.labelId);
    const basic = label ? labelBasic(label) : null;
    return {
      id: e.id, user: userBasicById(ctx, e.userId), created_at: e.createdAt, resource_type: 'Issue', resource_id: issue.id,
      label: basic ? { id: basic.id, name: basic.name, color: basic.color, description: basic.description } : null, action: e.action,
    };
  };

  app.get('/projects/:id/issues/:issue_iid/resource_label_events', async (req, reply) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    return paginate(ctx, req, reply, labelEvents(issue)).map((e) => labelEventEntity(issue, e));
  });

  // One event by id (lib/api/resource_label_events.rb, `get ":id/issues/:eventable_id/resource_label_events/:event_id"`).
  app.get('/projects/:id/issues/:issue_iid/resource_label_events/:event_id', async (req) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    const event = labelEvents(issue).find((e) => e.id === Number(param(req, 'event_id')));
    if (!event) throw notFound();
    return labelEventEntity(issue, event);
  });

  app.get('/projects/:id/issues/:issue_iid/resource_state_events', async (req, reply) => {
    const project = userProject(ctx, req);
    const issue = userIssue(ctx, req, project);
    const events = (ctx.store.events.get(issue.id) ?? []).filter((e) => e.kind === 'state');
    return paginate(ctx, req, reply, events).map((e) => ({
      id: e.id, user: userBasicById(ctx, e.userId), created_at: e.createdAt, resource_type: 'Issue', resource_id: issue.id, state: e.state,
    }));
  });
}
