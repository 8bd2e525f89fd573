/**
 * The understander (understanding/understand.ts): every wording in issue 11's list, negation,
 * short answers to the question just asked, sources, and the vocabulary checks.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataFileError, loadYaml } from '../text/load-yaml.js';
import { type FactName, understand, type Understood } from '../understanding/understand.js';
import { loadVocabulary } from '../understanding/vocabulary.js';

type Step = FactName | 'safety' | 'confirm';
const facts = (text: string, step?: Step): Understood['facts'] => understand(text, step ? { step } : {}).facts;

/** [message, step or '', exactly the facts expected] */
type Case = [string, Step | '', Understood['facts']];
const table = (cases: Case[]) =>
  it.each(cases)('%s (step %s)', (text, step, expected) => {
    expect(facts(text, step || undefined)).toEqual(expected);
  });

describe('requester', () => {
  table([
    ["I'm his nan", '', { requester: 'carer' }],
    ["I'm a SENCO", '', { requester: 'professional' }],
    ['my son keeps getting upset', '', { requester: 'parent', needs: ['semh'] }],
    ['we are his foster carers', '', { requester: 'carer' }],
    ['foster carer', 'requester', { requester: 'carer' }],
    ["I'm 17 and I want to know about college", '', { requester: 'young-person', childAge: 17, setting: 'college' }],
    ['im 19', '', { requester: 'young-person', childAge: 19 }],
    ["I'm 34 and my daughter is 6", '', { requester: 'parent', childAge: 6 }],
    ['health visitor here, worried about a family', '', { requester: 'professional' }],
    ['nan', 'requester', { requester: 'carer' }],
    ['mum', 'requester', { requester: 'parent' }],
  ]);
});

describe('age', () => {
  table([
    ['14', 'childAge', { childAge: 14 }],
    ['fourteen', 'childAge', { childAge: 14 }],
    ['he is in yr 8', '', { childAge: 12, setting: 'mainstream-school' }],
    ['she is in reception', '', { childAge: 4, setting: 'mainstream-school' }],
    ['my 2yo', '', { requester: 'parent', childAge: 2 }],
    ['she is 18 months', '', { childAge: 1 }],
    ['18 months', 'childAge', { childAge: 1 }],
    ['he is 17 next month', '', { childAge: 16 }],
    ['2 and a half', 'childAge', { childAge: 2 }],
    ['she is two and a half years old', '', { childAge: 2 }],
    ['he has just turned 5', '', { childAge: 5 }],
    ['nearly 3', 'childAge', { childAge: 2 }],
    ['my son, 9, lives with me', '', { requester: 'parent', childAge: 9 }],
  ]);
  it('does not take durations or times for ages', () => {
    expect(facts('we have waited 18 months for help')).toEqual({});
    expect(facts('the bus takes 40 minutes')).toEqual({});
    expect(facts('7')).toEqual({});
    expect(facts('support has been in place since year 2')).toEqual({ setting: 'mainstream-school' });
  });
});

describe('setting', () => {
  table([
    ['reception', 'setting', { setting: 'mainstream-school' }],
    ['infant school', 'setting', { setting: 'mainstream-school' }],
    ['middle school', 'setting', { setting: 'mainstream-school' }],
    ['sixth form', 'setting', { setting: 'college' }],
    ['home educated', 'setting', { setting: 'home-educated' }],
    ['he has not been in since October', '', { setting: 'not-attending' }],
    ['at home, no nursery yet', 'setting', { setting: 'none' }],
    ['at home, no nursery yet', '', { setting: 'none' }],
    ['nursery', 'setting', { setting: 'early-years' }],
    ['he goes to the PRU', '', { setting: 'alternative-provision' }],
    ['she is at the learning centre', '', { setting: 'alternative-provision' }],
    ['a special school', 'setting', { setting: 'special-school' }],
  ]);
});

