/**
 * Answer, ask back, or say "not sure": the decision after ranking, apart from the ranking so it
 * can be calibrated on its own (`npm run bench` prints the trade-off for each setting).
 *
 * Measured on every question set in `bench/data` (README, Benchmarks): how close the second
 * article's score is to the best one's is the only signal that tells a wrong first article from a
 * right one (a logistic model over the score parts, the question model's belief and coverage did
 * no better, left out one set at a time), and even it turns about one right answer into a
 * question for each wrong one it catches. So a confident answer is asked back only in the
 * narrowest case: two articles score almost the same, the second covers the question at least as
 * well, and the answer card would not already offer the second one among its related articles.
 */
import type { Article } from '../schema.js';
import type { SearchSettings } from './settings.js';

/** What the decision needs of a ranked candidate. */
export type Scored = { article: Article; score: number; coverage: number; specific: boolean; result: { score: number } };

export type Decision =
  | { kind: 'answer' }
  | { kind: 'clarify'; reason: 'ambiguous' | 'low-coverage' }
  | { kind: 'not-sure'; reason: 'only-general-words' | 'low-coverage' | 'low-score' };

/** True when the answer card for `a` already links to `b` (or `b` to `a`), so a family can reach it in one press. */
function linked(a: Article, b: Article): boolean {
  return a.related.includes(b.id) || b.related.includes(a.id);
}

export function decide(candidates: readonly Scored[], long: boolean, s: SearchSettings): Decision {
  const best = candidates[0]!;
  const second = candidates[1];
  const bar = long ? s.minCoverageLong : s.minCoverage;
  if (!best.specific) return { kind: 'not-sure', reason: 'only-general-words' };
  if (best.coverage >= bar && best.result.score >= s.minScore) {
    const tie =
      second !== undefined &&
      second.score >= s.clarifyTie * best.score &&
      second.coverage >= best.coverage &&
      !(s.clarifySkipsLinked && linked(best.article, second.article));
    return tie ? { kind: 'clarify', reason: 'ambiguous' } : { kind: 'answer' };
  }
  if (best.coverage >= bar) return { kind: 'not-sure', reason: 'low-score' };
  const plausible = best.coverage >= (long ? s.clarifyMinCoverageLong : s.clarifyMinCoverage) && best.result.score >= s.minScore;
  return plausible && second !== undefined ? { kind: 'clarify', reason: 'low-coverage' } : { kind: 'not-sure', reason: 'low-coverage' };
}

/** The choices to offer: the best two, and a third when it scores at least `clarifyRatio` of the best. */
export function choicesOf<T extends { score: number }>(candidates: readonly T[], s: SearchSettings, limit: number): T[] {
  const best = candidates[0]!;
  return candidates.filter((c, i) => i < 2 || c.score >= s.clarifyRatio * best.score).slice(0, Math.min(3, limit));
}
