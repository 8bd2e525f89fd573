/**
 * The BM25 side of search: MiniSearch over each article's fields, the question's terms with
 * their expansions, and how much of the question (or of one sentence of it) an article covers.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { readFileSync } from 'node:fs';
import type { KnowledgeBase } from '../load.js';
import type { Article } from '../schema.js';
import { editDistance, stem, STOPWORDS, terms, words } from '../text.js';
import type { SearchSettings } from './settings.js';

/** The search terms of a word list (one word or phrase per line, # comments). */
function termsOfList(file: URL): ReadonlySet<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .flatMap((phrase) => terms(phrase)),
  );
}

/** Words too general to show that a question is about SEND ("time", "apply", "help"). */
export const GENERIC_TERMS = termsOfList(new URL('../generic-words.txt', import.meta.url));

type Expansion = { phrase: string[]; alternatives: string[][] };

/** Two ideas that mean a third when they are at most `within` words apart (phrasing.yaml, `together`). */
export type Together = { when: string[]; with: string[]; within: number; means: string[] };

/** The prepared form of one question. */
export type Query = {
  /** Distinct terms the person typed (stemmed, no stop words), with their weight (1, or less for an aspect word). */
  typed: Map<string, number>;
  /** Extra terms from expansions, with the typed terms each one stands for. */
  expanded: Map<string, { weight: number; from: Set<string> }>;
};

