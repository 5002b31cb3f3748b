import { describe, expect, it } from 'vitest';
import type { Issue } from '../../src/core/gitlab-port.js';
import { CLOCK_MARGIN_MS, decideSweep, nextMark, parseMark } from '../../src/workflows/reconcile/reconcile-mark.js';
import type { ReconcileMark } from '../../src/workflows/reconcile/reconcile-mark.js';

/** When the hourly reconcile re-derives the records, from what GitLab lists as changed since its last run. */

function issue(id: number, updatedAt: string): Issue {
  return { id, iid: id, projectId: 1, title: 't', description: '', state: 'opened', labels: [], assignees: [], author: 'trellis-bot', confidential: false, dueDate: null, webUrl: '', createdAt: updatedAt, updatedAt, closedAt: null };
}

const mark: ReconcileMark = { since: '2026-05-04T08:59:00.000Z', seen: [`7@${Date.parse('2026-05-04T08:59:30.000Z')}`], day: '2026-05-04', roster: 'r1' };

describe('a scheduled run re-derives everything when', () => {
  it.each([
    ['no run was recorded', null, [], '2026-05-04', 'r1', 'no earlier run recorded'],
    ['a new day began in the roster time zone', mark, [], '2026-05-05', 'r1', 'first run of 2026-05-05'],
    ['the roster changed', mark, [], '2026-05-04', 'r2', 'the roster changed'],
    ['an issue changed that the last run did not account for', mark, [issue(8, '2026-05-04T09:30:00.000Z')], '2026-05-04', 'r1', '1 issue changed since 2026-05-04T08:59:00.000Z'],
    ['an issue it accounted for changed again', mark, [issue(7, '2026-05-04T09:10:00.000Z')], '2026-05-04', 'r1', '1 issue changed since 2026-05-04T08:59:00.000Z'],
  ])('%s', (_what, m, changed, today, roster, why) => {
    expect(decideSweep(m, m ? changed : null, today, roster)).toEqual({ full: true, why });
  });

  it('and not when the only change listed is one the last run accounted for', () => {
    expect(decideSweep(mark, [issue(7, '2026-05-04T08:59:30.000Z')], '2026-05-04', 'r1')).toEqual({ full: false, why: 'nothing changed since 2026-05-04T08:59:00.000Z' });
  });
});

describe('the mark a run leaves', () => {
  it('lists again from a margin before the run began, and accounts for the changes it listed within it', () => {
    const start = new Date('2026-05-04T10:00:00.000Z');
    const next = nextMark(start, [issue(1, '2026-05-04T09:58:00.000Z'), issue(2, '2026-05-04T09:59:30.000Z')], '2026-05-04', 'r1');
    expect(next.since).toBe(new Date(start.getTime() - CLOCK_MARGIN_MS).toISOString());
    expect(next.seen).toEqual([`2@${Date.parse('2026-05-04T09:59:30.000Z')}`]);
    expect(parseMark(JSON.stringify(next))).toEqual(next);
  });

  it.each([null, '', 'not json', '{"since":1}', '[]'])('an unreadable mark %j is none (the run is full)', (raw) => {
    expect(parseMark(raw)).toBeNull();
  });
});
