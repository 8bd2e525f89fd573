import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  bankHolidayCoverageWarning,
  computeDueAt,
  createServiceLevels,
  isWorkingDay,
  isWorkingTime,
  loadBankHolidays,
  parseBankHolidays,
  receivedOn,
  zonedInstant,
} from '../handover/service-levels.js';

const at = (iso: string) => new Date(iso);
const due = (urgency: 'immediate' | 'priority' | 'routine', iso: string) => computeDueAt(urgency, at(iso)).toISOString();

describe('immediate', () => {
  it('is due now, at any hour', () => {
    expect(due('immediate', '2025-06-07T23:30:00.000Z')).toBe('2025-06-07T23:30:00.000Z');
    expect(due('immediate', '2025-12-25T03:00:00.000Z')).toBe('2025-12-25T03:00:00.000Z');
  });
});

describe('ordinary weekdays', () => {
  it('priority: end of the next working day; routine: end of the 3rd working day (17:00 London)', () => {
    // Monday 2 June 2025, 10:00 BST.
    expect(due('priority', '2025-06-02T09:00:00Z')).toBe('2025-06-03T16:00:00.000Z'); // Tue 17:00 BST
    expect(due('routine', '2025-06-02T09:00:00Z')).toBe('2025-06-05T16:00:00.000Z'); // Thu 17:00 BST
    // Wednesday, in winter (GMT).
    expect(due('priority', '2025-01-15T14:00:00Z')).toBe('2025-01-16T17:00:00.000Z');
    expect(due('routine', '2025-01-15T14:00:00Z')).toBe('2025-01-20T17:00:00.000Z'); // Thu, Fri, Mon
  });

  it('counts a request before opening time as received that day', () => {
    expect(receivedOn(at('2025-06-02T06:00:00Z'))).toBe('2025-06-02');
    expect(due('priority', '2025-06-02T06:00:00Z')).toBe('2025-06-03T16:00:00.000Z');
  });
});

describe('weekends', () => {
  it('Friday daytime: priority Monday, routine Wednesday', () => {
    expect(due('priority', '2025-06-06T11:00:00Z')).toBe('2025-06-09T16:00:00.000Z');
    expect(due('routine', '2025-06-06T11:00:00Z')).toBe('2025-06-11T16:00:00.000Z');
  });

  it('Friday evening counts as received on Monday: priority Tuesday, routine Thursday', () => {
    // 17:00 BST exactly is after the working day has ended.
    expect(receivedOn(at('2025-06-06T16:00:00Z'))).toBe('2025-06-09');
    expect(receivedOn(at('2025-06-06T15:59:00Z'))).toBe('2025-06-06');
    expect(due('priority', '2025-06-06T18:30:00Z')).toBe('2025-06-10T16:00:00.000Z');
    expect(due('routine', '2025-06-06T18:30:00Z')).toBe('2025-06-12T16:00:00.000Z');
  });

  it('Saturday and Sunday are treated like Monday morning', () => {
    for (const t of ['2025-06-07T10:00:00Z', '2025-06-08T22:00:00Z', '2025-06-09T07:00:00Z']) {
      expect(due('priority', t)).toBe('2025-06-10T16:00:00.000Z');
      expect(due('routine', t)).toBe('2025-06-12T16:00:00.000Z');
    }
  });

  it('uses the London calendar, not UTC: Sunday 23:30 UTC in summer is already Monday in London', () => {
    expect(receivedOn(at('2025-06-08T23:30:00Z'))).toBe('2025-06-09');
    // Friday 23:30 UTC in summer is Saturday 00:30 in London.
    expect(receivedOn(at('2025-06-06T23:30:00Z'))).toBe('2025-06-09');
  });
});

describe('bank holidays (England and Wales)', () => {
  it('skips Good Friday and Easter Monday', () => {
    // Thursday 17 April 2025, 11:00 BST: Fri 18 and Mon 21 are bank holidays.
    expect(due('priority', '2025-04-17T10:00:00Z')).toBe('2025-04-22T16:00:00.000Z');
    expect(due('routine', '2025-04-17T10:00:00Z')).toBe('2025-04-24T16:00:00.000Z');
  });

  it('skips a Monday bank holiday after a Friday-evening request', () => {
    // Friday 23 May 2025, 19:00 BST; Monday 26 May is the spring bank holiday.
    expect(receivedOn(at('2025-05-23T18:00:00Z'))).toBe('2025-05-27');
    expect(due('priority', '2025-05-23T18:00:00Z')).toBe('2025-05-28T16:00:00.000Z');
    expect(due('routine', '2025-05-23T18:00:00Z')).toBe('2025-05-30T16:00:00.000Z');
  });

  it('handles Christmas, Boxing Day and substitute days', () => {
    // Wednesday 24 December 2025 at noon: Thu 25, Fri 26 holidays, weekend.
    expect(due('priority', '2025-12-24T12:00:00Z')).toBe('2025-12-29T17:00:00.000Z');
    // Christmas 2026 falls on a Friday; Boxing Day's substitute is Monday 28.
    expect(due('priority', '2026-12-24T12:00:00Z')).toBe('2026-12-29T17:00:00.000Z');
    // 2027: Christmas on Saturday, substitutes Monday 27 and Tuesday 28.
    expect(due('priority', '2027-12-24T12:00:00Z')).toBe('2027-12-29T17:00:00.000Z');
    // New Year's Day 2028 is a Saturday; its substitute is Monday 3 January.
    expect(due('priority', '2027-12-31T12:00:00Z')).toBe('2028-01-04T17:00:00.000Z');
  });

  it('a request on a bank holiday counts from the next working day', () => {
    expect(receivedOn(at('2025-08-25T10:00:00Z'))).toBe('2025-08-26');
    expect(due('priority', '2025-08-25T10:00:00Z')).toBe('2025-08-27T16:00:00.000Z');
  });

  it('the data file matches the rules for 2025–2028 (fixed dates, Easter, substitute days)', () => {
    const calendar = loadBankHolidays();
    expect(calendar.covers).toEqual({ from: 2025, to: 2028 });
    const expected = new Set<string>();
    for (let year = 2025; year <= 2028; year++) for (const d of englandAndWalesHolidays(year)) expected.add(d);
    expect([...calendar.dates].sort()).toEqual([...expected].sort());
  });
});

