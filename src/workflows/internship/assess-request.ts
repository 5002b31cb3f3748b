import { findPerson, isManagerOf } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import { inlineText } from '../../core/markdown-safety.js';
import type { ModuleSummary } from '../training/training-module.js';
import { buddyProblem, checkRequest, personNamed } from './check-request.js';
import type { CheckedRequest, Problem } from './check-request.js';
import { buddyFacts, matchBuddies, MAX_DISTANCE_MINUTES } from './match-buddies.js';
import type { Buddy } from './match-buddies.js';
import { proposePairing } from './match-pairing.js';
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
  /** The engineer proposed to pair with (null when pairing was not asked for or nobody fits). */
  readonly pairing: Buddy | null;
  readonly standing: readonly ModuleStanding[];
}

/** The names an approval gives: `@<bot> approve [@buddy] [pair @engineer]`. */
export interface ApprovalNames {
  readonly buddy?: string;
  readonly pairing?: string;
}

/**
 * The names at the start of `approve`'s arguments: `@buddy` first, then `pair @engineer` (or
 * `pairing @engineer`, `pair:@engineer`); when on-call shadowing was not asked for, a lone first
 * `@name` names the pairing engineer instead. Words after them are a comment, never names.
 */
export function approvalNames(args: readonly string[], request: CheckedRequest | null): ApprovalNames {
  let i = 0;
  const buddy = args[0]?.startsWith('@') ? args[i++] : undefined;
  const word = args[i] ?? '';
  const glued = /^pair(?:ing)?:(@\S+)$/i.exec(word)?.[1];
  const pairing = glued ?? (/^pair(?:ing)?:?$/i.test(word) && args[i + 1]?.startsWith('@') ? args[i + 1] : undefined);
  if (buddy !== undefined && pairing === undefined && request && !request.answers.ways.onCall && request.answers.ways.pairing) return { pairing: buddy };
  return { ...(buddy !== undefined ? { buddy } : {}), ...(pairing !== undefined ? { pairing } : {}) };
}

/** True when the requester asked for a buddy whose clock is further from theirs than buddies are proposed from. */
export function buddyTooFar(a: Assessment): boolean {
  return !!a.request?.buddy && !!a.chosen && a.chosen.distanceMinutes > MAX_DISTANCE_MINUTES;
}

/** Reads and checks a request opened by `requester`. */
export function assessRequest(args: { description: string; requester: string; roster: Roster; now: Date; modules: readonly ModuleSummary[] }): Assessment {
  const { roster, requester } = args;
  const checked = checkRequest(parseRequest(args.description), requester, roster, args.now);
  const request = checked.request;
  const standing = trainingStanding(args.modules, findPerson(roster, requester)?.username ?? requester);
  if (!request) return { requester, problems: checked.problems, request, buddies: [], chosen: null, pairing: null, standing };
  const pairingFor = (avoid: string | null) => (request.answers.ways.pairing ? proposePairing({ roster, requester: request.requester.username, timezone: request.timezone, start: request.start, avoid }) : null);
  if (!request.answers.ways.onCall) return { requester, problems: checked.problems, request, buddies: [], chosen: null, pairing: pairingFor(null), standing };
  const buddies = matchBuddies({ roster, requester: request.requester.username, timezone: request.timezone, start: request.start });
  const named = request.buddy ? findPerson(roster, request.buddy) : undefined;
  const chosen = named ? buddyFacts(named, request.timezone, request.start) : (buddies[0] ?? null);
  const pairing = pairingFor(chosen?.person.username ?? null);
  return { requester, problems: checked.problems, request, buddies, chosen, pairing, standing };
}

/**
 * Why `actor` cannot approve now, or null when they can; `named` are the names given with the command.
 * The text says who can approve, or what the request still needs.
 */
export function approvalRefusal(a: Assessment, actor: string, roster: Roster, bot: string, named: ApprovalNames = {}): string | null {
  const person = findPerson(roster, a.requester);
  if (!person?.manager) return `Nobody can approve this request yet: ${inlineText(a.requester)} ${person ? 'has no manager on' : 'is not on'} the roster. Ask for \`.trellis/roster.yml\` to be fixed.`;
  if (!isManagerOf(roster, actor, person.username)) {
    return `Only ${inlineText(person.manager)}, ${inlineText(person.username)}'s manager on the roster, can approve this internship request.`;
  }
  if (!a.request) return `This request is not complete yet, so it cannot be approved. ${inlineText(person.username)} needs to fix:\n\n${problemList(a.problems)}\n\nApprove again once the description is fixed.`;
  if (named.pairing !== undefined) {
    if (!a.request.answers.ways.pairing) return `This request does not ask for pairing, so there is no pairing engineer to name. Approve with \`@${bot} approve\`${a.request.answers.ways.onCall ? ' (or `@' + bot + ' approve @buddy`)' : ''}.`;
    const problem = pairingProblem(named.pairing, person.username, roster);
    if (problem) return `Trellis cannot make that person the pairing engineer: ${problem} Name someone on the roster: \`@${bot} approve pair @username\`.`;
  }
  if (!a.request.answers.ways.onCall) return null;
  if (named.buddy !== undefined) {
    const problem = buddyProblem(named.buddy, person.username, roster);
    return problem ? `Trellis cannot make that person the on-call buddy: ${problem} Name an on-call SRE: \`@${bot} approve @username\`.` : null;
  }
  if (!a.chosen) return `On-call shadowing needs a buddy, and no on-call SRE is within three hours of ${inlineText(a.request.timezone)}. Name one when approving: \`@${bot} approve @username\`.`;
  return null;
}

/** The buddy an approval makes: the one named with it, else the assessment's choice. */
export function approvedBuddy(a: Assessment, roster: Roster, named: ApprovalNames = {}): string | null {
  if (!a.request?.answers.ways.onCall) return null;
  if (named.buddy !== undefined) return personNamed(named.buddy, roster)?.username ?? null;
  return a.chosen?.person.username ?? null;
}

/** The pairing engineer an approval makes: the one named with it, else the proposal. */
export function approvedPairing(a: Assessment, roster: Roster, named: ApprovalNames = {}): string | null {
  if (!a.request?.answers.ways.pairing) return null;
  if (named.pairing !== undefined) return personNamed(named.pairing, roster)?.username ?? null;
  return a.pairing?.person.username ?? null;
}

/** Why `written` cannot pair with `requester`, or null when they can (anyone on the roster but the requester). */
function pairingProblem(written: string, requester: string, roster: Roster): string | null {
  const p = personNamed(written, roster);
  if (!p) return `“${inlineText(written, 40)}” is not on the roster.`;
  if (p.username.toLowerCase() === requester.toLowerCase()) return 'nobody pairs with themselves.';
  return null;
}

/** Why `actor` cannot decline, or null when they can. */
export function declineRefusal(requester: string, actor: string, reason: string, roster: Roster, bot: string): string | null {
  const person = findPerson(roster, requester);
  if (!person?.manager) return `Nobody can decline this request yet: ${inlineText(requester)} ${person ? 'has no manager on' : 'is not on'} the roster.`;
  if (!isManagerOf(roster, actor, person.username)) return `Only ${inlineText(person.manager)}, ${inlineText(person.username)}'s manager on the roster, can decline this internship request.`;
  if (reason.trim() === '') return `Say why, so ${inlineText(person.username)} knows what to do next: \`@${bot} decline <reason>\`.`;
  return null;
}
