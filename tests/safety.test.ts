import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { benchSafety } from '../bench/safety.js';
import { readPatternExamples, readSafetyLines, SAFETY_DATA } from '../safety/safety-examples.js';
import {
  checkSafety,
  DEFAULT_SAFETY_PATTERNS_FILE,
  loadSafetyPatterns,
  normaliseForSafety,
  safetyCategories,
  type SafetyCheck,
} from '../safety/safety.js';

const P = loadSafetyPatterns();
const NO_PREFILTER = loadSafetyPatterns(DEFAULT_SAFETY_PATTERNS_FILE, { prefilter: false });
const check = (text: string): SafetyCheck => checkSafety(text, P);

// Sets covered by the second net are checked in safety-net.test.ts (patterns or net must flag them).
const risk = readPatternExamples(SAFETY_DATA.risk);
const needs = readPatternExamples(SAFETY_DATA.needsPerson);
const ordinary = readSafetyLines(SAFETY_DATA.ordinary);

describe('the message lists in safety/safety-examples', () => {
  it('are big enough to mean something', () => {
    expect(risk.length).toBeGreaterThanOrEqual(80);
    expect(needs.length).toBeGreaterThanOrEqual(20);
    expect(ordinary.length).toBeGreaterThanOrEqual(100);
  });

  it('every risk message is flagged risk-of-harm (100 % recall)', () => {
    const missed = risk.filter((t) => check(t).kind !== 'risk-of-harm').map((t) => `${t}  =>  ${JSON.stringify(check(t))}`);
    expect(missed, `missed risk messages:\n${missed.join('\n')}`).toEqual([]);
  });

  it('every needs-a-person message is flagged needs-a-person', () => {
    const wrong = needs.filter((t) => check(t).kind !== 'needs-a-person').map((t) => `${t}  =>  ${JSON.stringify(check(t))}`);
    expect(wrong, `wrong kind:\n${wrong.join('\n')}`).toEqual([]);
  });

  // 3 %: blind set 6's hard negatives were written to trip pattern matching ("going to jump off the roof" as
  // echolalia); a pattern false alarm costs a family one safety card, a weaker pattern could cost a child.
  it('false alarms on ordinary SEND questions are at most 3 %', () => {
    const alarms = ordinary.filter((t) => check(t).flagged);
    const rate = alarms.length / ordinary.length;
    console.log(
      `safety: ${alarms.length}/${ordinary.length} ordinary messages flagged (${(rate * 100).toFixed(1)} %)` +
        alarms.map((t) => `\n  - ${t}  [${check(t).matched.join(', ')}]`).join(''),
    );
    expect(rate).toBeLessThanOrEqual(0.03);
  });

  it('every category is exercised by at least one data line', () => {
    const seen = new Set([...risk, ...needs].flatMap((t) => check(t).categories));
    expect(safetyCategories(P).map((c) => c.id).filter((id) => !seen.has(id))).toEqual([]);
  });
});

describe('the patterns file', () => {
  it('has the categories the service needs, each with a plain label and the right kind', () => {
    const cats = Object.fromEntries(safetyCategories(P).map((c) => [c.id, c]));
    const riskIds = ['self-harm', 'suicide', 'abuse', 'domestic-violence', 'neglect', 'exploitation', 'immediate-danger'];
    const personIds = ['missing-child', 'allegation-against-professional', 'crisis-learning-disability-autism', 'out-of-school-no-education'];
    for (const id of riskIds) expect(cats[id]?.kind, id).toBe('risk-of-harm');
    for (const id of personIds) expect(cats[id]?.kind, id).toBe('needs-a-person');
    for (const c of Object.values(cats)) expect(c.label.length).toBeGreaterThan(3);
  });

  it.each(P.examples.map((e) => [e.patternId, e.text] as const))('example for %s fires: %s', (patternId, text) => {
    expect(check(text).matched).toContain(patternId);
  });
});

