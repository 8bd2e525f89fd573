/**
 * What a reply means, as data: `channelData.deal` on every activity the bot sends.
 *
 * Metrics, tests, the evaluation driver and other clients read this instead of parsing the
 * words, so rewording a reply never changes what it is counted as. The conversation sets it
 * where the meaning is decided; `outcomeOf` fills in the kinds that follow from the reply's
 * shape (an article card is an answer).
 */
import { z } from 'zod';
import { TriageResult, Urgency } from '../triage/schema.js';
import type { Reply } from './replies.js';

export const OutcomeKind = z.enum([
  'welcome',
  'answer',
  'glossary',
  'clarify',
  'not-sure',
  'out-of-scope',
  'question',
  'summary',
  'result',
  'consent',
  'contact',
  'receipt',
  'reference-status',
  /** A safety card: risk of harm, or this needs a person. */
  'safety',
  /** The gentle "is everyone safe?" when only the second net worried. */
  'checkin',
  'staff-message',
]);
export type OutcomeKind = z.infer<typeof OutcomeKind>;

/** The id of the question a reply asks, as the evaluation driver and other clients know it. */
export const OutcomeStep = z.enum([
  'requester', 'age', 'setting', 'place', 'needs', 'concern', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis',
  'safety', 'consent', 'name', 'method', 'detail', 'time', 'child', 'transcript', 'confirm', 'reference', 'reference-contact', 'form',
]);
export type OutcomeStep = z.infer<typeof OutcomeStep>;

export const SafetyOutcome = z.enum(['risk-of-harm', 'needs-a-person', 'possible-risk']);
export type SafetyOutcome = z.infer<typeof SafetyOutcome>;

export const Outcome = z
  .object({
    kind: OutcomeKind,
    step: OutcomeStep.optional(),
    /** Article ids shown (or offered, for clarify), best first. */
    articles: z.array(z.string()).optional(),
    triage: TriageResult.optional(),
    reference: z.string().optional(),
    urgency: Urgency.optional(),
    safety: SafetyOutcome.optional(),
  })
  .strict();
export type Outcome = z.infer<typeof Outcome>;

/** The reply's outcome: the one the conversation set, else the one its shape implies. */
export function outcomeOf(reply: Reply): Outcome {
  if (reply.deal) return reply.deal;
  switch (reply.kind) {
    case 'article':
      return { kind: 'answer', articles: [reply.articleId] };
    case 'safety':
      return { kind: 'safety' };
    case 'triage-result':
      return { kind: 'result' };
    case 'summary':
      return { kind: 'summary', step: 'confirm' };
    case 'handover-confirmation':
      return { kind: 'receipt', reference: reply.reference };
    case 'triage-form':
      return { kind: 'question', step: 'form' };
    case 'text':
      return { kind: 'welcome' };
  }
}

/** Sets a reply's outcome (returns the same reply, for use in expressions). */
export function withOutcome<R extends Reply>(reply: R, deal: Outcome): R {
  reply.deal = deal;
  return reply;
}