describe('clock changes', () => {
  it('due times stay at 17:00 local time across the change to and from summer time', () => {
    // Friday 28 March 2025 (GMT) -> Monday 31 March (BST from Sunday 30 March).
    expect(due('priority', '2025-03-28T12:00:00Z')).toBe('2025-03-31T16:00:00.000Z');
    // Friday 24 October 2025 (BST) -> Monday 27 October (GMT from Sunday 26 October).
    expect(due('priority', '2025-10-24T12:00:00Z')).toBe('2025-10-27T17:00:00.000Z');
    expect(zonedInstant('2025-03-30', 17 * 60).toISOString()).toBe('2025-03-30T16:00:00.000Z');
  });
});

describe('configuration', () => {
  it('hours, working days and time zone can be changed', () => {
    const hours = { start: '08:30', end: '16:30' };
    expect(computeDueAt('priority', at('2025-06-02T09:00:00Z'), { hours }).toISOString()).toBe('2025-06-03T15:30:00.000Z');
    // 16:45 London is after a 16:30 close.
    expect(receivedOn(at('2025-06-02T15:45:00Z'), { hours })).toBe('2025-06-03');
    expect(computeDueAt('routine', at('2025-06-02T09:00:00Z'), { workingDays: { priority: 1, routine: 5 } }).toISOString()).toBe(
      '2025-06-09T16:00:00.000Z',
    );
    expect(() => computeDueAt('priority', new Date(), { hours: { start: '17:00', end: '09:00' } })).toThrow(/after/);
    expect(() => computeDueAt('priority', new Date(), { hours: { start: '9', end: '17:00' } })).toThrow(/HH:MM/);
  });

  it('accepts another bank-holiday list and checks it', () => {
    const custom = parseBankHolidays(
      'division: england-and-wales\nsource: https://www.gov.uk/bank-holidays\ncovers: { from: 2025, to: 2025 }\nholidays:\n  - { date: 2025-06-03, name: Made-up holiday }\n',
    );
    expect(isWorkingDay('2025-06-03', custom)).toBe(false);
    expect(computeDueAt('priority', at('2025-06-02T09:00:00Z'), { bankHolidays: custom }).toISOString()).toBe('2025-06-04T16:00:00.000Z');
    expect(() => parseBankHolidays('division: england-and-wales\nsource: https://x.test\ncovers: { from: 2025, to: 2025 }\nholidays:\n  - { date: 2025-02-30, name: Nope day }\n')).toThrow(
      /not a real date/,
    );
  });

  it('is pure with an injected clock, and warns when the bank-holiday list runs out', () => {
    let now = at('2025-06-06T18:30:00Z');
    const levels = createServiceLevels({ clock: () => now });
    expect(levels.dueAt('priority').toISOString()).toBe('2025-06-10T16:00:00.000Z');
    expect(levels.isWorkingTime()).toBe(false);
    now = at('2025-06-09T09:00:00Z');
    expect(levels.isWorkingTime()).toBe(true);
    expect(levels.coverageWarning()).toBeNull();
    expect(bankHolidayCoverageWarning(at('2028-12-01T12:00:00Z'))).toMatch(/refresh it from https:\/\/www.gov.uk\/bank-holidays/);
    expect(isWorkingTime(at('2025-06-09T07:59:00Z'))).toBe(false);
    expect(addWorkingDays('2025-12-24', 3)).toBe('2025-12-31');
  });
});

/** England and Wales bank holidays by rule, to check the data file against. */
function englandAndWalesHolidays(year: number): string[] {
  const day = (m: number, d: number) => new Date(Date.UTC(year, m - 1, d));
  const fmt = (d: Date) => d.toISOString().slice(0, 10);
  const add = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
  const weekday = (d: Date) => d.getUTCDay();
  // Easter Sunday (anonymous Gregorian algorithm).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const easter = day(month, ((h + l - 7 * m + 114) % 31) + 1);
  let newYear = day(1, 1);
  while (weekday(newYear) === 0 || weekday(newYear) === 6) newYear = add(newYear, 1);
  let earlyMay = day(5, 1);
  while (weekday(earlyMay) !== 1) earlyMay = add(earlyMay, 1);
  let spring = day(5, 31);
  while (weekday(spring) !== 1) spring = add(spring, -1);
  let summer = day(8, 31);
  while (weekday(summer) !== 1) summer = add(summer, -1);
  let christmas = day(12, 25);
  let boxing = day(12, 26);
  if (weekday(christmas) === 6) {
    christmas = add(christmas, 2);
    boxing = add(boxing, 2);
  } else if (weekday(christmas) === 0) {
    christmas = add(christmas, 2);
  } else if (weekday(christmas) === 5) {
    boxing = add(boxing, 2);
  }
  return [newYear, add(easter, -2), add(easter, 1), earlyMay, spring, summer, christmas, boxing].map(fmt);
}
