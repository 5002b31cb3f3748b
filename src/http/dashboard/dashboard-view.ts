import type { FiscalQuarter } from '../../core/fiscal-quarter.js';
import { scopedValue } from '../../core/labels.js';
import { parseChecklist } from '../../core/parse-checklist.js';
import { managerReportPairs } from '../../core/roster.js';
import type { Person, Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { gearingTable, ratioText } from '../../workflows/reports/gearing.js';
import { quarterLabel, TRELLIS_LABEL_NAMES } from '../../workflows/setup/setup-catalog.js';
import { identifyModule, labelledState, MODULE_KINDS, moduleName, templateLearner } from '../../workflows/training/training-module.js';

/**
 * What each dashboard page shows, shaped from GitLab issues and the roster (pure, so the rules are
 * unit-tested without a browser). Every text here is HTML-escaped by the templates.
 */

/** The states of a scope, in board order, as the label catalogue lists them. */
function scopeStates(scope: string): string[] {
  return TRELLIS_LABEL_NAMES.filter((n) => n.startsWith(`${scope}::`)).map((n) => n.slice(scope.length + 2));
}

export const CHECKPOINT_STATES: readonly string[] = scopeStates('checkpoint');
export const INTERNSHIP_STATES: readonly string[] = scopeStates('internship');

/** Only http(s) links leave the dashboard: anything else becomes a dead link. */
function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}

/**
 * `findPerson` by a map built once: a view looks up every person of the department, which at 10,000
 * people is 10,000 scans of 10,000 otherwise.
 */
function personIndex(roster: Roster | null): (username: string) => Person | undefined {
  if (!roster) return () => undefined;
  const byName = new Map<string, Person>();
  // The first of a name wins, as with findPerson.
  for (const p of roster.people) if (!byName.has(p.username.toLowerCase())) byName.set(p.username.toLowerCase(), p);
  return (username) => byName.get(username.replace(/^@/, '').toLowerCase());
}

function words(state: string): string {
  return state.replace(/-/g, ' ');
}

export interface ModuleView {
  readonly kind: string;
  readonly state: string;
  readonly stateClass: string;
  readonly done: number;
  readonly total: number;
  readonly percent: number;
  readonly url: string;
  readonly closed: boolean;
}

export interface TrainingView {
  readonly people: ReadonlyArray<{ readonly name: string; readonly username: string; readonly team: string; readonly modules: readonly ModuleView[] }>;
  readonly totals: ReadonlyArray<{ readonly state: string; readonly count: number }>;
}

