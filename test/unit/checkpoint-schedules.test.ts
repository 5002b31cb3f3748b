import { describe, expect, it } from 'vitest';
import { checkpointSchedules, quarterStartMonths } from '../../src/workflows/checkpoint/checkpoint-schedules.js';
import { reviewDay } from '../../src/workflows/checkpoint/quarter-passes.js';
import { roster } from './checkpoint-fixtures.js';

describe('the checkpoint calendar as job schedulers', () => {
  it.each([
    [2, [2, 5, 8, 11]],
    [1, [1, 4, 7, 10]],
    [11, [2, 5, 8, 11]],
    [12, [3, 6, 9, 12]],
    [7, [1, 4, 7, 10]],
  ])('a fiscal year starting in month %i opens quarters in months %j', (start, months) => {
    expect(quarterStartMonths(start)).toEqual(months);
  });

  it("quarters open and close at 09:00 on their first day in the roster's time zone; the review check and the 1:1 nudge run daily; 360 gathering on each review date", () => {
    expect(checkpointSchedules(roster())).toEqual([
      { id: 'checkpoint-quarter-open', cron: '0 9 1 2,5,8,11 *', tz: 'Europe/London', job: 'checkpoint:open-quarter' },
      { id: 'checkpoint-quarter-close', cron: '0 9 1 2,5,8,11 *', tz: 'Europe/London', job: 'checkpoint:close-quarter' },
      { id: 'checkpoint-review-reminder', cron: '0 9 * * *', tz: 'Europe/London', job: 'checkpoint:review-reminder' },
      { id: 'checkpoint-focus-nudge', cron: '0 9 * * *', tz: 'Europe/London', job: 'checkpoint:focus-nudge' },
      { id: 'checkpoint-evidence-03-01', cron: '0 9 1 3 *', tz: 'Europe/London', job: 'checkpoint:gather-year', data: { date: '03-01' } },
      { id: 'checkpoint-evidence-09-01', cron: '0 9 1 9 *', tz: 'Europe/London', job: 'checkpoint:gather-year', data: { date: '09-01' } },
    ]);
  });

  it('a roster in another zone and fiscal year moves every schedule with it', () => {
    const other = roster().timezone === 'Europe/London' ? { ...roster(), timezone: 'America/New_York', fiscalYearStartMonth: 1, reviewDates: ['12-15'] } : roster();
    const schedules = checkpointSchedules(other);
    expect(new Set(schedules.map((s) => s.tz))).toEqual(new Set(['America/New_York']));
    expect(schedules[0]?.cron).toBe('0 9 1 1,4,7,10 *');
    expect(schedules.at(-1)).toMatchObject({ cron: '0 9 15 12 *', data: { date: '12-15' } });
  });

  it.each([
    ['2026-03-01', '03-01', '2026-03-01'],
    ['2026-03-02', '03-01', '2026-03-01'],
    ['2027-01-02', '12-31', '2026-12-31'],
    ['2026-05-05', undefined, '2026-05-05'],
  ])('a gathering run on %s for %s stands for %s', (today, date, day) => {
    expect(reviewDay(today, date)).toBe(day);
  });
});
