import { describe, expect, it } from 'vitest';
import { formatOffset, matchBuddies, offsetDistance, utcOffsetMinutes } from '../../src/workflows/internship/match-buddies.js';
import { proposePairing } from '../../src/workflows/internship/match-pairing.js';
import { demoRoster, rosterWith } from './internship-fixtures.js';

const JANUARY = '2027-01-11';
const JULY = '2026-07-06';

function names(args: Parameters<typeof matchBuddies>[0]): string[] {
  return matchBuddies(args).map((b) => b.person.username);
}

describe('UTC offsets, from Intl at a given date', () => {
  it.each([
    ['Asia/Kolkata', JULY, 330],
    ['Asia/Kathmandu', JULY, 345],
    ['America/St_Johns', JULY, -150],
    ['America/St_Johns', JANUARY, -210],
    ['Australia/Adelaide', JULY, 570],
    ['Australia/Adelaide', JANUARY, 630],
    ['Pacific/Chatham', JULY, 765],
    ['Europe/London', JANUARY, 0],
    ['Europe/London', JULY, 60],
    ['UTC', JULY, 0],
  ])('%s on %s is %i minutes from UTC', (zone, day, minutes) => {
    expect(utcOffsetMinutes(zone, new Date(`${day}T12:00:00Z`))).toBe(minutes);
  });

  it('distances go around the clock: UTC+12 and UTC-11 are an hour apart', () => {
    expect(offsetDistance(720, -660)).toBe(60);
    expect(offsetDistance(330, 120)).toBe(210);
    expect(offsetDistance(-150, -150)).toBe(0);
  });

  it.each([
    [330, 'UTC+05:30'],
    [-210, 'UTC-03:30'],
    [0, 'UTC'],
  ])('an offset of %i minutes is shown as %s', (minutes, text) => {
    expect(formatOffset(minutes)).toBe(text);
  });
});

