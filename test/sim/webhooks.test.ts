import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTeamSim, webhookPayloads, type Json } from './sim-helpers.js';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(webhookPayloads, name), 'utf8')) as Json;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of `expected` (recursively through objects and first array items) that `actual` lacks. */
function missingKeys(expected: unknown, actual: unknown, at = '$'): string[] {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return isObject(expected[0]) && isObject(actual[0]) ? missingKeys(expected[0], actual[0], `${at}[0]`) : [];
  }
  if (!isObject(expected) || !isObject(actual)) return [];
  return Object.keys(expected).flatMap((k) => (k in actual ? missingKeys(expected[k], actual[k], `${at}.${k}`) : [`${at}.${k}`]));
}

describe('simulator: webhooks as GitLab sends them', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let P: string;
  let hookId: number;
  const last = (kind: string) => [...rx.got].reverse().find((r) => r.headers['x-gitlab-event'] === kind);

  beforeAll(async () => {
    t = await startTeamSim();
    rx = await startReceiver();
    P = `/projects/${t.projectId}`;
    hookId = (await t.as('mia').call('POST', `${P}/hooks`, { url: rx.url, token: 'hook-secret', issues_events: true, note_events: true, push_events: true })).body.id;
  });
  afterAll(async () => {
    await t.sim.close();
    await rx.close();
  });

  it('sends Issue Hook and Note Hook payloads with every key of GitLab\'s documented examples', async () => {
    const issue = (await t.as('mia').call('POST', `${P}/issues`, { title: 'hooked', labels: 'api', assignee_ids: [t.seeded.users.dev!.id] })).body;
    await t.as('mia').call('PUT', `${P}/issues/${issue.iid}`, { labels: 'platform' });
    await t.as('dev').call('POST', `${P}/issues/${issue.iid}/notes`, { body: 'Hello world' });
    await t.sim.idle();
    const update = rx.got.find((r) => r.body.object_attributes?.action === 'update');
    expect(missingKeys(fixture('issue_hook_open.json'), update?.body)).toEqual([]);
    expect(missingKeys(fixture('note_hook_issue.json'), last('Note Hook')?.body)).toEqual([]);
    expect(missingKeys({ a: { b: 1 } }, { a: {} })).toEqual(['$.a.b']);
    const open = rx.got.find((r) => r.body.object_attributes?.action === 'open')!.body;
    expect(open).toMatchObject({ object_kind: 'issue', event_type: 'issue', user: { username: 'mia' }, object_attributes: { iid: issue.iid, state: 'opened', state_id: 1, url: issue.web_url } });
    expect(open.assignees.map((a: Json) => a.username)).toEqual(['dev']);
    expect(update!.body.changes.labels.previous.map((l: Json) => l.title)).toEqual(['api']);
    expect(update!.body.changes.labels.current.map((l: Json) => l.title)).toEqual(['platform']);
    expect(update!.body.changes.updated_by_id).toEqual({ previous: null, current: t.seeded.users.mia!.id });
    const note = last('Note Hook')!.body;
    expect(note).toMatchObject({ object_kind: 'note', event_type: 'note', object_attributes: { note: 'Hello world', noteable_type: 'Issue', action: 'create' }, issue: { iid: issue.iid } });
    expect(note.object_attributes.url).toBe(`${issue.web_url}#note_${note.object_attributes.id}`);
  });

  it('sets GitLab\'s headers: event, token, idempotency key, event and webhook UUIDs, instance, user agent', async () => {
    rx.got.length = 0;
    await t.as('mia').call('POST', `${P}/issues`, { title: 'headers' });
    await t.as('mia').call('POST', `${P}/issues`, { title: 'headers 2' });
    await t.sim.idle();
    const [a, b] = rx.got;
    expect(a!.headers).toMatchObject({ 'content-type': 'application/json', 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': 'hook-secret', 'x-gitlab-instance': t.sim.url, 'user-agent': 'GitLab/17.6.0' });
    for (const h of ['idempotency-key', 'x-gitlab-event-uuid', 'x-gitlab-webhook-uuid']) expect(a!.headers[h]).toMatch(/^[0-9a-f-]{36}$/);
    expect(a!.headers['x-gitlab-webhook-uuid']).not.toBe(b!.headers['x-gitlab-webhook-uuid']);
    expect(a!.headers['idempotency-key']).not.toBe(b!.headers['idempotency-key']);
  });

  it('delivers after the API response, through a queue that idle() drains', async () => {
    const slow = await startReceiver();
    const server = slow.url;
    const id = (await t.as('mia').call('POST', `${P}/hooks`, { url: server, issues_events: true, push_events: false })).body.id;
    t.sim.setFaults({ webhook_delay_ms: 150 });
    const started = Date.now();
    await t.as('mia').call('POST', `${P}/issues`, { title: 'async' });
    expect(Date.now() - started).toBeLessThan(150);
    expect(slow.got).toHaveLength(0);
    await t.sim.idle();
    expect(slow.got).toHaveLength(1);
    expect(slow.got[0]!.headers).not.toHaveProperty('x-gitlab-token');
    t.sim.setFaults({ webhook_delay_ms: 0 });
    await t.as('mia').call('DELETE', `${P}/hooks/${id}`);
    await slow.close();
  });

  it('reports exactly what changed, and closes with state_id', async () => {
    rx.got.length = 0;
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'c1', description: 'd1' })).body;
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { title: 'c2', due_date: '2031-01-02', assignee_ids: [t.seeded.users.rita!.id] });
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { state_event: 'close' });
    await t.sim.idle();
    const [, upd, close] = rx.got.map((r) => r.body);
    expect(Object.keys(upd.changes).sort()).toEqual(['assignees', 'due_date', 'last_edited_at', 'last_edited_by_id', 'title', 'updated_at', 'updated_by_id']);
    expect(upd.changes.title).toEqual({ previous: 'c1', current: 'c2' });
    expect(upd.changes.assignees.current.map((u: Json) => u.username)).toEqual(['rita']);
    expect(upd.changes.updated_at.current).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(close.object_attributes).toMatchObject({ action: 'close', state: 'closed', state_id: 2 });
    expect(close.changes.state_id).toEqual({ previous: 1, current: 2 });
    rx.got.length = 0;
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { assignee_ids: [t.seeded.users.rita!.id] });
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { title: 'c2' });
    await t.sim.idle();
    // Same assignees: nothing saved, no hook. Same title: saved, hook with empty changes.
    expect(rx.got.map((r) => [r.body.object_attributes.action, r.body.changes])).toEqual([['update', {}]]);
  });

  it('sends confidential issues only to hooks with confidential_issues_events', async () => {
    const conf = await startReceiver();
    const id = (await t.as('mia').call('POST', `${P}/hooks`, { url: conf.url, confidential_issues_events: true, push_events: false })).body.id;
    rx.got.length = 0;
    await t.as('mia').call('POST', `${P}/issues`, { title: 'secret', confidential: true });
    await t.sim.idle();
    expect(rx.got).toHaveLength(0);
    expect(conf.got[0]!.headers['x-gitlab-event']).toBe('Confidential Issue Hook');
    expect(conf.got[0]!.body.event_type).toBe('confidential_issue');
    await t.as('mia').call('DELETE', `${P}/hooks/${id}`);
    await conf.close();
  });

  it('fires no note hook for system notes, and none for a note edit that keeps the text', async () => {
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'quiet' })).body;
    const n = (await t.as('mia').call('POST', `${P}/issues/${i.iid}/notes`, { body: 'same' })).body;
    await t.sim.idle();
    rx.got.length = 0;
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { assignee_ids: [t.seeded.users.dev!.id] });
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}/notes/${n.id}`, { body: 'same' });
    await t.sim.idle();
    expect(rx.got.map((r) => r.headers['x-gitlab-event'])).toEqual(['Issue Hook']);
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}/notes/${n.id}`, { body: 'changed' });
    await t.sim.idle();
    expect(last('Note Hook')!.body.object_attributes).toMatchObject({ action: 'update', note: 'changed' });
  });

  it('sends a Push Hook per commit with added/modified/removed files', async () => {
    const filtered = await startReceiver();
    const filteredId = (await t.as('mia').call('POST', `${P}/hooks`, { url: filtered.url, push_events_branch_filter: 'release-*' })).body.id;
    rx.got.length = 0;
    await t.as('mia').call('POST', `${P}/repository/commits`, { branch: 'main', commit_message: 'first', actions: [{ action: 'create', file_path: 'a.txt', content: 'a' }, { action: 'create', file_path: 'b.txt', content: 'b' }] });
    const second = (await t.as('mia').call('POST', `${P}/repository/commits`, { branch: 'main', commit_message: 'second', actions: [{ action: 'update', file_path: 'a.txt', content: 'A' }, { action: 'delete', file_path: 'b.txt' }] })).body;
    await t.sim.idle();
    const pushes = rx.got.filter((r) => r.headers['x-gitlab-event'] === 'Push Hook').map((r) => r.body);
    expect(pushes).toHaveLength(2);
    expect(pushes[0]).toMatchObject({ object_kind: 'push', ref: 'refs/heads/main', before: '0'.repeat(40), user_username: 'mia', total_commits_count: 1 });
    expect(pushes[1]).toMatchObject({ after: second.id, checkout_sha: second.id, before: pushes[0].after });
    expect(pushes[1].commits[0]).toMatchObject({ id: second.id, added: [], modified: ['a.txt'], removed: ['b.txt'] });
    expect(filtered.got).toHaveLength(0);
    await t.as('mia').call('DELETE', `${P}/hooks/${filteredId}`);
    await filtered.close();
  });

  it('resends an event with the same Idempotency-Key and a new webhook UUID, 5 per minute', async () => {
    const events = (await t.as('mia').call('GET', `${P}/hooks/${hookId}/events?status=successful`)).body;
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ trigger: expect.stringMatching(/_hooks$/), response_status: '200', request_headers: { 'X-Gitlab-Token': '[REDACTED]' } });
    const original = events[0];
    rx.got.length = 0;
    const r = await t.as('mia').call('POST', `${P}/hooks/${hookId}/events/${original.id}/resend`);
    expect(r.body).toEqual({ response_status: 200 });
    expect(rx.got[0]!.headers['idempotency-key']).toBe(original.request_headers['Idempotency-Key']);
    expect(rx.got[0]!.headers['x-gitlab-webhook-uuid']).not.toBe(original.request_headers['X-Gitlab-Webhook-UUID']);
    for (let n = 0; n < 4; n += 1) await t.as('mia').call('POST', `${P}/hooks/${hookId}/events/${original.id}/resend`);
    expect((await t.as('mia').call('POST', `${P}/hooks/${hookId}/events/${original.id}/resend`)).status).toBe(429);
    expect((await t.as('mia').call('GET', `${P}/hooks/${hookId}/events?status=client_failure`)).body).toEqual([]);
  });

  it('blocks a hook from firing again for changes made with its own X-Gitlab-Event-UUID', async () => {
    const other = await startReceiver();
    const otherId = (await t.as('mia').call('POST', `${P}/hooks`, { url: other.url, issues_events: true, push_events: false })).body.id;
    rx.got.length = 0;
    const i = (await t.as('mia').call('POST', `${P}/issues`, { title: 'loop' })).body;
    await t.sim.idle();
    const uuid = String(rx.got[0]!.headers['x-gitlab-event-uuid']);
    const before = { main: rx.got.length, other: other.got.length };
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { labels: 'from-bot' }, { 'X-Gitlab-Event-UUID': uuid });
    await t.sim.idle();
    expect(rx.got.length).toBe(before.main);
    expect(other.got.length).toBe(before.other + 1);
    expect(t.sim.requests().webhooks.recursionBlocked).toBeGreaterThan(0);
    await t.as('mia').call('PUT', `${P}/issues/${i.iid}`, { labels: 'from-human' });
    await t.sim.idle();
    expect(rx.got.length).toBe(before.main + 1);
    await t.as('mia').call('DELETE', `${P}/hooks/${otherId}`);
    await other.close();
  });

  it('resets the secret token when the URL changes', async () => {
    await t.as('mia').call('PUT', `${P}/hooks/${hookId}`, { url: `${rx.url}?moved=1` });
    rx.got.length = 0;
    await t.as('mia').call('POST', `${P}/issues`, { title: 'no token now' });
    await t.sim.idle();
    expect(rx.got[0]!.headers).not.toHaveProperty('x-gitlab-token');
  });
});
