import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebhook, type ParseResult } from '../../src/events/normalize.js';
import type { IssueEvent, NoteEvent, PushEvent } from '../../src/events/types.js';

type Body = Record<string, unknown>;

function fixture(name: string): Body {
  return JSON.parse(readFileSync(new URL(`../../webhooks/${name}`, import.meta.url), 'utf8'));
}

function record(value: unknown): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return Object.fromEntries(Object.entries(value));
}

/** An issue hook with `attrs` merged into object_attributes and `top` into the payload (undefined removes). */
function issueHook(top: Body = {}, attrs: Body = {}, file = 'issue_hook_update_labels.json'): Body {
  const body = fixture(file);
  const merged = { ...record(body.object_attributes), ...attrs };
  return prune({ ...body, object_attributes: prune(merged), ...top });
}

function noteHook(top: Body = {}, note: Body = {}, issue: Body = {}, file = 'note_hook_gitlab_15.json'): Body {
  const body = fixture(file);
  return prune({
    ...body,
    object_attributes: prune({ ...record(body.object_attributes), ...note }),
    issue: prune({ ...record(body.issue), ...issue }),
    ...top,
  });
}

function prune(body: Body): Body {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function issueEvent(result: ParseResult): IssueEvent {
  if (result.kind !== 'event' || result.event.type !== 'issue') throw new Error(`expected an issue event, got ${JSON.stringify(result)}`);
  return result.event;
}

function noteEvent(result: ParseResult): NoteEvent {
  if (result.kind !== 'event' || result.event.type !== 'note') throw new Error(`expected a note event, got ${JSON.stringify(result)}`);
  return result.event;
}

function pushEvent(result: ParseResult): PushEvent {
  if (result.kind !== 'event' || result.event.type !== 'push') throw new Error(`expected a push event, got ${JSON.stringify(result)}`);
  return result.event;
}

describe('payloads of older GitLab versions', () => {
  it.each<[string, Body, 'opened' | 'closed']>([
    ['state_id 1 only', { state: undefined, state_id: 1 }, 'opened'],
    ['state_id 2 only', { state: undefined, state_id: 2 }, 'closed'],
    ['state_id 3 only', { state: undefined, state_id: 3 }, 'closed'],
    ['state_id 4 (locked) only', { state: undefined, state_id: 4 }, 'opened'],
    ['state closed, no state_id', { state: 'closed', state_id: undefined }, 'closed'],
    ['state reopened (before 12.x), no state_id', { state: 'reopened', state_id: undefined }, 'opened'],
  ])('reads the state from %s', (_, attrs, state) => {
    expect(issueEvent(parseWebhook('Issue Hook', issueHook({}, attrs))).issue.state).toBe(state);
  });

  it.each([
    ['2015-05-17 17:06:40 UTC', '2015-05-17T17:06:40.000Z'],
    ['2013-12-03T17:15:43Z', '2013-12-03T17:15:43.000Z'],
    ['2019-06-05T14:32:20.211Z', '2019-06-05T14:32:20.211Z'],
    ['2021-04-28 21:50:00 +0200', '2021-04-28T19:50:00.000Z'],
  ])('normalises the date %s to %s', (given, iso) => {
    const event = issueEvent(parseWebhook('Issue Hook', issueHook({}, { created_at: given, updated_at: given, closed_at: given })));
    expect([event.issue.createdAt, event.issue.updatedAt, event.issue.closedAt]).toEqual([iso, iso, iso]);
  });

  it('takes labels from object_attributes when the top-level labels are absent', () => {
    const event = issueEvent(parseWebhook('Issue Hook', issueHook({ labels: undefined })));
    expect(event.issue.labels).toEqual(['training-module', 'sre-i::in-progress']);
  });

  it('has no labels when neither place lists them (very old versions)', () => {
    const event = issueEvent(parseWebhook('Issue Hook', issueHook({ labels: undefined }, { labels: undefined })));
    expect(event.issue.labels).toEqual([]);
  });

  it('has no assignees when the assignees key is absent, even with assignee_ids (usernames unknown)', () => {
    const event = issueEvent(parseWebhook('Issue Hook', issueHook({ assignees: undefined }, { assignee_ids: [3012] })));
    expect(event.issue.assignees).toEqual([]);
  });

  it('reads the single assignee GitLab before 9.x sent', () => {
    const event = issueEvent(parseWebhook('Issue Hook', issueHook({ assignees: undefined, assignee: { name: 'Alice', username: 'alice' } })));
    expect(event.issue.assignees).toEqual(['alice']);
  });

  it.each<[string, Body]>([
    ['absent', { changes: undefined }],
    ['empty', { changes: {} }],
    ['null', { changes: null }],
  ])('has no changes when changes is %s', (_, top) => {
    expect(issueEvent(parseWebhook('Issue Hook', issueHook(top))).changes).toEqual({});
  });

  it('reads a null description and due date', () => {
    const event = issueEvent(parseWebhook('Issue Hook', issueHook({}, { description: null, due_date: null })));
    expect([event.issue.description, event.issue.dueDate]).toEqual(['', null]);
  });

  it('reads an issue without event_type, state_id, closed_at, confidential or author_id', () => {
    const body = issueHook({ event_type: undefined }, { state_id: undefined, closed_at: undefined, confidential: undefined, author_id: undefined });
    const event = issueEvent(parseWebhook('Issue Hook', body));
    expect(event.issue).toMatchObject({ state: 'opened', closedAt: null, confidential: false, author: '' });
  });

  it('an issue without confidential is confidential when delivered as a Confidential Issue Hook', () => {
    const event = issueEvent(parseWebhook('Confidential Issue Hook', issueHook({}, { confidential: undefined })));
    expect(event.issue.confidential).toBe(true);
  });

  it('an action GitLab does not document reads as unknown, a missing one too', () => {
    expect(issueEvent(parseWebhook('Issue Hook', issueHook({}, { action: 'approved' }))).action).toBe('unknown');
    expect(issueEvent(parseWebhook('Issue Hook', issueHook({}, { action: undefined }))).action).toBe('unknown');
  });

  it('without a user id: the actor id is 0 on update, and the author is known only when the actor opened it', () => {
    const user = { name: 'Alice Moreau', username: 'alice', avatar_url: null };
    const update = issueEvent(parseWebhook('Issue Hook', issueHook({ user })));
    expect([update.actor, update.issue.author]).toEqual([{ id: 0, username: 'alice' }, '']);
    const open = issueEvent(parseWebhook('Issue Hook', issueHook({ user }, { action: 'open', author_id: 3012 })));
    expect([open.actor, open.issue.author]).toEqual([{ id: 3012, username: 'alice' }, 'alice']);
  });

  it('the author is the actor whenever their ids match, whatever the action', () => {
    const event = issueEvent(parseWebhook('Issue Hook', issueHook({}, { author_id: 3012 })));
    expect(event.issue.author).toBe('alice');
  });

  it('a note without action, issue url or user id takes the issue URL from the note URL and the actor id from author_id', () => {
    const body = noteHook({ user: { name: 'Alice Moreau', username: 'alice' }, event_type: undefined }, { action: undefined }, { url: undefined, state_id: undefined, state: 'opened' });
    const event = noteEvent(parseWebhook('Note Hook', body));
    expect(event).toMatchObject({
      action: 'unknown',
      actor: { id: 3012, username: 'alice' },
      issue: { webUrl: 'https://gitlab.example.com/infrastructure/career-development/-/issues/31', state: 'opened' },
    });
  });

  it('a note whose issue has no labels key has no labels', () => {
    expect(noteEvent(parseWebhook('Note Hook', noteHook({}, {}, { labels: undefined }))).issue.labels).toEqual([]);
  });

  it('a note edit (16.11+) is an update', () => {
    expect(noteEvent(parseWebhook('Note Hook', noteHook({}, { action: 'update' }))).action).toBe('update');
  });
});

describe('what is ignored', () => {
  it.each<[string | undefined, Body, string]>([
    ['Pipeline Hook', fixture('pipeline_hook.json'), 'X-Gitlab-Event "Pipeline Hook" is not handled'],
    ['Merge Request Hook', { object_kind: 'merge_request' }, 'X-Gitlab-Event "Merge Request Hook" is not handled'],
    ['Tag Push Hook', { object_kind: 'tag_push' }, 'X-Gitlab-Event "Tag Push Hook" is not handled'],
    ['System Hook', { object_kind: 'issue' }, 'X-Gitlab-Event "System Hook" is not handled'],
    ['issue hook', fixture('issue_hook_close.json'), 'X-Gitlab-Event "issue hook" is not handled'],
    ['Issue Hook', { object_kind: 'work_item', object_attributes: { type: 'Task' } }, 'work item events (object_kind "work_item") are not issues'],
    [undefined, fixture('pipeline_hook.json'), 'no X-Gitlab-Event header and object_kind "pipeline" is not handled'],
    [undefined, { hello: 'world' }, 'no X-Gitlab-Event header and object_kind null is not handled'],
    ['', { object_kind: 'build' }, 'no X-Gitlab-Event header and object_kind "build" is not handled'],
  ])('%s with %j', (header, body, reason) => {
    expect(parseWebhook(header, body)).toEqual({ kind: 'ignored', reason });
  });

  it.each([
    ['MergeRequest', 'note on a MergeRequest, not an issue'],
    ['Snippet', 'note on a Snippet, not an issue'],
    ['Commit', 'note on a Commit, not an issue'],
  ])('a note on a %s', (noteableType, reason) => {
    expect(parseWebhook('Note Hook', noteHook({ issue: undefined }, { noteable_type: noteableType }))).toEqual({ kind: 'ignored', reason });
  });

  it('a system note, which GitLab does not send', () => {
    expect(parseWebhook('Note Hook', noteHook({}, { system: true }))).toEqual({ kind: 'ignored', reason: 'system note' });
  });
});

describe('without X-Gitlab-Event, object_kind decides', () => {
  it.each<[string, Body, string, boolean]>([
    ['issue', fixture('issue_hook_close.json'), 'issue', false],
    ['confidential issue', fixture('confidential_issue_hook.json'), 'issue', true],
    ['note', fixture('note_hook_gitlab_15.json'), 'note', false],
    ['confidential note', fixture('confidential_note_hook.json'), 'note', true],
  ])('%s', (_, body, type, confidential) => {
    const result = parseWebhook(undefined, body);
    expect(result.kind === 'event' && result.event.type).toBe(type);
    expect(result.kind === 'event' && result.event.type !== 'push' && result.event.issue.confidential).toBe(confidential);
  });

  it('push', () => {
    expect(pushEvent(parseWebhook('  ', fixture('push_hook.json'))).ref).toBe('refs/heads/main');
  });

  it('event_type confidential_issue marks an issue without confidential as confidential', () => {
    const body = issueHook({ event_type: 'confidential_issue' }, { confidential: undefined });
    expect(issueEvent(parseWebhook(undefined, body)).issue.confidential).toBe(true);
  });
});

describe('push hooks', () => {
  function push(top: Body): PushEvent {
    return pushEvent(parseWebhook('Push Hook', prune({ ...fixture('push_hook.json'), ...top })));
  }

  it.each<[string, Body]>([
    ['no commits key', { commits: undefined }],
    ['an empty commit list (a new branch without commits)', { commits: [], total_commits_count: 0 }],
    ['commits without file lists', { commits: [{ id: 'c41e8a7f' }] }],
    ['null file lists', { commits: [{ id: 'c41e8a7f', added: null, modified: null, removed: null }] }],
  ])('has no paths for %s', (_, top) => {
    expect(push(top).paths).toEqual([]);
  });

  it('includes removed files', () => {
    expect(push({ commits: [{ added: [], modified: [], removed: ['.trellis/roster.yml'] }] }).paths).toEqual(['.trellis/roster.yml']);
  });

  it('keeps the paths it has when GitLab listed only 20 of more commits', () => {
    const commits = Array.from({ length: 20 }, (_, i) => ({ added: [`docs/note-${i}.md`], modified: [], removed: [] }));
    expect(push({ commits, total_commits_count: 23 }).paths).toHaveLength(20);
  });

  it('an actor without user_username (GitLab 8.x) has an empty username', () => {
    expect(push({ user_username: undefined }).actor).toEqual({ id: 2207, username: '' });
  });
});

describe('a 25 MB description', () => {
  it('arrives whole, and the new text only once', () => {
    const huge = `- [ ] ${'a'.repeat(1024)}\n`.repeat(25 * 1024);
    const body = issueHook(
      { changes: { description: { previous: huge, current: `${huge}x` } } },
      { description: `${huge}x` },
    );
    const event = issueEvent(parseWebhook('Issue Hook', body));
    expect(event.issue.description.length).toBe(huge.length + 1);
    expect(event.changes.description?.previous?.length).toBe(huge.length);
    expect(JSON.stringify(event).length).toBeLessThan(2 * JSON.stringify(huge).length + 10_000);
  });

  it('in a note body too', () => {
    const huge = 'b'.repeat(25 * 1024 * 1024);
    expect(noteEvent(parseWebhook('Note Hook', noteHook({}, { note: huge }))).note.body.length).toBe(huge.length);
  });
});
