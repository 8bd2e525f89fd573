/**
 * Issue 13: stories, asking back, passages, text-speak, out of scope that knows SEND, audiences.
 * Each test compares against the method before (TODAY_SETTINGS) or a setting turned off where
 * that shows the behaviour is the new code's doing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateQuestions } from '../knowledge/eval.js';
import { KnowledgeError, loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch, TODAY_SETTINGS } from '../knowledge/search.js';
import { askedOf, sentencesOf } from '../text/sentences.js';
import { QuestionModel } from '../knowledge/search/model.js';
import { loadPhrasing, Rewriter } from '../knowledge/search/phrasing.js';

const kb = loadKnowledgeBase();
const search = new KnowledgeSearch(kb);
const today = new KnowledgeSearch(kb, TODAY_SETTINGS);

describe('long messages (stories)', () => {
  const story =
    "I'm writing on behalf of my daughter as she's too upset to do it herself. My grandson is 14, he was diagnosed with autism last year, and he's now only managing about two days a week at school. The school has started talking about fines and attendance letters which has made everything worse. He isn't being naughty, he's genuinely terrified. What should the school be doing to help him get back in?";

  it('splits a message into sentences, not inside e.g. or numbers', () => {
    expect(sentencesOf('He is 9. He has 1.5 hours, e.g. on Mondays! Help?')).toEqual(['He is 9', 'He has 1.5 hours, eg on Mondays', 'Help']);
  });

  it('answers a long story through the sentence that carries the worry, where the method before abstained', () => {
    expect(today.search(story).answered).toBe(false);
    const answer = search.search(story);
    expect(answer.kind).toBe('answer');
    expect(answer.results[0]?.id).toBe('attendance');
  });

  it('gives a sentence its weight only with sentenceWeight on', () => {
    const off = new KnowledgeSearch(kb, { sentenceWeight: 0 });
    expect(search.search(story).coverage).toBeGreaterThan(off.search(story).coverage);
  });

  it('weighs the sentence that asks over the story around it (askWeight)', () => {
    const story = 'My daughter is in Year 9 and has an EHCP, when should we start planning for what she does after school?';
    expect(search.search(story).results[0]?.id).toBe('preparing-for-adulthood');
    const off = new KnowledgeSearch(kb, { askWeight: 0 });
    expect(off.search(story).results[0]?.id).toBe('moving-school-transitions');
  });

  it('finds the sentences that ask: a question mark, a question word, or a last clause that asks', () => {
    expect(askedOf('He is 9. He has ADHD, is that enough for an EHCP? thanks')).toEqual(['He has ADHD, is that enough for an EHCP']);
    expect(askedOf('School keep sending him home, is this even allowed')).toEqual(['is this even allowed']);
    expect(askedOf('how long does it take. she is 7')).toEqual(['how long does it take']);
    expect(askedOf('We have tried everything. She is 7.')).toEqual([]);
    // Asking without a question word (blind conversations set 14).
    expect(askedOf('The head of year says he is choosing it. I want to put in a formal complaint and I want to know my rights.')).toEqual([
      'I want to put in a formal complaint and I want to know my rights',
    ]);
    expect(askedOf('We want to move house next year.')).toEqual([]);
  });

  it('reads words past the 64th: the question at the end of a long message counts', () => {
    const padding = 'we have had a really hard year with lots going on at home and at work for both of us. '.repeat(4);
    const answer = search.search(`${padding}my son is autistic and the school keep sending him home at lunchtime, is that an informal exclusion?`);
    expect(answer.results[0]?.id).toBe('suspensions-and-exclusions');
  });

  it('learns from the articles’ example questions (naive Bayes, deterministic, inspectable)', () => {
    const model = new QuestionModel(kb.articles);
    const p = model.probabilities('they refused to assess my son', 1)!;
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(model.probabilities('they refused to assess my son', 1)).toEqual(p);
    expect(model.probabilities('zzzz qqqq', 1)).toBeNull();
    expect(model.weights.get('ehcp')?.length).toBe(kb.articles.length);
  });

  it('weighs the word before "of" as an aspect: the benefits of an EHCP is about the plan, not money', () => {
    expect(['money-and-benefits', 'dla-refused']).toContain(today.search('the benefits of an EHCP').results[0]?.id);
    expect(search.search('the benefits of an EHCP').results[0]?.id).toBe('ehc-plan');
  });
});

describe('asking back', () => {
  it('offers 2 or 3 plausible articles, best first, instead of not sure', () => {
    const q = "I'm in year 12 and autistic, can I work in the library during noisy lessons";
    const answer = search.search(q);
    expect(answer.kind).toBe('clarify');
    expect(answer.answered).toBe(false);
    expect(answer.results.length).toBeGreaterThanOrEqual(2);
    expect(answer.results.length).toBeLessThanOrEqual(3);
    const scores = answer.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new KnowledgeSearch(kb, { clarifyMinCoverage: 1, clarifyMinCoverageLong: 1 }).search(q).kind).toBe('not-sure');
  });

  it('does not ask back about something off-topic', () => {
    for (const q of ['what are the best restaurants in weymouth', 'tell me a joke']) {
      expect(search.search(q).kind).toBe('not-sure');
    }
    // A national service is out of scope with where to go (knowledge/out-of-scope.yaml), not a choice of articles.
    expect(search.search('book a driving test').kind).toBe('out-of-scope');
  });

  it('keeps the old fields working: answered only for an answer, results empty when not sure', () => {
    const answer = search.search('how do i apply for an ehcp');
    expect(answer).toMatchObject({ kind: 'answer', answered: true, reason: 'answered' });
    expect(search.search('what time is it')).toMatchObject({ kind: 'not-sure', answered: false, results: [] });
    expect(search.search('when is my bin collection day')).toMatchObject({ kind: 'out-of-scope', answered: false, results: [] });
  });

  it('counts a right choice apart from top-1 in evaluation', () => {
    const report = evaluateQuestions(
      [{ q: "I'm in year 12 and autistic, can I work in the library during noisy lessons", expect: ['key-worker'] }, { q: 'tell me a joke', noArticle: true }],
      search,
    );
    expect(report.top1).toBe(0);
    expect(report.clarifiedRight).toBe(1);
    expect(report.falseAbstain).toBe(0);
    expect(report.noArticleAbstained).toBe(1);
  });
});

describe('two ideas in one sentence (phrasing.yaml, together)', () => {
  it('"our request ... was refused" is a refusal to assess: the appeals article, though no phrase says so', () => {
    const question = 'our request for an ehc needs assessment was refused. what can we do now';
    expect(search.search(question).results[0]?.id).toBe('disagreements-and-appeals');
    expect(new KnowledgeSearch(kb, { togetherWeight: 0 }).search(question).results[0]?.id).not.toBe('disagreements-and-appeals');
  });

  it('needs both ideas: a request alone is still about asking', () => {
    expect(search.search('how do i request an ehc needs assessment').results[0]?.id).toBe('ehcna-request');
  });
});

describe('passages', () => {
  it('answers "how long" with the time limits section of the article', () => {
    const answer = search.search('how long does an ehcp take');
    expect(answer.results[0]?.id).toBe('ehcna-process');
    expect(answer.passage).toMatchObject({ articleId: 'ehcna-process', heading: 'The steps and the time limits' });
    expect(answer.passage?.text).toContain('20 weeks');
  });

  it('in a long story, finds the section from the sentence that asks (not from every word of the story)', () => {
    const answer = search.search(
      'Our daughter is 15 and autistic, she has had an EHCP since year 3 and goes to the upper school in Blandford. She wants to go to college in Kingston Maurward next year to do animal care and her annual review is coming up. When does the college have to be named in her plan?',
    );
    expect(answer.results[0]?.id).toBe('annual-review');
    expect(answer.passage).toMatchObject({ heading: 'Moving school' });
    expect(answer.passage?.text).toContain('31 March');
  });

  it('answers a question about one part of an article with that section', () => {
    expect(search.search('what is the right to mainstream').passage).toMatchObject({ articleId: 'choosing-a-school', heading: 'The right to mainstream' });
  });

  it('gives no passage when the question is about the topic as a whole', () => {
    expect(search.search('what is an ehcp').passage).toBeUndefined();
    expect(search.search('SENDIASS').passage).toBeUndefined();
  });

  it('gives none with passages off', () => {
    expect(new KnowledgeSearch(kb, { passages: false }).search('how long does an ehcp take').passage).toBeUndefined();
  });
});

describe('text-speak', () => {
  const rewriter = new Rewriter(loadPhrasing());

  it('spells out shorthand from knowledge/phrasing.yaml', () => {
    expect(rewriter.rewrite('my dd is 6 n skl sez she needs SALT wot do i do pls')).toBe(
      'my daughter is 6 and school says she needs speech and language therapy what do i do please',
    );
    expect(rewriter.rewrite('ds has a TA, ta for any help')).toBe('son has a teaching assistant, ta for any help');
  });

  it('answers text-speak as it answers plain English', () => {
    const q = 'hi my dd is 6 n school sez she needs sen support wot does that even mean?? x';
    expect(search.search(q).results[0]?.id).toBe('graduated-approach');
    expect(search.search('wot is sen support').results[0]?.id).toBe(search.search('what is sen support').results[0]?.id);
    expect(today.search('wot is sen support').answered).toBe(false);
  });

  it('rejects a bad phrasing file, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phrasing-'));
    const file = join(dir, 'phrasing.yaml');
    writeFileSync(file, 'shorthand:\n  - { to: what, from: [Wot Now] }\n');
    expect(() => loadPhrasing(file)).toThrow(KnowledgeError);
    expect(() => loadPhrasing(file)).toThrow(/phrasing\.yaml: shorthand\.0\.from\.0: must be one lower-case word/);
  });
});

describe('audience', () => {
  it('gives a parent the parents’ article and a professional the professionals’ one', () => {
    const q = 'nursery want to bring in an early years specialist teacher';
    expect(search.search(q).results[0]?.id).toBe('early-years');
    expect(search.search(q, { audience: 'professional' }).results[0]?.id).toBe('professional-support');
  });
});

describe('out of scope that knows SEND', () => {
  it('reads "send" as a verb as a verb', () => {
    const q = 'Social Services want to send dad home from hospital next week, he has dementia';
    expect(search.search(q)).toMatchObject({ kind: 'out-of-scope', topic: { id: 'adult-care' } });
    expect(today.search(q).topic).toBeUndefined();
    expect(search.search('what is SEND support').kind).toBe('answer');
  });

  it('sends admissions and nursery hours elsewhere when no SEND need is named', () => {
    expect(search.search('we did not get our first choice of reception class').topic?.id).toBe('school-admissions');
    expect(search.search('how do the free nursery hours work').topic?.id).toBe('childcare-funding');
    expect(search.search('my autistic son did not get our first choice of reception class').topic).toBeUndefined();
  });

  it('does not let a denied need keep a question in', () => {
    const q = 'how do the free nursery hours work, he has no additional needs';
    expect(search.search(q).topic?.id).toBe('childcare-funding');
    expect(new KnowledgeSearch(kb, { negatedNeeds: false }).search(q).topic).toBeUndefined();
  });

  it('keeps a SEND need said with an everyday word', () => {
    const answer = search.search("I'm in year 12 and autistic, can I work in the library during noisy lessons");
    expect(answer.topic).toBeUndefined();
    expect(answer.kind).not.toBe('out-of-scope');
    expect(search.search('when does the library open').topic?.id).toBe('libraries-leisure');
  });

  it("reads an adult's age after the apostrophe is dropped (he's 58 is 'he 58'), but not minutes or miles", () => {
    expect(search.search("I care for my husband who has MS, he's 58. Can I get carer's allowance?").topic?.id).toBe('adult-care');
    expect(search.search('my adult son is 34 and just out of hospital, who helps adults in Dorset?').topic?.id).toBe('adult-care');
    expect(search.search("my son's special school is 40 minutes away, will the council provide transport").topic).toBeUndefined();
  });

  it('sends a school bus pass elsewhere unless a SEND need is named; keeps a story that says "since half term"', () => {
    expect(search.search('when does the school bus pass need renewing, he has no additional needs').topic?.id).toBe('school-bus');
    expect(search.search('my son has an ehcp and the school bus is late every day').topic).toBeUndefined();
    expect(search.search('when is half term').topic?.id).toBe('school-admissions');
    expect(search.search("she hasn't been in school properly since october half term, panic attacks at the gate").kind).not.toBe('out-of-scope');
  });

  it("keeps a disabled child's Blue Badge in (the money article) and sends licences and councillors elsewhere", () => {
    expect(search.search('can I get a blue badge for my autistic son').results[0]?.id).toBe('money-and-benefits');
    expect(search.search('how do I renew my blue badge').topic?.id).toBe('blue-badge');
    expect(search.search('how do i apply for a taxi driver licence').topic?.id).toBe('licensing');
    expect(search.search('where do I find my local councillor').topic?.id).toBe('elections');
  });
});

describe('words in their everyday sense (knowledge/phrasing.yaml verbs)', () => {
  it('reads "she is fine with everything else" as all right, not a fine for absence, and finds the learning article', () => {
    const search = new KnowledgeSearch(loadKnowledgeBase());
    const answer = search.search('my daughter really struggles with numbers, she cant tell the time and cries at maths homework. everything else she is fine with');
    expect(answer.results[0]?.id).toBe('learning-difficulties');
    expect(search.search('we got a fine for taking him out of school in term time').results[0]?.id).toBe('absence-and-fines');
  });
});
