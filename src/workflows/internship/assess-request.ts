import { findPerson, isManagerOf } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import { inlineText } from '../../core/markdown-safety.js';
import type { ModuleSummary } from '../training/training-module.js';
import { buddyProblem, checkRequest, personNamed } from './check-request.js';
import type { CheckedRequest, Problem } from './check-request.js';
import { buddyFacts, matchBuddies } from './match-buddies.js';
import type { Buddy } from './match-buddies.js';
import { parseRequest } from './parse-request.js';
import { problemList } from './request-status.js';
import { trainingStanding } from './request-training.js';
import type { ModuleStanding } from './request-training.js';

/** Everything Trellis concludes from a request's description, the roster and the requester's modules. */
export interface Assessment {
  readonly requester: string;
  readonly problems: readonly Problem[];
  /** Null when there are problems. */
  readonly request: CheckedRequest | null;
  /** Proposed on-call buddies (empty when on-call shadowing was not asked for). */
  readonly buddies: readonly Buddy[];
  /** Who an approval without a name makes the buddy: the requester's pick, else the nearest proposal. */
  readonly chosen: Buddy | null;
  readonly standing: readonly ModuleStanding[];
}

/** Reads and checks a request opened by `requester`. */
export function assessRequest(args: { description: string; requester: string; roster: Roster; now: Date; modules: readonly ModuleSummary[] }): Assessment {
  const { roster, requester } = args;
  const checked = checkRequest(parseRequest(args.description), requester, roster, args.now);
  const request = checked.request;
  const standing = trainingStanding(args.modules, findPerson(roster, requester)?.username ?? requester);
  if (!request || !request.answers.ways.onCall) return { requester, problems: checked.problems, request, buddies: [], chosen: null, standing };
  const buddies = matchBuddies({ roster, requester: request.requester.username, timezone: request.timezone, start: request.start });
  const named = request.buddy ? findPerson(roster, request.buddy) : undefined;
  const chosen = named ? buddyFacts(named, request.timezone, request.start) : (buddies[0] ?? null);
  return { requester, problems: checked.problems, request, buddies, chosen, standing };
}

/**
 * Why `actor` cannot approve now, or null when they can; `named` is a buddy given with the command.
 * The text says who can approve, or what the request still needs.
 */
export function approvalRefusal(a: Assessment, actor: string, roster: Roster, bot: string, named?: string): string | null {
  const person = findPerson(roster, a.requester);
  if (!person?.manager) return `Nobody can approve this request yet: ${inlineText(a.requester)} ${person ? 'has no manager on' : 'is not on'} the roster. Ask for \`.trellis/roster.yml\` to be fixed.`;
  if (!isManagerOf(roster, actor, person.username)) {
    return `Only ${inlineText(person.manager)}, ${inlineText(person.username)}'s manager on the roster, can approve this internship request.`;
  }
  if (!a.request) return `This request is not complete yet, so it cannot be approved. ${inlineText(person.username)} needs to fix:\n\n${problemList(a.problems)}\n\nApprove again once the description is fixed.`;
  if (!a.request.answers.ways.onCall) return null;
  if (named !== undefined) {
    const problem = buddyProblem(named, person.username, roster);
    return problem ? `Trellis cannot make that person the on-call buddy: ${problem} Name an on-call SRE: \`@${bot} approve @username\`.` : null;
  }
  if (!a.chosen) return `On-call shadowing needs a buddy, and no on-call SRE is within three hours of ${inlineText(a.request.timezone)}. Name one when approving: \`@${bot} approve @username\`.`;
  return null;
}

/** The buddy an approval makes: the one named with it, else the assessment's choice. */
export function approvedBuddy(a: Assessment, roster: Roster, named?: string): string | null {
  if (!a.request?.answers.ways.onCall) return null;
  if (named !== undefined) return personNamed(named, roster)?.username ?? null;
  return a.chosen?.person.username ?? null;
}

/** Why `actor` cannot decline, or null when they can. */
export function declineRefusal(requester: string, actor: string, reason: string, roster: Roster, bot: string): string | null {
  const person = findPerson(roster, requester);
  if (!person?.manager) return `Nobody can decline this request yet: ${inlineText(requester)} ${person ? 'has no manager on' : 'is not on'} the roster.`;
  if (!isManagerOf(roster, actor, person.username)) return `Only ${inlineText(person.manager)}, ${inlineText(person.username)}'s manager on the roster, can decline this internship request.`;
  if (reason.trim() === '') return `Say why, so ${inlineText(person.username)} knows what to do next: \`@${bot} decline <reason>\`.`;
  return null;
}