/** Training progress per person: one bar per module, from its checklist and its state label. */
export function trainingView(issues: readonly Issue[], roster: Roster | null): TrainingView {
  const byPerson = new Map<string, ModuleView[]>();
  const counts = new Map<string, number>();
  for (const issue of issues) {
    const id = identifyModule(issue);
    const kind = id?.kind ?? MODULE_KINDS.find((k) => scopedValue(issue.labels, k) !== null);
    if (!kind) continue;
    const learner = id?.learner ?? (roster ? templateLearner(issue, roster) : (issue.assignees[0] ?? issue.author));
    const checklist = parseChecklist(issue.description);
    const state = labelledState(kind, issue.labels) ?? (issue.state === 'closed' ? 'closed' : 'not-started');
    const module: ModuleView = {
      kind: moduleName(kind),
      state: words(state),
      stateClass: state,
      done: checklist.requiredDone,
      total: checklist.requiredTotal,
      percent: checklist.requiredTotal === 0 ? 0 : Math.round((100 * checklist.requiredDone) / checklist.requiredTotal),
      url: safeUrl(issue.webUrl),
      closed: issue.state === 'closed',
    };
    const key = learner.toLowerCase();
    byPerson.set(key, [...(byPerson.get(key) ?? []), module]);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const find = personIndex(roster);
  const people = [...byPerson].map(([key, modules]) => {
    const person = find(key);
    const team = person ? (roster?.teams.find((t) => t.id === person.team)?.name ?? person.team) : '';
    return { name: person?.name ?? key, username: person?.username ?? key, team, modules: modules.sort((a, b) => a.kind.localeCompare(b.kind)) };
  });
  people.sort((a, b) => a.team.localeCompare(b.team) || a.name.localeCompare(b.name));
  const order = ['not-started', 'in-progress', 'review', 'complete', 'closed'];
  return { people, totals: order.filter((s) => counts.has(s)).map((s) => ({ state: words(s), count: counts.get(s) ?? 0 })) };
}

export interface CheckpointRow {
  readonly name: string;
  readonly state: string;
  readonly stateClass: string;
  readonly url: string;
}

export interface CheckpointsView {
  readonly quarter: string;
  readonly range: string;
  readonly states: readonly string[];
  /** The whole department's checkpoints by state, and its reports without one. */
  readonly totals: ReadonlyArray<{ readonly state: string; readonly count: number }>;
  readonly missing: number;
  readonly managers: ReadonlyArray<{
    readonly name: string;
    readonly counts: ReadonlyArray<{ readonly state: string; readonly count: number }>;
    readonly rows: readonly CheckpointRow[];
    /** Reports with no checkpoint issue this quarter. */
    readonly missing: readonly string[];
  }>;
}

const CHECKPOINT_TITLE = /career checkpoint: @([A-Za-z0-9_.][A-Za-z0-9_.-]*)\s*$/;

/** This quarter's checkpoints, per manager, by state; reports without one are listed as missing. */
export function checkpointsView(issues: readonly Issue[], roster: Roster, quarter: FiscalQuarter): CheckpointsView {
  const label = quarterLabel(quarter);
  const find = personIndex(roster);
  const ofReport = new Map<string, Issue>();
  for (const issue of issues) {
    if (!issue.labels.includes(label)) continue;
    const named = CHECKPOINT_TITLE.exec(issue.title)?.[1];
    const report = named ?? issue.assignees.find((a) => find(a)?.manager !== undefined);
    if (report && !ofReport.has(report.toLowerCase())) ofReport.set(report.toLowerCase(), issue);
  }
  const managers = new Map<string, { rows: CheckpointRow[]; missing: string[] }>();
  for (const { report, manager } of managerReportPairs(roster)) {
    const entry = managers.get(manager.toLowerCase()) ?? { rows: [], missing: [] };
    managers.set(manager.toLowerCase(), entry);
    const issue = ofReport.get(report.username.toLowerCase());
    if (!issue) {
      entry.missing.push(report.name);
      continue;
    }
    const state = scopedValue(issue.labels, 'checkpoint') ?? 'planning';
    entry.rows.push({ name: report.name, state: words(state), stateClass: state, url: safeUrl(issue.webUrl) });
  }
  const all = [...managers.values()];
  return {
    quarter: quarter.name,
    range: `${quarter.start} to ${quarter.end}`,
    states: CHECKPOINT_STATES.map(words),
    totals: CHECKPOINT_STATES.map((s) => ({ state: words(s), count: all.reduce((n, e) => n + e.rows.filter((r) => r.stateClass === s).length, 0) })),
    missing: all.reduce((n, e) => n + e.missing.length, 0),
    managers: [...managers].map(([manager, entry]) => ({
      name: find(manager)?.name ?? manager,
      counts: CHECKPOINT_STATES.map((s) => ({ state: words(s), count: entry.rows.filter((r) => r.stateClass === s).length })),
      rows: entry.rows.sort((a, b) => a.name.localeCompare(b.name)),
      missing: entry.missing.sort(),
    })),
  };
}

export interface InternshipsView {
  readonly columns: ReadonlyArray<{ readonly state: string; readonly stateClass: string; readonly items: ReadonlyArray<{ readonly title: string; readonly requester: string; readonly url: string; readonly opened: string }> }>;
  /** Requests with no `internship::` label yet. */
  readonly unlabelled: number;
}

/** The internship pipeline: requests by `internship::` state, in board order. */
export function internshipsView(issues: readonly Issue[], roster: Roster | null): InternshipsView {
  let unlabelled = 0;
  const find = personIndex(roster);
  const columns = INTERNSHIP_STATES.map((state) => ({ state: words(state), stateClass: state, items: [] as Array<{ title: string; requester: string; url: string; opened: string }> }));
  for (const issue of issues) {
    const state = scopedValue(issue.labels, 'internship');
    const column = columns.find((c) => c.stateClass === state);
    if (!column) {
      unlabelled += 1;
      continue;
    }
    const person = find(issue.author);
    column.items.push({ title: issue.title, requester: person?.name ?? issue.author, url: safeUrl(issue.webUrl), opened: issue.createdAt.slice(0, 10) });
  }
  return { columns, unlabelled };
}

export interface GearingView {
  readonly teams: ReadonlyArray<{ readonly name: string; readonly kind: string; readonly staff: string; readonly engineers: number; readonly policy: string; readonly status: string; readonly statusClass: string }>;
  readonly kinds: ReadonlyArray<{ readonly kind: string; readonly teams: number; readonly staff: number; readonly wanted: string; readonly status: string; readonly statusClass: string }>;
}

/** The Staff+ gearing table of the roster. */
export function gearingView(roster: Roster): GearingView {
  const t = gearingTable(roster);
  const find = personIndex(roster);
  const nameOf = (u: string): string => find(u)?.name ?? u;
  return {
    teams: t.teams.map((x) => ({ name: x.name, kind: x.kind, staff: x.staff.map(nameOf).join(', ') || '—', engineers: x.engineers, policy: ratioText(x.ratio), status: words(x.status), statusClass: x.status })),
    kinds: t.kinds.map((k) => ({ kind: k.kind, teams: k.teams, staff: k.staff, wanted: Number.isInteger(k.wanted) ? String(k.wanted) : k.wanted.toFixed(1), status: words(k.status), statusClass: k.status })),
  };
}