describe('proposing on-call shadow buddies', () => {
  it('in the demo department, Ian in Dublin gets the two Europeans of Foundations, nearest first; nobody five hours away', () => {
    const buddies = matchBuddies({ roster: demoRoster(), requester: 'ian', timezone: 'Europe/Dublin', start: '2026-05-04' });
    expect(buddies.map((b) => [b.person.username, b.distanceMinutes])).toEqual([
      ['alice', 60],
      ['bob', 60],
    ]);
  });

  it('half-hour and quarter-hour zones count to the minute: Kolkata matches Kathmandu, Dubai and Moscow, not Berlin or Tokyo', () => {
    const roster = rosterWith([
      { username: 'ktm', team: 'sre-a', timezone: 'Asia/Kathmandu' },
      { username: 'dxb', team: 'sre-b', timezone: 'Asia/Dubai' },
      { username: 'mow', team: 'sre-c', timezone: 'Europe/Moscow' },
      { username: 'ber', team: 'sre-a', timezone: 'Europe/Berlin' },
      { username: 'tyo', team: 'sre-b', timezone: 'Asia/Tokyo' },
    ]);
    const buddies = matchBuddies({ roster, requester: 'me', timezone: 'Asia/Kolkata', start: JULY });
    expect(buddies.map((b) => [b.person.username, b.distanceMinutes])).toEqual([
      ['ktm', 15],
      ['dxb', 90],
      ['mow', 150],
    ]);
  });

  it('daylight saving is judged at the start date: São Paulo is three hours from London in January, four in July', () => {
    const roster = rosterWith([{ username: 'sao', team: 'sre-a', timezone: 'America/Sao_Paulo' }]);
    expect(names({ roster, requester: 'me', timezone: 'Europe/London', start: JANUARY })).toEqual(['sao']);
    expect(names({ roster, requester: 'me', timezone: 'Europe/London', start: JULY })).toEqual([]);
  });

  it('daylight saving on the southern side: Adelaide is within three hours of Tokyo in July but not in January', () => {
    const roster = rosterWith([{ username: 'adl', team: 'sre-a', timezone: 'Australia/Adelaide' }]);
    expect(names({ roster, requester: 'me', timezone: 'Asia/Kolkata', start: JULY })).toEqual([]);
    expect(matchBuddies({ roster, requester: 'me', timezone: 'Asia/Tokyo', start: JULY })[0]?.distanceMinutes).toBe(30);
    expect(matchBuddies({ roster, requester: 'me', timezone: 'Asia/Tokyo', start: JANUARY })[0]?.distanceMinutes).toBe(90);
  });

  it('across the date line, Auckland and Honolulu are neighbours', () => {
    const roster = rosterWith([{ username: 'hnl', team: 'sre-a', timezone: 'Pacific/Honolulu' }]);
    expect(matchBuddies({ roster, requester: 'me', timezone: 'Pacific/Auckland', start: JULY })[0]?.distanceMinutes).toBe(120);
    expect(matchBuddies({ roster, requester: 'me', timezone: 'Pacific/Auckland', start: JANUARY })[0]?.distanceMinutes).toBe(60);
  });

  it('exactly three hours is near enough; three and a half is not', () => {
    const roster = rosterWith([
      { username: 'three', team: 'sre-a', timezone: 'Asia/Dhaka' },
      { username: 'half', team: 'sre-b', timezone: 'Asia/Kolkata' },
    ]);
    expect(matchBuddies({ roster, requester: 'me', timezone: 'Asia/Tokyo', start: JULY }).map((b) => [b.person.username, b.distanceMinutes])).toEqual([['three', 180]]);
  });

  it('spreads across teams: the nearest of each team before a second from any, then nearest first', () => {
    const roster = rosterWith([
      { username: 'a1', team: 'sre-a', timezone: 'Europe/Berlin' },
      { username: 'a2', team: 'sre-a', timezone: 'Europe/Paris' },
      { username: 'a3', team: 'sre-a', timezone: 'Europe/Madrid' },
      { username: 'b1', team: 'sre-b', timezone: 'Europe/Helsinki' },
      { username: 'c1', team: 'sre-c', timezone: 'Europe/Moscow' },
    ]);
    expect(names({ roster, requester: 'me', timezone: 'Europe/Berlin', start: JULY })).toEqual(['a1', 'b1', 'c1']);
  });

  it('fills from one team when no other team is near, and proposes at most three', () => {
    const roster = rosterWith(['x1', 'x2', 'x3', 'x4'].map((username) => ({ username, team: 'sre-a', timezone: 'Europe/Berlin' })));
    expect(names({ roster, requester: 'me', timezone: 'Europe/Berlin', start: JULY })).toEqual(['x1', 'x2', 'x3']);
  });

  it('never proposes the requester, anyone off call, or someone outside an SRE team', () => {
    const roster = rosterWith([
      { username: 'me', team: 'sre-a', timezone: 'Europe/Berlin' },
      { username: 'resting', team: 'sre-a', timezone: 'Europe/Berlin', onCall: false },
      { username: 'dev', team: 'dev', timezone: 'Europe/Berlin' },
      { username: 'ok', team: 'sre-b', timezone: 'Europe/Berlin' },
    ]);
    expect(names({ roster, requester: 'ME', timezone: 'Europe/Berlin', start: JULY })).toEqual(['ok']);
  });
});

describe('proposing a pairing engineer', () => {
  const pick = (roster: Parameters<typeof proposePairing>[0]['roster'], avoid: string | null = null, timezone = 'Europe/Dublin') =>
    proposePairing({ roster, requester: 'ian', timezone, start: JULY, avoid })?.person.username ?? null;

  it('the nearest Reliability engineer, on call or not; never the requester, a manager, or someone outside an SRE team', () => {
    const roster = rosterWith([
      { username: 'ian', team: 'sre-a', timezone: 'Europe/Dublin', manager: 'mia' },
      { username: 'mia', team: 'sre-a', timezone: 'Europe/London' }, // manages ian
      { username: 'm', team: 'sre-b', timezone: 'Europe/London' }, // the teams' manager
      { username: 'dev', team: 'dev', timezone: 'Europe/London' },
      { username: 'far', team: 'sre-b', timezone: 'Asia/Tokyo' },
      { username: 'near', team: 'sre-c', timezone: 'Europe/Berlin', onCall: false },
    ]);
    expect(pick(roster)).toBe('near');
  });

  it('is deterministic: equally near, someone other than the proposed buddy, then by username', () => {
    expect(pick(demoRoster())).toBe('alice');
    expect(pick(demoRoster(), 'alice')).toBe('bob');
    expect(pick(demoRoster(), 'bob')).toBe('alice');
  });

  it('nobody to propose when the roster has no Reliability engineer but the requester', () => {
    expect(pick(rosterWith([{ username: 'ian', team: 'sre-a', timezone: 'Europe/Dublin' }]))).toBeNull();
  });
});
