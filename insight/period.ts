/**
 * Reporting periods in London calendar days: the service works in Europe/London, so a "day"
 * on the insight page starts at London midnight (GMT or BST), whatever the server's zone.
 */
import { issueLines } from '../text/zod-issues.js';
import { Period } from './schema.js';

const DAY_MS = 86_400_000;
const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const londonClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });

/** The London date of an instant, as YYYY-MM-DD. */
export function londonDayOf(ms: number): string {
  return londonDay.format(new Date(ms));
}

/** The instant London's day `day` (YYYY-MM-DD) starts. */
export function londonDayStart(day: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // London is UTC or UTC+1 at midnight: if 00:00 UTC is already 01:00 there, the day began an hour earlier.
  const [hours] = londonClock.format(new Date(utcMidnight)).split(':');
  return utcMidnight - Number(hours) * 3_600_000;
}

/** [start, end) of a period, in ms. */
export function periodBounds(period: Period): { start: number; end: number } {
  return { start: londonDayStart(period.from), end: londonDayStart(nextDay(period.to)) };
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** Every day of the period, in order. */
export function daysOf(period: Period): string[] {
  const out: string[] = [];
  for (let d = period.from; d <= period.to; d = nextDay(d)) out.push(d);
  return out;
}

/** The 30 days up to and including today (London). */
export function defaultPeriod(now: Date): Period {
  const to = londonDayOf(now.getTime());
  return { from: new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10), to };
}

/** A period from user input (query string, CLI flags), or the zod issues as plain messages. */
export function parsePeriod(input: { from?: unknown; to?: unknown }, now: Date): { ok: true; period: Period } | { ok: false; errors: string[] } {
  const fallback = defaultPeriod(now);
  const parsed = Period.safeParse({
    from: typeof input.from === 'string' && input.from ? input.from : fallback.from,
    to: typeof input.to === 'string' && input.to ? input.to : fallback.to,
  });
  return parsed.success ? { ok: true, period: parsed.data } : { ok: false, errors: issueLines(parsed.error, { root: 'period' }) };
}
