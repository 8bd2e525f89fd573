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

/** Records (or raises) the conversation's alarm: a hard response outranks a check-in. */
export function raiseAlarm(state: ConversationData, alarm: Alarm): void {
  const current = state.alarm;
  const rank = (k: Alarm['kind']) => (k === 'risk-of-harm' ? 2 : k === 'needs-a-person' ? 1 : 0);
  if (current && rank(current.kind) > rank(alarm.kind)) return;
  state.alarm = { ...alarm, words: alarm.words.slice(0, MAX_ALARM_WORDS) };
}

/**
 * The result a handover is sent with: risk of harm is immediate and a check-in at least
 * priority, both to the safeguarding queue; "needs a person" stays with its locality team
 * (a missing child or no school place is their casework) but is never routine.
 */
export function escalate(result: TriageResult, alarm: Alarm | null, safeguardingQueue: string): TriageResult {
  if (!alarm) return result;
  if (result.routes.some((r) => r.id === 'out-of-area')) return result; // their own council acts; see HandoverFlow
  const urgency = alarm.kind === 'risk-of-harm' ? 'immediate' : atLeast(result.urgency, 'priority');
  const locality = alarm.kind === 'needs-a-person' ? result.locality : safeguardingQueue;
  return { ...result, urgency, handover: true, locality };
}
