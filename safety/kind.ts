/**
 * The words of the safety contract, as zod schemas with the types derived from them, in a
 * module of their own so that the handover schema, the conversation and the rules can name a
 * safety kind without loading the patterns file.
 *
 * - `SafetyKind`: what a flagged message needs (see safety.ts for what each kind covers).
 * - `SafetyOutcome`: the safety response a chat gave: a kind, or the net's 'possible-risk'
 *   check-in ("is everyone safe?").
 * - `SafetyCheck`: the patterns' answer for one message; `NetSafetyCheck` adds the net's.
 */
import { z } from 'zod';

export const SafetyKind = z.enum(['risk-of-harm', 'needs-a-person']);
export type SafetyKind = z.infer<typeof SafetyKind>;

export const SafetyOutcome = z.enum([...SafetyKind.options, 'possible-risk']);
export type SafetyOutcome = z.infer<typeof SafetyOutcome>;

export const SafetyCheck = z.object({
  flagged: z.boolean(),
  kind: SafetyKind.nullable(),
  /** Category ids, in the order of the patterns file. */
  categories: z.array(z.string()),
  /** Pattern ids that fired, in file order. Never any of the user's text. */
  matched: z.array(z.string()),
  /**
   * The patterns fired, but what is around them softens the answer to the net's check-in ("is
   * everyone safe?") instead of the card: a risk told as past and over (safety/past-risk.yaml), or
   * a young child's behaviour (safety/young-child.yaml). Not flagged; always asked about, unless
   * the past risk came with "we are safe now" in so many words (`past-told-safe`): that answers it.
   */
  softened: z.enum(['past-and-over', 'past-told-safe', 'young-child-behaviour']).optional(),
  /**
   * No pattern fired, but the net scored the whole message above its certain bar, so it is
   * flagged as risk of harm with no category (safety-net.ts, `certainThreshold`).
   */
  byNet: z.literal(true).optional(),
});
export type SafetyCheck = z.infer<typeof SafetyCheck>;

/** The patterns' answer plus the net's: `possibleRisk` only when the patterns found nothing. */
export const NetSafetyCheck = SafetyCheck.extend({ possibleRisk: z.boolean() });
export type NetSafetyCheck = z.infer<typeof NetSafetyCheck>;