describe('place', () => {
  table([
    ['weymouth', 'place', { town: 'Weymouth' }],
    ['WEYMOUTH', '', { town: 'Weymouth' }],
    ['dt4 7ab', '', { postcode: 'DT4 7AB' }],
    ['DT47AB', 'place', { postcode: 'DT4 7AB' }],
    ['we are in bh21', '', { postcode: 'BH21' }],
    ['we live in Poole', '', { town: 'Poole' }],
    ['Bournemouth', 'place', { town: 'Bournemouth' }],
    ['christchurch', '', { town: 'Christchurch' }],
    ['near sherborne', 'place', { town: 'Sherborne' }],
    ['weymuoth', 'place', { town: 'weymuoth' }],
  ]);
  it('needs "in" before a town that is also a word, unless asked', () => {
    expect(facts('a mere 3 weeks')).toEqual({});
    expect(facts('we live in Mere')).toEqual({ town: 'Mere' });
  });
  it('does not take a town someone travels to as home, unless asked', () => {
    expect(facts("he's been going to Bournemouth and Southampton on the train")).toEqual({});
    expect(facts('we drive to Poole for his appointments, we live in Wimborne')).toEqual({ town: 'Wimborne' });
    expect(facts('going to poole', 'place')).toEqual({ town: 'Poole' });
  });
  it('does not take where a child was treated or born as home, unless asked', () => {
    expect(facts('she had open heart surgery at Southampton when she was 6 months old').town).toBeUndefined();
    expect(facts('he was born in Yeovil, we live in Chickerell now').town).toBe('Chickerell');
    expect(facts('surgery at Southampton, we are in Poole').town).toBe('Poole');
  });
});

describe('needs', () => {
  table([
    ['struggles with reading', '', { needs: ['cognition-learning'] }],
    ["he isn't talking yet", '', { needs: ['communication-interaction'] }],
    ['he has trouble hearing', '', { needs: ['sensory-physical'] }],
    ['glue ear', 'needs', { needs: ['sensory-physical'] }],
    // A baby's milestones (blind conversations set 19), and "can't sit still" is not one.
    ["he can't sit up without cushions and feels floppy, he doesn't babble", '', { needs: ['communication-interaction', 'sensory-physical'] }],
    ["he can't sit still", '', {}],
    ['worried about her sight', '', { needs: ['sensory-physical'] }],
    ['really bad anxiety', '', { needs: ['semh'] }],
    ['meltdowns every evening', '', { needs: ['semh'] }],
    ['she uses a wheelchair', '', { needs: ['sensory-physical'] }],
    ['poor coordination', '', { needs: ['sensory-physical'] }],
    ['autism', 'needs', { needs: ['communication-interaction'] }],
    ['dunno really, he just seems unhappy', 'needs', { needs: ['semh'] }],
    ['reading and his anxiety', '', { needs: ['cognition-learning', 'semh'] }],
  ]);
});

