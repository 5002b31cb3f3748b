import { describe, expect, it } from 'vitest';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import { findMarkers, renderMarker } from '../../src/core/markers.js';
import { parseChecklist } from '../../src/core/parse-checklist.js';
import { correctionMarker, identifyModule, learnerFromTitle, learnerMarker, liveModules, nextAttempt, templateLearner, templateMarker } from '../../src/workflows/training/training-module.js';
import { demoRoster, issue, moduleIssue, modules, moduleTemplates, rawTemplate } from './training-fixtures.js';

describe('the SRE I and SRE II issue templates', () => {
  it.each([
    ['sre-i', ['on-call', 'runbooks', 'observability', 'slo', 'kubernetes', 'databases', 'networking', 'infrastructure as code', 'change', 'security', 'capacity']],
    ['sre-ii', ['leading incidents', 'postmortems', 'architecture reviews', 'reliability projects', 'kubernetes', 'databases', 'networking', 'security', 'capacity']],
  ] as const)('%s has a section for each area an SRE must know', (kind, areas) => {
    const sections = parseChecklist(rawTemplate(kind)).sections.map((s) => s.title.toLowerCase()).join(' | ');
    for (const area of areas) expect(sections).toContain(area);
  });

  it.each(['sre-i', 'sre-ii'] as const)('%s has concrete required items in every section, and some optional ones', (kind) => {
    const c = parseChecklist(rawTemplate(kind));
    expect(c.requiredTotal).toBeGreaterThanOrEqual(40);
    expect(c.optionalTotal).toBeGreaterThan(0);
    for (const s of c.sections) expect(s.total, s.title).toBeGreaterThanOrEqual(2);
    expect(c.items.every((i) => !i.checked)).toBe(true);
  });

  it('SRE II goes deeper than SRE I: leading incidents, postmortems, architecture reviews, a reliability project', () => {
    const text = rawTemplate('sre-ii').toLowerCase();
    for (const phrase of ['incident manager', 'incident review', 'architecture review', 'reliability project']) expect(text).toContain(phrase);
  });

  it.each(['sre-i', 'sre-ii'] as const)('%s, picked in GitLab, labels and assigns itself and carries the marker Trellis adopts', (kind) => {
    const raw = rawTemplate(kind);
    expect(raw).toContain(`/label ~training-module ~"${kind}::not-started"`);
    expect(raw).toMatch(/^\/assign me$/m);
    expect(findMarkers(raw)).toEqual([templateMarker(kind)]);
  });

  it.each(['sre-i', 'sre-ii'] as const)('%s, when Trellis renders it, has no quick action left but keeps every item', (kind) => {
    const rendered = moduleTemplates()[kind];
    expect(containsQuickAction(rendered)).toBe(false);
    expect(rendered).not.toContain('/assign');
    expect(parseChecklist(rendered).requiredTotal).toBe(parseChecklist(rawTemplate(kind)).requiredTotal);
  });
});

