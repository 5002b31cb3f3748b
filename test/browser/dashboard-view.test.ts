import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fiscalQuarter } from '../../src/core/fiscal-quarter.js';
import { renderMarker } from '../../src/core/markers.js';
import { parseRoster } from '../../src/core/parse-roster.js';
import type { Roster } from '../../src/core/roster.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { checkpointsView, gearingView, internshipsView, trainingView } from '../../src/http/dashboard/dashboard-view.js';
import { createPageRenderer } from '../../src/http/dashboard/dashboard-templates.js';
import { learnerMarker, templateMarker } from '../../src/workflows/training/training-module.js';

/** What the dashboard pages show, from issues and the roster, without a browser. */

function demoRoster(): Roster {
  const r = parseRoster(readFileSync(new URL('../../demo/roster.yml', import.meta.url), 'utf8'), 'demo/roster.yml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.roster;
}

let iid = 0;
function issue(fields: Partial<Issue>): Issue {
  iid += 1;
  return {
    id: iid, iid, projectId: 1, title: 't', description: '', state: 'opened', labels: [], assignees: [], author: 'root', confidential: false,
    dueDate: null, webUrl: `https://gitlab.example.com/infra/career/-/issues/${iid}`, createdAt: '2026-03-01T10:00:00Z', updatedAt: '2026-03-01T10:00:00Z', closedAt: null,
    ...fields,
  };
}

const roster = demoRoster();
const Q = fiscalQuarter(2027, 1, roster);

describe('training progress per person', () => {
  const view = trainingView(
    [
      issue({ title: 'SRE I training: @alice', labels: ['training-module', 'sre-i::in-progress'], description: `## A\n- [x] one\n- [x] two\n- [ ] three\n- [ ] four (optional)\n${renderMarker(learnerMarker('sre-i', 'alice'))}` }),
      issue({ title: 'SRE II training: @alice', labels: ['training-module', 'sre-ii::not-started'], description: `- [ ] a\n${renderMarker(learnerMarker('sre-ii', 'alice'))}` }),
      issue({ title: 'my SRE I', author: 'bob', assignees: [], labels: ['training-module', 'sre-i::complete'], state: 'closed', description: `- [x] a\n${renderMarker(templateMarker('sre-i'))}` }),
      issue({ title: 'not a module', labels: ['training-module'] }),
    ],
    roster,
  );

  it('one card per learner, named from the roster, with a bar per module from its required items', () => {
    expect(view.people.map((p) => [p.name, p.team, p.modules.map((m) => [m.kind, m.done, m.total, m.percent, m.state])])).toEqual([
      ['Alice Adams', 'Reliability: Foundations', [['SRE I', 2, 3, 67, 'in progress'], ['SRE II', 0, 1, 0, 'not started']]],
      ['Bob Brown', 'Reliability: Foundations', [['SRE I', 1, 1, 100, 'complete']]],
    ]);
  });

  it('counts modules by state', () => {
    expect(view.totals).toEqual([{ state: 'not started', count: 1 }, { state: 'in progress', count: 1 }, { state: 'complete', count: 1 }]);
  });
});

describe("this quarter's checkpoints per manager", () => {
  const view = checkpointsView(
    [
      issue({ title: 'FY27-Q1 career checkpoint: @alice', labels: ['career-checkpoint', 'quarter::FY27-Q1', 'checkpoint::review'] }),
      issue({ title: 'FY27-Q1 career checkpoint: @bob', labels: ['career-checkpoint', 'quarter::FY27-Q1', 'checkpoint::overdue'] }),
      issue({ title: 'FY26-Q4 career checkpoint: @sam', labels: ['career-checkpoint', 'quarter::FY26-Q4', 'checkpoint::done'] }),
    ],
    roster,
    Q,
  );
  const carol = view.managers.find((m) => m.name === 'Carol Chen');

  it('lists each report with the state label and a link, and who has no checkpoint this quarter', () => {
    expect(view.quarter).toBe('FY27-Q1');
    expect(carol?.rows.map((r) => [r.name, r.state, r.url])).toEqual([
      ['Alice Adams', 'review', expect.stringMatching(/\/issues\/\d+$/)],
      ['Bob Brown', 'overdue', expect.stringMatching(/\/issues\/\d+$/)],
    ]);
    expect(carol?.missing).toEqual(['Sam Singh']);
  });

  it('counts each state of the handbook for every manager', () => {
    expect(carol?.counts).toEqual([
      { state: 'planning', count: 0 },
      { state: 'in progress', count: 0 },
      { state: 'review', count: 1 },
      { state: 'done', count: 0 },
      { state: 'overdue', count: 1 },
    ]);
  });
});

describe('the internship pipeline', () => {
  it('puts requests in their state column, in board order', () => {
    const view = internshipsView(
      [
        issue({ title: 'Shadow on-call', author: 'dan', labels: ['internship-request', 'internship::approved'] }),
        issue({ title: 'Pair on an OKR', author: 'ian', labels: ['internship-request', 'internship::requested'] }),
        issue({ title: 'No state yet', labels: ['internship-request'] }),
      ],
      roster,
    );
    expect(view.columns.map((c) => c.stateClass)).toEqual(['requested', 'needs-info', 'pending-approval', 'approved', 'active', 'completed', 'declined']);
    expect(view.columns.find((c) => c.stateClass === 'approved')?.items).toEqual([{ title: 'Shadow on-call', requester: 'Dan Dorsey', url: expect.any(String), opened: '2026-03-01' }]);
    expect(view.unlabelled).toBe(1);
  });
});

describe('the gearing table', () => {
  it('shows Staff+ engineers by name against the policy', () => {
    expect(gearingView(roster).teams[0]).toEqual({ name: 'Reliability: Foundations', kind: 'sre', staff: 'Sam Singh', engineers: 3, policy: '1:1', status: 'at', statusClass: 'at' });
  });
});

describe('rendering', () => {
  const renderer = createPageRenderer(30);

  it('escapes what people wrote, and only links to http(s) addresses', () => {
    const view = trainingView([issue({ title: 'SRE I training: @alice', labels: ['training-module', 'sre-i::review'], webUrl: 'javascript:alert(1)', description: renderMarker(learnerMarker('sre-i', 'alice')) })], {
      ...roster,
      people: roster.people.map((p) => (p.username === 'alice' ? { ...p, name: '<img src=x onerror=alert(1)>' } : p)),
    });
    const html = renderer.render('training', { section: { ok: true, data: view, at: '' } }, { title: 'Training', signedIn: true });
    expect(html).toContain('&lt;img src&#x3D;x');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
  });

  it('marks the current page in the navigation and loads nothing from elsewhere', () => {
    const html = renderer.render('gearing', { section: { ok: true, data: gearingView(roster), at: '' } }, { title: 'Gearing', signedIn: true });
    expect(html).toContain('<a href="/dashboard/gearing" aria-current="page">Gearing</a>');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});