// Per category: messages that must fire it, and near-misses that must not be flagged at all.
const CASES: Record<string, { flags: string[]; ordinary: string[] }> = {
  suicide: {
    flags: ['he wants to kill himself', 'shes talking about ending it all', "said she'd be better off dead", 'my son is sucidal', 'SUICIDAL', 'i want to kms', 'he said hed rather be dead'],
    ordinary: ['we are just killing time', 'the wait is killing me', 'she is dying to start school', 'he killed it in the school play', 'he is obsessed with death since grandad died'],
  },
  'self-harm': {
    flags: ['cutting her arms', 'she is self harming', 'selfharm', 'self-harming again', "he's hurting himself", 'he bangs his head on the wall', 'found razor blades in her room'],
    ordinary: ['he hurt himself playing football', 'my son struggles with cutting his food', 'budget cuts', 'he hates having his hair cut', 'he hit his head in the playground'],
  },
  abuse: {
    flags: ['dad hits him', 'touched her inappropriately', 'his stepdad beats him', 'my uncle has been touching me', 'the teacher touched her inappropriately', 'i think she is being abused', 'mum calls him worthless and stupid'],
    ordinary: [
      'he hits out when overwhelmed',
      'he hits other children when he is overwhelmed',
      'she is hitting her milestones',
      'he hit his targets this term',
      'staff say he hits them when he is dysregulated',
      'my son can be verbally abusive to staff',
      'he doesnt like being touched',
      'His dad hits the roof when the school phones',
    ],
  },
  'domestic-violence': {
    flags: ['my partner hits me in front of the kids', 'dad hits mum', 'we fled domestic abuse', 'there is violence at home'],
    ordinary: ['we argue about homework', 'my son lashes out at me when he is overwhelmed', 'his dad and I are separated'],
  },
  neglect: {
    flags: ['he is not being fed', 'there is no food in the house', 'the kids are left home alone overnight', 'the little boy next door is being neglected'],
    ordinary: ['I feel neglected by the council', 'his needs have been neglected by the school', 'he comes home starving because he wont eat at school', 'can he be left alone for an hour'],
  },
  exploitation: {
    flags: ['older boys making him sell drugs', 'county lines', 'someone online asked her for nudes', 'she is being groomed', 'new trainers he cant explain'],
    ordinary: ['he sells his old games on ebay', 'help with personal grooming', 'he plays online with school friends', 'Is there a drug he can take for ADHD?'],
  },
  'immediate-danger': {
    flags: ['hes scared to go home', 'he has got a knife', 'we are not safe', 'she is standing on the bridge', 'we cant keep him safe'],
    ordinary: ['he is scared to go to school', 'he has no sense of danger', 'he uses a knife and fork', 'he is in danger of being excluded'],
  },
  'safeguarding-concern': {
    flags: ['I need to make a safeguarding referral', 'a pupil made a disclosure today', 'he is at risk of significant harm'],
    ordinary: ['what does safeguarding mean', 'where is the safeguarding policy', 'there are no safeguarding concerns', 'Who is the designated safeguarding lead?', 'SW, CP plan. 6yo, ?ASC. Can SW make the EHCNA request?'],
  },
  'missing-child': {
    flags: ["he hasn't come home since last night", 'she has gone missing', 'we dont know where he is', 'he ran away from home', "hes gone off again, he walked out about 4 and its gone 9"],
    ordinary: ['he is missing school because of anxiety', 'his EHCP is missing the OT provision', 'she runs away from tasks she finds hard', 'we are missing some reports'],
  },
  'allegation-against-professional': {
    flags: ['the teacher grabbed him', 'the TA slapped my son', 'I want to make an allegation against a member of staff', 'the bus escort hit him'],
    ordinary: ['the teacher pushed for an EHCP', 'his TA holds his hand', 'the teacher really hurt his confidence', 'is the school allowed to restrain him?'],
  },
  'crisis-learning-disability-autism': {
    flags: ['my autistic son is at risk of being sectioned', 'they want a tier 4 bed', 'we are at breaking point and cannot cope any more', 'the placement is breaking down'],
    ordinary: ['the cost of living crisis', 'our family is struggling to cope with his behaviour', 'can we get short breaks', 'Learner 17, EHCP. Placement breaking down, attendance 40%. Can we call an early review?'],
  },
  'out-of-school-no-education': {
    flags: ['he has had no school place since september', 'she hasnt been in school for 6 months', 'my daughter was off rolled', 'no school will take my son'],
    ordinary: ['he was off school for a week with flu', 'we home educate by choice', 'he is on a part time timetable', "can my child get an EHCP if he's not in school?", 'If we take him off roll do we need permission?'],
  },
};

describe.each(Object.entries(CASES))('category %s', (id, { flags, ordinary: near }) => {
  const kind = safetyCategories(P).find((c) => c.id === id)?.kind;
  it.each(flags)('flags: %s', (text) => {
    const r = check(text);
    expect(r.categories).toContain(id);
    expect(r.flagged).toBe(true);
    expect(r.kind === 'risk-of-harm' || r.kind === kind).toBe(true);
  });
  it.each(near)('does not flag: %s', (text) => {
    expect(check(text)).toEqual({ flagged: false, kind: null, categories: [], matched: [] });
  });
});

