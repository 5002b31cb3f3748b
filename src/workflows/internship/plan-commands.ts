import type { Action } from '../../core/actions.js';
import { inlineText, quoteBlock } from '../../core/markdown-safety.js';
import type { Command } from '../../core/parse-command.js';
import { approvalNames, approvalRefusal, approvedBuddy, approvedPairing, assessRequest, declineRefusal } from './assess-request.js';
import { completion, today } from './internship-dates.js';
import { commandReplyMarker, REQUEST_LABEL, STATUS_MARKER, stateLabel } from './internship-request.js';
import type { Decline } from './internship-request.js';
import { planApproval } from './plan-approval.js';
import type { RequestPlan } from './plan-approval.js';
import { planDeclined, planRequest } from './plan-request.js';
import type { RequestInput } from './plan-request.js';
import { declinedNote, problemList, who } from './request-status.js';

/** The commands this workflow answers: `approve [@buddy] [pair @engineer]` and `decline <reason>` anywhere (to say where they work), `status` on a request. */
export function internshipCommands(commands: readonly Command[], onRequest: boolean): Command[] {
  return commands.filter((c) => c.name === 'approve' || c.name === 'decline' || (onRequest && c.name === 'status'));
}

/** A command note on a request, with everything the request's rules look at. */
export interface CommandInput extends RequestInput {
  readonly command: Command;
  readonly actor: string;
  readonly noteId: number;
}

/** The reply to `approve` or `decline` written on an issue that is not an internship request. */
export function notARequestReply(iid: number, noteId: number, command: Command, bot: string): Action {
  return {
    kind: 'reply',
    issue: { iid },
    marker: commandReplyMarker(noteId),
    body: `\`${inlineText(command.name)}\` works on internship requests only, and this issue is not one. A request is made from the “Internship request” template; its manager approves it there with \`@${bot} approve\`.`,
  };
}

/**
 * `approve [@buddy] [pair @engineer]`: the requester's manager approves a complete request; `@buddy`
 * chooses the on-call buddy (an on-call person on the roster), else the requester's pick or the
 * nearest proposal; `pair @engineer` chooses the pairing engineer, else the proposal.
 * `decline <reason>`: the manager declines, with a reason that is recorded and quoted. `status`:
 * where the request stands. One reply per command note, whoever wrote it; refusals say who can.
 */
export function planCommand(input: CommandInput): RequestPlan {
  const { command, issue, record, roster, bot, actor } = input;
  const reply = (body: string): Action => ({ kind: 'reply', issue: { iid: issue.iid }, marker: commandReplyMarker(input.noteId), body });
  const settled = (text: string): RequestPlan => {
    const current = planRequest({ ...input, event: null });
    return { decision: `${command.name}-answered`, actions: [...current.actions.filter((a) => a.kind !== 'reply'), reply(text)] };
  };
  const a = assessRequest({ description: issue.description, requester: issue.author, roster, now: input.now, modules: input.modules });

  if (command.name === 'status') return { decision: 'status', actions: [reply(statusText(input))] };

  if (record.decline) {
    const current = planDeclined({ ...input, event: null }, record.decline, true);
    return { decision: `${command.name}-answered`, actions: [...current.actions, reply(`${who(record.decline.by, roster)} already declined this request on ${record.decline.at.slice(0, 10)}. Open a new request when the time is right.`)] };
  }
  if (record.approval) {
    const more = command.name === 'decline' ? ' It can no longer be declined; close the request to end the internship early.' : '';
    return settled(`${who(record.approval.by, roster)} already approved this internship on ${record.approval.at.slice(0, 10)}.${more}`);
  }
  // A decline needs no open request (it closes it anyway, and `/close` in the declining comment itself
  // runs before Trellis reads the issue); an approval does, since it starts the internship.
  if (issue.state === 'closed' && command.name !== 'decline') return { decision: 'closed', actions: [reply(`This request is closed. Reopen it first, then ${command.name} it.`)] };

  if (command.name === 'decline') {
    const reason = command.rest;
    const refusal = declineRefusal(issue.author, actor, reason, roster, bot);
    if (refusal) return { decision: 'refused', actions: [reply(refusal)] };
    const decline: Decline = { by: actor, at: input.now.toISOString(), reason };
    const target = { iid: issue.iid };
    return {
      decision: 'declined',
      actions: [
        // The note first: it is the record, so a crash after it still ends declined on the retry.
        { kind: 'upsert-note', issue: target, marker: STATUS_MARKER, body: declinedNote(decline, roster) },
        { kind: 'set-labels', issue: target, add: [REQUEST_LABEL, stateLabel('declined')] },
        { kind: 'set-state', issue: target, state: 'closed' },
        reply(`**Declined** by ${who(actor, roster)}:\n\n${quoteBlock(reason)}\n\nTrellis closed this request. Talk to ${inlineText(actor)} and open a new one when the time is right.`),
      ],
    };
  }

  // approve: `@bot approve @buddy pair @engineer` names them; other words after approve are a comment, not names.
  const named = approvalNames(command.args, a.request);
  const refusal = approvalRefusal(a, actor, roster, bot, named);
  if (refusal || !a.request) return { decision: 'refused', actions: [reply(refusal ?? 'This request cannot be approved yet.')] };
  return planApproval({
    iid: issue.iid,
    request: a.request,
    approval: { by: actor, buddy: approvedBuddy(a, roster, named), at: input.now.toISOString(), start: a.request.start, end: a.request.end, pairing: approvedPairing(a, roster, named) },
    today: today(input.now, roster.timezone),
    recordsProject: input.recordsProject,
    roster,
    bot,
    modules: input.modules,
    templates: input.templates,
    reply,
  });
}

function statusText(input: CommandInput): string {
  const { record, roster, issue } = input;
  if (record.decline) return `This internship request is **declined** (by ${who(record.decline.by, roster)} on ${record.decline.at.slice(0, 10)}).`;
  if (record.approval) {
    const closed = input.tasks.filter((t) => t.issue.state === 'closed').length;
    const stands = completion(record.approval.start, input.tasks.map((t) => t.issue.state === 'closed'), input.now, roster.timezone);
    const state = stands === 'completed' ? 'completed' : 'active';
    const waiting = stands === 'waiting' ? ` It completes on its start date, ${record.approval.start}.` : '';
    return `This internship is **${state}**: approved by ${who(record.approval.by, roster)} on ${record.approval.at.slice(0, 10)}, ${closed} of ${input.tasks.length} task issues closed.${waiting} The status note lists them.`;
  }
  const a = assessRequest({ description: issue.description, requester: issue.author, roster, now: input.now, modules: input.modules });
  if (!a.request) return `This internship request **needs information**:\n\n${problemList(a.problems)}`;
  return `This internship request is **pending approval** by ${who(a.request.manager, roster)}, who comments \`@${input.bot} approve\` or \`@${input.bot} decline <reason>\`.`;
}
