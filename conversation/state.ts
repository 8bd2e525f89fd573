/**
 * What the front door remembers about one conversation between turns.
 *
 * Kept small on purpose (minimum data): the steps reached, the triage answers and, only
 * after consent, contact details until the handover is stored. It is validated whenever it
 * is loaded, so a corrupt or old record starts a fresh conversation instead of crashing.
 */
import { z } from 'zod';
import { TriageCase, TriageResult } from '../triage/schema.js';
import { SafetyOutcome } from './outcome.js';

/** The triage answers so far: any part of the TriageCase (the contract in triage/schema.ts). */
export const TriageAnswers = TriageCase.partial();
export type TriageAnswers = z.infer<typeof TriageAnswers>;

export const ContactAnswers = z
  .object({
    name: z.string().optional(),
    method: z.enum(['phone', 'email']).optional(),
    detail: z.string().optional(),
    bestTime: z.string().optional(),
    child: z.string().optional(),
    transcript: z.boolean().optional(),
  })
  .strict();
export type ContactAnswers = z.infer<typeof ContactAnswers>;

export const ConversationData = z.object({
  mode: z.enum(['idle', 'triage', 'consent', 'contact', 'check-reference']).default('idle'),
  /** The question we are waiting for an answer to, within the mode. */
  step: z.string().nullable().default(null),
  /** Steps answered, newest last, so "back" can undo. */
  history: z.array(z.string()).default([]),
  triage: TriageAnswers.default({}),
  /** Facts the understander estimated rather than was told (an age from a school year): still asked, replaced when told. */
  estimated: z.array(z.string().max(20)).max(10).default([]),
  /** For each fact the understander read, the family's words that gave it (bounded; shown and corrected). */
  sources: z.record(z.string().max(120)).default({}),
  result: TriageResult.nullable().default(null),
  contact: ContactAnswers.default({}),
  /** Why the person asked for a person: after triage, or straight away. */
  handoverReason: z.enum(['triage', 'asked', 'safety', 'checkin']).nullable().default(null),
  consentAt: z.string().nullable().default(null),
  /**
   * A random key for this request, from consent to Send: two turns sending the same request (an
   * eTag race between instances, a retried turn) store one handover (handover_submission_key).
   */
  sendKey: z.string().regex(/^[0-9a-f]{32}$/).nullable().default(null),
  /**
   * Set when a message got a safety response (conversation/alarm.ts): its kind, the pattern
   * categories, and the family's words that raised it, so a handover keeps its urgency and says why.
   */
  alarm: z
    .object({
      kind: SafetyOutcome,
      categories: z.array(z.string()),
      words: z.string().max(500),
      /** The family asked for a person from the check-in: a worry they confirm is as urgent as a risk of harm. */
      confirmed: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  /** The last reply was the gentle check-in: an all-clear answer takes the family back to where they were. */
  checkinOpen: z.boolean().default(false),
  /** Triage stopped for a safety response; "carry on" resumes it at this step. */
  pausedStep: z.string().nullable().default(null),
  /** Questions asked and articles shown, for the handover summary (bounded). */
  asked: z.array(z.string().max(300)).max(10).default([]),
  shown: z.array(z.string()).max(20).default([]),
  /** A short transcript, kept only for the handover and only if the family agrees. */
  transcript: z.array(z.string().max(500)).max(30).default([]),
  /** Places typed that matched no local team (triage moves on after two). */
  placeTries: z.number().int().min(0).default(0),
  /** The family has been told once that their place is another council's area. */
  toldOutOfArea: z.boolean().default(false),
  /** How many "not sure" replies in a row (the second one is worded differently). */
  notSureInARow: z.number().int().min(0).default(0),
  checkReference: z.string().nullable().default(null),
  checkAttempts: z.number().int().min(0).default(0),
  references: z.array(z.string()).max(5).default([]),
  /** A person from DEAL is in this chat (conversation/live-chat.ts): who, since when, for which request; the bot only runs the safety check. */
  live: z.object({ reference: z.string().max(20), name: z.string().max(40), email: z.string().max(254), since: z.string().max(40) }).nullable().default(null),
});
export type ConversationData = z.infer<typeof ConversationData>;

export function freshConversation(): ConversationData {
  return ConversationData.parse({});
}

/** Reads stored state; anything invalid becomes a fresh conversation. */
export function readConversation(stored: unknown): ConversationData {
  const parsed = ConversationData.safeParse(stored ?? {});
  return parsed.success ? parsed.data : freshConversation();
}

/** Appends to a bounded list, dropping the oldest. */
export function remember<T>(list: T[], item: T, max: number): T[] {
  return [...list, item].slice(-max);
}
