/**
 * Plain-English wording for the staff pages: times in Europe/London ("today at 5:30pm"),
 * and labels for the codes stored on a handover (status, urgency, outcome, events).
 *
 * The labels are typed as complete records of the schema enums, so adding a code to
 * handover/schema.ts without wording it here is a type error rather than a blank cell.
 */
import type { EventKind, HandoverStatus, Outcome } from '../handover/schema.js';
import { IMMEDIATE_PICK_UP_MINUTES, localDateTime } from '../handover/service-levels.js';
import { URGENCY_LABELS, type Requester, type Urgency } from '../triage/schema.js';

const TIME_ZONE = 'Europe/London';

const timeParts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: 'numeric', minute: '2-digit', hour12: true });
const dateParts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  return parts.find((p) => p.type === type)?.value ?? '';
}

/** The London calendar day of `date`, as a day number (for counting days apart). */
function londonDay(date: Date): number {
  return Date.parse(`${localDateTime(date, TIME_ZONE).date}T00:00:00Z`) / 86_400_000;
}

/** "5:30pm", "9:05am", "midday", "midnight" (London time). */
export function londonTime(date: Date): string {
  const p = timeParts.formatToParts(date);
  const hour = part(p, 'hour');
  const minute = part(p, 'minute');
  const period = part(p, 'dayPeriod').toLowerCase().replace(/\s|\./g, '');
  if ((hour === '12' || hour === '0') && minute === '00') return period === 'pm' ? 'midday' : 'midnight';
  return `${hour === '0' ? '12' : hour}:${minute}${period}`;
}

/** "Tuesday 3 June 2025" (London date). */
export function londonDate(date: Date): string {
  const p = dateParts.formatToParts(date);
  return `${part(p, 'weekday')} ${part(p, 'day')} ${part(p, 'month')} ${part(p, 'year')}`;
}

/**
 * A time in plain words, relative to `now` when close: "today at 5:30pm", "tomorrow at
 * midday", "yesterday at 9:05am", otherwise "Tuesday 3 June 2025 at 5:30pm".
 */
export function plainDateTime(iso: string, now: Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  const days = londonDay(date) - londonDay(now);
  const day = days === 0 ? 'today' : days === 1 ? 'tomorrow' : days === -1 ? 'yesterday' : londonDate(date);
  return `${day} at ${londonTime(date)}`;
}

/** The same with a capital first letter, for the start of a table cell or sentence. */
export function plainDateTimeCapital(iso: string, now: Date): string {
  const text = plainDateTime(iso, now);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

type Due = { status: HandoverStatus; dueAt: string; urgency?: Urgency };

/**
 * 'due-now' for an open immediate handover within its service level (due at once, picked up
 * within IMMEDIATE_PICK_UP_MINUTES); 'overdue' once an open handover is past its service level;
 * otherwise null.
 */
export function dueState(handover: Due, now: Date): 'due-now' | 'overdue' | null {
  if (handover.status === 'closed') return null;
  const due = Date.parse(handover.dueAt);
  if (handover.urgency === 'immediate') return now.getTime() >= due + IMMEDIATE_PICK_UP_MINUTES * 60_000 ? 'overdue' : 'due-now';
  return due < now.getTime() ? 'overdue' : null;
}

/** True when an open handover is past its service level (an immediate one: the pick-up time after it arrived). */
export function isOverdue(handover: Due, now: Date): boolean {
  return dueState(handover, now) === 'overdue';
}

export const STATUS_LABELS: Record<HandoverStatus, string> = {
  received: 'New (not claimed)',
  'with-officer': 'With an officer',
  closed: 'Closed',
};

export { URGENCY_LABELS };

export const OUTCOME_LABELS: Record<Outcome, string> = {
  'advice-given': 'Advice given',
  signposted: 'Signposted to another service',
  'referred-to-service': 'Referred to a service',
  'ehcna-request-supported': 'EHC needs assessment request supported',
  'safeguarding-referral': 'Safeguarding referral made',
  'could-not-contact': 'Could not contact the family',
  withdrawn: 'The family withdrew the request',
  duplicate: 'Duplicate of another request',
  other: 'Other',
};

export const EVENT_LABELS: Record<EventKind, string> = {
  created: 'Request received',
  notified: 'Team notified',
  claimed: 'Claimed',
  'note-added': 'Note added',
  resolved: 'Resolved',
  purged: 'Personal details deleted',
};

export const REQUESTER_LABELS: Record<Requester, string> = {
  parent: 'Parent',
  carer: 'Carer',
  professional: 'Professional',
  'young-person': 'Young person',
};

/** How an officer reads the understood facts of a handover (HandoverStory), in plain words, never codes. */
export const FACT_LABELS = {
  setting: {
    none: 'At home, not in a setting',
    'early-years': 'Nursery, pre-school or childminder',
    'mainstream-school': 'Mainstream school',
    'special-school': 'Special school',
    college: 'College or sixth form',
    'home-educated': 'Home educated',
    'alternative-provision': 'Alternative provision',
    'not-attending': 'Not attending',
  },
  needs: {
    'communication-interaction': 'Communication and interaction',
    'cognition-learning': 'Cognition and learning',
    semh: 'Social, emotional and mental health',
    'sensory-physical': 'Sensory and/or physical',
  },
  senSupport: { none: 'None yet', starting: 'Just started', established: 'Two terms or more' },
  ehcp: { none: 'No plan', requested: 'Assessment requested', refused: 'Assessment refused', 'has-plan': 'Has a plan' },
  diagnosis: { none: 'None', waiting: 'Waiting for an assessment', diagnosed: 'Diagnosed' },
  safety: { 'risk-of-harm': 'Risk of harm', 'needs-a-person': 'Needs a person', 'possible-risk': 'Possible risk (the check-in)' },
} as const;
