import { describe, expect, it } from 'vitest';
import { budgetClass, decamelize, formatQuery, pauseScope } from './gitlab-http.js';

describe('the HTTP layer under gitbeaker', () => {
  it('encodes queries the way GitLab reads them', () => {
    const q = new URLSearchParams(formatQuery({ perPage: 100, labels: 'a,b', not: { labels: 'c' }, iids: [1, 2], state: undefined, assigneeUsername: ['alice'] }));
    expect([...q.entries()]).toEqual([
      ['per_page', '100'],
      ['labels', 'a,b'],
      ['not[labels]', 'c'],
      ['iids[]', '1'],
      ['iids[]', '2'],
      ['assignee_username[]', 'alice'],
    ]);
    expect(decamelize('confidentialIssuesEvents')).toBe('confidential_issues_events');
    expect(decamelize('target_issue_iid')).toBe('target_issue_iid');
  });

  it.each([
    ['POST', 'projects/7/issues', 'issue_create'],
    ['POST', 'projects/infra%2Fcareer/issues', 'issue_create'],
    ['POST', 'projects/7/issues/3/notes', 'note_create'],
    ['PUT', 'projects/7/issues/3/notes/9', 'api'],
    ['GET', 'projects/7/issues', 'api'],
    ['POST', 'projects/7/issues/3/links', 'api'],
  ])('%s %s counts against %s', (method, route, cls) => {
    expect(budgetClass(method, route)).toBe(cls);
  });

  it('pauses everything for the general throttle, only the creation class for a creation limit', () => {
    expect(pauseScope('issue_create', { 'ratelimit-name': 'issues_create' })).toBe('issue_create');
    expect(pauseScope('issue_create', {})).toBe('issue_create');
    expect(pauseScope('issue_create', { 'ratelimit-name': 'throttle_authenticated_api' })).toBe('api');
    expect(pauseScope('api', { 'ratelimit-name': 'notes_create' })).toBe('api');
  });
});
