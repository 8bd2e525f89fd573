/**
 * When a handover is due: how soon a locality officer should contact the family.
 *
 *   immediate -> now (the bot has already told the family what to do straight away); it is
 *                "due now" for IMMEDIATE_PICK_UP_MINUTES, then overdue
 *   priority  -> the end of the next working day
 *   routine   -> the end of the 3rd working day
 *
 * "Working day" means Monday to Friday except bank holidays in England and Wales
 * (`handover/bank-holidays.yaml`, which must be refreshed from GOV.UK). Days and times are
 * those of England (Europe/London), whatever the server's time zone.
 *
 * A request counts as received on the day it arrives if that is a working day and it arrives
 * before the end of the working day; otherwise it counts as received on the next working day.
 * So a request sent on Friday evening, at the weekend or on a bank holiday is treated like
 * one sent first thing on the next working day. Days are counted from the day it is received:
 * received Monday -> priority due Tuesday, routine due Thursday, at the end of the day.
 *
 * All functions are pure: the current time is passed in (or comes from an injected clock).
 */
import { z } from 'zod';
import { loadYaml, parseYaml } from '../text/load-yaml.js';
import type { Urgency } from '../triage/schema.js';

const DEFAULT_BANK_HOLIDAYS = new URL('./bank-holidays.yaml', import.meta.url);

// ---------------------------------------------------------------------------------------
// Bank holidays
// ---------------------------------------------------------------------------------------

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real date');

const BankHolidaysFile = z
  .object({
    division: z.literal('england-and-wales'),
    source: z.string().url(),
    covers: z.object({ from: z.number().int().min(2000), to: z.number().int().max(2100) }).strict(),
    holidays: z.array(z.object({ date: IsoDate, name: z.string().min(3).max(80) }).strict()).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.covers.to < f.covers.from) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'covers.to is before covers.from' });
    f.holidays.forEach((h, i) => {
      const year = Number(h.date.slice(0, 4));
      if (year < f.covers.from || year > f.covers.to) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['holidays', i, 'date'], message: `${h.date} is outside covers` });
      }
    });
  });

export interface BankHolidayCalendar {
  /** Bank holiday dates, YYYY-MM-DD (England). */
  readonly dates: ReadonlySet<string>;
  /** The years the list is complete for. */
  readonly covers: { readonly from: number; readonly to: number };
}

type BankHolidaysFile = z.infer<typeof BankHolidaysFile>;
const calendarOf = (file: BankHolidaysFile): BankHolidayCalendar => ({ dates: new Set(file.holidays.map((h) => h.date)), covers: file.covers });

/** Checks the text of a bank-holidays file; throws an error naming the file and the problem. */
export function parseBankHolidays(text: string, source = 'bank-holidays.yaml'): BankHolidayCalendar {
  return calendarOf(parseYaml(text, BankHolidaysFile, source));
}

let defaultCalendar: BankHolidayCalendar | undefined;

/** Reads `handover/bank-holidays.yaml` (or another file); the default file is read once. */
export function loadBankHolidays(path?: string | URL): BankHolidayCalendar {
  if (path === undefined && defaultCalendar) return defaultCalendar;
  const calendar = calendarOf(loadYaml(path ?? DEFAULT_BANK_HOLIDAYS, BankHolidaysFile));
  if (path === undefined) defaultCalendar = calendar;
  return calendar;
}

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

export interface WorkingHours {
  /** Start of the working day, HH:MM local time (default 09:00). */
  start: string;
  /** End of the working day, HH:MM local time (default 17:00); due times fall here. */
  end: string;
}

export interface ServiceLevelOptions {
  /** IANA time zone whose calendar and clock are used (default Europe/London). */
  timeZone?: string;
  /** Working hours (default 09:00–17:00). */
  hours?: WorkingHours;
  /** Bank holidays (default: handover/bank-holidays.yaml). */
  bankHolidays?: BankHolidayCalendar;
  /** Working days allowed per urgency (default priority 1, routine 3). */
  workingDays?: { priority: number; routine: number };
}

interface Resolved {
  timeZone: string;
  startMinutes: number;
  endMinutes: number;
  calendar: BankHolidayCalendar;
  workingDays: { priority: number; routine: number };
}

