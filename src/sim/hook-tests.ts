import type { HookScope, SimContext } from './context.js';
import { ApiError } from './errors.js';
import { issuePayload, notePayload, pushPayload } from './hook-payloads.js';
import type { SimIssue, SimNote, SimProject, SimUser } from './types.js';

const ZERO_SHA = '0000000000000000000000000000000000000000';

/** `ProjectHook.triggers` (app/models/hooks/project_hook.rb): the `:trigger` values the test route accepts. */
const TRIGGERS = [
  'push_events', 'tag_push_events', 'issues_events', 'confidential_issues_events', 'note_events', 'confidential_note_events',
  'merge_requests_events', 'job_events', 'pipeline_events', 'wiki_page_events', 'releases_events', 'emoji_events',
  'resource_access_token_events', 'deployment_events', 'feature_flag_events', 'milestone_events', 'vulnerability_events',
] as const;

/** A test delivery: which hook list it imitates, and the data TestHooks::ProjectService builds. */
export interface HookTest {
  scope: HookScope;
  payload: unknown;
}

function firstIssue(project: SimProject): SimIssue | undefined {
  return [...project.issues.values()].sort((a, b) => a.id - b.id)[0];
}

function firstNote(ctx: SimContext, project: SimProject): { note: SimNote; issue: SimIssue } | undefined {
  let best: { note: SimNote; issue: SimIssue } | undefined;
  for (const issue of project.issues.values()) {
    for (const id of issue.noteIds) {
      const note = ctx.store.notes.get(id);
      if (note && (!best || note.id < best.note.id)) best = { note, issue };
    }
  }
  return best;
}

/**
 * The data of `POST /hooks/:hook_id/test/:trigger`, as TestHooks::ProjectService builds it
 * (app/services/test_hooks/project_service.rb): push_events the last commit of the default branch,
 * issues_events the project's first issue (`issue.to_hook_data`, no `action`), note_events its first
 * note; missing data gives GitLab's 422 message. A group hook tests with the group's first project that
 * has commits (TestHooks::GroupService, `first_non_empty_project`): `project` is undefined when there
 * is none. Other valid triggers need objects the simulator does not have (merge requests, pipelines...): 422.
 */
export function buildHookTest(ctx: SimContext, project: SimProject | undefined, trigger: string, user: SimUser): HookTest {
  if (!(TRIGGERS as readonly string[]).includes(trigger)) throw new ApiError(400, { error: 'trigger does not have a valid value' });
  const fail = (message: string) => new ApiError(422, { message });
  if (!project) throw fail('Ensure the group has a project with commits.');
  switch (trigger) {
    case 'push_events': {
      const head = project.repo.branches.get(project.defaultBranch);
      const commit = head ? project.repo.commits.get(head) : undefined;
      if (!commit) throw fail('Ensure the project has at least one commit.');
      return { scope: 'push_hooks', payload: pushPayload(ctx, project, user, project.defaultBranch, commit.parentIds[0] ?? ZERO_SHA, [commit]) };
    }
    case 'issues_events':
    case 'confidential_issues_events': {
      const issue = firstIssue(project);
      if (!issue) throw fail('Ensure the project has issues.');
      const { object_attributes: attrs, ...rest } = issuePayload(ctx, project, issue, user, '', {});
      const { action: _none, ...withoutAction } = attrs;
      return { scope: trigger === 'issues_events' ? 'issue_hooks' : 'confidential_issue_hooks', payload: { ...rest, object_attributes: withoutAction } };
    }
    case 'note_events':
    case 'confidential_note_events': {
      const found = firstNote(ctx, project);
      if (!found) throw fail('Ensure the project has notes.');
      return { scope: trigger === 'note_events' ? 'note_hooks' : 'confidential_note_hooks', payload: notePayload(ctx, project, found.issue, found.note, user, 'create') };
    }
    default:
      throw fail(`Testing ${trigger} is not supported by the simulator (it has no such objects)`);
  }
}
