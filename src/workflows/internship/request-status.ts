import { inlineText, mention, quoteBlock } from '../../core/markdown-safety.js';
import type { Roster } from '../../core/roster.js';
import type { CheckedRequest, Problem } from './check-request.js';
import { renderRecord, stateLabel } from './internship-request.js';
import type { Approval, Decline, RequestRecord, TaskIssue, TaskKind } from './internship-request.js';
import { formatOffset, offsetInstant, utcOffsetMinutes } from './match-buddies.js';
import { buddyLines, farBuddyText, pairingLines, who } from './request-people.js';
import type { PeopleInput } from './request-people.js';
import { standingText } from './request-training.js';
import type { ModuleStanding } from './request-training.js';

/**
 * What Trellis says on a request: its one status note (edited in place, so it always shows the
 * current state) and the replies that go with a change. Bodies depend only on GitLab's records
 * (the description, roster, task and module issues, the recorded decision), so re-deriving them
 * gives the same text and the executor writes nothing.
 */

export { describeBuddy, who } from './request-people.js';

/** A Markdown list of what to fix. */
export function problemList(problems: readonly Problem[]): string {
  return problems.map((p) => `- ${p.text}`).join('\n');
}

/** The status note while the request needs information. */
export function needsInfoNote(problems: readonly Problem[]): string {
  return [
    `### Internship request: needs information (\`${stateLabel('needs-info')}\`)`,
    '',
    'Before it goes to the people who decide, this request needs:',
    '',
    problemList(problems),
    '',
    '<sub>Edit the description to fix these: Trellis checks every edit, and mentions your manager and Reliability Engineering once the request is complete.</sub>',
  ].join('\n');
}

/** The reply that tells the requester what to fix (one per distinct list of problems). */
export function needsInfoReply(problems: readonly Problem[]): string {
  return ['Thanks for the request. Trellis needs a few answers before it goes to your manager:', '', problemList(problems), '', 'Edit the description to fix these; every edit is checked again.'].join('\n');
}

/** Everything the pending-approval note shows. */
export interface PendingNoteInput extends PeopleInput {
  readonly standing: readonly ModuleStanding[];
}

/**
 * The new note that routes a request once it is complete: it mentions Reliability Engineering's
 * contacts and the manager who decides, so each gets a notification and a to-do (a mention added to
 * an edited note gets a to-do at most, and nothing new shows at the end of the thread).
 */
export function routeReply(input: PendingNoteInput): string {
  const { request: r, roster, bot } = input;
  const requester = r.requester.username;
  const notify = roster.internships.notify.filter((u) => u.toLowerCase() !== r.manager.toLowerCase() && u.toLowerCase() !== requester.toLowerCase());
  const cc = notify.length > 0 ? ` ${notify.map((u) => mention(u)).join(' ')}: for Reliability Engineering.` : '';
  const ask = `${mention(r.manager)}: ${who(requester, roster)} asks to intern with Reliability Engineering, and the request is complete. As their manager on the roster, please approve with \`@${bot} approve\` or decline with \`@${bot} decline <reason>\`; the status note above has the plan.${cc}`;
  const far = farBuddyText(input);
  return far ? `${ask}\n\n${far}` : ask;
}

/** The status note of a complete request: names who decides, proposes buddies, reports training, says how to approve. */
export function pendingNote(input: PendingNoteInput): string {
  const { request: r, roster } = input;
  const requester = r.requester.username;
  const notify = roster.internships.notify.filter((u) => u.toLowerCase() !== r.manager.toLowerCase() && u.toLowerCase() !== requester.toLowerCase());
  // Names, not mentions: this note is edited in place, and GitLab notifies nobody by email of a
  // mention added by an edit (docs/gitlab/facts.md#mentions); routeReply is the new note that asks.
  const names = [...new Set([...notify, r.manager])].map((u) => inlineText(u)).join(', ');
  return [
    `### Internship request: pending approval (\`${stateLabel('pending-approval')}\`)`,
    '',
    `For ${names}: ${who(requester, roster)} asks to intern with Reliability Engineering. ${inlineText(r.manager)}, as their manager on the roster, approves or declines it.`,
    '',
    ...details(r, roster),
    '',
    `**What ${inlineText(requester)} wants to learn:**`,
    '',
    quoteBlock(r.answers.goal),
    '',
    ...buddyLines(input),
    '',
    ...withBlank(pairingLines(input)),
    trainingLine(input.standing, requester),
    '',
    approveLine(input),
  ].join('\n');
}

