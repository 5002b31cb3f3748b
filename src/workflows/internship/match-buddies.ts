import type { Person, Roster } from '../../core/roster.js';

/**
 * On-call shadow buddies: on-call SREs whose clocks are within three hours of the requester's during
 * the internship, so the shifts they shadow fall in their working day. Offsets come from Intl at the
 * proposed start date, so daylight saving and half- or quarter-hour zones (Kolkata +5:30, Adelaide
 * +9:30/+10:30, Chatham +12:45) count as they will be then, not as they are today.
 */

/** How far apart two zones may be, in minutes. */
export const MAX_DISTANCE_MINUTES = 180;

/** A proposed buddy. */
export interface Buddy {
  readonly person: Person;
  /** Their UTC offset on the start date, in minutes. */
  readonly offsetMinutes: number;
  /** Minutes between their clock and the requester's (0-720). */
  readonly distanceMinutes: number;
}

/**
 * Minutes that `timezone`'s clocks are ahead of UTC at `at` (Intl's `longOffset`, e.g. `GMT+05:30`).
 * Throws RangeError for a zone Intl does not know.
 */
export function utcOffsetMinutes(timezone: string, at: Date): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
  const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(part?.value ?? '');
  if (!m) throw new RangeError(`cannot read the UTC offset of ${timezone} (${part?.value ?? 'none'})`);
  const minutes = Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * Minutes between two UTC offsets, around the clock: UTC+12 and UTC-11 are one hour apart, since
 * working hours are what must overlap, not the calendar date.
 */
export function offsetDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 1440;
  return Math.min(d, 1440 - d);
}

/** `UTC+05:30`, `UTC-03:00`, `UTC` */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The instant at which offsets are compared: noon UTC on the start date, clear of the night-time DST switches. */
export function offsetInstant(start: string): Date {
  return new Date(`${start}T12:00:00Z`);
}

/**
 * Up to `limit` on-call SREs (on call, in a team of kind `sre`) within three hours of `timezone` on
 * `start`, never the requester: nearest first, spread across teams. Spreading takes the nearest of
 * each team before a second from any team, then orders the pick by distance (ties by username, so
 * the same roster always proposes the same people).
 */
export function matchBuddies(args: { readonly roster: Roster; readonly requester: string; readonly timezone: string; readonly start: string; readonly limit?: number }): Buddy[] {
  const { roster, timezone } = args;
  const limit = args.limit ?? 3;
  const at = offsetInstant(args.start);
  const own = utcOffsetMinutes(timezone, at);
  const sreTeams = new Set(roster.teams.filter((t) => t.kind === 'sre').map((t) => t.id));
  const candidates = roster.people
    .filter((p) => p.onCall && sreTeams.has(p.team) && p.username.toLowerCase() !== args.requester.toLowerCase())
    .map((person) => {
      const offsetMinutes = utcOffsetMinutes(person.timezone, at);
      return { person, offsetMinutes, distanceMinutes: offsetDistance(own, offsetMinutes) };
    })
    .filter((b) => b.distanceMinutes <= MAX_DISTANCE_MINUTES)
    .sort(byDistance);
  const picked: Buddy[] = [];
  const teams = new Set<string>();
  for (const b of candidates) {
    if (picked.length < limit && !teams.has(b.person.team)) {
      picked.push(b);
      teams.add(b.person.team);
    }
  }
  for (const b of candidates) if (picked.length < limit && !picked.includes(b)) picked.push(b);
  return picked.sort(byDistance);
}

/** The offset facts of someone named as a buddy outside the proposals (by the manager or the requester). */
export function buddyFacts(person: Person, timezone: string, start: string): Buddy {
  const at = offsetInstant(start);
  const offsetMinutes = utcOffsetMinutes(person.timezone, at);
  return { person, offsetMinutes, distanceMinutes: offsetDistance(utcOffsetMinutes(timezone, at), offsetMinutes) };
}

function byDistance(a: Buddy, b: Buddy): number {
  return a.distanceMinutes - b.distanceMinutes || a.person.username.localeCompare(b.person.username);
}
