import { describe, expect, it } from 'vitest';
import type { Note } from '../../src/core/gitlab-port.js';
import { renderMarker } from '../../src/core/markers.js';
import { decideAgenda } from '../../src/workflows/checkpoint/agenda-command.js';
import { agendaBody, agendaMarker } from '../../src/workflows/checkpoint/plan-agenda.js';
import { nudgeMarker, planNudges } from '../../src/workflows/checkpoint/plan-nudge.js';
import { namesArea, readFocusPlans } from '../../src/workflows/checkpoint/read-focus.js';
import { BOT, checkpointIssue, DEPARTMENT, quarter, roster, tickAreas } from './checkpoint-fixtures.js';

const Q = 'FY27-Q4';
let noteId = 100;

function note(body: string, createdAt: string, author = 'alice'): Note {
  noteId += 1;
  return { id: noteId, body, author, system: false, createdAt, updatedAt: createdAt };
}

/** alice's checkpoint with incident management and capacity planning ticked, goals and a next-level target written. */
function planned() {
  const fresh = checkpointIssue(Q, 'alice');
  const description = tickAreas(fresh.description, [0, 2])
    .replace('### Incident management and on-call\n\n- Goals:\n- Targets:', '### Incident management and on-call\n\n- Goals: Lead two reviews\n- Targets: Published by December')
    .replace('- Target:\n', '- Target: Run the game day\n');
  return { ...fresh, description };
}

describe('which notes are about which focus area', () => {
  it.each([
    ['Observability: new SLO dashboard', 'Observability: metrics, logging, tracing and alerting', true],
    ['worked on observability of the API this week', 'Observability: metrics, logging, tracing and alerting', true],
    ['Capacity planning: drafted the forecast', 'Capacity planning and performance', true],
    ['### Capacity planning\nforecast', 'Capacity planning and performance', true],
    ['capacity went up', 'Capacity planning and performance', false],
    ['Communication: weekly update', 'Collaboration and communication across teams', false],
    ['observabilityish', 'Observability: metrics, logging, tracing and alerting', false],
  ])('%j is about %j: %s', (text, area, expected) => {
    expect(namesArea(text, area)).toBe(expected);
  });

  it('reads the goals and targets under each area and the target towards the next level', () => {
    const { areas, nextLevelTarget } = readFocusPlans(planned().description);
    expect(areas.get('incident management and on-call')).toEqual({ goals: 'Lead two reviews', targets: 'Published by December', ideas: '', reached: false });
    expect(nextLevelTarget).toBe('Run the game day');
  });
});

describe('the 1:1 agenda', () => {
  const r = roster();

  it('lists the ticked areas with goals, targets and notes since the last agenda, the next-level target and the days left', () => {
    const notes = [
      note('Incident management and on-call: shadowed the IM', '2026-11-10T10:00:00Z'),
      note(`Agenda${renderMarker(agendaMarker(1))}`, '2026-11-12T10:00:00Z', BOT),
      note('Capacity planning: forecast drafted', '2026-11-15T10:00:00Z', 'carol'),
      note('Capacity planning: @all /close <b>x</b>', '2026-11-15T11:00:00Z', 'carol'),
    ];
    const body = agendaBody({ issue: planned(), id: { quarter: Q, report: 'alice' }, notes, roster: r, today: '2026-11-16', bot: BOT });
    expect(body).toContain("**Agenda for Alice Adams's next 1:1** (FY27-Q4: 76 days left, it ends on 2027-01-31).");
    expect(body).toContain('Notes since the last agenda (2026-11-12):');
    expect(body).toContain('- Goals: Lead two reviews\n- Targets: Published by December\n- Noted: nothing yet');
    expect(body).toContain('- Noted (2):\n  - 2026-11-15, carol: Capacity planning: forecast drafted');
    expect(body).not.toContain('shadowed the IM');
    expect(body).not.toMatch(/@all|^\/close|<b>/m);
    expect(body).toContain('### Towards the next level (senior)\n\n- Target: Run the game day');
    expect(body).toContain('### Communication (standing area)');
  });

  it.each([
    ['alice asks for herself', 'alice', undefined, 'ok'],
    ['carol asks for her report', 'carol', '@alice', 'ok'],
    ['bob asks for alice', 'bob', '@alice', 'refuse'],
    ['erin asks for alice (not her manager)', 'erin', '@alice', 'refuse'],
    ['vera, a record reader, asks for alice', 'vera', '@alice', 'ok'],
  ])('%s: %s', (_, actor, arg, kind) => {
    const withReader = roster(`${DEPARTMENT}record_readers: [vera]\n`);
    const decision = decideAgenda({ command: { name: 'agenda', args: arg ? [arg] : [], rest: arg ?? '' }, actor, roster: withReader, bot: BOT, ownerHere: null });
    expect(decision.kind).toBe(kind);
  });
});

describe('the 1:1 nudge', () => {
  const r = roster();
  const q = quarter(Q);
  const base = { id: { quarter: Q, report: 'alice' }, quarter: q, since: '2026-11-02T09:00:00Z', roster: r, reviewDays: 14, bot: BOT };

  it('nudges each ticked area nothing was noted under for four weeks, mentioning the report and the manager', () => {
    const notes = [note('Capacity planning: forecast', '2026-11-20T10:00:00Z')];
    const actions = planNudges({ ...base, issue: planned(), notes, now: new Date('2026-12-01T09:00:00Z'), today: '2026-12-01' });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: 'reply', marker: nudgeMarker(Q, 'Incident management and on-call') });
    expect(actions[0]?.kind === 'reply' && actions[0].body).toMatch(/^@alice @carol: nothing has been noted under \*\*Incident management and on-call\*\* since 2026-11-02/);
  });

  it.each([
    ['an area already nudged this quarter', (n: Note[]) => [...n, note(`x${renderMarker(nudgeMarker(Q, 'Incident management and on-call'))}${renderMarker(nudgeMarker(Q, 'Capacity planning and performance'))}`, '2026-11-30T09:00:00Z', BOT)], '2026-12-01', 4],
    ['the last two weeks of the quarter', (n: Note[]) => n, '2027-01-18', 4],
    ['nudges turned off', (n: Note[]) => n, '2026-12-01', 0],
  ])('none for %s', (_, notes, today, weeks) => {
    const actions = planNudges({ ...base, roster: { ...r, focusNudgeWeeks: weeks }, issue: planned(), notes: notes([]), now: new Date(`${today}T09:00:00Z`), today });
    expect(actions).toEqual([]);
  });
});
