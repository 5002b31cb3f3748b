import { readFileSync } from 'node:fs';
import type { Action } from '../../src/core/actions.js';
import { quarterByName } from '../../src/core/fiscal-quarter.js';
import type { FiscalQuarter } from '../../src/core/fiscal-quarter.js';
import { renderMarker } from '../../src/core/markers.js';
import { parseRoster } from '../../src/core/parse-roster.js';
import { createRenderer } from '../../src/core/render-template.js';
import type { Renderer } from '../../src/core/render-template.js';
import { findPerson } from '../../src/core/roster.js';
import type { Person, Roster } from '../../src/core/roster.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { checkpointMarker, checkpointTitle } from '../../src/workflows/checkpoint/checkpoint-record.js';
import { planCreateCheckpoint } from '../../src/workflows/checkpoint/plan-create-checkpoint.js';
import type { ConversationLink, PreviousLink } from '../../src/workflows/checkpoint/plan-create-checkpoint.js';
import { conversationMarker, conversationTitle } from '../../src/workflows/conversation/conversation-record.js';

/** Shared arrangements of the checkpoint and conversation unit tests. */

export const BOT = 'trellis-bot';

/** vera manages carol and erin; carol manages alice and bob; erin manages olivia. GitLab's fiscal year. */
export const DEPARTMENT = `
fiscal_year_start_month: 2
timezone: Europe/London
teams:
  - { id: foundations, name: Foundations, kind: sre, manager: carol }
  - { id: observability, name: Observability, kind: sre, manager: erin }
people:
  - { username: vera, name: Vera Vance, team: foundations, role: senior-engineering-manager, level: director, timezone: Europe/London }
  - { username: carol, name: Carol Chen, manager: vera, team: foundations, role: engineering-manager, level: manager, timezone: Europe/Berlin }
  - { username: erin, name: Erin Evans, manager: vera, team: observability, role: engineering-manager, level: manager, timezone: America/New_York }
  - { username: alice, name: Alice Adams, manager: carol, team: foundations, role: site-reliability-engineer, level: intermediate, timezone: Europe/Berlin, efw: "https://example.com/efw/alice" }
  - { username: bob, name: Bob Brown, manager: carol, team: foundations, role: senior-site-reliability-engineer, level: senior, timezone: Europe/Paris }
  - { username: olivia, name: Olivia Ortiz, manager: erin, team: observability, role: site-reliability-engineer, level: intermediate, timezone: America/Toronto }
review_dates: ["03-01", "09-01"]
`;

/** A roster from YAML (the department by default). */
export function roster(yaml = DEPARTMENT): Roster {
  const result = parseRoster(yaml, 'roster.yml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.roster;
}

export function person(r: Roster, username: string): Person {
  const p = findPerson(r, username);
  if (!p) throw new Error(`${username} is not on the roster`);
  return p;
}

export function quarter(name: string): FiscalQuarter {
  return quarterByName(name, { fiscalYearStartMonth: 2 });
}

const read = (name: string): string => readFileSync(new URL(`../../issue_templates/${name}.md`, import.meta.url), 'utf8');

/** The real templates, as Trellis renders them. */
export function renderer(): Renderer {
  return createRenderer({ checkpoint: read('checkpoint'), 'big-picture-conversation': read('big-picture-conversation') });
}

/** The template file as GitLab's dropdown offers it. */
export function rawTemplate(name: 'checkpoint' | 'big-picture-conversation'): string {
  return read(name);
}

/** The conversation template as Trellis renders it (quick actions dropped). */
export function conversationTemplate(): string {
  return renderer().render('big-picture-conversation', {});
}

let nextId = 5000;

/** An issue as a payload or listing shows it. */
export function issue(fields: Partial<Issue> = {}): Issue {
  const iid = fields.iid ?? 40;
  return {
    id: nextId++,
    iid,
    projectId: 1,
    title: 'an issue',
    description: '',
    state: 'opened',
    labels: [],
    assignees: [],
    author: BOT,
    confidential: true,
    dueDate: null,
    webUrl: `https://gitlab.example.com/infra/career/-/issues/${iid}`,
    createdAt: '2026-02-01T09:00:00.000Z',
    updatedAt: '2026-02-10T09:00:00.000Z',
    closedAt: null,
    ...fields,
  };
}

/** The ensure-issue action that plans a report's new checkpoint. */
export function createCheckpointAction(q: string, report: string, opts: { conversation?: ConversationLink | null; previous?: PreviousLink | null; r?: Roster } = {}): Extract<Action, { kind: 'ensure-issue' }> {
  const r = opts.r ?? roster();
  const p = person(r, report);
  const [action] = planCreateCheckpoint({
    ref: 'checkpoint',
    quarter: quarter(q),
    report: p,
    manager: person(r, p.manager ?? ''),
    roster: r,
    conversation: opts.conversation ?? null,
    previous: opts.previous ?? null,
    reviewDays: 14,
    bot: BOT,
    templates: renderer(),
  });
  if (action?.kind !== 'ensure-issue') throw new Error('expected one ensure-issue');
  return action;
}

/** The description Trellis writes for a report's checkpoint, with its marker, as GitLab stores it. */
export function checkpointDescription(q: string, report: string, opts: { conversation?: ConversationLink | null; previous?: PreviousLink | null; r?: Roster } = {}): string {
  const action = createCheckpointAction(q, report, opts);
  return `${action.draft.description.trimEnd()}\n\n${renderMarker(checkpointMarker(q, report))}\n`;
}

/** A report's checkpoint issue as Trellis created it (planning, confidential, assigned, due). */
export function checkpointIssue(q: string, report: string, fields: Partial<Issue> = {}): Issue {
  const r = roster();
  return issue({
    title: checkpointTitle(q, report),
    description: checkpointDescription(q, report, { r }),
    labels: ['career-checkpoint', `quarter::${q}`, 'checkpoint::planning'],
    assignees: [report, person(r, report).manager ?? ''],
    dueDate: quarter(q).end,
    ...fields,
  });
}

/** A big-picture conversation issue as Trellis created it, optionally with answers written in. */
export function conversationIssue(who: string, fields: Partial<Issue> = {}): Issue {
  return issue({
    title: conversationTitle(who),
    description: `${conversationTemplate()}\n${renderMarker(conversationMarker(who))}\n`,
    labels: ['career-conversation'],
    assignees: [who],
    ...fields,
  });
}

/** Ticks the focus areas at these 0-based positions. */
export function tickAreas(description: string, positions: readonly number[]): string {
  const lines = description.split('\n');
  const start = lines.indexOf('## Focus areas');
  let k = -1;
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i++) {
    if (!/^- \[[ x]\] /.test(lines[i]!)) continue;
    k += 1;
    lines[i] = lines[i]!.replace(/^- \[[ x]\]/, positions.includes(k) ? '- [x]' : '- [ ]');
  }
  return lines.join('\n');
}

/** Ticks "Target reached" under the area called `area`. */
export function reachTarget(description: string, area: string): string {
  const at = description.indexOf(`### ${area}\n`);
  const box = description.indexOf('- [ ] Target reached', at);
  return `${description.slice(0, box)}- [x] Target reached${description.slice(box + '- [ ] Target reached'.length)}`;
}

/** Writes the summary of progress under its heading. */
export function withSummary(description: string, summary: string): string {
  return description.replace('## Summary of progress\n', `## Summary of progress\n\n${summary}\n`);
}

/** The actions of one kind in a plan. */
export function ofKind<K extends Action['kind']>(actions: readonly Action[], kind: K): Array<Extract<Action, { kind: K }>> {
  return actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
}
