import { describe, expect, it } from 'vitest';
import { renderMarker } from '../../src/core/markers.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { planAdopt } from '../../src/workflows/training/plan-adopt.js';
import type { AdoptPlan } from '../../src/workflows/training/plan-adopt.js';
import { templateMarker } from '../../src/workflows/training/training-module.js';
import type { ModuleKind, ModuleSummary } from '../../src/workflows/training/training-module.js';
import { BOT, bodies, checklist, demoRoster, issue, moduleIssue, modules, ofKind } from './training-fixtures.js';

function fromTemplate(kind: ModuleKind, fields: Partial<Issue> = {}): Issue {
  return issue({ iid: 20, title: 'My SRE training', description: checklist({ A: [false] }, renderMarker(templateMarker(kind))), author: 'alice', assignees: ['alice'], labels: ['training-module', `${kind}::not-started`], ...fields });
}

function adopt(kind: ModuleKind, fields: Partial<Issue> = {}, listed: ModuleSummary[] = []): AdoptPlan {
  return planAdopt({ kind, issue: fromTemplate(kind, fields), roster: demoRoster(), bot: BOT, modules: listed });
}

describe('adopting an issue made from the template', () => {
  it('gives it the canonical title, keeps the assignee, and welcomes the mentor once', () => {
    const plan = adopt('sre-i');
    expect(plan.kind).toBe('adopt');
    expect(plan.kind === 'adopt' && plan.learner).toBe('alice');
    expect(ofKind(plan.actions, 'update-issue')).toEqual([{ kind: 'update-issue', issue: { iid: 20 }, title: 'SRE I training: @alice' }]);
    expect(ofKind(plan.actions, 'reply')[0]?.marker).toEqual({ kind: 'welcome', key: 'sre-i' });
    expect(bodies(plan.actions).match(/@carol/g)).toHaveLength(1);
  });

  it('assigns the learner when the template assigned nobody', () => {
    const plan = adopt('sre-i', { assignees: [] });
    expect(ofKind(plan.actions, 'update-issue')[0]?.assignees).toEqual(['alice']);
  });

  it('a manager who assigned it to a report makes it the report’s module', () => {
    const plan = adopt('sre-i', { author: 'carol', assignees: ['bob'] });
    expect(plan.kind === 'adopt' && plan.learner).toBe('bob');
    expect(ofKind(plan.actions, 'update-issue')[0]?.title).toBe('SRE I training: @bob');
  });

  it('a learner who already has an open module gets this one closed as a duplicate, linked to the first', () => {
    const plan = adopt('sre-i', {}, modules(moduleIssue('sre-i', 'alice', { iid: 9 })));
    expect(plan.kind).toBe('refuse');
    expect(ofKind(plan.actions, 'set-state')[0]?.state).toBe('closed');
    expect(ofKind(plan.actions, 'link-issues')[0]?.target).toEqual({ iid: 9 });
    expect(ofKind(plan.actions, 'set-labels')[0]?.remove).toContain('training-module');
    expect(bodies(plan.actions)).toContain('alice already has one open: #9, so Trellis closed this issue as a duplicate');
  });

  it('of two made at once, the older one is kept and the newer one closed', () => {
    const older = modules(moduleIssue('sre-i', 'alice', { iid: 19, fromTemplate: true }));
    const newer = modules(moduleIssue('sre-i', 'alice', { iid: 21, fromTemplate: true }));
    expect(adopt('sre-i', {}, older).kind).toBe('refuse');
    expect(adopt('sre-i', {}, newer).kind).toBe('adopt');
  });

  it('an abandoned module (closed, not signed off) does not stop a new one', () => {
    expect(adopt('sre-i', {}, modules(moduleIssue('sre-i', 'alice', { iid: 9, state: 'closed' }))).kind).toBe('adopt');
  });

  it('SRE II made by the learner before SRE I is signed off is closed with the reason', () => {
    const plan = adopt('sre-ii', {}, modules(moduleIssue('sre-i', 'alice', { iid: 9 })));
    expect(plan.kind).toBe('refuse');
    expect(bodies(plan.actions)).toContain("SRE II follows SRE I, and alice's SRE I (#9) is not signed off yet");
  });

  it('SRE II made by the manager before SRE I is signed off is adopted', () => {
    expect(adopt('sre-ii', { author: 'carol', assignees: ['alice'] }).kind).toBe('adopt');
  });

  it('SRE II after SRE I is signed off is adopted', () => {
    expect(adopt('sre-ii', {}, modules(moduleIssue('sre-i', 'alice', { iid: 9, state: 'closed', labels: ['sre-i::complete'] }))).kind).toBe('adopt');
  });

  it.each([
    ['not on the roster', { author: 'stranger', assignees: [] }, 'stranger is not on the roster'],
    ['without a manager', { author: 'grace', assignees: ['grace'] }, 'grace has no manager on the roster'],
  ])('a learner %s is told Trellis cannot track it, once, and the issue is left alone', (_, fields, reason) => {
    const plan = adopt('sre-i', fields);
    expect(plan.kind).toBe('refuse');
    expect(plan.actions.map((a) => a.kind)).toEqual(['reply']);
    expect(ofKind(plan.actions, 'reply')[0]?.marker).toEqual({ kind: 'adoption', key: 'sre-i' });
    expect(bodies(plan.actions)).toContain(reason);
  });
});