describe('which issues are modules, and whose', () => {
  it.each([
    ['a module Trellis created', { description: `x\n${renderMarker(learnerMarker('sre-i', 'alice'))}` }, { kind: 'sre-i', learner: 'alice', source: 'marker', attempt: 1 }],
    ['a second attempt', { description: renderMarker(learnerMarker('sre-ii', 'bob', 2)) }, { kind: 'sre-ii', learner: 'bob', source: 'marker', attempt: 2 }],
    ['an adopted template issue', { title: 'SRE II training: @bob', description: renderMarker(templateMarker('sre-ii')) }, { kind: 'sre-ii', learner: 'bob', source: 'title', attempt: 1 }],
    ['a template issue not adopted yet', { title: 'My SRE I', description: renderMarker(templateMarker('sre-i')) }, { kind: 'sre-i', learner: null, source: 'template', attempt: 1 }],
    ['a template issue whose title names the other module', { title: 'SRE II training: @bob', description: renderMarker(templateMarker('sre-i')) }, { kind: 'sre-i', learner: null, source: 'template', attempt: 1 }],
  ])('%s', (_, fields, expected) => {
    expect(identifyModule(issue(fields))).toEqual(expected);
  });

  it.each([
    ['no marker', 'just a checklist\n- [ ] a'],
    ['another record', '<!-- trellis:checkpoint:FY27-Q1/alice -->'],
    ['a marker quoted in a code span', '`trellis:training:sre-i`'],
  ])('an issue with %s is not a module', (_, description) => {
    expect(identifyModule(issue({ description }))).toBeNull();
  });

  it.each([
    ['SRE I training: @alice', 'sre-i', 'alice'],
    ['SRE II training: @alice', 'sre-i', null],
    ['SRE I training: @alice and more', 'sre-i', null],
    ['  SRE II training: @o.ortiz  ', 'sre-ii', 'o.ortiz'],
  ] as const)('the title %j names the learner of a %s module: %s', (title, kind, learner) => {
    expect(learnerFromTitle(kind, title)).toBe(learner);
  });

  it.each([
    ['the one assignee on the roster', { assignees: ['bob'], author: 'carol' }, 'bob'],
    ['the author when assigned to several', { assignees: ['bob', 'alice'], author: 'carol' }, 'carol'],
    ['the author when the assignee is not on the roster', { assignees: ['stranger'], author: 'alice' }, 'alice'],
    ['the author when nobody is assigned', { assignees: [], author: 'Alice' }, 'alice'],
  ])('a template issue is for %s', (_, fields, learner) => {
    expect(templateLearner(fields, demoRoster())).toBe(learner);
  });
});

describe("a learner's modules", () => {
  const listed = modules(
    moduleIssue('sre-i', 'alice', { iid: 3, state: 'closed', labels: ['training-module', 'sre-i::in-progress'] }),
    moduleIssue('sre-i', 'alice', { iid: 9, attempt: 2 }),
    moduleIssue('sre-i', 'bob', { iid: 4, state: 'closed', labels: ['training-module', 'sre-i::complete'] }),
    moduleIssue('sre-ii', 'bob', { iid: 12, fromTemplate: true, assignees: ['bob'] }),
  );

  it('counts open and signed-off modules, not abandoned ones', () => {
    expect(liveModules(listed, 'sre-i', 'alice').map((m) => m.iid)).toEqual([9]);
    expect(liveModules(listed, 'sre-i', 'BOB').map((m) => [m.iid, m.complete])).toEqual([[4, true]]);
  });

  it('finds the learner of a template issue not adopted yet by its assignee', () => {
    expect(liveModules(listed, 'sre-ii', 'bob').map((m) => [m.iid, m.adopted])).toEqual([[12, false]]);
  });

  it('numbers a new attempt past every earlier one, so an abandoned module is never found again by its marker', () => {
    expect(nextAttempt(listed, 'sre-i', 'alice')).toBe(3);
    expect(nextAttempt(listed, 'sre-ii', 'alice')).toBe(1);
  });
});

describe('the marker of a correction reply', () => {
  const at = { updatedAt: '2026-03-09T14:41:05.000Z' };

  it('is the same for a redelivered event (same issue time, same correction by the same person), so the reply is written once', () => {
    expect(correctionMarker(at, 'sync/update/bob')).toEqual(correctionMarker({ ...at }, 'sync/update/bob'));
  });

  it('differs for two corrections within one second (webhook times have whole seconds)', () => {
    expect(correctionMarker(at, 'refuse-complete/update/bob')).not.toEqual(correctionMarker(at, 'refuse-complete/update/carol'));
  });

  it('is a valid marker whatever the time looks like', () => {
    expect(correctionMarker({ updatedAt: '' }, 'x').key).toMatch(/^unknown\.[0-9a-f]{12}$/);
    expect(correctionMarker({ updatedAt: '2026-03-09 14:41:05 +0200' }, 'x').key).toMatch(/^[0-9TZ]+\.[0-9a-f]{12}$/);
  });
});
