import { inlineText } from '../../core/markdown-safety.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { CheckedRequest } from './check-request.js';
import { formatOffset, MAX_DISTANCE_MINUTES, offsetInstant, utcOffsetMinutes } from './match-buddies.js';
import type { Buddy } from './match-buddies.js';

/**
 * How a request's people are written in what Trellis says: the on-call buddies, the requested buddy
 * when they are far away, and the proposed pairing engineer. Plain names only (status notes are
 * edited in place, so a mention there would email nobody; docs/gitlab/facts.md#mentions).
 */

/** `Carol Chen (carol)`: never a mention. */
export function who(username: string, roster: Roster): string {
  const p = findPerson(roster, username);
  return p ? `${inlineText(p.name, 60)} (${inlineText(p.username)})` : inlineText(username);
}

/** What the people lines of a pending request look at (an assessment's fields). */
export interface PeopleInput {
  readonly request: CheckedRequest;
  readonly buddies: readonly Buddy[];
  /** The buddy an approval without a name would choose (the requester's pick, else the nearest), or null. */
  readonly chosen: Buddy | null;
  /** The proposed pairing engineer, or null. */
  readonly pairing: Buddy | null;
  readonly roster: Roster;
  readonly bot: string;
}

/** The on-call lines of the pending note: the proposals, the requester's pick, and a warning when that pick is far away. */
export function buddyLines(input: PeopleInput): string[] {
  const { request: r, buddies, chosen } = input;
  if (!r.answers.ways.onCall) return ['**On-call shadowing:** not asked for, so no buddy is needed.'];
  const far = farBuddyText(input);
  if (far) return [far];
  const heading = `**On-call shadow buddies** (on-call SREs within three hours of ${inlineText(r.timezone)} on ${r.start}, nearest first):`;
  const list = buddies.map((b, i) => `${i + 1}. ${describeBuddy(b, input.roster)}`);
  const asked = r.buddy && chosen ? [`${inlineText(r.requester.username)} asked for ${describeBuddy(chosen, input.roster)}, who becomes the buddy unless the manager names another.`] : [];
  if (list.length === 0) {
    return [...asked, `No on-call SRE is within three hours of ${inlineText(r.timezone)} on ${r.start}.${r.buddy ? '' : ` The manager names a buddy when approving: \`@${input.bot} approve @username\`.`}`];
  }
  return [heading, '', ...list, ...(asked.length > 0 ? ['', ...asked] : [])];
}

/**
 * When the requester asked for a buddy further away than buddies are proposed from
 * (MAX_DISTANCE_MINUTES, three hours), what the note and the routing reply say: how far, and the
 * nearest on-call SREs instead. The manager decides at approval; null when there is nothing to say.
 */
export function farBuddyText(input: PeopleInput): string | null {
  const { request: r, chosen, buddies, roster, bot } = input;
  if (!r.answers.ways.onCall || !r.buddy || !chosen || chosen.distanceMinutes <= MAX_DISTANCE_MINUTES) return null;
  const requester = inlineText(r.requester.username);
  const own = formatOffset(utcOffsetMinutes(r.timezone, offsetInstant(r.start)));
  const picked = inlineText(chosen.person.username);
  const head = `**The requested on-call buddy is far away:** ${requester} asked for ${describeBuddy(chosen, roster)} from ${requester}'s ${inlineText(r.timezone)} (${own}) on ${r.start}. That is more than the three hours Trellis proposes buddies within, so most of ${picked}'s shifts would fall outside ${requester}'s working day.`;
  const nearest = buddies[0];
  if (!nearest) return `${head} No on-call SRE is within three hours either. The manager decides when approving: \`@${bot} approve\` keeps ${picked} as the buddy, \`@${bot} approve @username\` names another.`;
  const list = buddies.map((b, i) => `${i + 1}. ${describeBuddy(b, roster)}`);
  return [
    `${head} Nearest on-call SREs instead:`,
    '',
    ...list,
    '',
    `The manager decides when approving: \`@${bot} approve @${nearest.person.username}\` takes the nearest, \`@${bot} approve\` keeps ${picked}.`,
  ].join('\n');
}

/** The pairing lines of the pending note: who is proposed and how the manager confirms or names another. */
export function pairingLines(input: PeopleInput): string[] {
  const { request: r, pairing, roster, bot } = input;
  if (!r.answers.ways.pairing) return [];
  const change = `\`@${bot} approve pair @username\``;
  if (!pairing) return [`**Pairing engineer:** Trellis found no Reliability engineer (not a manager) on the roster to propose. ${who(r.manager, roster)} names one when approving: ${change}.`];
  return [
    `**Pairing engineer** (proposed: the Reliability engineer, not a manager, nearest to ${inlineText(r.timezone)} on ${r.start}): ${describeBuddy(pairing, roster)}. ${who(r.manager, roster)} confirms them by approving, or names someone else: ${change}.`,
  ];
}

/** `Alice Adams (alice), Reliability: Foundations, Europe/Berlin (UTC+02:00), 1 h apart` */
export function describeBuddy(b: Buddy, roster: Roster): string {
  const team = roster.teams.find((t) => t.id === b.person.team)?.name ?? b.person.team;
  return `${who(b.person.username, roster)}, ${inlineText(team, 60)}, ${inlineText(b.person.timezone)} (${formatOffset(b.offsetMinutes)}), ${distanceText(b.distanceMinutes)}`;
}

/** `same time`, `1 h apart`, `9 h 30 min apart` */
export function distanceText(minutes: number): string {
  if (minutes === 0) return 'same time';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${[h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : ''].filter(Boolean).join(' ')} apart`;
}
