import { inlineText, mention, quoteBlock } from '../../core/markdown-safety.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { CheckedRequest, Problem } from './check-request.js';
import { renderRecord, stateLabel } from './internship-request.js';
import type { Approval, Decline, RequestRecord, TaskIssue, TaskKind } from './internship-request.js';
import { formatOffset, offsetInstant, utcOffsetMinutes } from './match-buddies.js';
import type { Buddy } from './match-buddies.js';
import { standingText } from './request-training.js';
import type { ModuleStanding } from './request-training.js';

/**
 * What Trellis says on a request: its one status note (edited in place, so it always shows the
 * current state) and the replies that go with a change. Bodies depend only on GitLab's records
 * (the description, roster, task and module issues, the recorded decision), so re-deriving them
 * gives the same text and the executor writes nothing.
 */

/** `Carol Chen (carol)`: never a mention. */
export function who(username: string, roster: Roster): string {
  const p = findPerson(roster, username);
  return p ? `${inlineText(p.name, 60)} (${inlineText(p.username)})` : inlineText(username);
}

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
export interface PendingNoteInput {
  readonly request: CheckedRequest;
  readonly buddies: readonly Buddy[];
  /** The buddy an approval without a name would choose (the requester's pick, else the nearest), or null. */
  readonly chosen: Buddy | null;
  readonly standing: readonly ModuleStanding[];
  readonly roster: Roster;
  readonly bot: string;
}

/** The status note of a complete request: mentions who decides, proposes buddies, reports training, says how to approve. */
export function pendingNote(input: PendingNoteInput): string {
  const { request: r, roster, bot } = input;
  const requester = r.requester.username;
  const notify = roster.internships.notify.filter((u) => u.toLowerCase() !== r.manager.toLowerCase() && u.toLowerCase() !== requester.toLowerCase());
  const mentions = [...new Set([...notify, r.manager])].map((u) => mention(u)).join(' ');
  const approve = `\`@${bot} approve\``;
  return [
    `### Internship request: pending approval (\`${stateLabel('pending-approval')}\`)`,
    '',
    `${mentions}: ${who(requester, roster)} asks to intern with Reliability Engineering. ${mention(r.manager)}, as their manager on the roster you approve or decline it.`,
    '',
    ...details(r, roster),
    '',
    `**What ${inlineText(requester)} wants to learn:**`,
    '',
    quoteBlock(r.answers.goal),
    '',
    ...buddyLines(input),
    '',
    trainingLine(input.standing, requester),
    '',
    `**To approve:** ${who(r.manager, roster)} comments ${approve}${input.chosen && r.answers.ways.onCall ? ` (the on-call buddy is then ${inlineText(input.chosen.person.username)})` : ''}${r.answers.ways.onCall ? `, or \`@${bot} approve @username\` to choose another on-call SRE as buddy,` : ''} or moves this request to \`${stateLabel('approved')}\`. Trellis then creates the task issues and the missing training modules. **To decline:** \`@${bot} decline <reason>\`. Nobody else can do either.`,
  ].join('\n');
}

function details(r: CheckedRequest, roster: Roster): string[] {
  const a = r.answers;
  const team = a.team !== '' ? inlineText(a.team, 80) : inlineText(roster.teams.find((t) => t.id === r.requester.team)?.name ?? r.requester.team, 80);
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

function buddyLines(input: PendingNoteInput): string[] {
  const { request: r, buddies, chosen } = input;
  if (!r.answers.ways.onCall) return ['**On-call shadowing:** not asked for, so no buddy is needed.'];
  const heading = `**On-call shadow buddies** (on-call SREs within three hours of ${inlineText(r.timezone)} on ${r.start}, nearest first):`;
  const list = buddies.map((b, i) => `${i + 1}. ${describeBuddy(b, input.roster)}`);
  const asked = r.buddy && chosen ? [`${inlineText(r.requester.username)} asked for ${describeBuddy(chosen, input.roster)}, who becomes the buddy unless the manager names another.`] : [];
  if (list.length === 0) {
    return [...asked, `No on-call SRE is within three hours of ${inlineText(r.timezone)} on ${r.start}.${r.buddy ? '' : ` The manager names a buddy when approving: \`@${input.bot} approve @username\`.`}`];
  }
  return [heading, '', ...list, ...(asked.length > 0 ? ['', ...asked] : [])];
}

/** `Alice Adams (alice), Reliability: Foundations, Europe/Berlin (UTC+02:00), 1 h ahead` */
export function describeBuddy(b: Buddy, roster: Roster): string {
  const team = roster.teams.find((t) => t.id === b.person.team)?.name ?? b.person.team;
  return `${who(b.person.username, roster)}, ${inlineText(team, 60)}, ${inlineText(b.person.timezone)} (${formatOffset(b.offsetMinutes)}), ${distanceText(b.distanceMinutes)}`;
}

function distanceText(minutes: number): string {
  if (minutes === 0) return 'same time';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${[h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : ''].filter(Boolean).join(' ')} apart`;
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

/** The status note of an approved internship: the plan with links, progress, and training. */
export function planNote(input: { approval: Approval; tasks: readonly TaskView[]; standing: readonly ModuleStanding[]; requester: string; roster: Roster; completed: boolean }): string {
  const { approval: a, tasks, roster } = input;
  const closed = tasks.filter((t) => t.closed).length;
  const rows = tasks.map((t) => `| ${TASK_NAMES[t.kind]} | ${t.reference} | ${t.assignees.map((u) => inlineText(u)).join(', ') || 'nobody'} | ${t.dueDate ?? 'none'} | ${t.closed ? 'closed ✓' : 'open'} |`);
  const finished = completedOn(tasks);
  const state = input.completed ? 'completed' : 'active';
  return [
    `### Internship: ${state} (\`${stateLabel(state)}\`)`,
    '',
    `${who(input.requester, roster)} interns with Reliability Engineering from ${a.start} to ${a.end}, approved by ${who(a.by, roster)} on ${a.at.slice(0, 10)}.${a.buddy ? ` On-call buddy: ${who(a.buddy, roster)}.` : ''}${input.completed && finished ? ` Completed on ${finished}.` : ''}`,
    '',
    '| Task | Issue | Assigned | Due | State |',
    '|:--|:--|:--|:--|:--|',
    ...rows,
    '',
    `**Tasks closed: ${closed} of ${tasks.length}**`,
    '',
    `**Training** (reported here; it does not hold completion back): ${input.standing.map(standingText).join(' · ')}.`,
    '',
    `<sub>When every task issue is closed, Trellis marks the internship \`${stateLabel('completed')}\` and closes this request; reopening a task makes it active again.</sub>`,
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
