import { authorityLabelsAdded, hasCommands, judgeLabelMove, judgeNote, lastAdders } from '../core/event-authority.js';
import type { Log } from '../core/log.js';
import type { IssueEvent, NoteEvent, TrellisEvent } from '../events/types.js';
import type { GitLabGateway, User } from '../core/gitlab-port.js';

/** What the check needs of a workflow context: GitLab, and which project holds the records. */
export interface VerifyContext {
  readonly gitlab: GitLabGateway;
  readonly config: { readonly gitlab?: { readonly project: string } | undefined };
}

/** An event as GitLab confirms it (`fresh`: its issue was re-read), or dropped as forged or altered. */
export type Verified = { readonly kind: 'pass'; readonly event: TrellisEvent; readonly fresh: boolean } | { readonly kind: 'drop' };

/**
 * Checks an event against GitLab before any workflow sees it (design principle 8): a note holding a
 * command is read back by id (1 read), an issue event adding a label that needs authority has its
 * label events and the issue read (2 reads). Everything else passes with no read: ticks, edits,
 * notes without commands. Logs name ids only, never note bodies or descriptions.
 */
export async function verifyEvent(event: TrellisEvent, ctx: VerifyContext, bot: User, log: Log): Promise<Verified> {
  if (event.type === 'note') return verifyNote(event, ctx, bot, log);
  if (event.type === 'issue') return verifyLabelMove(event, ctx, bot, log);
  return { kind: 'pass', event, fresh: false };
}

async function verifyNote(event: NoteEvent, ctx: VerifyContext, bot: User, log: Log): Promise<Verified> {
  if (!hasCommands(event.note.body, bot.username)) return { kind: 'pass', event, fresh: false };
  const note = await gatewayOf(event, ctx).getNote(event.issue.iid, event.note.id);
  const verdict = judgeNote({ actor: event.actor.username, body: event.note.body }, note, bot.username);
  if (verdict.kind === 'forged') {
    log.warn(
      { projectId: event.project.id, iid: event.issue.iid, noteId: event.note.id, claimed: event.actor.username, gitlab: verdict.gitlabAuthor ?? 'missing', reason: verdict.reason },
      'forged or altered note event dropped: GitLab does not have this note as the payload says',
    );
    return { kind: 'drop' };
  }
  return { kind: 'pass', event: { ...event, note: { ...event.note, body: verdict.body } }, fresh: false };
}

async function verifyLabelMove(event: IssueEvent, ctx: VerifyContext, bot: User, log: Log): Promise<Verified> {
  const labels = authorityLabelsAdded(event.changes.labels);
  if (labels.length === 0) return { kind: 'pass', event, fresh: false };
  const gitlab = gatewayOf(event, ctx);
  const [events, issue] = await Promise.all([gitlab.listLabelEvents(event.issue.iid), gitlab.getIssue(event.issue.iid)]);
  const ids = { projectId: event.project.id, iid: event.issue.iid, labels, claimed: event.actor.username };
  if (issue === null) {
    log.warn({ ...ids, gitlab: 'missing' }, 'forged or altered label move dropped: GitLab has no such issue');
    return { kind: 'drop' };
  }
  const verdict = judgeLabelMove(event.actor.username, labels, events);
  if (verdict.kind === 'genuine') return { kind: 'pass', event: { ...event, issue }, fresh: true };
  const gitlabUsers = lastAdders(labels, events).map((a) => a.user ?? 'missing');
  // Trellis's own moves (a sign-off by command sets `::complete`) were skipped when their hook came.
  if (verdict.kind === 'forged' || verdict.user.toLowerCase() === bot.username.toLowerCase()) {
    log.warn({ ...ids, gitlab: gitlabUsers }, 'forged or altered label move dropped: GitLab names nobody else who added the label');
    return { kind: 'drop' };
  }
  log.warn({ ...ids, gitlab: gitlabUsers }, 'forged or altered label move: judged as the move of the user GitLab names');
  // No workflow reads the actor's id (usernames throughout); 0 stands for a user GitLab no longer finds.
  const user = await gitlab.findUser(verdict.user);
  return { kind: 'pass', event: { ...event, issue, actor: { id: user?.id ?? 0, username: user?.username ?? verdict.user } }, fresh: true };
}

/** The records project's gateway when the event is there (no lookup of the project), else the event's project. */
function gatewayOf(event: IssueEvent | NoteEvent, ctx: VerifyContext): GitLabGateway {
  const records = ctx.config.gitlab?.project;
  if (records !== undefined && (records === event.project.path || records === String(event.project.id))) return ctx.gitlab;
  return ctx.gitlab.forProject(event.project.id);
}