describe('negation: only plain statements of absence are ignored', () => {
  it.each(["he's not suicidal, just very low", 'she isnt self harming but she picks at her skin', 'No safeguarding concerns, just an EHCP question', 'no history of self harm', "no shes not hurting herself if thats what u mean, just very low"])(
    'not flagged: %s',
    (text) => expect(check(text).flagged).toBe(false),
  );
  it.each([
    "he's not suicidal but he has been cutting himself",
    "I'm not sure if he's suicidal",
    "I don't think she's self harming",
    'she is not self harming at the moment',
    'he is not suicidal any more',
    'she is not hurting herself anymore, she stopped',
    "he isn't hurting himself at the moment",
    'my son is not hurting himself but his sister is hurting herself',
    "he doesn't want to live any more",
    'she is not being fed',
    "I don't feel safe at home",
  ])('still flagged: %s', (text) => expect(check(text).kind).toBe('risk-of-harm'));
});

describe('behaviour is not abuse; hurting yourself is self-harm', () => {
  it.each(['he hits other children when overwhelmed', 'he kicked a TA and was excluded', 'my son lashes out at me', 'he bites his sister when frustrated', 'he threw a chair at a teacher'])(
    'behaviour, not flagged: %s',
    (text) => expect(check(text).flagged).toBe(false),
  );
  it.each(['he hits himself when overwhelmed', 'she bites her own arm when distressed', 'he keeps banging his head against the wall'])('self-harm: %s', (text) =>
    expect(check(text).categories).toContain('self-harm'),
  );
  it('an adult hurting the child is abuse, whoever is writing', () => {
    expect(check('dad hits him when he has a meltdown').categories).toContain('abuse');
    expect(check('I lost my temper and hit him').categories).toContain('abuse');
  });
});

describe('a health care plan question is not an emergency now (blind set 23)', () => {
  it.each([
    "If his tube blocks or comes out he can't breathe and he could die within minutes, so whoever is with him has to be trained",
    'the second time they rang an ambulance because nobody there was trained to give her buccal midazolam. Who trains the staff?',
  ])('not flagged: %s', (text) => expect(check(text).flagged).toBe(false));
  it.each(["he's having an asthma attack and can't breathe", 'his tube has blocked and he cant breathe', 'they rang an ambulance because he stopped breathing'])(
    'still flagged: %s',
    (text) => expect(check(text).kind).toBe('risk-of-harm'),
  );
});

describe('the result', () => {
  it('is risk-of-harm when both kinds fire', () => {
    const r = check('my son has gone missing and he said he wants to kill himself');
    expect(r.categories).toEqual(expect.arrayContaining(['suicide', 'missing-child']));
    expect(r.kind).toBe('risk-of-harm');
  });

  it('carries pattern ids only, never the user text', () => {
    const r = check('Zebedee Quuxworth said he wants to kill himself');
    expect(JSON.stringify(r)).not.toMatch(/zebedee|quuxworth/i);
    for (const id of r.matched) expect(P.patternIds).toContain(id);
  });

  it('is empty for empty or non-text input', () => {
    for (const x of ['', '   ', '!!!', undefined, null, 42]) expect(check(x as unknown as string)).toEqual({ flagged: false, kind: null, categories: [], matched: [] });
  });

  it('uses the default patterns file, loaded lazily, when none are given', () => {
    expect(checkSafety('he wants to kill himself').kind).toBe('risk-of-harm');
    expect(checkSafety('how do I apply for an EHCP').flagged).toBe(false);
  });

  it('normalises spelling, apostrophes, accents and stretched letters', () => {
    expect(normaliseForSafety("He’s SOOOO sucidial, he'd b better off ded", P)).toBe('hes soo suicidal hed be better off dead');
    expect(normaliseForSafety('my 12yo kept saying kms at 2am', P)).toBe('my 12 year old kept saying kill myself at 2 am');
    expect(normaliseForSafety('cafè — naïve', P)).toBe('cafe naive');
  });
});

describe('the speed-up (prefilter) never changes an answer', () => {
  it('on every data line', () => {
    for (const t of [...risk, ...needs, ...ordinary]) expect(checkSafety(t, P), t).toEqual(checkSafety(t, NO_PREFILTER));
  });
  it('on random text mixed with risk words', () => {
    const words = fc.constantFrom('dad', 'hits', 'him', 'kill', 'himself', 'not', 'suicidal', 'missing', 'school', 'teacher', 'grabbed', 'older', 'drugs', 'neglected', 'council', 'cutting', 'her', 'arms', 'self', 'harm', 'crisis', 'home', 'since', 'september', 'knife');
    fc.assert(
      fc.property(fc.array(fc.oneof(words, fc.string({ maxLength: 8 })), { maxLength: 30 }), (xs) => {
        const t = xs.join(' ');
        expect(checkSafety(t, P)).toEqual(checkSafety(t, NO_PREFILTER));
      }),
      { numRuns: 500 },
    );
  });
});