function withBlank(lines: readonly string[]): string[] {
  return lines.length > 0 ? [...lines, ''] : [];
}

/** How to approve this request: the command, what it takes when no name is given, and the forms that name people. */
function approveLine(input: PendingNoteInput): string {
  const { request: r, roster, bot } = input;
  const { onCall, pairing } = r.answers.ways;
  const then = [
    onCall && input.chosen ? `the on-call buddy is then ${inlineText(input.chosen.person.username)}` : null,
    pairing && input.pairing ? `the pairing engineer ${inlineText(input.pairing.person.username)}` : null,
  ].filter((t): t is string => t !== null);
  const forms = [
    onCall ? `\`@${bot} approve @username\` to choose another on-call SRE as buddy` : null,
    pairing ? `\`@${bot} approve pair @username\` to choose another pairing engineer` : null,
    onCall && pairing ? `\`@${bot} approve @buddy pair @engineer\` for both` : null,
  ].filter((t): t is string => t !== null);
  const how = [`${who(r.manager, roster)} comments \`@${bot} approve\`${then.length > 0 ? ` (${then.join(', ')})` : ''}`, ...forms, `moves this request to \`${stateLabel('approved')}\``].join(', or ');
  return `**To approve:** ${how}. Trellis then creates the task issues and the missing training modules. **To decline:** \`@${bot} decline <reason>\`. Nobody else can do either.`;
}

function details(r: CheckedRequest, roster: Roster): string[] {
  const a = r.answers;
  const team = inlineText(r.team?.name ?? r.requester.team, 80);
  const role = a.role !== '' ? inlineText(a.role, 80) : inlineText(roster.roles[r.requester.role]?.title ?? r.requester.role, 80);
  const ways = [
    a.ways.pairing ? `pair on an issue or OKR${a.pairingTopic !== '' ? ` (${inlineText(a.pairingTopic, 120)})` : ''}` : null,
    a.ways.onCall ? 'shadow on-call for two weeks' : null,
    a.ways.delivery ? 'shadow the Delivery team' : null,
  ].filter((w): w is string => w !== null);
  return [
    `- **Requester:** ${who(r.requester.username, roster)}, ${role} in ${team}`,
    `- **Manager:** ${who(r.manager, roster)}`,
    `- **When:** from ${r.start} for ${r.length} (until ${r.end})${a.share !== '' ? `, ${inlineText(a.share, 60)} of their time` : ''}`,
    `- **Timezone:** ${inlineText(r.timezone)}, ${formatOffset(utcOffsetMinutes(r.timezone, offsetInstant(r.start)))} on ${r.start}${r.timezoneFromRoster ? ' (from the roster)' : ''}`,
    `- **Ways of working:** ${ways.join('; ')}`,
    `- **Access needed:** ${a.systems.length > 0 ? a.systems.map((s) => inlineText(s, 80)).join('; ') : 'none listed'}`,
  ];
}

function trainingLine(standing: readonly ModuleStanding[], requester: string): string {
  const missing = standing.filter((s) => s.status !== 'done');
  const advice = missing.length === 0 ? 'Both are done.' : `Completing both before the start is recommended${missing.some((s) => s.status === 'missing') ? '; on approval Trellis opens the missing module issues for ' + inlineText(requester) : ''}.`;
  return `**Training:** ${standing.map(standingText).join(' · ')}. ${advice}`;
}

/** A task as the status note lists it. */
export interface TaskView {
  readonly kind: TaskKind;
  /** `#13`, or `infra/access-requests#3` for a task in another project. */
  readonly reference: string;
  readonly closed: boolean;
  readonly assignees: readonly string[];
  readonly dueDate: string | null;
  readonly closedAt: string | null;
}

export const TASK_NAMES: Readonly<Record<TaskKind, string>> = { 'on-call': 'Shadow on-call', delivery: 'Shadow the Delivery team', pairing: 'Pair on an issue or OKR', access: 'Access request' };

/** A found task issue as the note shows it. */
export function taskView(task: TaskIssue): TaskView {
  const { issue } = task;
  return { kind: task.kind, reference: `${task.project ?? ''}#${issue.iid}`, closed: issue.state === 'closed', assignees: issue.assignees, dueDate: issue.dueDate, closedAt: issue.closedAt };
}

