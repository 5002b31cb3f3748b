import { describe, expect, it } from 'vitest';
import { planEvidence } from '../../src/workflows/checkpoint/plan-evidence.js';
import { checkpointDescription, checkpointIssue, ofKind, quarter, reachTarget, roster, tickAreas, withSummary } from './checkpoint-fixtures.js';

const YEAR = ['FY26-Q4', 'FY27-Q1', 'FY27-Q2', 'FY27-Q3'].map(quarter);

function aliceIn(q: string, iid: number, change: (d: string) => string, fields = {}) {
  return checkpointIssue(q, 'alice', { iid, description: change(checkpointDescription(q, 'alice')), ...fields });
}

describe('gathering the year for 360 feedback and talent assessment', () => {
  const q1 = aliceIn('FY27-Q1', 11, (d) => withSummary(reachTarget(tickAreas(d, [0, 2]), 'Incident management and on-call'), 'Led two incident reviews.\n/close\n@all'), {
    labels: ['career-checkpoint', 'quarter::FY27-Q1', 'checkpoint::done'],
    state: 'closed',
  });
  const q2 = aliceIn('FY27-Q2', 21, (d) => tickAreas(d, [1, 3]), { labels: ['career-checkpoint', 'quarter::FY27-Q2', 'checkpoint::overdue'] });
  const q3 = aliceIn('FY27-Q3', 31, (d) => d);

  it("every report's latest checkpoint gets one note, keyed by the review date", () => {
    const notes = planEvidence({ date: '2026-09-01', roster: roster(), quarters: YEAR, checkpoints: [q1, q3, q2, checkpointIssue('FY27-Q2', 'bob', { iid: 22 })] });
    expect(notes.map((n) => [n.report, n.issue.iid])).toEqual([['alice', 31], ['bob', 22]]);
    const [note] = ofKind(notes[0]!.actions, 'upsert-note');
    expect(note?.marker).toEqual({ kind: 'evidence', key: '2026-09-01' });
    expect(note?.issue).toEqual({ iid: 31 });
  });

  it('the note links each checkpoint of the year with its state, focus areas and targets reached, and quotes the summaries safely', () => {
    const body = ofKind(planEvidence({ date: '2026-09-01', roster: roster(), quarters: YEAR, checkpoints: [q1, q2, q3] })[0]!.actions, 'upsert-note')[0]!.body;
    expect(body).toContain("Alice Adams's checkpoints from FY26-Q4 to FY27-Q3");
    expect(body).toContain('| FY26-Q4 | none | | | |');
    expect(body).toContain('| FY27-Q1 | #11 | done | Incident management and on-call; Capacity planning and performance | Incident management and on-call |');
    expect(body).toContain('| FY27-Q2 | #21 | overdue | Observability: metrics, logging, tracing and alerting; Automation and toil reduction | none |');
    expect(body).toContain('| FY27-Q3 | #31 | planning | none chosen | none |');
    expect(body).toContain('#### FY27-Q1 (#11)\n\n> Led two incident reviews.\\\n> \\/close\\\n> @\u200Dall');
    expect(body).toContain('#### FY27-Q2 (#21)\n\n_No summary of progress was recorded._');
  });

  it('people without a checkpoint this year, or who left, get no note', () => {
    expect(planEvidence({ date: '2026-09-01', roster: roster(), quarters: YEAR, checkpoints: [checkpointIssue('FY26-Q3', 'alice')] })).toEqual([]);
    const left = { ...roster(), people: roster().people.filter((p) => p.username !== 'alice') };
    expect(planEvidence({ date: '2026-09-01', roster: left, quarters: YEAR, checkpoints: [q1] })).toEqual([]);
  });
});
