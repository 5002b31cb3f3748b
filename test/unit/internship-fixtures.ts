import { readFileSync } from 'node:fs';
import { renderMarker } from '../../src/core/markers.js';
import type { Roster } from '../../src/core/roster.js';
import type { Issue } from '../../src/core/gitlab-port.js';
import { REQUEST_LABEL } from '../../src/workflows/internship/internship-request.js';
import type { Approval, RequestRecord, TaskIssue, TaskKind } from '../../src/workflows/internship/internship-request.js';
import { taskMarker } from '../../src/workflows/internship/internship-request.js';
import type { RequestEvent, RequestInput } from '../../src/workflows/internship/plan-request.js';
import { NO_RECORD } from '../../src/workflows/internship/internship-request.js';
import { BOT, demoRoster, moduleTemplates } from './training-fixtures.js';

/** Shared arrangements of the internship unit tests: the demo department, a filled-in request, issues. */

export { BOT, demoRoster };

/** The request template as GitLab offers it (quick-action line included). */
export function template(): string {
  return readFileSync(new URL('../../issue_templates/internship-request.md', import.meta.url), 'utf8');
}

export interface Answers {
  team?: string;
  role?: string;
  manager?: string;
  timezone?: string;
  start?: string;
  length?: string;
  share?: string;
  goal?: string;
  buddy?: string;
  pairing?: boolean | string;
  onCall?: boolean;
  delivery?: boolean;
  systems?: string[];
}

/** Ian (Verify, manager grace, Europe/Dublin) asking for six weeks from 2026-05-04, pairing and on-call shadowing. */
export const IAN: Required<Answers> = {
  team: 'Verify: Pipeline Execution',
  role: 'Backend Engineer',
  manager: '@grace',
  timezone: 'Europe/Dublin',
  start: '2026-05-04',
  length: '6 weeks',
  share: '20%',
  goal: 'How we keep Postgres healthy under load, and how an incident is run.',
  buddy: '',
  pairing: 'the Redis sharding OKR',
  onCall: true,
  delivery: false,
  systems: ['Grafana', 'Kibana'],
};

/**
 * The template filled in the way the template asks: answers after the colons, ticks in the boxes.
 * Its quick-action line is dropped (GitLab removes it on save) unless `quickActions`, for a person
 * saving it through the API.
 */
export function requestText(overrides: Answers = {}, opts: { quickActions?: boolean } = {}): string {
  const a = { ...IAN, ...overrides };
  const field = (label: string, value: string) => (line: string) => (line.startsWith(`- ${label}:`) || line.startsWith(`${label}:`) ? `${line.split(':')[0]}: ${value}` : line);
  const edits = [
    field('Team', a.team),
    field('Role', a.role),
    field('Current manager', a.manager),
    field('Timezone', a.timezone),
    field('Proposed start date', a.start),
    field('Length', a.length),
    field('Share of time', a.share),
    field('On-call buddy (optional)', a.buddy),
  ];
  const lines = template()
    .split('\n')
    .filter((l) => opts.quickActions === true || !l.startsWith('/label'))
    .map((line) => edits.reduce((l, edit) => edit(l), line))
    .map((line) => {
      if (line.startsWith('- [ ] Pair on')) return a.pairing ? `- [x] Pair on an issue or OKR: ${typeof a.pairing === 'string' ? a.pairing : ''}` : line;
      if (line.startsWith('- [ ] Shadow on-call')) return a.onCall ? line.replace('[ ]', '[x]') : line;
      if (line.startsWith('- [ ] Shadow the Delivery')) return a.delivery ? line.replace('[ ]', '[x]') : line;
      if (line.startsWith('<!-- A few sentences')) return a.goal;
      if (line === '- ') return a.systems.map((s) => `- ${s}`).join('\n');
      return line;
    });
  return lines.join('\n');
}

let nextId = 5000;

/** A request issue as a payload shows it: opened by ian, labelled as the template leaves it. */
export function requestIssue(fields: Partial<Issue> = {}): Issue {
  const iid = fields.iid ?? 12;
  return {
    id: nextId++,
    iid,
    projectId: 1,
    title: 'Internship with Reliability',
    description: requestText(),
    state: 'opened',
    labels: [REQUEST_LABEL, 'internship::requested'],
    assignees: [],
    author: 'ian',
    confidential: false,
    dueDate: null,
    webUrl: `https://gitlab.example.com/infra/career/-/issues/${iid}`,
    createdAt: '2026-04-01T09:00:00.000Z',
    updatedAt: '2026-04-01T09:00:00.000Z',
    closedAt: null,
    ...fields,
  };
}

/** A task issue of request #12. */
export function taskIssue(kind: TaskKind, fields: Partial<Issue> & { project?: string } = {}): TaskIssue {
  const { project, ...rest } = fields;
  const issue = requestIssue({
    iid: { 'on-call': 20, delivery: 21, pairing: 22, access: 3 }[kind],
    title: `task ${kind}`,
    description: `Part of the internship.\n\n${renderMarker(taskMarker(12, kind))}\n`,
    labels: ['internship-task'],
    assignees: ['ian'],
    author: BOT,
    dueDate: '2026-06-15',
    ...rest,
  });
  return { kind, issue, ...(project ? { project } : {}) };
}

/** Grace's approval of ian's request, as the status note records it. */
export const APPROVAL: Approval = { by: 'grace', buddy: 'alice', at: '2026-04-02T10:00:00.000Z', start: '2026-05-04', end: '2026-06-15', pairing: null };

/** A label event by `actor` changing the request's labels from `previous` to `current`. */
export function labelEvent(actor: string, previous: string[], current: string[]): RequestEvent {
  return { actor, action: 'update', changes: { labels: { previous, current } } };
}

/** The input of a plan: ian's request, no decision yet, no modules, on 2026-04-01. */
export function requestInput(fields: Partial<RequestInput> & { record?: RequestRecord } = {}): RequestInput {
  return {
    issue: requestIssue(),
    roster: demoRoster(),
    bot: BOT,
    now: new Date('2026-04-01T10:00:00.000Z'),
    recordsProject: 'infra/career',
    record: NO_RECORD,
    modules: [],
    tasks: [],
    templates: moduleTemplates(),
    event: null,
    ...fields,
  };
}

/** A roster of the demo department with `people` replaced (time-zone tests). */
export function rosterWith(people: Array<{ username: string; team: string; timezone: string; onCall?: boolean; manager?: string }>): Roster {
  const base = demoRoster();
  return {
    ...base,
    teams: [
      { id: 'sre-a', name: 'SRE A', kind: 'sre', manager: 'm' },
      { id: 'sre-b', name: 'SRE B', kind: 'sre', manager: 'm' },
      { id: 'sre-c', name: 'SRE C', kind: 'sre', manager: 'm' },
      { id: 'dev', name: 'Dev', kind: 'other', manager: 'm' },
    ],
    people: people.map((p) => ({ username: p.username, name: p.username.toUpperCase(), team: p.team, role: 'sre', level: 'x', timezone: p.timezone, onCall: p.onCall ?? true, ...(p.manager ? { manager: p.manager } : {}) })),
  };
}