describe('SEN support, advice, EHCP, diagnosis', () => {
  table([
    ["they won't put anything in place", '', { senSupport: 'none' }],
    ["Our son's EHCP hasn't been looked at for two years", '', { ehcp: 'has-plan' }],
    ["my daughter's EHCP assessment is next week", '', {}],
    ['college give me a pass to leave lessons when it gets too much', '', { setting: 'college', senSupport: 'starting' }],
    ['they started a one plan in September', '', { senSupport: 'starting' }],
    ['he has been on SEN support for two years', '', { senSupport: 'established' }],
    ['the EP came once', '', { externalAdvice: true }],
    ['nobody outside school', 'externalAdvice', { externalAdvice: false }],
    ['nobody outside school has seen him', '', { externalAdvice: false }],
    ['we are waiting for an educational psychologist', '', {}],
    ['she has a plan', '', { ehcp: 'has-plan' }],
    ['we applied in March', '', { ehcp: 'requested' }],
    ['the council said no', '', { ehcp: 'refused' }],
    ['declined', 'ehcp', { ehcp: 'refused' }],
    ['the LA refused to assess', '', { ehcp: 'refused' }],
    ['we applied in March and the council said no', '', { ehcp: 'refused' }],
    ['his annual review is late', '', { ehcp: 'has-plan' }],
    ['he is autistic', '', { needs: ['communication-interaction'], diagnosis: 'diagnosed' }],
    ['on the waiting list for ADHD', '', { needs: ['semh'], diagnosis: 'waiting' }],
    ['no diagnosis', '', { diagnosis: 'none' }],
    // Held-out conversations 3 (2026-12-01): what a school's plan is, text-speak, support in families' words.
    ['the teacher has a plan for him I believe', 'senSupport', { senSupport: 'starting' }],
    ['we have a plan for the summer holidays', '', {}],
    ['sch have had him on sen support since last yr', '', { senSupport: 'established' }],
    ['a TA has done a few sessions with her', 'senSupport', { senSupport: 'starting' }],
    ["she's on the SEN register but I've never seen a plan", 'senSupport', { senSupport: 'starting' }],
    ['they said she is on a list for some extra help', 'senSupport', { senSupport: 'none' }],
    ['the school keep saying talk to the senco', 'senSupport', {}],
    ['he has had a QTVI visiting once a term', '', { senSupport: 'established', externalAdvice: true, needs: ['sensory-physical'] }], // a QTVI teaches children with a visual impairment: a sight need
    ['BSILA visited once', 'externalAdvice', { externalAdvice: true }],
    ['my ds is 9 and in yr 4', '', { childAge: 9, requester: 'parent', setting: 'mainstream-school' }],
    ['boy aged 3y 4m', '', { childAge: 3 }],
  ]);
});

describe('negation', () => {
  table([
    ['no EHCP', '', { ehcp: 'none' }],
    ["he doesn't have an EHCP", '', { ehcp: 'none' }],
    ["he's not autistic", '', { diagnosis: 'none' }],
    ["she hasn't got a diagnosis", '', { diagnosis: 'none' }],
    ['we think he might be autistic', '', { needs: ['communication-interaction'] }],
    ['no support at all from school', '', { senSupport: 'none' }],
  ]);
});

describe('short answers to the question just asked', () => {
  table([
    ['yes', 'ehcp', { ehcp: 'has-plan' }],
    ['no', 'ehcp', { ehcp: 'none' }],
    ['no not yet', 'ehcp', { ehcp: 'none' }],
    ['yes', 'diagnosis', { diagnosis: 'diagnosed' }],
    ['nope', 'diagnosis', { diagnosis: 'none' }],
    ['yes', 'externalAdvice', { externalAdvice: true }],
    ['yeah', 'externalAdvice', { externalAdvice: true }],
    ['yes', 'senSupport', { senSupport: 'established' }],
    ['yes, it has just started', 'senSupport', { senSupport: 'starting' }],
    ['yes they started it last term', 'senSupport', { senSupport: 'starting' }],
    ['no not yet', 'senSupport', { senSupport: 'none' }],
    ['not sure', 'ehcp', {}],
    ['yes', 'confirm', {}],
    ['yes', '', {}],
    ['no, he is 8', 'confirm', { childAge: 8 }],
  ]);
  it('reads "loads of support, a TA most lessons" as SEN support in place, when asked', () => {
    expect(understand('she gets loads of support, TA most lessons', { step: 'senSupport' }).facts.senSupport).toBe('established');
    expect(understand('he has a TA in all lessons', { step: 'senSupport' }).facts.senSupport).toBe('established');
    expect(understand('no, not getting any support', { step: 'senSupport' }).facts.senSupport).toBe('none');
  });

  it('takes where the family says they live over the town of the school named first', () => {
    expect(understand("She's in Year 10 at the secondary in Wimborne. We live in Corfe Mullen.").facts.town).toBe('Corfe Mullen');
    expect(understand('he goes to school in Dorchester, we are based in Puddletown').facts.town).toBe('Puddletown');
    expect(understand('school in Bridport, he is 9').facts.town).toBe('Bridport');
  });

  it('reads a plan, a refusal and support as families put them in a story', () => {
    expect(understand('Son is 22, at Weymouth College on an EHCP.').facts.ehcp).toBe('has-plan');
    expect(understand("Dorset won't carry out an EHC needs assessment for our son.").facts.ehcp).toBe('refused');
    expect(understand('The preschool have a support plan for him.').facts.senSupport).toBe('starting');
    expect(understand("had SEN support at primary but the new school hasn't started anything yet").facts.senSupport).toBe('none');
  });

  it('reads SEN support and no plan told in passing (blind conversations set 11)', () => {
    expect(understand("He's on the SEN register but I don't think his teachers have read his pupil passport.").facts.senSupport).toBe('starting');
    expect(understand("She didn't have an EHCP at school, just SEN support.").facts).toMatchObject({ ehcp: 'none', senSupport: 'starting' });
    expect(understand('He has had SEN support for years but it is not enough.').facts.senSupport).toBe('established');
    expect(understand("he isn't on the SEN register and nothing is in place").facts.senSupport).toBe('none');
  });

  it('reads a yes only for the question asked', () => {
    expect(facts('yes', 'safety')).toEqual({});
    expect(facts('weymouth')).toEqual({ town: 'Weymouth' });
    expect(facts('declined')).toEqual({});
  });
});

