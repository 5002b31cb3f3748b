import { readFileSync } from 'node:fs';
import type { Action } from '../../src/core/actions.js';
import { parseRoster } from '../../src/core/parse-roster.js';
import type { Roster } from '../../src/core/roster.js';
import { createRenderer } from '../../src/core/render-template.js';
import { renderMarker } from '../../src/core/markers.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import type { ModuleTemplates } from '../../src/workflows/training/plan-create-module.js';
import { learnerMarker, summariseModules, templateMarker } from '../../src/workflows/training/training-module.js';
import type { ModuleKind, ModuleSummary } from '../../src/workflows/training/training-module.js';

/** Shared arrangements of the training unit tests: the demo department, issues, checklists. */

export const BOT = 'trellis-bot';

/** The demo roster: alice and bob report to carol, carol to vera; grace has no manager. */
export function demoRoster(): Roster {
  const result = parseRoster(readFileSync(new URL('../../demo/roster.yml', import.meta.url), 'utf8'), 'demo/roster.yml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.roster;
}

/** The real issue templates as Trellis renders them (quick-action lines dropped). */
export function moduleTemplates(): ModuleTemplates {
  const read = (name: string) => readFileSync(new URL(`../../issue_templates/${name}.md`, import.meta.url), 'utf8');
  const renderer = createRenderer({ 'sre-i': read('sre-i'), 'sre-ii': read('sre-ii') });
  return { 'sre-i': renderer.render('sre-i', {}), 'sre-ii': renderer.render('sre-ii', {}) };
}

/** The raw template file, as GitLab offers it in the template dropdown. */
export function rawTemplate(kind: ModuleKind): string {
  return readFileSync(new URL(`../../issue_templates/${kind}.md`, import.meta.url), 'utf8');
}

/**
 * A checklist description: sections of items, `true` ticked and `false` not; a string item is taken
 * as written (for optional or struck-through items).
 */
export function checklist(sections: Record<string, ReadonlyArray<boolean | string>>, footer = ''): string {
  const parts = Object.entries(sections).map(([title, items]) => {
    const lines = items.map((item, i) => (typeof item === 'string' ? item : `- [${item ? 'x' : ' '}] Item ${i + 1} of ${title}`));
    return `## ${title}\n\n${lines.join('\n')}`;
  });
  return `${parts.join('\n\n')}\n\n${footer}`;
}

let nextId = 1000;

/** An issue as a payload shows it. */
export function issue(fields: Partial<Issue> = {}): Issue {
  const iid = fields.iid ?? 7;
  return {
    id: nextId++,
    iid,
    projectId: 1,
    title: 'SRE I training: @alice',
    description: checklist({ Basics: [false, false] }, renderMarker(learnerMarker('sre-i', 'alice'))),
    state: 'opened',
    labels: ['training-module', 'sre-i::not-started'],
    assignees: ['alice'],
    author: 'trellis-bot',
    confidential: false,
    dueDate: null,
    webUrl: `https://gitlab.example.com/infra/career/-/issues/${iid}`,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-09T14:41:05.000Z',
    closedAt: null,
    ...fields,
  };
}

/** A module issue as a project listing shows it. */
export function moduleIssue(kind: ModuleKind, learner: string, fields: Partial<Issue> & { attempt?: number; fromTemplate?: boolean } = {}): Issue {
  const { attempt, fromTemplate, ...rest } = fields;
  const mark = fromTemplate ? templateMarker(kind) : learnerMarker(kind, learner, attempt);
  return issue({
    title: fromTemplate ? `${kind} please` : `${kind === 'sre-i' ? 'SRE I' : 'SRE II'} training: @${learner}`,
    description: checklist({ Basics: [false] }, renderMarker(mark)),
    labels: ['training-module', `${kind}::in-progress`],
    assignees: [learner],
    author: fromTemplate ? learner : BOT,
    ...rest,
  });
}

/** Listed modules, as the handler summarises them. */
export function modules(...issues: Issue[]): ModuleSummary[] {
  return summariseModules(issues, demoRoster());
}

/** The actions of one kind in a plan. */
export function ofKind<K extends Action['kind']>(actions: readonly Action[], kind: K): Array<Extract<Action, { kind: K }>> {
  return actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
}

/** Every body a plan would write (notes and replies), joined. */
export function bodies(actions: readonly Action[]): string {
  return actions.map((a) => ('body' in a ? a.body : '')).join('\n---\n');
}