describe('properties', () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer({ min: 1, max: 5000 })).map(([s, n]) => s.repeat(n)),
  );

  it('never throws, and gives the same answer twice (arbitrary, huge and unicode text)', () => {
    fc.assert(
      fc.property(anyText, (t) => {
        const a = checkSafety(t, P);
        const b = checkSafety(t, P);
        expect(b).toEqual(a);
        expect(a.flagged).toBe(a.kind !== null);
        expect(a.flagged).toBe(a.categories.length > 0);
      }),
      { numRuns: 300 },
    );
  });

  it('a risk sentence is still caught wherever it sits in a long message', () => {
    const riskSentence = fc.constantFrom('He said he wants to kill himself.', 'dad hits him.', "She's been cutting her arms.", "He's scared to go home.");
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), riskSentence, fc.string({ maxLength: 400 }), (before, s, after) => {
        expect(checkSafety(`${before}\n${s}\n${after}`, P).kind).toBe('risk-of-harm');
      }),
      { numRuns: 300 },
    );
  });

  // Speed is measured by `npm run bench` (safety p50/p99), not asserted here: a busy machine is not a bug.
  it('handles a 1 MB message', () => {
    const big = `${'my son has an EHCP and the school are not following it. '.repeat(18000)} he wants to kill himself`;
    expect(checkSafety(big, P).kind).toBe('risk-of-harm');
  });
});

describe('benchSafety', () => {
  it('reports recall and false alarms from the data files (speed: npm run bench)', () => {
    const b = benchSafety();
    console.log('safety bench:', JSON.stringify(b));
    expect(b.riskCount).toBe(risk.length);
    expect(b.ordinaryCount).toBe(ordinary.length);
    expect(b.recall).toBe(1);
    expect(b.needsPersonRecall).toBe(1);
    expect(b.falseAlarmRate).toBeLessThanOrEqual(0.03);
  });
});

describe('a bad patterns file fails loudly, naming the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safety-patterns-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = parse(readFileSync(DEFAULT_SAFETY_PATTERNS_FILE, 'utf8')) as Record<string, any>;
  const write = (name: string, edit: (d: Record<string, any>) => void): string => {
    const d = structuredClone(good);
    edit(d);
    const file = join(dir, name);
    writeFileSync(file, stringify(d));
    return file;
  };

  it('loads an unchanged copy', () => {
    expect(loadSafetyPatterns(write('ok.yaml', () => {})).categories.length).toBe(P.categories.length);
  });

  it.each<[string, (d: Record<string, any>) => void, RegExp]>([
    ['a wrong kind', (d) => (d.categories[0].kind = 'urgent'), /categories\[0\] \(id "suicide"\)\.kind: Invalid enum value/],
    ['a missing label', (d) => delete d.categories[1].label, /categories\[1\] \(id "self-harm"\)\.label: Required/],
    ['a category with no patterns', (d) => (d.categories[2].patterns = []), /categories\[2\] \(id "abuse"\)\.patterns: needs at least one pattern/],
    ['an unknown field', (d) => (d.categories[0].patterns[0].regexp = 'x'), /categories\[0\] \(id "suicide"\)\.patterns\[0\] \(id "suicide.word"\): Unrecognized key/],
    ['a broken regex', (d) => (d.categories[0].patterns[0].regex = 'suicid(e'), /patterns\[0\] \(id "suicide.word"\)\.regex: not a valid regular expression/],
    ['an unknown word list', (d) => (d.categories[0].patterns[0].regex = '{nope} hits'), /patterns\[0\] \(id "suicide.word"\)\.regex: unknown word list \{nope\}/],
    ['a pattern that matches nothing at all', (d) => (d.categories[0].patterns[0].regex = 'x?'), /can match nothing at all/],
    ['a pattern that matches every word', (d) => (d.categories[0].patterns[0].regex = '\\w+'), /flags an everyday sentence/],
    ['upper case', (d) => (d.categories[0].patterns[0].regex = 'Suicide'), /lower case/],
    ['an apostrophe', (d) => (d.categories[0].patterns[0].regex = "he's gone"), /apostrophes/],
    ['a duplicate id', (d) => (d.categories[1].patterns[0].id = 'suicide.word'), /id "suicide.word" is used twice|must start with "self-harm\."/],
    ['a pattern id in the wrong category', (d) => (d.categories[1].patterns[0].id = 'suicide.zzz'), /must start with "self-harm\."/],
    ['a spelling listed twice', (d) => d.spellings.suicide.push('sucidal'), /spellings\.\w+: "sucidal" is already listed/],
  ])('%s', (name, edit, message) => {
    const file = write(`${name.replace(/\W+/g, '-')}.yaml`, edit);
    expect(() => loadSafetyPatterns(file)).toThrow(message);
    expect(() => loadSafetyPatterns(file)).toThrow(file);
  });

  it('a file that is not YAML', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'categories: [\n');
    expect(() => loadSafetyPatterns(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read`));
  });

  it('a file that does not exist', () => {
    expect(() => loadSafetyPatterns(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read/);
  });
});
