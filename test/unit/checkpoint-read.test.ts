import { describe, expect, it } from 'vitest';
import { identifyCheckpoint, labelledState, nextLevel } from '../../src/workflows/checkpoint/checkpoint-record.js';
import { readCheckpoint, unescapeInline } from '../../src/workflows/checkpoint/read-checkpoint.js';
import { checkpointDescription, reachTarget, tickAreas, withSummary } from './checkpoint-fixtures.js';

const fresh = checkpointDescription('FY27-Q1', 'alice');

describe('reading a checkpoint back from its description', () => {
  it('a fresh checkpoint has no focus areas and no summary', () => {
    expect(readCheckpoint(fresh)).toEqual({ chosen: [], unfinished: [], summary: '' });
  });

  it('ticked focus areas are chosen; the ones whose target is not reached are unfinished', () => {
    const description = reachTarget(tickAreas(fresh, [0, 2, 3]), 'Capacity planning and performance');
    expect(readCheckpoint(description)).toMatchObject({
      chosen: ['Incident management and on-call', 'Capacity planning and performance', 'Automation and toil reduction'],
      unfinished: ['Incident management and on-call', 'Automation and toil reduction'],
    });
  });

  it('a target reached under an area that was not chosen changes nothing', () => {
    expect(readCheckpoint(reachTarget(tickAreas(fresh, [0]), 'Automation and toil reduction')).unfinished).toEqual(['Incident management and on-call']);
  });

  it('the summary is what people wrote under its heading, without comments or the marker', () => {
    expect(readCheckpoint(withSummary(fresh, 'Led two incident reviews.\n\nNext: SLOs.')).summary).toBe('Led two incident reviews.\n\nNext: SLOs.');
  });

  it('a summary section followed by another section ends there', () => {
    const description = withSummary(fresh, 'Moved well.').replace('<!-- trellis:', '## Notes\n\nnot a summary\n\n<!-- trellis:');
    expect(readCheckpoint(description).summary).toBe('Moved well.');
  });

  it.each([
    ['the heading in other case', (d: string) => d.replace('## Summary of progress', '## summary of PROGRESS')],
    ['Windows line ends', (d: string) => d.replace(/\n/g, '\r\n')],
  ])('reads the summary with %s', (_name, change) => {
    expect(readCheckpoint(change(withSummary(fresh, 'Shipped it.'))).summary).toBe('Shipped it.');
  });

  it('items and headings inside a code block are not read', () => {
    const description = fresh.replace('## Focus areas\n', '## Focus areas\n\n```\n- [x] Not an area\n## Summary of progress\nnot a summary\n```\n');
    expect(readCheckpoint(description)).toEqual({ chosen: [], unfinished: [], summary: '' });
  });

  it("an area of one's own, ticked, counts as a focus area", () => {
    const description = fresh.replace('## Focus areas\n', '## Focus areas\n\n- [x] Learning Rust for tooling\n');
    expect(readCheckpoint(description).chosen).toEqual(['Learning Rust for tooling']);
  });

  it.each([
    ['Observability &amp; alerting', 'Observability & alerting'],
    ['1\\. first', '1. first'],
    ['ping @\u200Dall', 'ping @all'],
    ['\\*not bold\\*', '*not bold*'],
  ])('escaped text %j reads back as %j', (escaped, plain) => {
    expect(unescapeInline(escaped)).toBe(plain);
  });
});

describe('what a checkpoint issue is', () => {
  it('its marker names the quarter and the report', () => {
    expect(identifyCheckpoint({ description: fresh })).toEqual({ quarter: 'FY27-Q1', report: 'alice' });
  });

  it('without its marker, its canonical title still names the quarter and the report', () => {
    expect(identifyCheckpoint({ title: 'FY27-Q4 career checkpoint: @bob.b', description: 'marker deleted' })).toEqual({ quarter: 'FY27-Q4', report: 'bob.b' });
  });

  it.each([
    ['no marker', 'just text'],
    ['another kind of marker', '<!-- trellis:sre-i:alice -->'],
    ['a marker without a quarter', '<!-- trellis:checkpoint:alice -->'],
  ])('an issue with %s is not a checkpoint', (_name, description) => {
    expect(identifyCheckpoint({ description })).toBeNull();
  });

  it('the state label is read from the checkpoint scope', () => {
    expect(labelledState(['career-checkpoint', 'checkpoint::review'])).toBe('review');
    expect(labelledState(['checkpoint::someday'])).toBeNull();
  });

  it.each([
    ['intermediate', 'senior'],
    ['Senior', 'staff'],
    ['staff', 'principal'],
    ['manager', 'senior manager'],
    ['wizard', 'the next level'],
  ])('the level after %s is %s', (level, next) => {
    expect(nextLevel(level)).toBe(next);
  });
});