/** The status note of an approved internship: the plan with links, progress, and training; `waiting` when every task closed before the start. */
export function planNote(input: { approval: Approval; tasks: readonly TaskView[]; standing: readonly ModuleStanding[]; requester: string; roster: Roster; completed: boolean; waiting?: boolean }): string {
  const { approval: a, tasks, roster } = input;
  const closed = tasks.filter((t) => t.closed).length;
  const rows = tasks.map((t) => `| ${TASK_NAMES[t.kind]} | ${t.reference} | ${t.assignees.map((u) => inlineText(u)).join(', ') || 'nobody'} | ${t.dueDate ?? 'none'} | ${t.closed ? 'closed ✓' : 'open'} |`);
  const finished = completedOn(tasks);
  const state = input.completed ? 'completed' : 'active';
  const people = `${a.buddy ? ` On-call buddy: ${who(a.buddy, roster)}.` : ''}${a.pairing ? ` Pairing engineer: ${who(a.pairing, roster)}.` : ''}`;
  // Completed no earlier than the start: tasks closed before it complete the internship on that day.
  const day = finished && finished > a.start ? finished : a.start;
  const waiting = input.waiting ? [`**Every task is closed, but the internship has not started yet:** it completes on its start date, ${a.start}, when Trellis marks it \`${stateLabel('completed')}\` and closes this request.`, ''] : [];
  return [
    `### Internship: ${state} (\`${stateLabel(state)}\`)`,
    '',
    `${who(input.requester, roster)} interns with Reliability Engineering from ${a.start} to ${a.end}, approved by ${who(a.by, roster)} on ${a.at.slice(0, 10)}.${people}${input.completed && finished ? ` Completed on ${day}.` : ''}`,
    '',
    '| Task | Issue | Assigned | Due | State |',
    '|:--|:--|:--|:--|:--|',
    ...rows,
    '',
    `**Tasks closed: ${closed} of ${tasks.length}**`,
    '',
    ...waiting,
    `**Training** (reported here; it does not hold completion back): ${input.standing.map(standingText).join(' · ')}.`,
    '',
    `<sub>When every task issue is closed and the start date (${a.start}) has come, Trellis marks the internship \`${stateLabel('completed')}\` and closes this request; reopening a task makes it active again.</sub>`,
    '',
    renderRecord({ approval: a, decline: null }),
  ].join('\n');
}

/** The day the last task closed, or null. */
export function completedOn(tasks: readonly TaskView[]): string | null {
  const times = tasks.map((t) => t.closedAt).filter((t): t is string => t !== null).sort();
  return times.at(-1)?.slice(0, 10) ?? null;
}

/** The closing summary, written once per completion. */
export function summaryReply(input: { approval: Approval; tasks: readonly TaskView[]; standing: readonly ModuleStanding[]; requester: string; roster: Roster }): string {
  const { approval: a, roster } = input;
  return [
    `**Internship completed.** ${who(input.requester, roster)} finished their internship with Reliability Engineering (${a.start} to ${a.end}${completedOn(input.tasks) ? `, last task closed on ${completedOn(input.tasks)}` : ''}). ${mention(a.by)}, every task issue is closed, so Trellis closed this request.`,
    '',
    ...input.tasks.map((t) => `- ${TASK_NAMES[t.kind]}: ${t.reference} ✓`),
    '',
    `Training: ${input.standing.map(standingText).join(' · ')}.`,
    '',
    'Worth a last conversation: what was learned, what to carry into the next quarterly checkpoint, and what Reliability Engineering could do better for the next intern.',
  ].join('\n');
}

/** The status note of a declined request. */
export function declinedNote(decline: Decline, roster: Roster): string {
  const reason = decline.reason.trim() === '' ? '_No reason was given._' : quoteBlock(decline.reason);
  return [
    `### Internship request: declined (\`${stateLabel('declined')}\`)`,
    '',
    `Declined by ${who(decline.by, roster)} on ${decline.at.slice(0, 10)}:`,
    '',
    reason,
    '',
    `<sub>The decision stands; Trellis closes this request if it is reopened. Talk to ${inlineText(decline.by)} and open a new request when the time is right.</sub>`,
    '',
    renderRecord({ approval: null, decline } satisfies RequestRecord),
  ].join('\n');
}