function minutesOf(hhmm: string, label: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`service levels: ${label} must be a time written HH:MM, not "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function resolve(options: ServiceLevelOptions = {}): Resolved {
  const timeZone = options.timeZone ?? 'Europe/London';
  formatterFor(timeZone); // throws RangeError for an unknown zone
  const startMinutes = minutesOf(options.hours?.start ?? '09:00', 'hours.start');
  const endMinutes = minutesOf(options.hours?.end ?? '17:00', 'hours.end');
  if (endMinutes <= startMinutes) throw new Error('service levels: hours.end must be after hours.start');
  const workingDays = options.workingDays ?? { priority: 1, routine: 3 };
  for (const [k, v] of Object.entries(workingDays)) {
    if (!Number.isInteger(v) || v < 1 || v > 30) throw new Error(`service levels: workingDays.${k} must be 1–30`);
  }
  return { timeZone, startMinutes, endMinutes, calendar: options.bankHolidays ?? loadBankHolidays(), workingDays };
}

// ---------------------------------------------------------------------------------------
// Calendar arithmetic (dates as YYYY-MM-DD strings in the local zone)
// ---------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar date (YYYY-MM-DD) and minutes after local midnight of an instant. */
export function localDateTime(instant: Date, timeZone = 'Europe/London'): { date: string; minutes: number } {
  const w = wallClock(instant, timeZone);
  return { date: `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`, minutes: w.hour * 60 + w.minute };
}

/** The instant at which the local clock in `timeZone` shows `date` at `minutes` after midnight. */
export function zonedInstant(date: string, minutes: number, timeZone = 'Europe/London'): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, m - 1, d, 0, minutes);
  let guess = wanted;
  // Two corrections settle any offset, including the days the clocks change.
  for (let i = 0; i < 3; i++) {
    const w = wallClock(new Date(guess), timeZone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    const diff = wanted - shown;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

/** The date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`).getTime() + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Monday to Friday and not a bank holiday. */
export function isWorkingDay(date: string, calendar: BankHolidayCalendar = loadBankHolidays()): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !calendar.dates.has(date);
}

/** The first working day after `date`. */
export function nextWorkingDay(date: string, calendar: BankHolidayCalendar = loadBankHolidays()): string {
  let d = addDays(date, 1);
  while (!isWorkingDay(d, calendar)) d = addDays(d, 1);
  return d;
}

/** The `n`th working day after `date` (n ≥ 1). */
export function addWorkingDays(date: string, n: number, calendar: BankHolidayCalendar = loadBankHolidays()): string {
  let d = date;
  for (let i = 0; i < n; i++) d = nextWorkingDay(d, calendar);
  return d;
}

// ---------------------------------------------------------------------------------------
// Service levels
// ---------------------------------------------------------------------------------------

/** The working day a request arriving at `now` counts as received on (YYYY-MM-DD, local). */
export function receivedOn(now: Date, options?: ServiceLevelOptions): string {
  const o = resolve(options);
  const local = localDateTime(now, o.timeZone);
  return isWorkingDay(local.date, o.calendar) && local.minutes < o.endMinutes
    ? local.date
    : nextWorkingDay(local.date, o.calendar);
}

/** An immediate handover is due at once and should be picked up within this many minutes, at any hour; after that it is overdue. */
export const IMMEDIATE_PICK_UP_MINUTES = 60;

/** When a handover of this urgency, arriving at `now`, should be picked up by. */
export function computeDueAt(urgency: Urgency, now: Date, options?: ServiceLevelOptions): Date {
  if (urgency === 'immediate') return new Date(now.getTime());
  const o = resolve(options);
  const received = receivedOn(now, { ...options, bankHolidays: o.calendar });
  const dueDay = addWorkingDays(received, o.workingDays[urgency], o.calendar);
  return zonedInstant(dueDay, o.endMinutes, o.timeZone);
}

/** True during working hours on a working day. */
export function isWorkingTime(now: Date, options?: ServiceLevelOptions): boolean {
  const o = resolve(options);
  const local = localDateTime(now, o.timeZone);
  return isWorkingDay(local.date, o.calendar) && local.minutes >= o.startMinutes && local.minutes < o.endMinutes;
}

/**
 * A warning for the operator when the bank-holiday list does not cover the coming year
 * (so due times could land on a bank holiday), or null when it does.
 */
export function bankHolidayCoverageWarning(now: Date, calendar: BankHolidayCalendar = loadBankHolidays()): string | null {
  const year = Number(localDateTime(now).date.slice(0, 4));
  const soon = Number(localDateTime(new Date(now.getTime() + 60 * 86_400_000)).date.slice(0, 4));
  if (year < calendar.covers.from || soon > calendar.covers.to) {
    return `handover/bank-holidays.yaml covers ${calendar.covers.from}–${calendar.covers.to}; refresh it from https://www.gov.uk/bank-holidays`;
  }
  return null;
}

export interface ServiceLevels {
  /** Due time for a handover of this urgency arriving now. */
  dueAt(urgency: Urgency): Date;
  /** True during working hours on a working day. */
  isWorkingTime(): boolean;
  /** See `bankHolidayCoverageWarning`. */
  coverageWarning(): string | null;
}

/** Service levels bound to a clock (inject a fixed clock in tests). */
export function createServiceLevels(options: ServiceLevelOptions & { clock?: () => Date } = {}): ServiceLevels {
  const { clock = () => new Date(), ...rest } = options;
  const fixed: ServiceLevelOptions = { ...rest, bankHolidays: rest.bankHolidays ?? loadBankHolidays() };
  resolve(fixed); // validate once, at start-up
  return {
    dueAt: (urgency) => computeDueAt(urgency, clock(), fixed),
    isWorkingTime: () => isWorkingTime(clock(), fixed),
    coverageWarning: () => bankHolidayCoverageWarning(clock(), fixed.bankHolidays),
  };
}
