import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  fiscalQuarter,
  localDate,
  nextQuarter,
  parseQuarterName,
  previousQuarter,
  quarterByName,
  quarterName,
  quarterOf,
  zonedTime,
} from '../../src/core/fiscal-quarter.js';

const gitlab = { fiscalYearStartMonth: 2, timezone: 'UTC' };

describe("GitLab's fiscal year, which starts in February", () => {
  it.each([
    ['2026-02-01T00:00:00Z', 'FY27-Q1', '2026-02-01', '2026-04-30'],
    ['2026-04-30T23:59:59Z', 'FY27-Q1', '2026-02-01', '2026-04-30'],
    ['2026-05-01T00:00:00Z', 'FY27-Q2', '2026-05-01', '2026-07-31'],
    ['2026-08-15T12:00:00Z', 'FY27-Q3', '2026-08-01', '2026-10-31'],
    ['2026-11-01T00:00:00Z', 'FY27-Q4', '2026-11-01', '2027-01-31'],
    ['2027-01-31T23:59:59Z', 'FY27-Q4', '2026-11-01', '2027-01-31'],
    ['2027-02-01T00:00:00Z', 'FY28-Q1', '2027-02-01', '2027-04-30'],
    ['2026-01-31T12:00:00Z', 'FY26-Q4', '2025-11-01', '2026-01-31'],
  ])('%s falls in %s (%s to %s)', (instant, name, start, end) => {
    expect(quarterOf(new Date(instant), gitlab)).toMatchObject({ name, start, end });
  });

  it('names FY27 by the calendar year in which it ends', () => {
    expect(quarterByName('FY27-Q4', gitlab)).toEqual({ name: 'FY27-Q4', fiscalYear: 2027, quarter: 4, start: '2026-11-01', end: '2027-01-31' });
  });

  it('moves from Q4 into the next fiscal year and back', () => {
    const q4 = quarterByName('FY27-Q4', gitlab);
    const next = nextQuarter(q4, gitlab);
    expect(next).toMatchObject({ name: 'FY28-Q1', start: '2027-02-01' });
    expect(previousQuarter(next, gitlab)).toEqual(q4);
    expect(previousQuarter(quarterByName('FY27-Q1', gitlab), gitlab)).toMatchObject({ name: 'FY26-Q4', end: '2026-01-31' });
  });
});

describe('every fiscal start month', () => {
  it.each(Array.from({ length: 12 }, (_, i) => i + 1))('a year starting in month %i has four back-to-back quarters', (month) => {
    const cfg = { fiscalYearStartMonth: month, timezone: 'UTC' };
    const firstDay = `2026-${String(month).padStart(2, '0')}-01`;
    const q1 = quarterOf(new Date(`${firstDay}T00:00:00Z`), cfg);
    // Named by the year of its last month: only a January start keeps the calendar year.
    expect(q1).toMatchObject({ quarter: 1, start: firstDay, fiscalYear: month === 1 ? 2026 : 2027 });

    const quarters = [q1, nextQuarter(q1, cfg), nextQuarter(nextQuarter(q1, cfg), cfg)];
    quarters.push(nextQuarter(quarters[2] ?? q1, cfg));
    expect(quarters.map((q) => q.quarter)).toEqual([1, 2, 3, 4]);
    quarters.slice(1).forEach((q, i) => expect(q.start).toBe(addDays(quarters[i]?.end ?? '', 1)));
    expect(addDays(quarters[3]?.end ?? '', 1)).toBe(`2027-${String(month).padStart(2, '0')}-01`);
    expect(quarters.every((q) => q.fiscalYear === q1.fiscalYear)).toBe(true);

    // The day before the year starts is the previous year's last quarter.
    const before = quarterOf(new Date(`${addDays(firstDay, -1)}T12:00:00Z`), cfg);
    expect(before).toMatchObject({ fiscalYear: q1.fiscalYear - 1, quarter: 4 });
    expect(nextQuarter(before, cfg)).toEqual(q1);
    quarters.forEach((q) => expect(quarterByName(q.name, cfg)).toEqual(q));
  });
});

describe('leap years', () => {
  const marchStart = { fiscalYearStartMonth: 3, timezone: 'UTC' };

  it.each([
    ['FY24-Q4', '2024-02-29'],
    ['FY25-Q4', '2025-02-28'],
    ['FY00-Q4', '2000-02-29'],
  ])('%s of a March-start year ends on %s', (name, end) => {
    expect(quarterByName(name, marchStart).end).toBe(end);
  });

  it('puts 29 February in the quarter that holds it', () => {
    expect(quarterOf(new Date('2024-02-29T12:00:00Z'), gitlab).name).toBe('FY25-Q1');
    expect(quarterOf(new Date('2024-02-29T12:00:00Z'), marchStart).name).toBe('FY24-Q4');
  });

  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2100-02-28', 1, '2100-03-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-02-01', 90, '2026-05-02'],
  ])('%s plus %i days is %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it.each([
    ['2024-01-01', '2025-01-01', 366],
    ['2025-01-01', '2026-01-01', 365],
    ['2026-03-01', '2026-02-28', -1],
    ['2026-11-01', '2027-01-31', 91],
    ['2026-03-29', '2026-03-30', 1],
  ])('from %s to %s is %i days', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });
});

