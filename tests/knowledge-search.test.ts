import { describe, expect, it } from 'vitest';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';

const kb = loadKnowledgeBase();
const search = new KnowledgeSearch(kb);
const top = (q: string) => {
  const answer = search.search(q);
  return answer.answered ? answer.results[0]?.id : null;
};

describe('retrieval', () => {
  it.each([
    ['how do i aply for an ehcp', 'ehcna-request'],
    ['ehcp anual reveiw', 'annual-review'],
    ['my 2 year old isnt talking yet', 'speech-language-communication'],
    ['autsim assesment waiting list', 'neurodevelopmental-assessment'],
    ['SENDIASS', 'sendiass'],
    ['what is an EHCP', 'ehc-plan'],
    ['CAMHS', 'emotional-wellbeing'],
    ['DLA for my son', 'money-and-benefits'],
    ['we live in poole', 'bcp-and-other-areas'],
    ['he has been excluded from school', 'suspensions-and-exclusions'],
    ['home schooling', 'elective-home-education'],
  ])('answers "%s" with %s despite typos and acronyms', (question, expected) => {
    expect(top(question)).toBe(expected);
  });

  it.each(['when is my bin collection day', 'what time is it', 'apply for a blue badge for my car', 'tell me a joke', 'how do I pay my council tax', ''])(
    'abstains on "%s" rather than guess',
    (question) => {
      const answer = search.search(question);
      expect(answer.answered).toBe(false);
      expect(answer.results).toEqual([]);
    },
  );

  it('names the everyday topic it sends elsewhere', () => {
    expect(search.search('when is my bin collection day').topic?.id).toBe('waste');
  });

  it('sends an everyday topic elsewhere unless the question is about SEND after all', () => {
    expect(search.search('how do i apply for a reception school place').topic?.id).toBe('school-admissions');
    expect(search.search('my mum has dementia and needs a care home').topic?.id).toBe('adult-care');
    const send = search.search('how do i get a reception school place for my autistic son with an ehcp');
    expect(send.topic).toBeUndefined();
    expect(send.answered).toBe(true);
  });

  it('gives a long question told as a story a lower bar than a short one', () => {
    // Most words of a story are in no article; the same coverage would not answer a short question.
    const story = search.search('my little girl is registered partially sighted and starts reception in september, is there a specialist teacher who can help the school');
    expect(story.answered).toBe(true);
    expect(story.results[0]?.id).toBe('hearing-and-vision');
    expect(story.coverage).toBeLessThan(search.settings.minCoverage);
    expect(search.search('can you book me a gp appointment').answered).toBe(false);
  });

  it('ranks best first with scores, and is deterministic', () => {
    const a = search.search('speech and language therapy for my child');
    const b = search.search('speech and language therapy for my child');
    expect(a).toEqual(b);
    const scores = a.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  it('copes with very long and odd input', () => {
    expect(() => search.search('ehcp '.repeat(5000))).not.toThrow();
    expect(() => search.search('💥 <script>alert(1)</script> \u0000')).not.toThrow();
  });
});

describe('glossary', () => {
  const glossary = new Glossary(kb.glossary);
  it.each([
    ['what does SENCO mean', 'SENCO'],
    ['what does ehcp stand for?', 'EHCP'],
    ['SEMH meaning', 'SEMH'],
    ['what is APDR short for', 'APDR'],
    // As typed in blind questions set 22.
    ['wat does ehcp stand 4', 'EHCP'],
  ])('explains "%s"', (question, term) => {
    const entry = glossary.meaningQuestion(question);
    expect(entry?.term).toBe(term);
    expect(entry?.meaning.length).toBeGreaterThan(10);
  });

  it.each([
    ['the health visitor said she will refer him to a bsila?? wot even is that', 'BSILA'],
    ['school keep saying he needs an EHCP. what is that?', 'EHCP'],
  ])('explains the word before a "what is that" ("%s")', (question, term) => {
    expect(glossary.meaningQuestion(question)?.term).toBe(term);
  });

  it('reads "what even is CAMHS?" as a bare look-up (the short meaning, in the middle of the questions)', () => {
    expect(glossary.meaningQuestion('what even is CAMHS?', true)?.term).toBe('CAMHS');
  });

  it('does not treat ordinary questions as glossary look-ups', () => {
    expect(glossary.meaningQuestion('how do i ask for an assessment')).toBeUndefined();
    expect(glossary.meaningQuestion('what does the school have to do')).toBeUndefined();
    expect(glossary.meaningQuestion('he is 9 and struggling with maths, what is that about')).toBeUndefined();
  });
});

describe('a greeting is not an acronym (blind conversations set 14)', () => {
  it('"Hi, my son..." is not read as HI (hearing impairment); "HI" in capitals still is', () => {
    const greeting = search.search('hi, my son is 8 and finds it hard socially, the teacher says he struggles with friendships');
    expect(greeting.results[0]?.id).not.toBe('hearing-and-vision');
    expect(search.search('what support is there for HI pupils in mainstream').results[0]?.id).toBe('hearing-and-vision');
  });
});
