/**
 * DEAL's office hours, as data (conversation/office-hours.yaml, checked with zod), so the
 * answer to "is someone there?" is honest: a person can join a chat only while the team is in.
 * Bank holidays come from the same calendar the service levels use.
 */
import { z } from 'zod';
import { loadYaml } from '../text/load-yaml.js';
import { loadBankHolidays, localDateTime, type BankHolidayCalendar } from '../handover/service-levels.js';

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time written HH:MM');
const Day = z.object({ open: Time, close: Time }).strict().refine((d) => d.close > d.open, 'close must be after open');
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export const OfficeHoursFile = z
  .object({
    timeZone: z.string().refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone'),
    confirmed: z.boolean(),
    days: z.object(Object.fromEntries(DAYS.map((d) => [d, Day.optional()])) as Record<(typeof DAYS)[number], z.ZodOptional<typeof Day>>).strict(),
  })
  .strict();
export type OfficeHoursFile = z.infer<typeof OfficeHoursFile>;

export const DEFAULT_OFFICE_HOURS_FILE = new URL('./office-hours.yaml', import.meta.url);

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
/** "09:00" -> "9am", "16:30" -> "4:30pm". */
const spoken = (hhmm: string) => {
  const m = minutes(hhmm);
  const h = Math.floor(m / 60) % 12 || 12;
  return `${h}${m % 60 ? `:${String(m % 60).padStart(2, '0')}` : ''}${m >= 720 ? 'pm' : 'am'}`;
};

export class OfficeHours {
  constructor(
    readonly data: OfficeHoursFile,
    private readonly calendar: BankHolidayCalendar = loadBankHolidays(),
  ) {}

  static load(file: string | URL = DEFAULT_OFFICE_HOURS_FILE): OfficeHours {
    return new OfficeHours(loadYaml(file, OfficeHoursFile));
  }

  /** Whether the team is in at `now`, and until when (spoken, e.g. "5pm"). */
  at(now: Date): { open: true; until: string } | { open: false } {
    const local = localDateTime(now, this.data.timeZone);
    const weekday = DAYS[new Date(`${local.date}T00:00:00Z`).getUTCDay()]!;
    const day = this.data.days[weekday];
    if (!day || this.calendar.dates.has(local.date)) return { open: false }; // a bank holiday is closed
    if (local.minutes < minutes(day.open) || local.minutes >= minutes(day.close)) return { open: false };
    return { open: true, until: spoken(day.close) };
  }

  /** "Monday to Friday, 9am to 5pm", from the data (each day listed when they differ). */
  describe(): string {
    const open = DAYS.map((d) => [d, this.data.days[d]] as const).filter((e): e is [(typeof DAYS)[number], z.infer<typeof Day>] => !!e[1]);
    if (open.length === 0) return 'no set hours';
    const name = (d: string) => d[0]!.toUpperCase() + d.slice(1);
    const same = open.every(([, h]) => h.open === open[0]![1].open && h.close === open[0]![1].close);
    const consecutive = open.every(([d], i) => i === 0 || DAYS.indexOf(d) === DAYS.indexOf(open[i - 1]![0]) + 1);
    if (same && consecutive && open.length > 1) return `${name(open[0]![0])} to ${name(open.at(-1)![0])}, ${spoken(open[0]![1].open)} to ${spoken(open[0]![1].close)}`;
    return open.map(([d, h]) => `${name(d)} ${spoken(h.open)} to ${spoken(h.close)}`).join('; ');
  }
}
