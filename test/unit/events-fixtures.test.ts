import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANDLED_EVENTS, eventHeaderFor, parseWebhook, type ParseResult } from '../../src/events/normalize.js';
import type { IssueEvent, NoteEvent, PushEvent, TrellisEvent } from '../../src/events/types.js';

const dir = new URL('../../webhooks/', import.meta.url);

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
}

function eventOf(result: ParseResult): TrellisEvent {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
}

function parseFixture(name: string): ParseResult {
  const body = fixture(name);
  return parseWebhook(eventHeaderFor(body), body, { eventUuid: 'delivery-1' });
}

describe('every fixture in webhooks/', () => {
  const expected: Record<string, { header: string; kind: ParseResult['kind'] }> = {
    'issue_hook_open.json': { header: 'Issue Hook', kind: 'event' },
    'note_hook_issue.json': { header: 'Note Hook', kind: 'event' },
    'issue_hook_update_labels.json': { header: 'Issue Hook', kind: 'event' },
    'issue_hook_update_description.json': { header: 'Issue Hook', kind: 'event' },
    'issue_hook_close.json': { header: 'Issue Hook', kind: 'event' },
    'confidential_issue_hook.json': { header: 'Confidential Issue Hook', kind: 'event' },
    'issue_hook_gitlab_10.json': { header: 'Issue Hook', kind: 'event' },
    'note_hook_gitlab_15.json': { header: 'Note Hook', kind: 'event' },
    'confidential_note_hook.json': { header: 'Confidential Note Hook', kind: 'event' },
    'note_hook_merge_request.json': { header: 'Note Hook', kind: 'ignored' },
    'push_hook.json': { header: 'Push Hook', kind: 'event' },
    'pipeline_hook.json': { header: 'Pipeline Hook', kind: 'ignored' },
  };

  it('lists every JSON file of webhooks/ in this table', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s is delivered as its header and parses to its kind', (name, want) => {
    expect(eventHeaderFor(fixture(name))).toBe(want.header);
    expect(parseFixture(name).kind).toBe(want.kind);
  });

  it.each(Object.keys(expected))('%s parses the same with no header, from object_kind', (name) => {
    const body = fixture(name);
    const withHeader = parseWebhook(eventHeaderFor(body), body);
    const withoutHeader = parseWebhook(undefined, body);
    if (withHeader.kind === 'event') expect(withoutHeader).toEqual(withHeader);
    else expect(withoutHeader.kind).toBe('ignored');
  });

  it('mentions every fixture in webhooks/README.md', () => {
    const readme = readFileSync(new URL('README.md', dir), 'utf8');
    for (const name of Object.keys(expected)) expect(readme).toContain(`\`${name}\``);
  });
});

