/**
 * Routes that follow what the family said (issue 11 item 3): held-out conversations 4 and the
 * blind triage set 4 showed routes a DEAL officer would not pick. Each rule is tested on the
 * kind of case it was written for and on a nearby case where it must not change the route.
 */
import { describe, expect, it } from 'vitest';
import { triage } from '../triage/engine.js';
import type { TriageCase } from '../triage/schema.js';

const BASE: TriageCase = {
  requester: 'parent',
  childAge: 10,
  setting: 'mainstream-school',
  town: 'Dorchester',
  needs: [],
  concern: '',
  senSupport: 'none',
  externalAdvice: false,
  ehcp: 'none',
  diagnosis: 'none',
  safetyConcern: false,
};
const run = (over: Partial<TriageCase>, audience: 'family' | 'professional' = 'family') => triage({ ...BASE, ...over }, audience);
const ids = (over: Partial<TriageCase>): string[] => run(over).routes.map((r) => r.id);
const primaryText = (over: Partial<TriageCase>, audience: 'family' | 'professional' = 'family'): string =>
  run(over, audience).routes[0]!.reasons.join(' ');

describe('hearing and vision: the signs families describe, not a cleared check', () => {
  const toddler = { childAge: 2, setting: 'early-years' as const, needs: ['sensory-physical' as const] };

  it('ear infections and the television turned up come before early years', () => {
    const c = { ...toddler, concern: 'she has had loads of ear infections and has the telly really loud. is it her hearing?' };
    expect(run(c).primary).toBe('hearing-and-vision');
    expect(ids(c)).toContain('early-years');
  });

  it('hearing named only to say it is fine does not make hearing-and-vision a route', () => {
    for (const concern of [
      '2y3m, no words, points and follows simple instructions, hearing test clear, not in a setting yet.',
      'no words yet, good understanding, no concerns re hearing',
      'audiology clear, eyesight is fine, but very few words',
    ]) {
      expect(ids({ ...toddler, needs: ['communication-interaction'], concern }), concern).not.toContain('hearing-and-vision');
      expect(run({ ...toddler, needs: ['communication-interaction'], concern }).primary, concern).toBe('early-years');
    }
  });

  it('not answering to a name is not read as a hearing worry (it is also a sign of autism)', () => {
    const c = { ...toddler, needs: ['communication-interaction' as const], concern: "very few words, doesn't turn when I call his name" };
    expect(ids(c)).not.toContain('hearing-and-vision');
    expect(ids({ ...c, concern: "doesn't respond to loud noises at all" })).toContain('hearing-and-vision');
  });
});

describe('a named speech need at school age', () => {
  const stammer = { childAge: 7, needs: ['communication-interaction' as const, 'cognition-learning' as const], concern: 'his stammer has come back badly since he was discharged from speech therapy' };

  it('comes before general SEN support', () => {
    expect(run(stammer).primary).toBe('speech-language-communication');
    expect(ids(stammer)).toContain('graduated-approach');
    expect(primaryText(stammer, 'professional')).not.toMatch(/\byour\b/i);
  });

  it('under five, early years still comes first', () => {
    expect(run({ ...stammer, childAge: 3, setting: 'early-years' }).primary).toBe('early-years');
  });

  it('a general mention of communication does not jump the SENCO', () => {
    expect(run({ ...stammer, concern: 'struggles to communicate with other children' }).primary).toBe('graduated-approach');
  });
});

describe('support held back until a diagnosis', () => {
  const wait = { senSupport: 'established' as const, externalAdvice: true, needs: ['semh' as const], diagnosis: 'waiting' as const };

  it('puts the school\'s own support first, with the assessment still offered', () => {
    const c = { ...wait, concern: 'Referred for ADHD assessment 14 months ago. School keep saying they cant do much until he has a diagnosis.' };
    expect(run(c).primary).toBe('graduated-approach');
    expect(primaryText(c)).toMatch(/diagnosis/);
    expect(ids(c)).toContain('ehcna');
  });

  it('without that, established support with specialist advice is still an EHC needs assessment', () => {
    expect(run({ ...wait, concern: 'Referred for ADHD assessment 14 months ago and still falling behind.' }).primary).toBe('ehcna');
  });
});

describe('an EHC plan and a move: the deadline that applies, and only that one', () => {
  const plan = { ehcp: 'has-plan' as const };

  it('a move between schools says 15 February', () => {
    const text = primaryText({ ...plan, childAge: 12, concern: 'due to move schools next September, when does the plan get changed for the new school?' });
    expect(text).toMatch(/15 February/);
    expect(text).not.toMatch(/31 March/);
  });

  it('a move into college or sixth form, or Year 11, says 31 March', () => {
    for (const concern of ['moving to college in september, plan not amended', 'He is in Year 11 and the plan still only names his school']) {
      const r = run({ ...plan, childAge: 16, concern });
      expect(r.primary, concern).toBe('existing-ehcp');
      expect(r.routes[0]!.reasons.join(' '), concern).toMatch(/31 March/);
      expect(r.routes[0]!.reasons.join(' '), concern).not.toMatch(/15 February/);
    }
  });
});

