import { describe, expect, it } from 'vitest';
import { eventHeaderFor } from '../../src/events/event-header.js';
import { issueState, toDay, toIsoDateTime } from '../../src/events/gitlab-values.js';
import { issueChanges } from '../../src/events/issue-changes.js';
import type { IssueChanges } from '../../src/events/types.js';

describe('GitLab timestamps', () => {
  it.each([
    ['2015-05-17 17:06:40 UTC', '2015-05-17T17:06:40.000Z'],
    ['2013-12-03T17:15:43Z', '2013-12-03T17:15:43.000Z'],
    ['2019-06-05T14:32:20.211Z', '2019-06-05T14:32:20.211Z'],
    ['2019-06-05T14:32:20.211987Z', '2019-06-05T14:32:20.211Z'],
    ['2011-12-12T14:27:31+02:00', '2011-12-12T12:27:31.000Z'],
    ['2021-04-28 21:50:00 +0200', '2021-04-28T19:50:00.000Z'],
    ['2021-04-28 21:50:00 -0530', '2021-04-29T03:20:00.000Z'],
    ['2015-05-17 17:06:40', '2015-05-17T17:06:40.000Z'],
    ['2016-02-29 10:00:00 UTC', '2016-02-29T10:00:00.000Z'],
    ['2019-06-05T14:32:20.2Z', '2019-06-05T14:32:20.200Z'],
  ])('%s is %s', (given, iso) => {
    expect(toIsoDateTime(given)).toBe(iso);
  });

  it.each(['', 'yesterday', '2015-05-17', '2015-13-45 17:06:40 UTC', '2015-02-29 10:00:00 UTC', '2015-05-17 24:00:00 UTC', '2015-05-17 17:60:00Z', '17:06:40 2015-05-17', '2015-05-17 17:06:40 CEST', `2015-05-17 17:06:40${' '.repeat(50)}UTC`])(
    '%j is not a timestamp',
    (given) => {
      expect(toIsoDateTime(given)).toBeNull();
    },
  );

  // A backtracking pattern would not finish within the test's timeout on this input.
  it('rejects a long hostile string', () => {
    expect(toIsoDateTime(`2015-05-17 17:06:40${'0'.repeat(10_000_000)}`)).toBeNull();
  });
});

describe('due dates', () => {
  it.each([
    ['2026-04-30', '2026-04-30'],
    ['2028-02-29', '2028-02-29'],
    ['2026-02-29', null],
    ['2026-4-30', null],
    ['2026-04-30T00:00:00Z', null],
  ])('%s is %s', (given, day) => {
    expect(toDay(given)).toBe(day);
  });
});

describe('issue state', () => {
  it.each<[string | undefined, number | undefined, 'opened' | 'closed' | null]>([
    ['opened', undefined, 'opened'],
    ['reopened', undefined, 'opened'],
    ['closed', undefined, 'closed'],
    [undefined, 1, 'opened'],
    [undefined, 2, 'closed'],
    [undefined, 3, 'closed'],
    [undefined, 4, 'opened'],
    ['opened', 2, 'opened'],
    ['merged', 2, 'closed'],
    [undefined, 9, null],
    [undefined, undefined, null],
  ])('state %j, state_id %j', (state, stateId, expected) => {
    expect(issueState(state, stateId)).toBe(expected);
  });
});

describe('issue changes', () => {
  const label = (title: string) => ({ title });
  const user = (username: string) => ({ username });

  it.each<[string, Parameters<typeof issueChanges>[0], IssueChanges]>([
    ['nothing', undefined, {}],
    ['an empty object', {}, {}],
    [
      'a scoped label replaced',
      { labels: { previous: [label('training-module'), label('sre-i::review')], current: [label('training-module'), label('sre-i::complete')] } },
      { labels: { previous: ['training-module', 'sre-i::review'], current: ['training-module', 'sre-i::complete'] } },
    ],
    ['the first label added', { labels: { previous: [], current: [label('internship-request')] } }, { labels: { previous: [], current: ['internship-request'] } }],
    ['labels from null', { labels: { previous: null, current: [label('a')] } }, { labels: { previous: [], current: ['a'] } }],
    ['the same titles in another order (no change)', { labels: { previous: [label('a'), label('b')], current: [label('b'), label('a')] } }, {}],
    ['title', { title: { previous: 'Old', current: 'New' } }, { title: { previous: 'Old', current: 'New' } }],
    ['description from nothing', { description: { previous: undefined, current: 'Text' } }, { description: { previous: null } }],
    ['state_id 1 → 2', { state_id: { previous: 1, current: 2 } }, { state: { previous: 'opened', current: 'closed' } }],
    ['state_id 2 → 1', { state_id: { previous: 2, current: 1 } }, { state: { previous: 'closed', current: 'opened' } }],
    ['state (before 12.x) closed → reopened', { state: { previous: 'closed', current: 'reopened' } }, { state: { previous: 'closed', current: 'opened' } }],
    ['assignees', { assignees: { previous: [user('alice')], current: [user('alice'), user('bob')] } }, { assignees: { previous: ['alice'], current: ['alice', 'bob'] } }],
    ['confidential', { confidential: { previous: false, current: true } }, { confidential: { previous: false, current: true } }],
  ])('%s', (_, changes, expected) => {
    expect(issueChanges(changes)).toEqual(expected);
  });
});

describe('the header of a stored payload', () => {
  it.each<[unknown, string | undefined]>([
    [{ object_kind: 'issue', event_type: 'issue' }, 'Issue Hook'],
    [{ object_kind: 'issue', event_type: 'confidential_issue' }, 'Confidential Issue Hook'],
    [{ object_kind: 'issue', object_attributes: { confidential: true } }, 'Confidential Issue Hook'],
    [{ object_kind: 'issue', object_attributes: { confidential: false } }, 'Issue Hook'],
    [{ object_kind: 'work_item', event_type: 'confidential_issue' }, 'Confidential Issue Hook'],
    [{ object_kind: 'note', event_type: 'note' }, 'Note Hook'],
    [{ object_kind: 'note', event_type: 'confidential_note' }, 'Confidential Note Hook'],
    [{ object_kind: 'note', issue: { confidential: true } }, 'Confidential Note Hook'],
    [{ object_kind: 'note', merge_request: { id: 7 } }, 'Note Hook'],
    [{ object_kind: 'push' }, 'Push Hook'],
    [{ object_kind: 'tag_push' }, 'Tag Push Hook'],
    [{ object_kind: 'merge_request' }, 'Merge Request Hook'],
    [{ object_kind: 'pipeline' }, 'Pipeline Hook'],
    [{ object_kind: 'build' }, 'Job Hook'],
    [{ object_kind: 'emoji', event_type: 'award' }, 'Emoji Hook'],
    [{ object_kind: 'something_new' }, undefined],
    [{ event_name: 'user_add_to_group' }, undefined],
    ['issue', undefined],
    [null, undefined],
  ])('%j is sent as %s', (body, header) => {
    expect(eventHeaderFor(body)).toBe(header);
  });
});
