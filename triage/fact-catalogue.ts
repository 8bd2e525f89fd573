/**
 * The facts a triage rule may look at (triage/rules.yaml): their type, and a zod schema for
 * each, so that a rule naming a fact or value that does not exist is refused when loaded.
 */
import { z } from 'zod';
import type { LocalityResolution } from './locality.js';
import { Diagnosis, EhcpStatus, Need, Requester, SenSupport, Setting } from './schema.js';

/** Everything a rule condition can look at. */
export interface TriageFacts {
  requester: Requester;
  childAge: number | null;
  setting: Setting;
  needs: Need[];
  senSupport: z.infer<typeof SenSupport>;
  externalAdvice: boolean;
  ehcp: z.infer<typeof EhcpStatus>;
  diagnosis: z.infer<typeof Diagnosis>;
  safetyConcern: boolean;
  /** See TriageCase.safetyCleared. */
  safetyCleared: boolean;
  underFive: boolean;
  /** 18 or over: past the age a young person must stay in education or training, so "not attending" is adult life, not attendance. */
  pastParticipationAge: boolean;
  safety: { flagged: boolean; kind: 'risk-of-harm' | 'needs-a-person' | null; categories: string[]; possibleRisk: boolean };
  locality: { status: LocalityResolution['status']; id: string | null; council: string | null };
  /** `textMentions…` signals from rules.yaml. */
  [signal: `textMentions${string}`]: boolean;
}

/** Facts rules may name, by `fact` or `fact.path` (for `{ fact: safety, path: $.kind }`). */
export const FACT_CATALOGUE: Record<string, z.ZodTypeAny> = {
  requester: Requester,
  childAge: z.number().nullable(),
  setting: Setting,
  needs: z.array(Need),
  senSupport: SenSupport,
  externalAdvice: z.boolean(),
  ehcp: EhcpStatus,
  diagnosis: Diagnosis,
  safetyConcern: z.boolean(),
  safetyCleared: z.boolean(),
  underFive: z.boolean(),
  pastParticipationAge: z.boolean(),
  'safety.flagged': z.boolean(),
  'safety.kind': z.enum(['risk-of-harm', 'needs-a-person']).nullable(),
  'safety.categories': z.array(z.string()),
  'safety.possibleRisk': z.boolean(),
  'locality.status': z.enum(['dorset', 'out-of-area', 'ambiguous', 'unknown']),
  'locality.id': z.string().nullable(),
  'locality.council': z.string().nullable(),
};
/** Facts that are objects: a condition on one needs a path. */
export const OBJECT_FACTS = new Set(['safety', 'locality']);
