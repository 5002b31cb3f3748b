import { createHash } from 'node:crypto';
import { isGitLabUsername } from '../../core/markdown-safety.js';
import { findMarkers, marker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import { scopedValue } from '../../core/labels.js';
import type { Issue } from '../../core/gitlab-port.js';

/**
 * What an SRE I / SRE II training module is in GitLab: one issue per learner, labelled
 * `training-module` plus one state label of its kind's scope, titled `SRE I training: @alice`.
 * Shared vocabulary of the training plans; everything here is pure.
 */

export const MODULE_KINDS = ['sre-i', 'sre-ii'] as const;
export type ModuleKind = (typeof MODULE_KINDS)[number];

/** The columns of the training board, in order. */
export const MODULE_STATES = ['not-started', 'in-progress', 'review', 'complete'] as const;
export type ModuleState = (typeof MODULE_STATES)[number];

/** States the checklist alone decides; `complete` needs the manager's sign-off on top. */
export type ChecklistState = Exclude<ModuleState, 'complete'>;

export const TRAINING_LABEL = 'training-module';

const NAMES = { 'sre-i': 'SRE I', 'sre-ii': 'SRE II' } as const satisfies Record<ModuleKind, string>;

/** `SRE I` or `SRE II`. */
export function moduleName(kind: ModuleKind): string {
  return NAMES[kind];
}

/** The title docs/architecture.md#contracts promises: `SRE I training: @alice`. */
export function moduleTitle(kind: ModuleKind, learner: string): string {
  return `${NAMES[kind]} training: @${learner}`;
}

/** `sre-i::review` */
export function stateLabel(kind: ModuleKind, state: ModuleState): string {
  return `${kind}::${state}`;
}

/** The board column an issue's labels put it in, or null when it carries no (known) state label. */
export function labelledState(kind: ModuleKind, labels: readonly string[]): ModuleState | null {
  const value = scopedValue(labels, kind);
  return MODULE_STATES.find((s) => s === value) ?? null;
}

/** The marker the issue templates carry, so Trellis adopts issues people create from them. */
export function templateMarker(kind: ModuleKind): Marker {
  return marker('training', kind);
}

/**
 * The marker of a module Trellis creates: `sre-i:alice`, or `sre-i:alice/2` for a second one after
 * an abandoned first. `/` cannot appear in a username, so the learner reads back unambiguously.
 */
export function learnerMarker(kind: ModuleKind, learner: string, attempt = 1): Marker {
  return marker(kind, attempt > 1 ? `${learner}/${attempt}` : learner);
}

/** Trellis's one status note on a module. */
export function statusMarker(kind: ModuleKind): Marker {
  return marker('status', kind);
}

/** The reply that mentions the mentor once, when the module is created or adopted. */
export function welcomeMarker(kind: ModuleKind): Marker {
  return marker('welcome', kind);
}

/** What the description says about a module: its kind and, when the description or title fixes it, its learner. */
export interface ModuleIdentity {
  readonly kind: ModuleKind;
  /** Null for an issue made from a template and not adopted yet: the handler asks GitLab who it is for. */
  readonly learner: string | null;
  /** `marker`: Trellis created it; `title`: adopted (canonical title); `template`: not adopted yet. */
  readonly source: 'marker' | 'title' | 'template';
  /** For `marker`: which attempt (1, 2, ...). */
  readonly attempt: number;
}

function isKind(value: string): value is ModuleKind {
  return (MODULE_KINDS as readonly string[]).includes(value);
}

/** The learner a canonical title names (`SRE I training: @alice` -> alice), or null. */
export function learnerFromTitle(kind: ModuleKind, title: string): string | null {
  const m = /^(SRE I{1,2}) training: @([A-Za-z0-9_.][A-Za-z0-9_.-]*)$/.exec(title.trim());
  return m && m[1] === NAMES[kind] && m[2] ? m[2] : null;
}

/** Whether an issue is a training module, of which kind and for whom, from its description and title alone. */
export function identifyModule(issue: Pick<Issue, 'description' | 'title'>): ModuleIdentity | null {
  const markers = findMarkers(issue.description);
  for (const m of markers) {
    if (!isKind(m.kind)) continue;
    const [learner = '', attempt] = m.key.split('/');
    if (!isGitLabUsername(learner)) continue;
    return { kind: m.kind, learner, source: 'marker', attempt: attempt ? Number(attempt) || 1 : 1 };
  }
  const template = markers.find((m) => m.kind === 'training' && isKind(m.key));
  if (!template || !isKind(template.key)) return null;
  const kind = template.key;
  const learner = learnerFromTitle(kind, issue.title);
  return learner ? { kind, learner, source: 'title', attempt: 1 } : { kind, learner: null, source: 'template', attempt: 1 };
}

/**
 * Who a module made from a template is for: its one assignee when that person is on the roster
 * (a manager may assign it to a report), else its author (`/assign me` in the template).
 */
export function templateLearner(issue: Pick<Issue, 'assignees' | 'author'>, roster: Roster): string {
  const [only, ...others] = issue.assignees;
  const assignee = only !== undefined && others.length === 0 ? findPerson(roster, only) : undefined;
  return assignee?.username ?? findPerson(roster, issue.author)?.username ?? issue.author;
}

/**
 * The marker of a reply in which Trellis explains a correction: one per issue state (`updated_at`)
 * and kind of correction by whom (`what`, e.g. `refuse-complete/bob`). A duplicate delivery of the
 * same event plans the same marker, so the executor writes the reply once, even when what the reply
 * quotes has changed since. `what` matters because webhook times have whole seconds: two different
 * corrections within one second must not share a marker.
 */
export function correctionMarker(issue: Pick<Issue, 'updatedAt'>, what: string): Marker {
  const at = issue.updatedAt.replace(/[^0-9TZ]/g, '');
  const digest = createHash('sha1').update(`${issue.updatedAt}\n${what}`).digest('hex').slice(0, 12);
  return marker('correction', `${at || 'unknown'}.${digest}`);
}

/** A module as a listing of the records project shows it: enough to find a learner's modules. */
export interface ModuleSummary {
  readonly iid: number;
  readonly kind: ModuleKind;
  readonly learner: string;
  readonly webUrl: string;
  readonly opened: boolean;
  /** Signed off: labelled complete and closed. */
  readonly complete: boolean;
  /** Whether it carries its learner in a marker or its title (else it awaits adoption). */
  readonly adopted: boolean;
  readonly attempt: number;
  readonly state: ModuleState | null;
}

/** The modules among listed issues (issues of other kinds are left out). */
export function summariseModules(issues: Iterable<Issue>, roster: Roster): ModuleSummary[] {
  const out: ModuleSummary[] = [];
  for (const issue of issues) {
    const id = identifyModule(issue);
    if (!id) continue;
    const state = labelledState(id.kind, issue.labels);
    out.push({
      iid: issue.iid,
      kind: id.kind,
      learner: id.learner ?? templateLearner(issue, roster),
      webUrl: issue.webUrl,
      opened: issue.state === 'opened',
      complete: issue.state === 'closed' && state === 'complete',
      adopted: id.source !== 'template',
      attempt: id.attempt,
      state,
    });
  }
  return out;
}

/** A learner's modules of one kind that count: open or signed off (a closed, unfinished one was abandoned). */
export function liveModules(modules: readonly ModuleSummary[], kind: ModuleKind, learner: string): ModuleSummary[] {
  const who = learner.toLowerCase();
  return modules.filter((m) => m.kind === kind && m.learner.toLowerCase() === who && (m.opened || m.complete)).sort((a, b) => a.iid - b.iid);
}

/** The attempt number for a new module: one past every earlier module of the learner Trellis created. */
export function nextAttempt(modules: readonly ModuleSummary[], kind: ModuleKind, learner: string): number {
  const who = learner.toLowerCase();
  const earlier = modules.filter((m) => m.kind === kind && m.learner.toLowerCase() === who).map((m) => m.attempt);
  return earlier.length === 0 ? 1 : Math.max(...earlier) + 1;
}
