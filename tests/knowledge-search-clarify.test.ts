/**
 * The answer / ask-back decision (knowledge/search/clarify.ts) and the alternatives offered
 * beside an unsure answer, with the evaluation's counts for both.
 */
import { describe, expect, it } from 'vitest';
import { evaluateQuestions } from '../knowledge/eval.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { DEFAULT_SETTINGS, KnowledgeSearch } from '../knowledge/search.js';
import { decide, type Scored } from '../knowledge/search/clarify.js';

const kb = loadKnowledgeBase();
const search = new KnowledgeSearch(kb);
const article = (id: string) => kb.byId.get(id)!;
const scored = (id: string, score: number, coverage = 0.8): Scored => ({ article: article(id), score, coverage, specific: true, result: { score: 10 } });

describe('the decision', () => {
  const linkedPair = kb.articles.find((a) => a.related.length > 0)!;
  const linkedTo = linkedPair.related[0]!;
  const unlinked = kb.articles.find((a) => a.id !== linkedPair.id && !linkedPair.related.includes(a.id) && !a.related.includes(linkedPair.id))!;

  it('answers when the second article is clearly behind', () => {
    expect(decide([scored(linkedPair.id, 2), scored(unlinked.id, 1.5)], false, DEFAULT_SETTINGS)).toEqual({ kind: 'answer' });
  });

  it('asks back on a near tie when the second covers as much and the card would not link to it', () => {
    expect(decide([scored(linkedPair.id, 2), scored(unlinked.id, 1.99)], false, DEFAULT_SETTINGS)).toEqual({ kind: 'clarify', reason: 'ambiguous' });
    expect(decide([scored(linkedPair.id, 2), scored(unlinked.id, 1.99, 0.5)], false, DEFAULT_SETTINGS)).toEqual({ kind: 'answer' });
  });

  it('answers a near tie when the answer card already offers the second article', () => {
    expect(decide([scored(linkedPair.id, 2), scored(linkedTo, 1.99)], false, DEFAULT_SETTINGS)).toEqual({ kind: 'answer' });
    expect(decide([scored(linkedPair.id, 2), scored(linkedTo, 1.99)], false, { ...DEFAULT_SETTINGS, clarifySkipsLinked: false }).kind).toBe('clarify');
  });

  it('asks back below the coverage bar only when the best is plausible, else says not sure', () => {
    expect(decide([scored(unlinked.id, 2, 0.15), scored(linkedTo, 1)], true, DEFAULT_SETTINGS)).toEqual({ kind: 'clarify', reason: 'low-coverage' });
    expect(decide([scored(unlinked.id, 2, 0.05), scored(linkedTo, 1)], true, DEFAULT_SETTINGS)).toEqual({ kind: 'not-sure', reason: 'low-coverage' });
    expect(decide([{ ...scored(unlinked.id, 2), specific: false }], false, DEFAULT_SETTINGS)).toEqual({ kind: 'not-sure', reason: 'only-general-words' });
  });
});

describe('alternatives beside an unsure answer', () => {
  const q = 'how long does an ehcp take from asking';

  it('offers the close runners-up, best first, and none when turned off', () => {
    const answer = search.search(q);
    expect(answer.kind).toBe('answer');
    expect(answer.alternatives?.map((a) => a.id)).toContain('ehcna-process');
    expect(answer.alternatives!.length).toBeLessThanOrEqual(2);
    for (const a of answer.alternatives!) expect(a.score).toBeGreaterThanOrEqual(DEFAULT_SETTINGS.alternativeShare * answer.results[0]!.score - 0.001);
    expect(new KnowledgeSearch(kb, { alternativeShare: 2 }).search(q).alternatives).toBeUndefined();
  });

  it('offers none beside a clear answer', () => {
    expect(search.search('what is sendiass').alternatives).toBeUndefined();
  });

  it('is counted by the evaluation as reachable, apart from top-1', () => {
    const questions = [{ q, expect: ['ehcna-process'] }, { q: 'what is sendiass', expect: ['sendiass'] }];
    const on = evaluateQuestions(questions, search);
    expect(on).toMatchObject({ top1: 0.5, offeredRight: 0.5, reachable: 1 });
    expect(on.misses[0]!.offered).toContain('ehcna-process');
    expect(evaluateQuestions(questions, new KnowledgeSearch(kb, { alternativeShare: 2 }))).toMatchObject({ top1: 0.5, offeredRight: 0, reachable: 0.5 });
  });
});
