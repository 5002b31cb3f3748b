import { nextQuarter, quarterOf } from '../../core/fiscal-quarter.js';
import type { FiscalCalendar, FiscalQuarter } from '../../core/fiscal-quarter.js';
import type { Label } from '../../core/gitlab-port.js';

/**
 * What `trellis setup` puts in the records project: every label Trellis uses, with a colour and a
 * description that tells people what it means, and the issue templates people pick in GitLab's
 * dropdown. Other code reads the names from here rather than spelling them again.
 */

/** Colours by meaning, so a board reads the same in every scope. */
const COLOR = {
  kind: '#1f75cb',
  notStarted: '#bfbfbf',
  inProgress: '#428bca',
  review: '#f0ad4e',
  done: '#2da160',
  overdue: '#dd2b0e',
  waiting: '#c17d10',
  quarter: '#6e49cb',
  report: '#3f4a5a',
  error: '#ae1800',
} as const;

const TRAINING_STATES = [
  ['not-started', COLOR.notStarted, 'no item ticked yet'],
  ['in-progress', COLOR.inProgress, 'some required items ticked'],
  ['review', COLOR.review, 'every required item ticked; waiting for the manager to sign off'],
  ['complete', COLOR.done, 'signed off by the manager'],
] as const;

function trainingLabels(scope: 'sre-i' | 'sre-ii', name: string): Label[] {
  return TRAINING_STATES.map(([state, color, meaning]) => ({
    name: `${scope}::${state}`,
    color,
    description: `${name} training module: ${meaning}. Set by Trellis from the checklist; one per issue.`,
  }));
}

/** Every label Trellis uses except the per-quarter ones (see {@link quarterLabels}), in board order. */
export const TRELLIS_LABELS: readonly Label[] = Object.freeze([
  { name: 'training-module', color: COLOR.kind, description: 'An SRE I or SRE II training module: one checklist issue per learner, tracked by Trellis.' },
  ...trainingLabels('sre-i', 'SRE I'),
  ...trainingLabels('sre-ii', 'SRE II'),
  { name: 'career-checkpoint', color: COLOR.kind, description: 'A quarterly career checkpoint between a manager and a report (confidential). Created by Trellis each quarter.' },
  { name: 'checkpoint::planning', color: COLOR.notStarted, description: 'Checkpoint: at the first 1:1 of the quarter, pick two or three focus areas with goals and targets.' },
  { name: 'checkpoint::in-progress', color: COLOR.inProgress, description: 'Checkpoint: focus areas chosen; weekly 1:1s mentor on them.' },
  { name: 'checkpoint::review', color: COLOR.review, description: 'Checkpoint: at the last 1:1 of the quarter, record a summary of progress and update the EFW.' },
  { name: 'checkpoint::done', color: COLOR.done, description: 'Checkpoint: summary recorded; the evidence for 360 feedback and talent assessment.' },
  { name: 'checkpoint::overdue', color: COLOR.overdue, description: 'Checkpoint: the quarter ended before the summary was recorded.' },
  { name: 'career-conversation', color: COLOR.kind, description: 'A big-picture career conversation: values, lighthouse, strengths and gaps, SMART action plan (confidential).' },
  { name: 'internship-request', color: COLOR.kind, description: 'A request for an internship with Infrastructure. Trellis mentions the people who decide.' },
  { name: 'internship::requested', color: COLOR.notStarted, description: 'Internship: opened; waiting for Reliability Engineering to look at it.' },
  { name: 'internship::needs-info', color: COLOR.waiting, description: 'Internship: the requester is asked for more details before a decision.' },
  { name: 'internship::pending-approval', color: COLOR.review, description: "Internship: complete; waiting for the manager's approval." },
  { name: 'internship::approved', color: COLOR.done, description: 'Internship: approved; access requests and a start date come next.' },
  { name: 'internship::active', color: COLOR.inProgress, description: 'Internship: under way (pairing, shadowing on-call or the Delivery team).' },
  { name: 'internship::completed', color: COLOR.done, description: 'Internship: finished.' },
  { name: 'internship::declined', color: COLOR.overdue, description: 'Internship: declined; the reason is in the notes.' },
  { name: 'internship-task', color: COLOR.waiting, description: 'A task of an internship (an access request, an issue to pair on), linked to its request.' },
  { name: 'staff-gearing-report', color: COLOR.report, description: 'The weekly Staff+ IC gearing report: Staff+ engineers per team against the policy ratio.' },
  { name: 'trellis-config-error', color: COLOR.error, description: 'Trellis cannot use its configuration (the roster); the issue says what to fix.' },
] satisfies Label[]);

/** The names of {@link TRELLIS_LABELS}. */
export const TRELLIS_LABEL_NAMES: readonly string[] = Object.freeze(TRELLIS_LABELS.map((l) => l.name));

/** `quarter::FY27-Q4`: the label that files checkpoints by quarter. */
export function quarterLabel(q: Pick<FiscalQuarter, 'name'>): string {
  return `quarter::${q.name}`;
}

/** The labels of the quarter holding `now` and of the next one, so checkpoints can open on its first day. */
export function quarterLabels(now: Date, calendar: FiscalCalendar): Label[] {
  const current = quarterOf(now, calendar);
  return [current, nextQuarter(current, calendar)].map(quarterLabelOf);
}

/** The label of one quarter, with its colour and description. */
export function quarterLabelOf(q: Pick<FiscalQuarter, 'name' | 'start' | 'end'>): Label {
  return { name: quarterLabel(q), color: COLOR.quarter, description: `Checkpoints of fiscal quarter ${q.name} (${q.start} to ${q.end}).` };
}

/**
 * Issue templates people pick in GitLab's "Choose a template" dropdown: the file in `issue_templates/`
 * (without `.md`) and the name it gets in `.gitlab/issue_templates/`, which is what the dropdown
 * shows. Templates not listed here are Trellis's own (rendered with data only Trellis has) and are
 * not synced.
 */
export const ISSUE_TEMPLATE_NAMES: Readonly<Record<string, string>> = Object.freeze({
  'sre-i': 'SRE I training',
  'sre-ii': 'SRE II training',
  'internship-request': 'Internship request',
  // Not the big-picture conversation: made from the department project's dropdown it would be read
  // by every Planner/Reporter there. `@bot big-picture` opens it in the person's private project.
});

/** Where GitLab reads issue templates from, on the default branch. */
export const GITLAB_TEMPLATES_DIR = '.gitlab/issue_templates';

/** The path in the records project of the template called `name` in `issue_templates/`, or null when it is not synced. */
export function templatePath(name: string): string | null {
  const shown = Object.hasOwn(ISSUE_TEMPLATE_NAMES, name) ? ISSUE_TEMPLATE_NAMES[name] : undefined;
  return shown === undefined ? null : `${GITLAB_TEMPLATES_DIR}/${shown}.md`;
}

/** The path of Trellis's webhook route, appended to TRELLIS_PUBLIC_URL. */
export const WEBHOOK_PATH = '/webhooks/gitlab';

/** The events Trellis's webhook needs (confidential ones too: checkpoints and conversations are confidential). */
export const WEBHOOK_EVENTS = Object.freeze({
  issuesEvents: true,
  confidentialIssuesEvents: true,
  noteEvents: true,
  confidentialNoteEvents: true,
  pushEvents: true,
});

/** GitLab's access levels that setup needs: hooks and pushing to the default branch need Maintainer. */
export const MAINTAINER = 40;