describe('a rich first message', () => {
  it('fills every fact it states, each with its own words', () => {
    const u = understand(
      "Hi, I'm his nan. He's 9, in year 4 at a primary in Weymouth, struggles with reading and the school won't put anything in place. No EHCP, no diagnosis, and nobody outside school has seen him.",
    );
    expect(u.facts).toEqual({
      requester: 'carer',
      childAge: 9,
      setting: 'mainstream-school',
      town: 'Weymouth',
      needs: ['cognition-learning'],
      senSupport: 'none',
      externalAdvice: false,
      ehcp: 'none',
      diagnosis: 'none',
    });
    expect(u.sources).toEqual({
      requester: "I'm his nan",
      childAge: "He's 9",
      setting: 'year 4 at a primary',
      place: 'Weymouth',
      needs: 'reading',
      senSupport: "won't put anything in place",
      externalAdvice: 'nobody outside',
      ehcp: 'No EHCP',
      diagnosis: 'no diagnosis',
    });
  });
  it('understands nothing in a plain question', () => {
    expect(understand('what does SENCO mean?')).toEqual({ facts: {}, sources: {} });
    expect(understand('')).toEqual({ facts: {}, sources: {} });
  });
});

describe('vocabulary files', () => {
  it('load and validate', () => {
    expect(() => loadVocabulary()).not.toThrow();
  });
  it('name the file and field of a mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vocab-'));
    const source = new URL('../understanding/vocabulary/', import.meta.url);
    for (const f of readdirSync(source)) writeFileSync(join(dir, f), readFileSync(new URL(f, source)));
    writeFileSync(join(dir, 'ehcp.yaml'), 'ehcp:\n  - value: has-plan\n    phrases: ["/(unclosed/"]\n');
    expect(() => loadVocabulary(pathToFileURL(`${dir}/`))).toThrow(/ehcp\.yaml: ehcp\.0\.phrases\.0: not a valid regular expression/);
    writeFileSync(join(dir, 'ehcp.yaml'), 'ehcp:\n  - value: maybe\n');
    expect(() => loadVocabulary(pathToFileURL(`${dir}/`))).toThrow(DataFileError);
  });
  it('loadYaml reports the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-'));
    const file = join(dir, 'x.yaml');
    writeFileSync(file, 'a: [1, "two"]\n');
    expect(() => loadYaml(file, z.object({ a: z.array(z.number()) }))).toThrow(/a\.1: Expected number, received string/);
  });
});
