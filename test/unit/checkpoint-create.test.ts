import { describe, expect, it } from 'vitest';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import type { ConversationLink, PreviousLink } from '../../src/workflows/checkpoint/plan-create-checkpoint.js';
import { readCheckpoint } from '../../src/workflows/checkpoint/read-checkpoint.js';
import { createCheckpointAction, rawTemplate, roster } from './checkpoint-fixtures.js';

const DEPARTMENT_WITH_ROLE = `
fiscal_year_start_month: 2
timezone: Europe/London
teams: [{ id: t, name: T, kind: sre, manager: carol }]
people:
  - { username: carol, name: Carol Chen, team: t, role: engineering-manager, level: manager, timezone: Europe/Berlin }
  - { username: alice, name: Alice Adams, manager: carol, team: t, role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin }
roles:
  site-reliability-engineer:
    responsibilities: ["Observability & *alerting*", "On-call"]
`;

function create(report: string, opts: { conversation?: ConversationLink | null; previous?: PreviousLink | null; yaml?: string; q?: string } = {}) {
  return createCheckpointAction(opts.q ?? 'FY27-Q4', report, { conversation: opts.conversation ?? null, previous: opts.previous ?? null, r: roster(opts.yaml) });
}

describe("a report's quarterly checkpoint as Trellis opens it", () => {
  it('is titled, labelled, confidential, assigned to the report and the manager, due the last day of the quarter', () => {
    const action = create('alice');
    expect(action.marker).toEqual({ kind: 'checkpoint', key: 'FY27-Q4/alice' });
    expect(action.draft).toMatchObject({
      title: 'FY27-Q4 career checkpoint: @alice',
      labels: ['career-checkpoint', 'quarter::FY27-Q4', 'checkpoint::planning'],
      assignees: ['alice', 'carol'],
      confidential: true,
      dueDate: '2027-01-31',
    });
  });

  it("lists the role's responsibility areas as a checklist to choose two or three from, each with goals, targets and ideas", () => {
    const d = create('bob').draft.description;
    const areas = roster().roles['senior-site-reliability-engineer']!.responsibilities;
    expect(d).toContain('tick **two or three** focus areas');
    for (const area of areas) {
      expect(d).toContain(`- [ ] ${area}`);
      expect(d).toContain(`### ${area}\n\n- Goals:\n- Targets:\n- Ideas:\n- [ ] Target reached`);
    }
    expect(readCheckpoint(d)).toEqual({ chosen: [], unfinished: [], summary: '' });
  });

  it('links the EFW from the roster, or says where to add one', () => {
    expect(create('alice').draft.description).toContain('Experience factor worksheet (EFW): [open the EFW](https://example.com/efw/alice).');
    expect(create('bob').draft.description).toContain('no link on the roster yet; add `efw:` for bob to `.trellis/roster.yml`');
  });

  it('sets a target towards the next level and says when the review reminder comes', () => {
    const d = create('alice').draft.description;
    expect(d).toContain('## Target towards the next level\n\nAlice Adams is at level intermediate; the next level is senior.');
    expect(d).toContain('Trellis reminds you both on 2027-01-17, 14 days before the quarter ends.');
  });

  it("quotes the big-picture conversation's values and lighthouse, safely", () => {
    const d = create('alice', { conversation: { iid: 12, values: '1. Curiosity\n2. Ping @all\n/close', lighthouse: 'Run <script>x</script> the platform', filledIn: true } }).draft.description;
    expect(d).toContain("This checkpoint serves Alice Adams's big-picture career conversation: #12.");
    expect(d).toContain('What matters to them:\n\n> 1\\. Curiosity\\\n> 2\\. Ping @\u200Dall\\\n> \\/close');
    expect(d).toContain('Their lighthouse:\n\n> Run &lt;script>x&lt;/script> the platform');
    expect(containsQuickAction(d)).toBe(false);
    expect(d).not.toMatch(/@all|<script>/);
  });

  it('says when the conversation is not filled in yet, and how to open one when there is none', () => {
    expect(create('alice', { conversation: { iid: 12, values: null, lighthouse: null, filledIn: false } }).draft.description).toContain('It is not filled in yet: start there at your first 1:1');
    expect(create('alice').draft.description).toContain('comment `@trellis-bot big-picture` to open one');
  });

  it("links last quarter's checkpoint with the focus areas it left unfinished", () => {
    const d = create('alice', { previous: { iid: 7, quarter: 'FY27-Q3', chosen: ['A & B', 'C'], unfinished: ['A & B'] } }).draft.description;
    expect(d).toContain('FY27-Q3 checkpoint: #7.\nFocus areas it left unfinished, to carry over or to close consciously:\n\n- A & B\n');
    expect(create('alice', { previous: { iid: 7, quarter: 'FY27-Q3', chosen: ['C'], unfinished: [] } }).draft.description).toContain('Every focus area it chose reached its target.');
    expect(create('alice', { previous: { iid: 7, quarter: 'FY27-Q3', chosen: [], unfinished: [] } }).draft.description).toContain('It recorded no focus areas.');
    expect(create('alice').draft.description).toContain('This is the first checkpoint Trellis has for Alice Adams.');
  });

  it('ends with an empty summary of progress for the last 1:1', () => {
    const d = create('alice').draft.description;
    expect(d.trimEnd()).toMatch(/## Summary of progress\n\n<!-- At the last 1:1 of the quarter:[^\n]*-->$/);
  });

  it('a roster area with Markdown in it is shown literally and reads back as written', () => {
    const d = create('alice', { yaml: DEPARTMENT_WITH_ROLE }).draft.description;
    expect(d).toContain('- [ ] Observability & \\*alerting\\*');
    const ticked = d.replace('- [ ] Observability & \\*alerting\\*', '- [x] Observability & \\*alerting\\*');
    expect(readCheckpoint(ticked).chosen).toEqual(['Observability & *alerting*']);
  });

  it('the template holds no quick action, so the bot never runs one', () => {
    expect(containsQuickAction(rawTemplate('checkpoint'))).toBe(false);
  });
});
