import { standardSafetyNet } from '../safety/safety-net.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { triage } from '../triage/engine.js';
import { resolveLocality } from '../triage/locality.js';
import { checkSafety } from '../safety/safety.js';
import { TriageCase, TriageResult } from '../triage/schema.js';

const EHCNA_RIGHT = /right in law to ask the council for an EHC needs assessment/i;
const DENIES_RIGHT = /\b(cannot|can't|can not|not allowed to|not able to|unable to|no right to)\b[^.]{0,40}\b(ask|request|apply)\b/i;

const PHRASES = [
  'struggling with maths',
  'he was excluded last week',
  'she will not go to school',
  'we home educate',
  'possible autism',
  'ADHD',
  'speech delay',
  'glue ear',
  'anxiety',
  'what about getting a job',
  'He said he wants to kill himself',
  'my daughter is missing',
  'annual review',
  'refused to assess',
  'tribunal hearing',
];
const POSTCODES = ['DT4 7AB', 'dt1', 'DT2', 'BH21 1AA', 'bh231aa', 'BH24', 'BA21', 'TA1 2AB', 'EX1', 'SP2', 'SP8', 'zz', ''];
const TOWNS = ['Weymouth', 'weymoth', 'Poole', 'Sturminster', 'Wimborne', 'Ringwood', 'Atlantis', 'Bridport', ''];

const caseArb: fc.Arbitrary<TriageCase> = fc.record(
  {
    requester: fc.constantFrom('parent', 'carer', 'professional', 'young-person'),
    childAge: fc.option(fc.oneof(fc.integer({ min: 0, max: 25 }), fc.double({ min: 0, max: 25, noNaN: true })), { nil: null }),
    setting: fc.constantFrom('none', 'early-years', 'mainstream-school', 'special-school', 'college', 'home-educated', 'alternative-provision', 'not-attending'),
    postcode: fc.oneof(fc.constantFrom(...POSTCODES), fc.string({ maxLength: 10 })),
    town: fc.oneof(fc.constantFrom(...TOWNS), fc.string({ maxLength: 60 })),
    needs: fc.array(fc.constantFrom('communication-interaction', 'cognition-learning', 'semh', 'sensory-physical'), { maxLength: 5 }),
    concern: fc.oneof(
      fc.array(fc.constantFrom(...PHRASES), { maxLength: 4 }).map((xs) => xs.join('. ')),
      fc.string({ maxLength: 300 }),
    ),
    senSupport: fc.constantFrom('none', 'starting', 'established'),
    externalAdvice: fc.boolean(),
    ehcp: fc.constantFrom('none', 'requested', 'refused', 'has-plan'),
    diagnosis: fc.constantFrom('none', 'waiting', 'diagnosed'),
    safetyConcern: fc.boolean(),
  },
  {
    requiredKeys: ['requester', 'childAge', 'setting', 'needs', 'concern', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis', 'safetyConcern'],
  },
);

const RUNS = { numRuns: 500 };

describe('triage properties', () => {
  it('the generator makes valid cases', () => {
    fc.assert(fc.property(caseArb, (c) => TriageCase.safeParse(c).success), { numRuns: 200 });
  });

  it('any valid TriageCase gives a valid TriageResult, the same every time', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = triage(c);
        expect(TriageResult.safeParse(result).success).toBe(true);
        expect(triage(c)).toEqual(result);
      }),
      RUNS,
    );
  });

  it('safetyConcern true -> urgent-safeguarding, immediate, handover, whatever else is true', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = triage({ ...c, safetyConcern: true });
        expect(result.primary).toBe('urgent-safeguarding');
        expect(result.urgency).toBe('immediate');
        expect(result.handover).toBe(true);
      }),
      RUNS,
    );
  });

  it('urgent-safeguarding appears exactly when there is a risk of harm or a missing child, and then it is primary', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = triage(c);
        const check = checkSafety(c.concern);
        const risk = c.safetyConcern || check.kind === 'risk-of-harm' || check.categories.includes('missing-child');
        expect(result.routes.some((r) => r.id === 'urgent-safeguarding')).toBe(risk);
        expect(result.primary === 'urgent-safeguarding').toBe(risk);
      }),
      RUNS,
    );
  });

  it('out of area: only out-of-area, no locality, and no handover unless someone needs a person or the net is worried', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = triage(c);
        if (result.primary !== 'out-of-area') return;
        expect(result.routes.map((r) => r.id)).toEqual(['out-of-area']);
        expect(result.locality).toBeNull();
        const check = checkSafety(c.concern);
        const netWorried = !check.flagged && c.concern.trim().length > 0 && standardSafetyNet().flags(c.concern);
        expect(result.handover).toBe(check.kind === 'needs-a-person' || netWorried);
      }),
      RUNS,
    );
  });

  it('the locality is the resolved Dorset locality, or null', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const where = resolveLocality({ postcode: c.postcode, town: c.town });
        expect(triage(c).locality).toBe(where.status === 'dorset' ? where.locality.id : null);
      }),
      RUNS,
    );
  });

  it('reasons: every route has one, ehcna and graduated-approach state the right to ask, none deny it', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        for (const route of triage(c).routes) {
          expect(route.reasons.length).toBeGreaterThan(0);
          if (route.id === 'ehcna' || route.id === 'graduated-approach') expect(route.reasons.some((x) => EHCNA_RIGHT.test(x))).toBe(true);
          for (const reason of route.reasons) {
            expect(reason).not.toMatch(DENIES_RIGHT);
            expect(reason).not.toMatch(/[{}]/);
          }
        }
      }),
      RUNS,
    );
  });

  it('needs a person -> handover and at least priority', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        if (checkSafety(c.concern).kind !== 'needs-a-person') return;
        const result = triage(c);
        expect(result.handover).toBe(true);
        expect(result.urgency).not.toBe('routine');
      }),
      RUNS,
    );
  });
});