/** The searchable text of an article, field by field. */
export function documentFor(article: Article): Record<string, string> {
  return {
    id: article.id,
    title: article.title,
    keywords: [...article.keywords, ...article.synonyms].join(' ; '),
    questions: article.questions.join(' ; '),
    summary: `${article.summary} ${article.professionalSummary}`,
    headings: [...article.body.matchAll(/^#+ (.*)$/gm)].map((m) => m[1]).join(' ; '),
    body: article.body.replace(/^#+ .*$/gm, ''),
  };
}

/** Where a phrase of `a` and a phrase of `b` start at most `within` words apart: their terms, or null. */
function nearby(tokens: string[], a: string[][], b: string[][], within: number): string[] | null {
  const at = (phrases: string[][]) =>
    tokens.flatMap((_, i) => phrases.filter((p) => p.every((word, k) => tokens[i + k] === word)).map((p) => ({ i, p })));
  const first = at(a);
  if (first.length === 0) return null;
  const second = at(b);
  for (const x of first) for (const y of second) if (Math.abs(x.i - y.i) <= within) return terms([...x.p, ...y.p].join(' '));
  return null;
}

/**
 * Adds `means` (less what was typed) to `expanded`, sharing `total` weight among them, each standing for the typed
 * terms `from`; a term already there keeps the higher weight and gains the new origins.
 */
function expand(expanded: Query['expanded'], typed: Query['typed'], means: Iterable<string>, total: number, from: Iterable<string>): void {
  const added = [...means].filter((t) => !typed.has(t));
  const weight = total / Math.max(1, added.length);
  for (const term of added) {
    const entry = expanded.get(term);
    if (!entry) expanded.set(term, { weight, from: new Set(from) });
    else {
      entry.weight = Math.max(entry.weight, weight);
      for (const f of from) entry.from.add(f);
    }
  }
}

export class Ranker {
  private readonly index: MiniSearch<Record<string, string>>;
  private readonly expansions = new Map<string, Expansion[]>();
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  private readonly corrections = new Map<string, string>();
  private readonly together: { when: string[][]; with: string[][]; within: number; means: string[] }[];

  constructor(
    kb: KnowledgeBase,
    private readonly settings: SearchSettings,
    /** One-way expansions beside the synonym groups: question words ("how long") and what they ask for. */
    questionWords: { phrase: string; means: string[] }[] = [],
    together: Together[] = [],
  ) {
    this.together = together.map((t) => ({
      when: t.when.map((p) => words(p)),
      with: t.with.map((p) => words(p)),
      within: t.within,
      means: [...new Set(t.means.flatMap((m) => terms(m)))],
    }));
    const groups: string[][] = kb.synonyms.map((group) => [...group]);
    // A glossary term that is an ordinary word when lower case is not a search term: "hi" opens a message, "HI" in
    // capitals is rewritten to "hearing impairment" first (phrasing.yaml; blind conversations set 14).
    for (const entry of kb.glossary) groups.push([entry.term, entry.stands, ...entry.variants].filter((p) => !words(p).every((w) => STOPWORDS.has(w))));
    for (const group of groups) {
      const phrases = group.map((p) => words(p)).filter((p) => p.length > 0);
      for (const phrase of phrases) this.addExpansion(phrase, phrases.filter((other) => other.join(' ') !== phrase.join(' ')));
    }
    for (const q of questionWords) this.addExpansion(words(q.phrase), q.means.map((m) => words(m)));

    this.index = new MiniSearch<Record<string, string>>({
      fields: ['title', 'keywords', 'questions', 'summary', 'headings', 'body'],
      storeFields: ['title'],
      tokenize: (text) => words(text),
      processTerm: (term) => (STOPWORDS.has(term) ? null : stem(term)),
    });
    this.index.addAll(kb.articles.map(documentFor));
    const documentFrequency = new Map<string, number>();
    for (const article of kb.articles) {
      for (const term of new Set(terms(Object.values(documentFor(article)).join(' ')))) {
        documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      }
    }
    const n = kb.articles.length;
    const idfOf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (const [term, df] of documentFrequency) this.idf.set(term, idfOf(df));
    this.maxIdf = idfOf(0);
  }

  private addExpansion(phrase: string[], alternatives: string[][]): void {
    if (phrase.length === 0) return;
    const list = this.expansions.get(phrase[0]!) ?? [];
    list.push({ phrase, alternatives });
    this.expansions.set(phrase[0]!, list);
  }

  /** Prepares a question: typed terms (an aspect word before "of" weighs less) plus weighted expansions. */
  prepare(question: string): Query {
    // Past the limit, the start and the end are read: families tell the story first and ask last (blind conversations
    // set 19: a 150-word story whose question, "I'd like to submit the EHCNA request myself", was cut off).
    const all = words(question);
    const half = Math.floor(this.settings.maxWords / 2);
    const tokens = all.length <= this.settings.maxWords ? all : [...all.slice(0, half), ...all.slice(all.length - half)];
    const typed: Query['typed'] = new Map();
    tokens.forEach((token, i) => {
      if (STOPWORDS.has(token)) return;
      const term = this.correct(stem(token));
      const weight = tokens[i + 1] === 'of' ? this.settings.aspectWeight : 1;
      typed.set(term, Math.max(typed.get(term) ?? 0, weight));
    });
    const expanded: Query['expanded'] = new Map();
    tokens.forEach((token, start) => {
      for (const expansion of this.expansions.get(token) ?? []) {
        const { phrase } = expansion;
        if (!phrase.every((word, k) => tokens[start + k] === word)) continue;
        // One matched phrase adds at most `expansionWeight` in all, shared by its new terms.
        const means = new Set(expansion.alternatives.flatMap((alt) => terms(alt.join(' '))));
        expand(expanded, typed, means, this.settings.expansionWeight, terms(phrase.join(' ')));
      }
    });
    for (const concept of this.together) {
      const near = nearby(tokens, concept.when, concept.with, concept.within);
      if (near) expand(expanded, typed, concept.means, this.settings.togetherWeight, near);
    }
    return { typed, expanded };
  }

  /**
   * Fixes a one-letter slip in a short unknown word ("aply" -> "apply"), which fuzzy
   * matching leaves alone because short words have too many neighbours. Only when exactly
   * one known word is that close.
   */
  private correct(term: string): string {
    if (term.length !== 4 || this.idf.has(term) || /\d/.test(term)) return term;
    const cached = this.corrections.get(term);
    if (cached !== undefined) return cached;
    let found: string | null = null;
    for (const known of this.idf.keys()) {
      if (Math.abs(known.length - 4) > 1 || editDistance(term, known, 1) > 1) continue;
      found = found ? term : known;
      if (found === term) break;
    }
    // Bounded: one entry per distinct unknown 4-letter word seen.
    if (this.corrections.size < 10_000) this.corrections.set(term, found ?? term);
    return found ?? term;
  }

  /** The typed terms of one sentence of a message, corrected as in `prepare`. */
  termsOf(text: string): string[] {
    return [...new Set(terms(text).map((t) => this.correct(t)))];
  }

  /** MiniSearch results for a prepared question, best first. */
  search(query: Query): SearchResult[] {
    const { fuzzy, boosts } = this.settings;
    // Only terms that can match: a word the articles use, or a typed word long enough for a typo or prefix match. The
    // others find nothing and add nothing to any score, but each costs MiniSearch a lookup and a merge (a long story's
    // expansions are many; `npm run bench` measures the latency).
    const searchable = (term: string) => this.idf.has(term) || (term.length >= 5 && !query.expanded.has(term));
    const all = [...query.typed.keys(), ...query.expanded.keys()].filter(searchable);
    if (all.length === 0) return [];
    return this.index.search(all.join(' '), {
      boost: boosts,
      tokenize: (text) => text.split(' '),
      processTerm: (term) => term,
      // Typos only for typed words the articles do not use (a known word is not a typo; fuzzy
      // search walks the whole index, the largest part of a search's cost); expansions are known.
      fuzzy: (term) => (term.length >= 5 && !this.idf.has(term) && !query.expanded.has(term) ? fuzzy : false),
      prefix: (term) => term.length >= 5 && !query.expanded.has(term),
      weights: { fuzzy: 0.5, prefix: 0.4 },
      maxFuzzy: 1,
      boostTerm: (term) => query.expanded.get(term)?.weight ?? query.typed.get(term) ?? 1,
    });
  }

  /** For each typed term, the fields of `result` it was found in (directly, by typo or prefix, or through an expansion). */
  matchedFields(query: Query, result: SearchResult): Map<string, Set<string>> {
    const { fuzzy } = this.settings;
    const matched = new Map<string, Set<string>>();
    const matches = Object.entries(result.match);
    for (const term of result.queryTerms) {
      const origins = query.typed.has(term) ? [term] : [...(query.expanded.get(term)?.from ?? [])];
      // Only words the articles do not use were searched fuzzily (see `search`).
      const maxEdits = term.length >= 5 && !this.idf.has(term) && !query.expanded.has(term) ? Math.floor(term.length * fuzzy) : 0;
      for (const [docTerm, fields] of matches) {
        const related =
          docTerm === term ||
          (term.length >= 5 && docTerm.startsWith(term)) ||
          (maxEdits > 0 && editDistance(docTerm, term, maxEdits) <= maxEdits);
        if (!related) continue;
        for (const origin of origins) {
          const set = matched.get(origin) ?? new Set<string>();
          fields.forEach((f) => set.add(f));
          matched.set(origin, set);
        }
      }
    }
    return matched;
  }

  /**
   * How much of the question (or of the terms in `only`, one sentence of it) an article covers.
   * Each typed word counts 1 plus its rarity (capped, so one unknown word cannot outweigh the
   * rest), times its weight; a word found in the article's title, keywords, questions or summary
   * counts in full, one found only in the body counts half. `specific`: a word not on the generic list was found topically.
   */
  coverage(query: Query, matched: Map<string, Set<string>>, only?: Iterable<string>): { coverage: number; specific: boolean } {
    let total = 0;
    let hit = 0;
    let specific = false;
    for (const term of only ?? query.typed.keys()) {
      const weight = (1 + Math.min(this.idf.get(term) ?? this.maxIdf, this.settings.rarityCap)) * (query.typed.get(term) ?? 1);
      total += weight;
      const fields = matched.get(term);
      if (!fields) continue;
      const topical = [...fields].some((f) => f !== 'body');
      hit += topical ? weight : weight / 2;
      if (topical && !GENERIC_TERMS.has(term)) specific = true;
    }
    return { coverage: total > 0 ? hit / total : 0, specific };
  }
}