describe('a plan and adult life', () => {
  const leaving = { ehcp: 'has-plan' as const, childAge: 19, setting: 'special-school' as const, concern: 'leaves his special school sixth form this July, interested in a supported internship' };

  it('16 or over asking about work or what comes next: preparing for adulthood first, the plan second, a person', () => {
    const r = run(leaving);
    expect(r.primary).toBe('preparing-for-adulthood');
    expect(r.routes.map((x) => x.id)).toContain('existing-ehcp');
    expect(r.handover).toBe(true);
    expect(r.routes[0]!.reasons.join(' ')).toMatch(/supported internship/);
  });

  it('under 16 the plan stays first', () => {
    expect(run({ ...leaving, childAge: 15, setting: 'mainstream-school' }).primary).toBe('existing-ehcp');
  });
});

describe('disagreeing with a plan or a draft', () => {
  const plan = { ehcp: 'has-plan' as const, childAge: 14, needs: ['semh' as const] };

  it('goes to independent advice, naming SENDIASS, mediation and the Tribunal, with a person', () => {
    const c = { ...plan, concern: "the draft amended plan has come and I don't agree with the school they've named. What are my rights?" };
    const r = run(c);
    expect(r.primary).toBe('independent-advice');
    expect(r.handover).toBe(true);
    expect(r.routes[0]!.reasons.join(' ')).toMatch(/SENDIASS.*mediation.*Tribunal/s);
    expect(ids(c)).toContain('existing-ehcp');
  });

  it('challenging behaviour is not a dispute', () => {
    expect(run({ ...plan, concern: 'his challenging behaviour at home is getting worse' }).primary).toBe('existing-ehcp');
  });
});

describe('feelings and mental health as the only worry', () => {
  const anxious = { childAge: 12, needs: ['semh' as const], concern: "Since starting secondary she's anxious, tearful before school and has stopped seeing her friends." };

  it('emotional wellbeing comes before SEN support', () => {
    expect(run(anxious).primary).toBe('emotional-wellbeing');
    expect(ids(anxious)).toContain('graduated-approach');
  });

  it('with a learning need too, or behaviour words, the SENCO stays first', () => {
    expect(run({ ...anxious, needs: ['semh', 'cognition-learning'] }).primary).toBe('graduated-approach');
    expect(run({ ...anxious, concern: 'anxious and her behaviour at school is getting worse' }).primary).toBe('graduated-approach');
  });
});

describe('home education chosen, asking for an EHC needs assessment', () => {
  const home = { childAge: 12, setting: 'home-educated' as const, senSupport: 'established' as const, externalAdvice: true };

  it('the assessment is the route, and the attendance route stays second', () => {
    const c = { ...home, concern: 'Can we still ask for an EHC needs assessment if she is home educated?' };
    expect(run(c).primary).toBe('ehcna');
    expect(ids(c)).toContain('attendance-and-exclusion');
  });

  it('without the request, or with no education at all, attendance stays first', () => {
    expect(run({ ...home, concern: 'we took her out of school to home educate' }).primary).toBe('attendance-and-exclusion');
    expect(run({ ...home, setting: 'not-attending', concern: 'can we ask for an EHCNA?' }).primary).toBe('attendance-and-exclusion');
  });
});

describe('being sent home early, in the family’s words (blind conversations set 10)', () => {
  it.each(['they keep ringing me to come and get him at lunch', 'school phoned me to collect her again', 'they call us to pick him up early most days'])(
    '"%s" is the attendance and exclusion route',
    (concern) => {
      expect(run({ concern }).primary).toBe('attendance-and-exclusion');
    },
  );

  it.each(['what do i do to get him checked, who do i ask', 'do we have to take him somewhere for his hearing?', 'i dont know who to go to now to get him seen again'])(
    '"%s" is not (getting a child seen is not fetching him from school)',
    (concern) => {
      expect(ids({ concern })).not.toContain('attendance-and-exclusion');
    },
  );
});

describe('a home-educated child whose family asks about a plan (blind conversations set 14)', () => {
  it('"can a home educated child still get an EHCP?" gets the needs assessment first', () => {
    const c = { childAge: 9, setting: 'home-educated' as const, needs: ['cognition-learning' as const], concern: 'we took her out of school to home educate and she is behind with reading. can a home educated child still get assessed or get an EHCP?' };
    expect(run(c).primary).toBe('ehcna');
    expect(run({ ...c, ehcp: 'requested' }).primary).toBe('ehcna');
  });

  it('"she has an EHCP" is not asking for one', () => {
    const c = { childAge: 9, setting: 'mainstream-school' as const, ehcp: 'has-plan' as const, concern: 'she has an EHCP and the school is not giving her the hours' };
    expect(run(c).primary).not.toBe('ehcna');
  });
});
