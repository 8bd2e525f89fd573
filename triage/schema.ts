/**
 * The triage contract: what the guided conversation collects (`TriageCase`) and what the
 * rules decide (`TriageResult`). Other tools depend on these names; change them only with
 * a version bump and a note in README.
 */
import { z } from 'zod';

export const Requester = z.enum(['parent', 'carer', 'professional', 'young-person']);
export type Requester = z.infer<typeof Requester>;

export const Setting = z.enum([
  'none',
  'early-years',
  'mainstream-school',
  'special-school',
  'college',
  'home-educated',
  'alternative-provision',
  'not-attending',
]);
export type Setting = z.infer<typeof Setting>;

/** The four broad areas of need in the SEND Code of Practice (6.28–6.35). */
export const Need = z.enum(['communication-interaction', 'cognition-learning', 'semh', 'sensory-physical']);
export type Need = z.infer<typeof Need>;

/** `established` means at least two assess-plan-do-review cycles. */
export const SenSupport = z.enum(['none', 'starting', 'established']);
export const EhcpStatus = z.enum(['none', 'requested', 'refused', 'has-plan']);
export const Diagnosis = z.enum(['none', 'waiting', 'diagnosed']);

export const TriageCase = z
  .object({
    requester: Requester,
    childAge: z.number().min(0).max(25).nullable(),
    setting: Setting,
    postcode: z.string().max(10).optional(),
    town: z.string().max(60).optional(),
    needs: z.array(Need),
    concern: z.string().max(2000),
    senSupport: SenSupport,
    /** An educational psychologist, specialist teacher, therapist or similar has advised. */
    externalAdvice: z.boolean(),
    ehcp: EhcpStatus,
    diagnosis: Diagnosis,
    safetyConcern: z.boolean(),
    /**
     * Asked whether anyone is worried a child is not safe, the person said no in so many words ("no, he's fine"): a worry
     * the second safety net had about the story (a check-in) is answered, so it does not mark the result. Patterns that
     * fired still do. Optional: a form or `deal triage` case without it is judged as before.
     */
    safetyCleared: z.boolean().optional(),
  })
  .strict();
export type TriageCase = z.infer<typeof TriageCase>;

export const RouteId = z.enum([
  'urgent-safeguarding',
  'out-of-area',
  'graduated-approach',
  'development-behaviour-pathway',
  'ehcna',
  'existing-ehcp',
  'independent-advice',
  'speech-language-communication',
  'hearing-and-vision',
  'emotional-wellbeing',
  'early-years',
  'preparing-for-adulthood',
  'attendance-and-exclusion',
]);
export type RouteId = z.infer<typeof RouteId>;

export const Urgency = z.enum(['immediate', 'priority', 'routine']);
export type Urgency = z.infer<typeof Urgency>;

/** How an urgency is written for staff (cards, the staff pages, insight tables). */
/** An age in years as a person says it: a baby of 10 months is "Under 1", not "0" (the summary and the staff page). */
export function ageLabel(age: number): string {
  return age === 0 ? 'Under 1' : String(age);
}

export const URGENCY_LABELS: Record<Urgency, string> = { immediate: 'Immediate', priority: 'Priority', routine: 'Routine' };

export const RouteResult = z.object({ id: RouteId, reasons: z.array(z.string().min(1)).min(1) }).strict();
export type RouteResult = z.infer<typeof RouteResult>;

export const TriageResult = z
  .object({
    primary: RouteId,
    /** Primary first, each with the human-readable reasons of the rules that chose it. */
    routes: z.array(RouteResult).min(1),
    urgency: Urgency,
    /** Should a locality officer contact the family. */
    handover: z.boolean(),
    /** Locality id from `triage/localities.yaml`, or null when unknown or out of area. */
    locality: z.string().nullable(),
  })
  .strict()
  .refine((r) => r.routes[0]?.id === r.primary, 'the primary route must come first in routes');
export type TriageResult = z.infer<typeof TriageResult>;