describe('normalised fields', () => {
  it('issue_hook_open.json (the docs example) normalises every field of the issue', () => {
    const event = eventOf(parseFixture('issue_hook_open.json'));
    expect(event).toEqual({
      type: 'issue',
      action: 'open',
      actor: { id: 1, username: 'root' },
      project: { id: 1, path: 'gitlabhq/gitlab-test', webUrl: 'http://example.com/gitlabhq/gitlab-test' },
      issue: {
        id: 301,
        iid: 23,
        projectId: 1,
        title: 'New API: create/update/delete file',
        description: 'Create new API for manipulations with repository',
        state: 'opened',
        labels: ['API'],
        assignees: ['user1'],
        // author_id 51 is not the actor (user 1): unknown, workers fetch it.
        author: '',
        confidential: false,
        dueDate: null,
        webUrl: 'http://example.com/diaspora/issues/23',
        createdAt: '2013-12-03T17:15:43.000Z',
        updatedAt: '2013-12-03T17:15:43.000Z',
        closedAt: null,
      },
      // Kept so a worker can tell Trellis's own records without reading the issue.
      issueAuthorId: 51,
      changes: { labels: { previous: ['API'], current: ['Platform'] } },
      eventUuid: 'delivery-1',
    } satisfies IssueEvent);
  });

  it('note_hook_issue.json (the docs example) builds the issue URL from the note URL', () => {
    const event = eventOf(parseFixture('note_hook_issue.json'));
    expect(event).toEqual({
      type: 'note',
      action: 'create',
      actor: { id: 1, username: 'root' },
      project: { id: 5, path: 'gitlab-org/gitlab-test', webUrl: 'http://example.com/gitlab-org/gitlab-test' },
      note: { id: 1241, body: 'Hello world', url: 'http://example.com/gitlab-org/gitlab-test/issues/17#note_1241' },
      issue: {
        id: 92,
        iid: 17,
        projectId: 5,
        title: 'test',
        description: 'test',
        state: 'closed',
        labels: ['Afterpod', 'Element'],
        // A note hook names assignees only by id.
        assignees: [],
        // The issue's author_id 1 is the note's author, user 1.
        author: 'root',
        confidential: false,
        dueDate: null,
        webUrl: 'http://example.com/gitlab-org/gitlab-test/issues/17',
        createdAt: '2015-04-12T14:53:17.000Z',
        updatedAt: '2015-04-26T08:28:42.000Z',
        closedAt: null,
      },
      issueAuthorId: 1,
      eventUuid: 'delivery-1',
    } satisfies NoteEvent);
  });

  it('a label change on a training module gives the scoped labels before and after', () => {
    const event = eventOf(parseFixture('issue_hook_update_labels.json'));
    expect(event).toMatchObject({
      type: 'issue',
      action: 'update',
      actor: { id: 3012, username: 'alice' },
      issue: { iid: 57, labels: ['training-module', 'sre-i::in-progress'], assignees: ['alice'], dueDate: '2026-04-30', state: 'opened' },
      changes: { labels: { previous: ['training-module', 'sre-i::not-started'], current: ['training-module', 'sre-i::in-progress'] } },
    });
    if (event.type !== 'issue') throw new Error('not an issue event');
    expect(Object.keys(event.changes)).toEqual(['labels']);
    expect(event.issue.description).toContain('- [x] Shadow one incident as a scribe');
  });

  it('a ticked checklist item gives the description before and after', () => {
    const event = eventOf(parseFixture('issue_hook_update_description.json'));
    if (event.type !== 'issue') throw new Error('not an issue event');
    expect(Object.keys(event.changes)).toEqual(['description']);
    expect(event.changes.description?.previous).toContain('- [ ] Run a tabletop exercise');
    expect(event.issue.description).toContain('- [x] Run a tabletop exercise');
  });

  it('closing gives state closed, closedAt and the state change', () => {
    const event = eventOf(parseFixture('issue_hook_close.json'));
    expect(event).toMatchObject({
      action: 'close',
      actor: { username: 'bob' },
      issue: { state: 'closed', closedAt: '2026-04-21T16:20:09.000Z', updatedAt: '2026-04-21T16:20:09.000Z' },
      changes: { state: { previous: 'opened', current: 'closed' } },
    });
  });

  it('a confidential checkpoint opened by the bot is confidential, assigned to both, authored by the bot', () => {
    const event = eventOf(parseFixture('confidential_issue_hook.json'));
    expect(event).toMatchObject({
      action: 'open',
      actor: { id: 9001, username: 'trellis-bot' },
      issue: {
        iid: 64,
        confidential: true,
        assignees: ['alice', 'bob'],
        author: 'trellis-bot',
        labels: ['career-checkpoint', 'quarter::FY27-Q4', 'checkpoint::planning'],
        dueDate: '2027-01-29',
      },
      changes: { title: { previous: null, current: 'FY27-Q4 career checkpoint: @alice' }, confidential: { previous: false, current: true } },
    });
  });

  it('the GitLab 10 payload reads state, array-pair changes and a user without id', () => {
    const event = eventOf(parseFixture('issue_hook_gitlab_10.json'));
    expect(event).toMatchObject({
      action: 'update',
      actor: { id: 0, username: 'alice' },
      issue: {
        state: 'opened',
        description: '',
        labels: ['training-module', 'sre-i::in-progress'],
        assignees: [],
        author: '',
        webUrl: 'https://gitlab.example.com/infrastructure/career-development/issues/12',
        createdAt: '2018-03-05T09:14:27.000Z',
      },
      changes: {
        title: { previous: 'SRE I training', current: 'SRE I training: @alice' },
        labels: { previous: ['training-module', 'sre-i::not-started'], current: ['training-module', 'sre-i::in-progress'] },
      },
    });
  });

  it('a GitLab 15 note (no action) is a command on the issue with action unknown', () => {
    const event = eventOf(parseFixture('note_hook_gitlab_15.json'));
    expect(event).toMatchObject({
      type: 'note',
      action: 'unknown',
      actor: { id: 3012, username: 'alice' },
      note: { id: 1520331, body: '@trellis status', url: 'https://gitlab.example.com/infrastructure/career-development/-/issues/31#note_1520331' },
      issue: { iid: 31, webUrl: 'https://gitlab.example.com/infrastructure/career-development/-/issues/31', labels: ['training-module', 'sre-i::in-progress'] },
    });
  });

  it('a confidential note keeps the issue confidential', () => {
    const event = eventOf(parseFixture('confidential_note_hook.json'));
    expect(event).toMatchObject({ type: 'note', action: 'create', actor: { username: 'bob' }, note: { body: '@trellis sign-off' }, issue: { confidential: true } });
  });

  it('a push gives ref, after and each touched path once', () => {
    const event = eventOf(parseFixture('push_hook.json'));
    expect(event).toEqual({
      type: 'push',
      actor: { id: 2207, username: 'bob' },
      project: { id: 4211, path: 'infrastructure/career-development', webUrl: 'https://gitlab.example.com/infrastructure/career-development' },
      ref: 'refs/heads/main',
      after: 'c41e8a7f02d9b3e6a5f1c7d4b8e2a09f6c3d5e71',
      paths: ['.trellis/roster.yml', 'docs/roster.md', '.gitlab/issue_templates/Checkpoint.md'],
      truncated: false,
      eventUuid: 'delivery-1',
    } satisfies PushEvent);
  });

  it('a push of more commits than GitLab lists says its paths may be incomplete', () => {
    const hook = fixture('push_hook.json') as Record<string, unknown>;
    hook.total_commits_count = 25;
    const parsed = parseWebhook('Push Hook', hook);
    expect(parsed.kind === 'event' && parsed.event.type === 'push' && parsed.event.truncated).toBe(true);
  });

  it.each([
    ['note_hook_merge_request.json', 'note on a MergeRequest, not an issue'],
    ['pipeline_hook.json', 'X-Gitlab-Event "Pipeline Hook" is not handled'],
  ])('%s is ignored with a reason', (name, reason) => {
    expect(parseFixture(name)).toEqual({ kind: 'ignored', reason });
  });

  it('leaves eventUuid out when the delivery has none', () => {
    const body = fixture('push_hook.json');
    expect(eventOf(parseWebhook('Push Hook', body))).not.toHaveProperty('eventUuid');
  });

  it('handles exactly the five hook headers Trellis subscribes to', () => {
    expect([...HANDLED_EVENTS].sort()).toEqual(['Confidential Issue Hook', 'Confidential Note Hook', 'Issue Hook', 'Note Hook', 'Push Hook']);
  });
});
