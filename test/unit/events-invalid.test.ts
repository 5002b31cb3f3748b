import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../src/events/normalize.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../webhooks/${name}`, import.meta.url), 'utf8'));
}

/** `a.b[2].c` → ['a', 'b', 2, 'c']. */
function keys(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const [name = '', ...indices] = part.split('[');
    return [name, ...indices.map((i) => Number(i.slice(0, -1)))].filter((k) => k !== '');
  });
}

/** A copy of `body` with each path set to `value`, or removed when `value` is undefined. */
function edit(body: Json, changes: Record<string, Json | undefined>): Json {
  const copy = structuredClone(body);
  for (const [path, value] of Object.entries(changes)) {
    const ks = keys(path);
    const last = ks.pop();
    let node: Json = copy;
    for (const k of ks) {
      const next: Json | undefined = Array.isArray(node) ? node[Number(k)] : node !== null && typeof node === 'object' ? node[String(k)] : undefined;
      if (next === undefined) throw new Error(`no ${path} in fixture`);
      node = next;
    }
    if (last === undefined || node === null || typeof node !== 'object') throw new Error(`cannot edit ${path}`);
    if (Array.isArray(node)) {
      if (value === undefined) node.splice(Number(last), 1);
      else node[Number(last)] = value;
    } else if (value === undefined) {
      if (!(String(last) in node)) throw new Error(`no ${path} in fixture`);
      delete node[String(last)];
    } else node[String(last)] = value;
  }
  return copy;
}

const cases = {
  'Issue Hook': {
    file: 'issue_hook_update_labels.json',
    required: [
      'user',
      'user.username',
      'project',
      'project.id',
      'project.path_with_namespace',
      'project.web_url',
      'object_attributes',
      'object_attributes.id',
      'object_attributes.iid',
      'object_attributes.title',
      'object_attributes.description',
      'object_attributes.url',
      'object_attributes.created_at',
      'object_attributes.updated_at',
    ],
  },
  'Note Hook': {
    file: 'note_hook_gitlab_15.json',
    required: [
      'user',
      'user.username',
      'project',
      'project.id',
      'project.path_with_namespace',
      'project.web_url',
      'object_attributes',
      'object_attributes.noteable_type',
      'object_attributes.id',
      'object_attributes.note',
      'object_attributes.url',
      'issue',
      'issue.id',
      'issue.iid',
      'issue.title',
      'issue.description',
      'issue.created_at',
      'issue.updated_at',
    ],
  },
  'Push Hook': {
    file: 'push_hook.json',
    required: ['ref', 'after', 'user_id', 'project', 'project.id', 'project.path_with_namespace', 'project.web_url'],
  },
} as const;

describe('a handled event missing a field Trellis needs is invalid, naming the path', () => {
  const rows = Object.entries(cases).flatMap(([header, c]) => c.required.map((path) => [header, path, c.file] as const));

  it.each(rows)('%s without %s', (header, path, file) => {
    const result = parseWebhook(header, edit(fixture(file), { [path]: undefined }));
    expect(result).toEqual({ kind: 'invalid', problems: [`${path}: required`] });
  });

  it.each([
    ['Issue Hook', 'issue_hook_update_labels.json', 'object_attributes'],
    ['Note Hook', 'note_hook_gitlab_15.json', 'issue'],
  ])('%s without state or state_id', (header, file, at) => {
    const result = parseWebhook(header, edit(fixture(file), { [`${at}.state`]: undefined, [`${at}.state_id`]: undefined }));
    expect(result).toEqual({ kind: 'invalid', problems: [`${at}.state: required (state or state_id)`] });
  });

  it('lists every problem, not only the first', () => {
    const body = edit(fixture('issue_hook_close.json'), { 'object_attributes.iid': undefined, 'user.username': 7, 'project.id': '4211' });
    const result = parseWebhook('Issue Hook', body);
    expect(result.kind === 'invalid' && [...result.problems].sort()).toEqual([
      'object_attributes.iid: required',
      'project.id: expected number, received string',
      'user.username: expected string, received number',
    ]);
  });
});

describe('a mistyped field is invalid, naming the path and both types', () => {
  it.each<[string, string, Record<string, Json | undefined>, string]>([
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.iid': '57' }, 'object_attributes.iid: expected number, received string'],
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.iid': 57.5 }, 'object_attributes.iid: expected int, received number'],
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.title': null }, 'object_attributes.title: expected string, received null'],
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.confidential': 'yes' }, 'object_attributes.confidential: expected boolean, received string'],
    ['Issue Hook', 'issue_hook_close.json', { 'labels[1].title': 7 }, 'labels[1].title: expected string, received number'],
    ['Issue Hook', 'issue_hook_close.json', { assignees: { username: 'alice' } }, 'assignees: expected array, received object'],
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.created_at': 'yesterday' }, 'object_attributes.created_at: expected a date and time, received "yesterday"'],
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.due_date': '30/04/2026' }, 'object_attributes.due_date: expected a date like 2026-04-30'],
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.due_date': '2026-02-30' }, 'object_attributes.due_date: expected a date like 2026-04-30'],
    ['Issue Hook', 'issue_hook_close.json', { 'object_attributes.state': 'bogus', 'object_attributes.state_id': undefined }, 'object_attributes.state: expected opened or closed, received "bogus"'],
    ['Issue Hook', 'issue_hook_close.json', { 'changes.state_id': 2 }, 'changes.state_id: expected object, received number'],
    ['Issue Hook', 'issue_hook_update_labels.json', { 'changes.labels.current[0].title': false }, 'changes.labels.current[0].title: expected string, received boolean'],
    ['Issue Hook', 'issue_hook_gitlab_10.json', { 'changes.title[1]': 42 }, 'changes.title.current: expected string, received number'],
    ['Note Hook', 'note_hook_gitlab_15.json', { 'object_attributes.note': ['@trellis status'] }, 'object_attributes.note: expected string, received array'],
    ['Note Hook', 'note_hook_gitlab_15.json', { 'issue.updated_at': 1668421351 }, 'issue.updated_at: expected string, received number'],
    ['Note Hook', 'note_hook_gitlab_15.json', { 'object_attributes.noteable_type': 3 }, 'object_attributes.noteable_type: expected string, received number'],
    ['Push Hook', 'push_hook.json', { 'commits[1].modified': '.trellis/roster.yml' }, 'commits[1].modified: expected array, received string'],
    ['Push Hook', 'push_hook.json', { 'commits[0].added[0]': 12 }, 'commits[0].added[0]: expected string, received number'],
    ['Push Hook', 'push_hook.json', { user_id: '2207' }, 'user_id: expected number, received string'],
  ])('%s from %s with %j', (header, file, changes, problem) => {
    expect(parseWebhook(header, edit(fixture(file), changes))).toEqual({ kind: 'invalid', problems: [problem] });
  });

  it.each<[string, unknown, string]>([
    ['Issue Hook', 'not json', '(root): expected object, received string'],
    ['Note Hook', null, '(root): expected object, received null'],
    ['Push Hook', [], '(root): expected object, received array'],
    ['Confidential Issue Hook', 42, '(root): expected object, received number'],
  ])('%s with a body of %j', (header, body, problem) => {
    expect(parseWebhook(header, body)).toEqual({ kind: 'invalid', problems: [problem] });
  });

  it('a body that is not an object and has no header is invalid too', () => {
    expect(parseWebhook(undefined, 'x')).toEqual({ kind: 'invalid', problems: ['(root): expected object, received string'] });
  });

  it.each([
    ['Issue Hook', 'note_hook_gitlab_15.json', 'object_kind: expected "issue" for X-Gitlab-Event "Issue Hook", received "note"'],
    ['Push Hook', 'issue_hook_close.json', 'object_kind: expected "push" for X-Gitlab-Event "Push Hook", received "issue"'],
    ['Confidential Note Hook', 'push_hook.json', 'object_kind: expected "note" for X-Gitlab-Event "Confidential Note Hook", received "push"'],
  ])('a %s header on %s disagrees with object_kind', (header, file, problem) => {
    expect(parseWebhook(header, fixture(file))).toEqual({ kind: 'invalid', problems: [problem] });
  });
});
