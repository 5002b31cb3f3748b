import type { Roster } from '../../core/roster.js';
import { offsetDistance, offsetInstant, utcOffsetMinutes } from './match-buddies.js';
import type { Buddy } from './match-buddies.js';

/**
 * The engineer proposed to pair with an intern: someone of Reliability Engineering (a team of kind
 * `sre`) who does the work rather than manages it (not a team's manager, nobody reports to them),
 * never the requester, in the nearest time zone on the start date so the pairing falls in both
 * working days. Among the equally near, someone other than `avoid` (the proposed on-call buddy) comes
 * first, so the intern works with two people where the roster allows; then the username decides, so
 * the same roster always proposes the same person. Being on call does not matter: pairing is on an
 * issue or OKR, not on shifts.
 */
export function proposePairing(args: { readonly roster: Roster; readonly requester: string; readonly timezone: string; readonly start: string; readonly avoid?: string | null }): Buddy | null {
  const { roster } = args;
  const at = offsetInstant(args.start);
  const own = utcOffsetMinutes(args.timezone, at);
  const sreTeams = new Set(roster.teams.filter((t) => t.kind === 'sre').map((t) => t.id));
  const managers = new Set([...roster.teams.map((t) => t.manager), ...roster.people.flatMap((p) => (p.manager ? [p.manager] : []))].map((u) => u.toLowerCase()));
  const avoided = (b: Buddy) => (b.person.username.toLowerCase() === args.avoid?.toLowerCase() ? 1 : 0);
  const candidates = roster.people
    .filter((p) => sreTeams.has(p.team) && !managers.has(p.username.toLowerCase()) && p.username.toLowerCase() !== args.requester.toLowerCase())
    .map((person) => {
      const offsetMinutes = utcOffsetMinutes(person.timezone, at);
      return { person, offsetMinutes, distanceMinutes: offsetDistance(own, offsetMinutes) };
    })
    .sort((a, b) => a.distanceMinutes - b.distanceMinutes || avoided(a) - avoided(b) || a.person.username.localeCompare(b.person.username));
  return candidates[0] ?? null;
}
