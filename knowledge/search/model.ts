/**
 * A small model of how people ask for each article, learned from the articles themselves:
 * multinomial naive Bayes over stemmed words and adjacent word pairs of each article's title,
 * keywords, synonyms and example `questions` (the same features as the safety net in
 * safety/safety-net.ts). Beside BM25 it reads a question the way the examples are worded:
 * "council said no to assessing" is near "they refused to assess", and a pair such as
 * "sen support" counts for more than its two words apart.
 *
 * Deterministic (the same articles give the same model), trained in a few milliseconds, and
 * each feature's weight per article can be read off `weights`.
 */
import type { Article } from '../schema.js';
import { terms } from '../text.js';

/** Distinct features of a text: its search terms and each adjacent pair of them. */
export function modelFeatures(text: string): string[] {
  const t = terms(text);
  const features = new Set(t);
  for (let i = 0; i + 1 < t.length; i++) features.add(`${t[i]} ${t[i + 1]}`);
  return [...features];
}

export class QuestionModel {
  /** Per feature, log P(feature | article) for each article, in `ids` order. */
  readonly weights = new Map<string, Float64Array>();
  readonly ids: string[];

  constructor(articles: readonly Article[], smoothing = 0.1) {
    this.ids = articles.map((a) => a.id);
    const counts = articles.map((a) => {
      const c = new Map<string, number>();
      const examples = [a.title, ...a.keywords, ...a.synonyms, ...a.questions];
      for (const example of examples) for (const f of modelFeatures(example)) c.set(f, (c.get(f) ?? 0) + 1);
      return c;
    });
    const vocabulary = new Set(counts.flatMap((c) => [...c.keys()]));
    const totals = counts.map((c) => [...c.values()].reduce((s, n) => s + n, 0) + smoothing * vocabulary.size);
    for (const feature of vocabulary) {
      this.weights.set(feature, Float64Array.from(counts, (c, k) => Math.log(((c.get(feature) ?? 0) + smoothing) / totals[k]!)));
    }
  }

  /**
   * The probability of each article given the text (ids order), from the features the model
   * knows; null when it knows none. `temperature` above 1 softens the belief (features are not independent).
   */
  probabilities(text: string, temperature: number): Float64Array | null {
    const scores = new Float64Array(this.ids.length);
    let known = 0;
    for (const f of modelFeatures(text)) {
      const w = this.weights.get(f);
      if (!w) continue;
      known++;
      for (let k = 0; k < scores.length; k++) scores[k]! += w[k]!;
    }
    if (known === 0) return null;
    let max = -Infinity;
    for (const s of scores) max = Math.max(max, s);
    let sum = 0;
    for (let k = 0; k < scores.length; k++) {
      scores[k] = Math.exp((scores[k]! - max) / temperature);
      sum += scores[k]!;
    }
    for (let k = 0; k < scores.length; k++) scores[k]! /= sum;
    return scores;
  }
}
