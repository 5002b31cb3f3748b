import { describe, expect, it } from 'vitest';
import type { Log } from '../../src/core/log.js';
import type { IssueEvent, NoteEvent } from '../../src/events/types.js';
import { createMemoryGateway } from '../../src/gitlab/memory-adapter.js';
import type { MemoryGateway } from '../../src/gitlab/memory-adapter.js';
import type { Issue, User } from '../../src/core/gitlab-port.js';
import { verifyEvent } from '../../src/workflows/verify-event.js';

const BOT: User = { id: 1, username: 'trellis-bot', name: 'Trellis', state: 'active' };
const PROJECT = 'infra/career';

/** A log that keeps its warnings. */
function recordingLog(): Log & { warnings: Array<{ obj: object; msg: string | undefined }> } {
  const warnings: Array<{ obj: object; msg: string | undefined }> = [];
  const log = {
    warnings,
    debug() {},
    info() {},
    warn(obj: object, msg?: string) {
      warnings.push({ obj, msg });
    },
    error() {},
    child: () => log,
  };
  return log;
}

function setup(): { gw: MemoryGateway; issue: Issue; ctx: { gitlab: MemoryGateway; config: { gitlab: { project: string } } } } {
  const gw = createMemoryGateway({ projectPath: PROJECT, users: ['alice', 'carol'] });
  const issue = gw.seedIssue({ title: 'SRE I training: @alice', labels: ['training-module', 'sre-i::review'], author: 'alice' });
  gw.resetCalls();
  return { gw, issue, ctx: { gitlab: gw, config: { gitlab: { project: PROJECT } } } };
}

function noteEvent(issue: Issue, actor: string, note: { id: number; body: string }, action: NoteEvent['action'] = 'create'): NoteEvent {
  return { type: 'note', action, actor: { id: 9, username: actor }, project: { id: issue.projectId, path: PROJECT, webUrl: '' }, note: { ...note, url: '' }, issue };
}

function labelEvent(issue: Issue, actor: string, previous: string[], current: string[]): IssueEvent {
  return { type: 'issue', action: 'update', actor: { id: 9, username: actor }, project: { id: issue.projectId, path: PROJECT, webUrl: '' }, issue: { ...issue, labels: current }, changes: { labels: { previous, current } } };
}

describe('checking an event against GitLab before workflows see it', () => {
  it('lets notes without commands and ticks through with no read at all', async () => {
    const { gw, issue, ctx } = setup();
    const log = recordingLog();
    const plain = await verifyEvent(noteEvent(issue, 'carol', { id: 999, body: 'Nice progress! `@trellis-bot approve` is how I approve.' }), ctx, BOT, log);
    const tick: IssueEvent = { ...labelEvent(issue, 'alice', [], []), changes: { description: { previous: '- [ ] a' } } };
    const ticked = await verifyEvent(tick, ctx, BOT, log);
    const other = await verifyEvent(labelEvent(issue, 'alice', ['sre-i::in-progress'], ['sre-i::review']), ctx, BOT, log);
    expect([plain.kind, ticked.kind, other.kind]).toEqual(['pass', 'pass', 'pass']);
    expect(gw.calls).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  it('reads a note with a command back by id (one read) and goes on with it when GitLab agrees', async () => {
    const { gw, issue, ctx } = setup();
    const note = gw.seedNote(issue.iid, '@trellis-bot sign-off', { author: 'carol' });
    gw.resetCalls();
    const verified = await verifyEvent(noteEvent(issue, 'carol', { id: note.id, body: '@trellis-bot sign-off' }), ctx, BOT, recordingLog());
    expect(verified).toMatchObject({ kind: 'pass', fresh: false, event: { note: { id: note.id, body: '@trellis-bot sign-off' } } });
    expect(gw.calls.map((c) => c.method)).toEqual(['getNote']);
  });

  it('drops a command note GitLab does not have, has by someone else, or has with other commands, logging ids only', async () => {
    const { gw, issue, ctx } = setup();
    const byAlice = gw.seedNote(issue.iid, '@trellis-bot sign-off', { author: 'alice' });
    const byCarol = gw.seedNote(issue.iid, 'I will look tomorrow', { author: 'carol' });
    const log = recordingLog();
    const results = [
      await verifyEvent(noteEvent(issue, 'carol', { id: 424_242, body: '@trellis-bot sign-off' }), ctx, BOT, log),
      await verifyEvent(noteEvent(issue, 'carol', { id: byAlice.id, body: '@trellis-bot sign-off' }), ctx, BOT, log),
      await verifyEvent(noteEvent(issue, 'carol', { id: byCarol.id, body: '@trellis-bot sign-off' }), ctx, BOT, log),
    ];
    expect(results.map((r) => r.kind)).toEqual(['drop', 'drop', 'drop']);
    expect(log.warnings.map((w) => w.obj)).toEqual([
      { projectId: issue.projectId, iid: issue.iid, noteId: 424_242, claimed: 'carol', gitlab: 'missing', reason: 'missing' },
      { projectId: issue.projectId, iid: issue.iid, noteId: byAlice.id, claimed: 'carol', gitlab: 'alice', reason: 'author' },
      { projectId: issue.projectId, iid: issue.iid, noteId: byCarol.id, claimed: 'carol', gitlab: 'carol', reason: 'body' },
    ]);
    expect(JSON.stringify(log.warnings)).not.toMatch(/sign-off|tomorrow/);
  });

  it('reads label events and the issue (two reads) for a move to a label that needs authority, and drops it when GitLab names nobody else', async () => {
    const { gw, issue, ctx } = setup();
    const log = recordingLog();
    // Nobody added sre-i::complete in GitLab.
    const forged = await verifyEvent(labelEvent(issue, 'carol', ['training-module', 'sre-i::review'], ['training-module', 'sre-i::complete']), ctx, BOT, log);
    expect(forged.kind).toBe('drop');
    expect(gw.calls.map((c) => c.method).sort()).toEqual(['getIssue', 'listLabelEvents']);
    // Trellis added it (a sign-off by command): its own move, never someone else's.
    await gw.updateIssue(issue.iid, { addLabels: ['sre-i::complete'] });
    const own = await verifyEvent(labelEvent(issue, 'carol', ['training-module', 'sre-i::review'], ['training-module', 'sre-i::complete']), ctx, BOT, log);
    expect(own.kind).toBe('drop');
    expect(log.warnings.map((w) => w.obj)).toEqual([
      { projectId: issue.projectId, iid: issue.iid, labels: ['sre-i::complete'], claimed: 'carol', gitlab: ['missing'] },
      { projectId: issue.projectId, iid: issue.iid, labels: ['sre-i::complete'], claimed: 'carol', gitlab: ['trellis-bot'] },
    ]);
  });
});
