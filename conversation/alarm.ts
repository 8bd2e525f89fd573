/**
 * A raised alarm keeps its urgency. Once a message got a safety response (the hard card or
 * the gentle check-in), any handover that follows is at least as urgent as that response and
 * goes to the safeguarding queue, carrying the kind and the words that raised it, so a family
 * who pressed "contact me now" is never filed as a routine SEND case.
 */
import type { TriageResult, Urgency } from '../triage/schema.js';
import type { ConversationData } from './state.js';

export type Alarm = NonNullable<ConversationData['alarm']>;

const RANK: Record<Urgency, number> = { routine: 0, priority: 1, immediate: 2 };
const atLeast = (a: Urgency, b: Urgency): Urgency => (RANK[a] >= RANK[b] ? a : b);

/** The longest stretch of the family's words kept with an alarm (the handover shows it). */
export const MAX_ALARM_WORDS = 500;

/**
 * "Needs a person" categories as urgent as a risk of harm: a missing child cannot wait for the
 * next working day (the police and the Children's Advice and Duty team act now), however it is told.
 */
const URGENT_CATEGORIES: ReadonlySet<string> = new Set(['missing-child']);

/**
 * "Needs a person" categories that are casework, not danger: a child out of school with no
 * education arranged. The card says who to talk to, and the conversation carries on.
 */
const CASEWORK_CATEGORIES: ReadonlySet<string> = new Set(['out-of-school-no-education']);

/**
 * Risk of harm, a "needs a person" category that is as urgent (a missing child), or a check-in
 * the family confirmed by asking for a person from it ("Ask someone to contact me now").
 */
export function isUrgent(alarm: Pick<Alarm, 'kind' | 'categories'> & { confirmed?: boolean }): boolean {
  return alarm.kind === 'risk-of-harm' || (alarm.kind === 'possible-risk' && alarm.confirmed === true) || alarm.categories.some((c) => URGENT_CATEGORIES.has(c));
}

/** Only casework categories fired: say who helps, but do not stop the conversation. */
export function isCasework(alarm: Pick<Alarm, 'kind' | 'categories'>): boolean {
  return alarm.kind === 'needs-a-person' && alarm.categories.length > 0 && alarm.categories.every((c) => CASEWORK_CATEGORIES.has(c));
}

/**
 * Whether a safety response already asked the family about safety, so triage need not ask "is anyone worried a child is
 * not safe?" again: a card (risk of harm, a person needed) or a check-in they took up; not a check-in they went past, nor
 * a card about casework only (a child out of school).
 */
export function askedAboutSafety(alarm: Alarm | null): boolean {
  if (!alarm) return false;
  if (alarm.kind === 'possible-risk') return alarm.confirmed === true;
  return !isCasework(alarm);
}

/** Records (or raises) the conversation's alarm: a hard response outranks a check-in. */
export function raiseAlarm(state: ConversationData, alarm: Omit<Alarm, 'confirmed'> & { confirmed?: boolean }): void {
  const current = state.alarm;
  // A new worry reopens the question an earlier "no, everyone is fine" answered.
  delete state.triage.safetyCleared;
  const rank = (k: Alarm['kind']) => (k === 'risk-of-harm' ? 2 : k === 'needs-a-person' ? 1 : 0);
  if (current && rank(current.kind) > rank(alarm.kind)) return;
  state.alarm = { ...alarm, words: alarm.words.slice(0, MAX_ALARM_WORDS), confirmed: alarm.confirmed ?? false };
}

/**
 * The result a handover is sent with: risk of harm (and a missing child) is immediate and a
 * check-in at least priority, both to the safeguarding queue; other "needs a person" stays with
 * its locality team (no school place, an allegation, a family in crisis) but is never routine.
 */
export function escalate(result: TriageResult, alarm: Alarm | null, safeguardingQueue: string): TriageResult {
  if (!alarm) return result;
  if (result.routes.some((r) => r.id === 'out-of-area')) return result; // their own council acts; see HandoverFlow
  const urgency = isUrgent(alarm) ? 'immediate' : atLeast(result.urgency, 'priority');
  const locality = alarm.kind === 'needs-a-person' && !isUrgent(alarm) ? result.locality : safeguardingQueue;
  return { ...result, urgency, handover: true, locality };
}