describe('time zones decide the local date', () => {
  it('a moment still 31 January in Los Angeles is already February in UTC', () => {
    const moment = new Date('2027-02-01T05:00:00Z');
    expect(localDate(moment, 'America/Los_Angeles')).toBe('2027-01-31');
    expect(quarterOf(moment, { fiscalYearStartMonth: 2, timezone: 'America/Los_Angeles' }).name).toBe('FY27-Q4');
    expect(quarterOf(moment, gitlab).name).toBe('FY28-Q1');
  });

  it('Kiritimati, fourteen hours ahead, starts the quarter while UTC is still in the last one', () => {
    const moment = new Date('2026-01-31T10:30:00Z');
    expect(localDate(moment, 'Pacific/Kiritimati')).toBe('2026-02-01');
    expect(quarterOf(moment, { fiscalYearStartMonth: 2, timezone: 'Pacific/Kiritimati' }).name).toBe('FY27-Q1');
    expect(quarterOf(moment, gitlab).name).toBe('FY26-Q4');
  });

  it.each([
    ['2026-04-30T18:29:59Z', 'FY27-Q1'],
    ['2026-04-30T18:30:00Z', 'FY27-Q2'],
  ])('in Kolkata (UTC+5:30) %s is in %s', (instant, name) => {
    expect(quarterOf(new Date(instant), { fiscalYearStartMonth: 2, timezone: 'Asia/Kolkata' }).name).toBe(name);
  });
});

describe('zonedTime: the instant of a wall-clock time', () => {
  it.each([
    ['2026-02-01', '00:00', 'UTC', '2026-02-01T00:00:00.000Z'],
    ['2026-06-01', '09:00', 'Asia/Kolkata', '2026-06-01T03:30:00.000Z'],
    ['2026-06-01', '09:00', 'Asia/Kathmandu', '2026-06-01T03:15:00.000Z'],
    ['2026-02-01', '00:00', 'Pacific/Kiritimati', '2026-01-31T10:00:00.000Z'],
    ['2026-01-15', '09:00', 'America/New_York', '2026-01-15T14:00:00.000Z'],
    ['2026-07-15', '09:00', 'America/New_York', '2026-07-15T13:00:00.000Z'],
    ['2026-03-08', '03:00', 'America/New_York', '2026-03-08T07:00:00.000Z'],
    ['2026-03-29', '09:00', 'Europe/Berlin', '2026-03-29T07:00:00.000Z'],
  ])('%s %s in %s is %s', (d, t, zone, iso) => {
    expect(zonedTime(d, t, zone).toISOString()).toBe(iso);
  });

  it('moves a time skipped by spring-forward on by the gap (02:30 becomes 03:30)', () => {
    expect(zonedTime('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedTime('2026-03-29', '02:30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the earlier of a time that happens twice in autumn', () => {
    expect(zonedTime('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedTime('2026-10-25', '02:30', 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it.each(['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata'])(
    'gives back the same wall time all through a DST day in %s',
    (zone) => {
      for (const day of ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01']) {
        for (let hour = 0; hour < 24; hour += 1) {
          const time = `${String(hour).padStart(2, '0')}:45`;
          const instant = zonedTime(day, time, zone);
          const shown = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
          expect(localDate(instant, zone)).toBe(day);
          // Only a skipped time may differ, and then it lies later that day.
          if (shown !== time) expect(shown > time).toBe(true);
        }
      }
    },
  );
});

describe('quarter names', () => {
  it.each([
    ['FY27-Q4', { fiscalYear: 2027, quarter: 4 }],
    ['FY27-Q1', { fiscalYear: 2027, quarter: 1 }],
    ['fy26-q2', { fiscalYear: 2026, quarter: 2 }],
    ['FY2030-Q3', { fiscalYear: 2030, quarter: 3 }],
  ])('reads %s', (name, expected) => {
    expect(parseQuarterName(name)).toEqual(expected);
  });

  it.each([['FY27-Q5'], ['FY27-Q0'], ['FY27Q4'], ['Q4-FY27'], ['FY7-Q1'], ['FY027-Q1'], [' FY27-Q4'], ['FY27-Q4 '], [''], ['quarter::FY27-Q4'], ['FY27-Q4\n']])(
    'rejects %j',
    (name) => {
      expect(parseQuarterName(name)).toBeNull();
      expect(() => quarterByName(name, gitlab)).toThrow(RangeError);
    },
  );

  it('writes two-digit years with a leading zero', () => {
    expect(quarterName(2105, 2)).toBe('FY05-Q2');
    expect(fiscalQuarter(2027, 3, gitlab).name).toBe('FY27-Q3');
  });
});

describe('bad input', () => {
  it.each([[0], [13], [1.5], [Number.NaN]])('refuses fiscal start month %s', (month) => {
    expect(() => quarterOf(new Date(), { fiscalYearStartMonth: month, timezone: 'UTC' })).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => localDate(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it.each([
    ['2026-02-30', '09:00'],
    ['2026-2-1', '09:00'],
    ['2026-02-01', '24:00'],
    ['2026-02-01', '9:00'],
    ['2026-02-01', '09:60'],
  ])('refuses %s %s', (d, t) => {
    expect(() => zonedTime(d, t, 'UTC')).toThrow(RangeError);
  });

  it('refuses a fractional number of days and a non-date', () => {
    expect(() => addDays('2026-01-01', 0.5)).toThrow(RangeError);
    expect(() => daysBetween('2026-13-01', '2026-01-01')).toThrow(RangeError);
  });
});
