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

import { SafetyOutcome } from '../safety/kind.js';

export { SafetyOutcome };

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
