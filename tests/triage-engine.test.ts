import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from 'json-rules-engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { computeFacts, explainTriage, loadRouteGuide, loadRules, ruleSet, triage } from '../triage/engine.js';
import { RouteId, TriageResult, type TriageCase } from '../triage/schema.js';

// ---- helpers (kept in this file: tests own no shared modules) -------------------------

/** Fires no rule at all, so the fallback applies. Tests add one thing at a time. */
const NEUTRAL: TriageCase = {
  requester: 'parent',
  childAge: 10,
  setting: 'special-school',
  town: 'Weymouth',
  needs: [],
  concern: '',
  senSupport: 'established',
  externalAdvice: false,
  ehcp: 'none',
  diagnosis: 'none',
  safetyConcern: false,
};
const makeCase = (overrides: Partial<TriageCase> = {}): TriageCase => ({ ...NEUTRAL, ...overrides });
const ids = (c: TriageCase): string[] => triage(c).routes.map((r) => r.id);
const EHCNA_RIGHT = /right in law to ask the council for an EHC needs assessment/i;
const DENIES_RIGHT = /\b(cannot|can't|can not|not allowed to|not able to|unable to|no right to)\b[^.]{0,40}\b(ask|request|apply)\b/i;

const RISK_TEXT = 'He said he wants to kill himself';
const NEEDS_A_PERSON_TEXT = 'my son has had no school place since september';

// ---- one case per rule ----------------------------------------------------------------

/** For every rule in rules.yaml: a case that makes it fire (and the route it must add). */
const RULE_CASES: Record<string, Partial<TriageCase>> = {
  'safety-concern-flagged': { safetyConcern: true },
  'risk-of-harm-in-words': { concern: RISK_TEXT },
  'needs-a-person': { concern: NEEDS_A_PERSON_TEXT },
  'out-of-area': { town: undefined, postcode: 'BH23 1AA' },
  'locality-unclear': { town: 'Sturminster' },
  'setting-not-attending': { setting: 'not-attending' },
  'setting-home-educated': { setting: 'home-educated' },
  'setting-alternative-provision': { setting: 'alternative-provision' },
  'school-age-without-a-setting': { setting: 'none', childAge: 9 },
  'part-time-timetable-in-words': { concern: 'he is on a reduced timetable, two hours a day', childAge: 9 },
  'exclusion-in-words': { concern: 'He was excluded for three days last week' },
  'not-attending-in-words': { concern: "She hasn't been to school since Easter" },
  'home-education-in-words': { concern: 'We are thinking about home educating' },
  'alternative-provision-in-words': { concern: 'He goes to a pupil referral unit two days a week' },
  'assessment-refused': { ehcp: 'refused' },
  'has-plan': { ehcp: 'has-plan' },
  'missing-child': { concern: "my son has run away and we can't find him" },
  'possible-risk-in-words': { concern: 'my ex gets really angry and the kids are scared of him' },
  'plan-and-school-move': { ehcp: 'has-plan', concern: 'she is moving to secondary school next September' },
  'plan-and-post-16-move': { ehcp: 'has-plan', childAge: 16, concern: 'he is in year 11 and wants to go to college' },
  'plan-disagreement': { ehcp: 'has-plan', concern: "we don't agree with the school named in the draft plan" },
  'plan-and-adult-life': { ehcp: 'has-plan', childAge: 19, concern: 'she wants to do a supported internship next year' },
  'home-educated-asks-for-assessment': { setting: 'home-educated', concern: 'can we still ask for an EHC needs assessment if she is home educated?' },
  'asks-about-the-assessment-pathway': { setting: 'mainstream-school', diagnosis: 'waiting', concern: 'how long is the wait now for his autism assessment?' },
  'support-waits-for-diagnosis': { setting: 'mainstream-school', concern: 'school say they cannot help until he has a diagnosis' },
  'wellbeing-is-the-worry': { setting: 'mainstream-school', needs: ['semh'], concern: 'she is anxious and tearful every morning' },
  'grief-is-the-worry': { setting: 'mainstream-school', needs: ['semh', 'communication-interaction'], senSupport: 'starting', concern: 'her nan died in the spring; can someone help us support her with the grief?' },
  'speech-need-named': { setting: 'mainstream-school', concern: 'his stammer has come back' },
  'speech-therapy-asked-beside-support': { setting: 'mainstream-school', externalAdvice: true, concern: 'Nobody at school can program his AAC. Can school refer him or do we go back to the SALT?' },
  'assessment-requested': { ehcp: 'requested' },
  'needs-beyond-sen-support': { externalAdvice: true },
  'assessment-asked-beyond-sen-support': { setting: 'mainstream-school', externalAdvice: true, concern: 'Two suspensions this term, on a reduced timetable. Parents support EHCNA.' },
  'young-person-future': { childAge: 17, requester: 'young-person', setting: 'college', concern: 'What can I do about getting a job?' },
  'choosing-after-year-11': { childAge: 15, setting: 'mainstream-school', concern: 'when he leaves school he wants a college course in boat building' },
  'assessment-refused-in-alternative-provision': { childAge: 13, setting: 'alternative-provision', ehcp: 'refused' },
  'young-person-asks-for-assessment': { childAge: 17, requester: 'young-person', setting: 'college', ehcp: 'none', senSupport: 'starting', concern: 'Can I ask the council for an EHC needs assessment myself?' },
  'family-asks-for-assessment': { childAge: 9, setting: 'mainstream-school', senSupport: 'none', ehcp: 'none', concern: "school won't request an EHCNA, can a foster carer request it?" },
  'plan-from-outside-england': { childAge: 8, setting: 'mainstream-school', senSupport: 'starting', ehcp: 'none', concern: 'she had a co-ordinated support plan in Scotland before we moved' },
  'under-five': { childAge: 3, setting: 'none' },
  'early-years-setting': { childAge: null, setting: 'early-years', senSupport: 'established', externalAdvice: true },
  'no-sen-support-yet': { setting: 'mainstream-school', senSupport: 'none' },
  'sen-support-starting': { setting: 'mainstream-school', senSupport: 'starting' },
  'established-support-without-specialist-advice': { setting: 'mainstream-school' },
  'communication-interaction-need': { needs: ['communication-interaction'] },
  'waiting-for-assessment': { diagnosis: 'waiting' },
  'development-or-behaviour-in-words': { concern: 'We think he might be autistic' },
  'semh-need': { needs: ['semh'] },
  'wellbeing-in-words': { concern: 'She has terrible anxiety about school' },
  'communication-need-speech': { needs: ['communication-interaction'] },
  'speech-in-words': { concern: 'his speech is hard to understand' },
  'hearing-or-vision-in-words': { concern: 'She has glue ear and wears hearing aids' },
  'age-fourteen-plus': { childAge: 14 },
};

describe('an assessment asked for beyond SEN support, beside exclusions', () => {
  // Blind conversations set 15: a SENCO's form with 4 APDR cycles, EP and CAMHS input, suspensions and a reduced timetable.
  const story = 'Y8, ASC dx. 4 APDR cycles since Y6, EP consult + CAMHS input. 2 suspensions this term, on reduced timetable. Parents support EHCNA.';
  it('puts the assessment first and keeps attendance and exclusion, with its handover, after it', () => {
    const r = triage(makeCase({ requester: 'professional', childAge: 12, setting: 'mainstream-school', externalAdvice: true, concern: story }));
    expect(r.routes.map((x) => x.id).slice(0, 2)).toEqual(['ehcna', 'attendance-and-exclusion']);
    expect(r.handover).toBe(true);
    expect(r.urgency).toBe('priority');
  });
  it('leaves attendance and exclusion first when nobody asks for an assessment, or no specialist has advised', () => {
    expect(triage(makeCase({ setting: 'mainstream-school', externalAdvice: true, concern: '2 suspensions this term, on reduced timetable.' })).primary).toBe('attendance-and-exclusion');
    expect(triage(makeCase({ setting: 'mainstream-school', externalAdvice: false, concern: story })).primary).toBe('attendance-and-exclusion');
  });
});

describe('rules.yaml', () => {
  it('loads and every rule has a unit test below', () => {
    const rules = ruleSet().rules.map((r) => r.id);
    expect(rules.length).toBeGreaterThan(20);
    expect(Object.keys(RULE_CASES).sort()).toEqual([...rules].sort());
  });

  it('has a plain-English reason on every rule and the fallback', () => {
    for (const r of [...ruleSet().rules, ruleSet().fallback]) {
      expect(r.reason.length, r.id).toBeGreaterThan(10);
      expect(r.reason, r.id).not.toMatch(DENIES_RIGHT);
    }
  });

  for (const [id, overrides] of Object.entries(RULE_CASES)) {
    it(`rule ${id} fires and its effect shows in the result`, () => {
      const explanation = explainTriage(makeCase(overrides));
      const fired = explanation.fired.find((f) => f.id === id);
      expect(fired, `rule ${id} did not fire`).toBeDefined();
      const rule = ruleSet().rules.find((r) => r.id === id)!;
      const { result } = explanation;
      if (rule.route) {
        const route = result.routes.find((r) => r.id === rule.route);
        expect(route, `${rule.route} missing`).toBeDefined();
        expect(route!.reasons).toContain(fired!.reason);
      } else {
        // A modifier: its reason goes to the primary route.
        expect(result.routes[0]!.reasons).toContain(fired!.reason);
      }
      if (rule.handover) expect(result.handover).toBe(true);
      const rank = { routine: 0, priority: 1, immediate: 2 };
      expect(rank[result.urgency]).toBeGreaterThanOrEqual(rank[rule.urgency]);
    });
  }

  it('fills template values and leaves no braces in reasons', () => {
    const r = triage(makeCase({ childAge: 15 }));
    const pfa = r.routes.find((x) => x.id === 'preparing-for-adulthood')!;
    expect(pfa.reasons[0]).toMatch(/^At 15,/);
    for (const c of Object.values(RULE_CASES)) {
      for (const route of triage(makeCase(c)).routes) for (const reason of route.reasons) expect(reason).not.toMatch(/[{}]/);
    }
  });
});

describe('primary routes from the policy', () => {
  it('no rule matches: the fallback sends the case to a person', () => {
    const e = explainTriage(NEUTRAL);
    expect(e.usedFallback).toBe(true);
    expect(e.result.primary).toBe('graduated-approach');
    expect(e.result.handover).toBe(true);
  });

  it('a plan -> existing-ehcp, casework handover', () => {
    const r = triage(makeCase({ ehcp: 'has-plan' }));
    expect(r).toMatchObject({ primary: 'existing-ehcp', handover: true, urgency: 'routine', locality: 'south' });
  });

  it('a refusal -> independent-advice, naming SENDIASS, mediation and appeal', () => {
    const r = triage(makeCase({ ehcp: 'refused' }));
    expect(r.primary).toBe('independent-advice');
    expect(r.routes[0]!.reasons.join(' ')).toMatch(/SENDIASS.*mediation.*appeal/s);
  });

  it('an assessment already requested -> ehcna with the 6 and 20 week timescales', () => {
    const r = triage(makeCase({ ehcp: 'requested' }));
    expect(r.primary).toBe('ehcna');
    expect(r.routes[0]!.reasons.join(' ')).toMatch(/6\s+weeks.*20 weeks/s);
  });

  it('no or new SEN support in a setting -> graduated-approach first, routine, no handover', () => {
    for (const senSupport of ['none', 'starting'] as const) {
      for (const setting of ['mainstream-school', 'college'] as const) {
        const r = triage(makeCase({ setting, senSupport }));
        expect(r).toMatchObject({ primary: 'graduated-approach', urgency: 'routine', handover: false });
      }
    }
  });

  it('established support with external advice -> ehcna', () => {
    const r = triage(makeCase({ setting: 'mainstream-school', externalAdvice: true }));
    expect(r.primary).toBe('ehcna');
    expect(r.handover).toBe(true);
  });

  it('under-fives and early-years settings -> early-years first, plus needs routes', () => {
    expect(triage(makeCase({ childAge: 2, setting: 'none' })).primary).toBe('early-years');
    const r = triage(makeCase({ childAge: 4, setting: 'early-years', senSupport: 'none', needs: ['communication-interaction'] }));
    expect(r.primary).toBe('early-years');
    expect(r.routes.map((x) => x.id)).toEqual(
      expect.arrayContaining(['graduated-approach', 'development-behaviour-pathway', 'speech-language-communication']),
    );
    expect(triage(makeCase({ childAge: 5, setting: 'mainstream-school', senSupport: 'none' })).primary).toBe('graduated-approach');
  });

  it('needs-specific routes are added', () => {
    expect(ids(makeCase({ needs: ['communication-interaction'] }))).toEqual(
      expect.arrayContaining(['development-behaviour-pathway', 'speech-language-communication']),
    );
    expect(ids(makeCase({ diagnosis: 'waiting' }))).toContain('development-behaviour-pathway');
    expect(ids(makeCase({ concern: 'possible ADHD' }))).toContain('development-behaviour-pathway');
    expect(ids(makeCase({ concern: 'his behaviour at home is getting worse' }))).toContain('development-behaviour-pathway');
    expect(ids(makeCase({ needs: ['semh'] }))).toContain('emotional-wellbeing');
    expect(ids(makeCase({ concern: 'she is deaf in one ear' }))).toContain('hearing-and-vision');
    expect(ids(makeCase({ concern: 'problems with her eyesight' }))).toContain('hearing-and-vision');
    expect(ids(makeCase({ needs: ['sensory-physical'], concern: 'uses a wheelchair' }))).not.toContain('hearing-and-vision');
    expect(ids(makeCase({ concern: 'the tribunal hearing is next month' }))).not.toContain('hearing-and-vision');
    expect(ids(makeCase({ childAge: 13 }))).not.toContain('preparing-for-adulthood');
    expect(ids(makeCase({ childAge: 14 }))).toContain('preparing-for-adulthood');
    expect(ids(makeCase({ childAge: null }))).not.toContain('preparing-for-adulthood');
  });

  it('16+ without a plan asking about their future -> preparing-for-adulthood primary', () => {
    const future = { childAge: 17, setting: 'college' as const, senSupport: 'none' as const, concern: 'what happens after college? I want an apprenticeship' };
    expect(triage(makeCase(future)).primary).toBe('preparing-for-adulthood');
    // With a plan and asking about work, adulthood still comes first (blind triage set 4); the plan is
    // the second route and its casework handover stays.
    const withPlan = triage(makeCase({ ...future, ehcp: 'has-plan' }));
    expect(withPlan.primary).toBe('preparing-for-adulthood');
    expect(withPlan.routes.map((r) => r.id)).toContain('existing-ehcp');
    expect(withPlan.handover).toBe(true);
    // With a plan and a move into college, the plan's 31 March deadline comes first.
    const moving = triage(makeCase({ ...future, childAge: 16, ehcp: 'has-plan', concern: 'moving to college in September, I want an apprenticeship later' }));
    expect(moving.primary).toBe('existing-ehcp');
    expect(moving.routes[0]!.reasons.join(' ')).toMatch(/31 March/);
    // At 14 or 15 choosing a college course or an apprenticeship for after Year 11: primary too (blind triage set 25).
    expect(triage(makeCase({ ...future, childAge: 15, setting: 'mainstream-school' })).primary).toBe('preparing-for-adulthood');
    // Younger, or not asking about the future: not primary.
    expect(triage(makeCase({ ...future, childAge: 13 })).primary).toBe('graduated-approach');
    expect(triage(makeCase({ ...future, childAge: 15, concern: 'he is struggling with reading in class' })).primary).toBe('graduated-approach');
    expect(triage(makeCase({ ...future, concern: 'struggling with reading' })).primary).toBe('graduated-approach');
  });

  it('not attending, home-educated, alternative provision or excluded -> attendance-and-exclusion, priority, handover', () => {
    const cases: Partial<TriageCase>[] = [
      { setting: 'not-attending' },
      { setting: 'home-educated' },
      { setting: 'alternative-provision' },
      { setting: 'mainstream-school', senSupport: 'none', concern: 'he has been suspended twice this term' },
      { setting: 'mainstream-school', senSupport: 'none', concern: 'she is on a part-time timetable' },
      { setting: 'mainstream-school', senSupport: 'none', concern: "he won't go to school any more" },
    ];
    for (const c of cases) {
      expect(triage(makeCase(c)), JSON.stringify(c)).toMatchObject({ primary: 'attendance-and-exclusion', urgency: 'priority', handover: true });
    }
  });
});

describe('conflicts', () => {
  it('safety beats everything: out of area, a plan, exclusion, under five', () => {
    const everything = makeCase({
      safetyConcern: true,
      town: undefined,
      postcode: 'bh231aa',
      ehcp: 'has-plan',
      childAge: 4,
      setting: 'early-years',
      concern: 'excluded from nursery',
    });
    const r = triage(everything);
    expect(r).toMatchObject({ primary: 'urgent-safeguarding', urgency: 'immediate', handover: true, locality: null });
    expect(r.routes.map((x) => x.id)).toContain('out-of-area'); // they still learn where to go
  });

  it('risk of harm in the words beats a plan and safetyConcern false', () => {
    const r = triage(makeCase({ ehcp: 'has-plan', concern: RISK_TEXT, safetyConcern: false }));
    expect(r).toMatchObject({ primary: 'urgent-safeguarding', urgency: 'immediate', handover: true });
    expect(r.routes.map((x) => x.id)).toContain('existing-ehcp');
  });

  it('risk of harm beats out of area: safeguarding first, handover true', () => {
    const r = triage(makeCase({ town: 'Poole', concern: RISK_TEXT }));
    expect(r).toMatchObject({ primary: 'urgent-safeguarding', urgency: 'immediate', handover: true, locality: null });
  });

  it('out of area beats locality routes: only out-of-area, no handover, no locality', () => {
    for (const place of [{ postcode: 'BH23 1AA' }, { postcode: 'bh8' }, { town: 'Ringwood' }, { town: 'Yeovil' }, { postcode: 'EX1 1AA' }, { postcode: 'SP2 7AB' }]) {
      const r = triage(
        makeCase({ town: undefined, ...place, ehcp: 'has-plan', childAge: 15, setting: 'not-attending', needs: ['semh', 'communication-interaction'] }),
      );
      expect(r, JSON.stringify(place)).toMatchObject({ primary: 'out-of-area', handover: false, locality: null, urgency: 'routine' });
      expect(r.routes.map((x) => x.id)).toEqual(['out-of-area']);
    }
  });

  it('out of area says where to go, without inventing contact details', () => {
    const r = triage(makeCase({ town: undefined, postcode: 'BH23 1AA' }));
    const text = r.routes[0]!.reasons.join(' ');
    expect(text).toMatch(/BCP Council/);
    expect(text).not.toMatch(/\d{4,}|https?:|www\./);
  });

  it('out of area + needs a person: still a person (handover true, priority), locality null', () => {
    const r = triage(makeCase({ town: 'Poole', concern: NEEDS_A_PERSON_TEXT }));
    expect(r).toMatchObject({ primary: 'out-of-area', handover: true, urgency: 'priority', locality: null });
  });

  it('a missing child is urgent safeguarding and immediate, however it is told', () => {
    for (const concern of ["my son has run away and we can't find him", 'My son has gone missing and the police are looking for him']) {
      expect(triage(makeCase({ concern }))).toMatchObject({ primary: 'urgent-safeguarding', urgency: 'immediate', handover: true });
    }
  });

  it('needs a person: handover and at least priority, with a reason, but not safeguarding', () => {
    const r = triage(makeCase({ setting: 'mainstream-school', senSupport: 'none', concern: NEEDS_A_PERSON_TEXT }));
    expect(r.primary).not.toBe('urgent-safeguarding');
    expect(r.routes.map((x) => x.id)).not.toContain('urgent-safeguarding');
    expect(r.handover).toBe(true);
    expect(['priority', 'immediate']).toContain(r.urgency);
    expect(r.routes[0]!.reasons.some((x) => /needs a person/.test(x))).toBe(true);
  });

  it('attendance beats EHC plan routes; EHC statuses beat early years; early years beats ehcna advice', () => {
    expect(triage(makeCase({ ehcp: 'has-plan', setting: 'not-attending' })).primary).toBe('attendance-and-exclusion');
    expect(triage(makeCase({ childAge: 4, setting: 'early-years', ehcp: 'requested' })).primary).toBe('ehcna');
    expect(triage(makeCase({ childAge: 4, setting: 'early-years', ehcp: 'has-plan' })).primary).toBe('existing-ehcp');
    expect(triage(makeCase({ childAge: 4, setting: 'early-years', ehcp: 'refused' })).primary).toBe('independent-advice');
    const advised = triage(makeCase({ childAge: 4, setting: 'early-years', externalAdvice: true }));
    expect(advised.primary).toBe('early-years');
    expect(advised.routes.map((x) => x.id)).toContain('ehcna');
  });

  it('graduated-approach comes before the needs-specific routes', () => {
    const r = triage(makeCase({ setting: 'mainstream-school', senSupport: 'none', needs: ['semh', 'communication-interaction'], diagnosis: 'waiting' }));
    expect(r.routes.map((x) => x.id)).toEqual([
      'graduated-approach',
      'development-behaviour-pathway',
      'emotional-wellbeing',
      'speech-language-communication',
    ]);
  });

  it('an unclear locality says so and asks for the town', () => {
    for (const place of [{ postcode: 'BH21 1AA' }, { postcode: 'DT2' }, { town: 'Sturminster' }, { town: 'Atlantis' }]) {
      const r = triage(makeCase({ town: undefined, ...place, ehcp: 'has-plan' }));
      expect(r.locality, JSON.stringify(place)).toBeNull();
      expect(r.routes[0]!.reasons.join(' ')).toMatch(/could not tell which area.*ask for the town/i);
    }
    const none = triage(makeCase({ town: undefined, ehcp: 'has-plan' }));
    expect(none.locality).toBeNull();
    expect(none.routes[0]!.reasons.join(' ')).toMatch(/ask for the town or postcode/);
  });
});

describe('reasons', () => {
  const samples: TriageCase[] = [
    NEUTRAL,
    ...Object.values(RULE_CASES).map(makeCase),
    makeCase({ setting: 'mainstream-school', senSupport: 'none' }),
    makeCase({ setting: 'mainstream-school', externalAdvice: true, safetyConcern: true }),
  ];

  it('every route has at least one reason', () => {
    for (const c of samples) for (const route of triage(c).routes) expect(route.reasons.length).toBeGreaterThan(0);
  });

  it('whenever ehcna or graduated-approach is a route, a reason says anyone can ask for an assessment', () => {
    let seen = 0;
    for (const c of samples) {
      for (const route of triage(c).routes) {
        if (route.id !== 'ehcna' && route.id !== 'graduated-approach') continue;
        seen++;
        expect(route.reasons.some((x) => EHCNA_RIGHT.test(x)), `${route.id} in ${JSON.stringify(c)}`).toBe(true);
      }
    }
    expect(seen).toBeGreaterThan(5);
  });

  it('never tells anyone they cannot ask for an assessment', () => {
    for (const c of samples) for (const route of triage(c).routes) for (const x of route.reasons) expect(x).not.toMatch(DENIES_RIGHT);
  });
});

describe('explainTriage', () => {
  it('shows facts, fired rules, removed routes and the order', () => {
    const e = explainTriage(makeCase({ town: 'Christchurch', needs: ['semh'] }));
    expect(e.facts.locality.status).toBe('out-of-area');
    expect(e.fired.find((f) => f.id === 'semh-need')?.removedBy).toBe('out-of-area-replaces-dorset-routes');
    expect(e.conflicts).toEqual([expect.objectContaining({ id: 'out-of-area-replaces-dorset-routes', removed: ['emotional-wellbeing'] })]);
    expect(e.order).toEqual([{ route: 'out-of-area', priority: 90 }]);
  });

  it('results validate against TriageResult', () => {
    for (const c of Object.values(RULE_CASES)) expect(TriageResult.safeParse(triage(makeCase(c))).success).toBe(true);
  });

  it('rejects an invalid case', () => {
    expect(() => triage({ ...NEUTRAL, childAge: 40 })).toThrow();
  });
});

describe('loading rules: clear errors naming the file and rule', () => {
  const original = parse(readFileSync(new URL('../triage/rules.yaml', import.meta.url), 'utf8')) as {
    rules: Record<string, unknown>[];
    conflicts: { removes: string[] }[];
    [key: string]: unknown;
  };
  const dir = join(mkdtempSync(join(tmpdir(), 'rules-')), 'triage');
  mkdirSync(dir);
  const write = (mutate: (data: typeof original) => void): string => {
    const data = structuredClone(original);
    mutate(data);
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, stringify(data));
    return file;
  };
  const rule = (data: typeof original, id: string): Record<string, unknown> => data.rules.find((r) => r.id === id)!;

  it('loads an unchanged copy', () => {
    expect(loadRules(write(() => {})).rules.length).toBe(ruleSet().rules.length);
  });

  const broken: [string, (d: typeof original) => void, RegExp][] = [
    ['a misspelt enum value', (d) => (rule(d, 'has-plan').conditions = { all: [{ fact: 'ehcp', operator: 'equal', value: 'has-a-plan' }] }), /triage\/rules\.yaml: rule 'has-plan': conditions\.all\.0: "has-a-plan" is not a value 'ehcp' can take/],
    ['an unknown fact', (d) => (rule(d, 'semh-need').conditions = { all: [{ fact: 'need', operator: 'contains', value: 'semh' }] }), /rule 'semh-need'.*unknown fact 'need'/],
    ['an unknown operator', (d) => (rule(d, 'semh-need').conditions = { all: [{ fact: 'needs', operator: 'has', value: 'semh' }] }), /rule 'semh-need'.*unknown operator "has"/],
    ['contains on a non-list', (d) => (rule(d, 'has-plan').conditions = { all: [{ fact: 'ehcp', operator: 'contains', value: 'has-plan' }] }), /rule 'has-plan'.*only works on a list/],
    ['an object fact without a path', (d) => (rule(d, 'out-of-area').conditions = { all: [{ fact: 'locality', operator: 'equal', value: 'x' }] }), /rule 'out-of-area'.*needs a path/],
    ['an unknown route', (d) => (rule(d, 'has-plan').route = 'ehcp'), /rule 'has-plan': route: Invalid enum value/],
    ['a missing reason', (d) => delete rule(d, 'has-plan').reason, /rule 'has-plan': reason: Required/],
    ['an unknown template value', (d) => (rule(d, 'has-plan').reason = 'Your child is {childAge} years old.'), /rule 'has-plan': reason: unknown template value \{childAge\}/],
    ['a route rule without priority', (d) => delete rule(d, 'has-plan').priority, /rule 'has-plan': priority: a rule with a route needs a priority/],
    ['a duplicate id', (d) => (rule(d, 'semh-need').id = 'has-plan'), /rule 'has-plan': the id is used twice/],
    ['a rule outranking safety', (d) => (rule(d, 'has-plan').priority = 100), /rule 'has-plan': priority 100 must be below urgent-safeguarding/],
    ['safety without handover', (d) => (rule(d, 'safety-concern-flagged').handover = false), /rule 'safety-concern-flagged': urgent-safeguarding must be urgency immediate with handover true/],
    ['a conflict removing safety', (d) => d.conflicts[0]!.removes.push('urgent-safeguarding'), /conflict 'out-of-area-replaces-dorset-routes': urgent-safeguarding can never be removed/],
    ['a bad pattern', (d) => ((d.textSignals as Record<string, string[]>).textMentionsExclusion![0] = '(unclosed'), /textSignals\.textMentionsExclusion\.0: not a valid pattern/],
    ['conditions without all/any/not', (d) => (rule(d, 'has-plan').conditions = { fact: 'ehcp', operator: 'equal', value: 'has-plan' }), /rule 'has-plan': conditions must start with all, any or not/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}`, () => {
      expect(() => loadRules(write(mutate))).toThrow(message);
    });
  }
});

describe('routes.yaml', () => {
  const ARTICLES = new Set(
    'deal local-offer graduated-approach ehcna-request ehcna-process ehc-plan annual-review disagreements-and-appeals sendiass parent-carer-council development-behaviour-pathway neurodevelopmental-assessment speech-language-communication hearing-and-vision emotional-wellbeing early-years family-hubs preparing-for-adulthood key-worker disabled-children-social-care school-travel suspensions-and-exclusions attendance elective-home-education alternative-provision specialist-provision safeguarding bcp-and-other-areas money-and-benefits health-therapies choosing-a-school localities professional-support'.split(
      ' ',
    ),
  );
  const contacts = new Set(
    (parse(readFileSync(new URL('../knowledge/contacts.yaml', import.meta.url), 'utf8')) as { id: string }[]).map((c) => c.id),
  );

  it('has every route, 2-4 next steps, known articles and contacts, no phone numbers or addresses', () => {
    const guide = loadRouteGuide();
    expect(Object.keys(guide).sort()).toEqual([...RouteId.options].sort());
    for (const [id, entry] of Object.entries(guide)) {
      expect(entry.next.length, id).toBeGreaterThanOrEqual(2);
      expect(entry.next.length, id).toBeLessThanOrEqual(4);
      for (const a of entry.articles) expect(ARTICLES.has(a), `${id}: article ${a}`).toBe(true);
      for (const c of entry.contacts) expect(contacts.has(c), `${id}: contact ${c}`).toBe(true);
      const text = [entry.title, ...entry.next].join(' ');
      expect(text, id).not.toMatch(/\d{4,}|https?:|www\.|@/);
      expect(text, id).not.toMatch(DENIES_RIGHT);
    }
  });
});

describe('the evaluator agrees with json-rules-engine', () => {
  const caseArb: fc.Arbitrary<TriageCase> = fc.record({
    requester: fc.constantFrom('parent', 'carer', 'professional', 'young-person'),
    childAge: fc.option(fc.integer({ min: 0, max: 25 }), { nil: null }),
    setting: fc.constantFrom('none', 'early-years', 'mainstream-school', 'special-school', 'college', 'home-educated', 'alternative-provision', 'not-attending'),
    town: fc.constantFrom('Weymouth', 'Poole', 'Sturminster', 'Wimborne', 'Atlantis'),
    needs: fc.subarray(['communication-interaction', 'cognition-learning', 'semh', 'sensory-physical'] as const),
    concern: fc.constantFrom('', 'he was excluded', 'speech delay', 'wants a job', RISK_TEXT, NEEDS_A_PERSON_TEXT, 'deaf', 'anxious and autistic'),
    senSupport: fc.constantFrom('none', 'starting', 'established'),
    externalAdvice: fc.boolean(),
    ehcp: fc.constantFrom('none', 'requested', 'refused', 'has-plan'),
    diagnosis: fc.constantFrom('none', 'waiting', 'diagnosed'),
    safetyConcern: fc.boolean(),
  });

  it('fires exactly the same rules for random cases', async () => {
    const rules = ruleSet();
    const engine = new Engine([], { allowUndefinedFacts: false });
    for (const r of rules.rules) {
      engine.addRule({ name: r.id, conditions: r.conditions as never, event: { type: r.id } });
    }
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { facts } = computeFacts(c);
        const ours = explainTriage(c).fired.map((f) => f.id).sort();
        const { events } = await engine.run({ ...facts });
        const theirs = events.map((e) => e.type).sort();
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('reasons for the officer who receives the handover (issue 11)', () => {
  it('every rule and the fallback have an officer reason that states facts and never says "you"', async () => {
    const { ruleSet, SPEAKS_TO_READER } = await import('../triage/engine.js');
    const rules = ruleSet();
    for (const r of [...rules.rules, rules.fallback]) {
      expect(r.officerReason, 'id' in r ? String(r.id) : 'fallback').toBeDefined();
      expect(SPEAKS_TO_READER.test(r.officerReason!), r.officerReason).toBe(false);
    }
  });

  it('forOfficer keeps the family result (routes, urgency, locality) and rewrites only the reasons', async () => {
    const { forOfficer, triage } = await import('../triage/engine.js');
    const c: TriageCase = {
      requester: 'parent', childAge: 9, setting: 'mainstream-school', town: 'Weymouth', needs: ['communication-interaction'],
      concern: 'the school keep sending him home at lunchtime', senSupport: 'none', externalAdvice: false, ehcp: 'none', diagnosis: 'diagnosed', safetyConcern: false,
    };
    const family = triage(c);
    const officer = forOfficer({ ...family, urgency: 'immediate' }, c);
    expect(officer.routes.map((r) => r.id)).toEqual(family.routes.map((r) => r.id));
    expect(officer.urgency).toBe('immediate');
    expect(family.routes.flatMap((r) => r.reasons).join(' ')).toMatch(/\byou\b/i);
    const reasons = officer.routes.flatMap((r) => r.reasons);
    expect(reasons.join(' ')).not.toMatch(/\byou(r)?\b/i);
    expect(reasons).toContain("The family's words mention a suspension, exclusion or being sent home from school.");
    expect(new Set(reasons).size).toBe(reasons.length);
  });
});

describe('reasons for a professional (issue 19)', () => {
  it('every rule, route note and the fallback that speaks to a parent has a professional reason, and professional results never say "your child"', async () => {
    const { ruleSet, PARENT_WORDS } = await import('../triage/engine.js');
    const rules = ruleSet();
    const speaksToYou = /\b(you|your)\b/i;
    for (const r of rules.rules) if (speaksToYou.test(r.reason)) expect(r.professionalReason, r.id).toBeDefined();
    if (speaksToYou.test(rules.fallback.reason)) expect(rules.fallback.professionalReason).toBeDefined();
    for (const [route, note] of Object.entries(rules.routeNotes)) if (speaksToYou.test(note)) expect(rules.professionalRouteNotes[route as keyof typeof rules.routeNotes], route).toBeDefined();
    const cases = [
      makeCase({ childAge: 3, setting: 'early-years' }),
      makeCase({ setting: 'not-attending', concern: 'he was excluded and is home educated now' }),
      makeCase({ ehcp: 'refused' }),
      makeCase({ ehcp: 'has-plan', needs: ['semh', 'communication-interaction'], diagnosis: 'waiting' }),
      makeCase({ town: 'Poole' }),
      makeCase({ town: undefined, postcode: undefined, concern: 'speech and hearing and behaviour' }),
    ];
    for (const c of cases) {
      for (const reason of triage(c, 'professional').routes.flatMap((r) => r.reasons)) expect(reason).not.toMatch(PARENT_WORDS);
    }
    // The family's version is unchanged.
    expect(triage(makeCase({ childAge: 3, setting: 'early-years' })).routes[0]!.reasons.join(' ')).toMatch(/Your child is under five/);
    expect(triage(makeCase({ childAge: 3, setting: 'early-years' }), 'professional').routes[0]!.reasons.join(' ')).toMatch(/The child is under five/);
  });

  it('a professional reason that speaks to a parent stops the rules from loading, naming the rule', async () => {
    const { loadRules } = await import('../triage/engine.js');
    const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const yaml = readFileSync(new URL('../triage/rules.yaml', import.meta.url), 'utf8').replace(
      "The child is under five, so early years support comes first",
      'Your child is under five, so early years support comes first',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'deal-rules-')), 'rules.yaml');
    writeFileSync(file, yaml);
    expect(() => loadRules(file)).toThrow(/rule 'under-five': professionalReason: speaks to a parent \("Your child"\)/);
  });

  it('the route guide gives professional next steps, and refuses ones that speak to a parent', async () => {
    const guide = loadRouteGuide();
    expect(guide['existing-ehcp'].professionalTitle).toBe("The child's EHC plan");
    for (const entry of Object.values(guide)) for (const step of entry.professionalNext ?? []) expect(step).not.toMatch(/\byour child\b/i);
    const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const yaml = readFileSync(new URL('../triage/routes.yaml', import.meta.url), 'utf8').replace("professionalTitle: The child's EHC plan", "professionalTitle: Your child's EHC plan");
    const file = join(mkdtempSync(join(tmpdir(), 'deal-routes-')), 'routes.yaml');
    writeFileSync(file, yaml);
    expect(() => loadRouteGuide(file)).toThrow(/existing-ehcp.professionalTitle: speaks to a parent/);
  });
});
