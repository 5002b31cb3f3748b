import { describe, expect, it } from 'vitest';
import { formatQuarterPlan } from '../../src/commands/plan-quarter.js';
import { progressBar } from '../../src/commands/run-quarter.js';
import { planQuarterOpen } from '../../src/workflows/checkpoint/plan-quarter-open.js';
import { checkpointIssue, conversationIssue, conversationTemplate, quarter, roster } from './checkpoint-fixtures.js';

describe('`trellis plan quarter` output', () => {
  it('is a table of reports with what the fan-out would do, and a summary that says nothing was written', () => {
    const plan = planQuarterOpen({
      roster: roster(),
      quarter: quarter('FY27-Q2'),
      listings: {
        checkpoints: [checkpointIssue('FY27-Q2', 'alice', { iid: 7 }), checkpointIssue('FY27-Q2', 'bob', { iid: 8, confidential: false })],
        previous: [],
        conversations: [conversationIssue('alice', { iid: 3 })],
      },
      template: conversationTemplate(),
    });
    const lines = formatQuarterPlan(plan);
    expect(lines[0]).toBe('FY27-Q2 (2026-05-01 to 2026-07-31): 5 reports');
    expect(lines[2]).toMatch(/^report +manager +checkpoint +big-picture conversation$/);
    expect(lines).toContainEqual(expect.stringMatching(/^alice +carol +#7 exists +#3 exists$/));
    expect(lines).toContainEqual(expect.stringMatching(/^bob +carol +#8 update confidential +create$/));
    expect(lines).toContainEqual(expect.stringMatching(/^olivia +erin +create +create$/));
    expect(lines.at(-1)).toBe('would create 3 checkpoints and 4 big-picture conversations, update 1, leave 1 as they are. Nothing was written.');
  });
});

describe('the progress bar of `trellis run-quarter`', () => {
  it.each([
    [0, 40, '[░░░░░░░░░░░░░░░░░░░░░░░░]   0%'],
    [10, 40, '[██████░░░░░░░░░░░░░░░░░░]  25%'],
    [40, 40, '[████████████████████████] 100%'],
    [0, 0, '[████████████████████████] 100%'],
  ])('%i of %i reads %s', (done, total, bar) => {
    expect(progressBar(done, total)).toBe(bar);
  });
});
