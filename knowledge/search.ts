/**
 * Finds the article that answers a question, or says honestly that none does.
 *
 * MiniSearch does the ranking (BM25 with field boosts, fuzzy and prefix matching over
 * stemmed, stop-worded terms). Two things are ours:
 *  - expansion: acronyms (glossary) and family words (synonyms) add the other ways of
 *    saying the same thing, at a lower weight than the words the person typed;
 *  - confidence: a question is `answered` only when the best article covers most of what
 *    was asked (weighted by how rare each word is) and covers at least one word that is
 *    specific enough to be about SEND. Otherwise we abstain rather than guess.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { readFileSync } from 'node:fs';
import type { KnowledgeBase } from './load.js';
import type { Article, OutOfScopeTopic } from './schema.js';
import { editDistance, normalise, stem, STOPWORDS, terms, words } from './text.js';

/** Tunable search settings; the defaults were calibrated with `npm run bench` (see README). */
export type SearchSettings = {
  /** Relative weight of each indexed field. */
  boosts: Record<IndexedField, number>;
  /** Fraction of the question's (rarity-weighted) words the best article must cover. */
  minCoverage: number;
  /**
   * The same for a question of `longQuestionTerms` words or more (after stop words). Families
   * tell their story ("we are on our knees"), and those words are in no article, so long
   * questions get a lower bar; short off-topic questions ("book a gp appointment") are the
   * ones that need the higher one.
   */
  minCoverageLong: number;
  longQuestionTerms: number;
  /** Lowest MiniSearch score for the best article. */
  minScore: number;
  /** Total weight one matched phrase adds through its expansions (acronyms, synonyms), shared by their words. */
  expansionWeight: number;
  /** Edit distance allowed, as a fraction of word length, for words of 5 letters or more. */
  fuzzy: number;
  /** Most rarity (IDF) one word adds to its weight when measuring coverage. */
  rarityCap: number;
  /** Most results returned. */
  limit: number;
};

type IndexedField = 'title' | 'keywords' | 'questions' | 'summary' | 'headings' | 'body';

export const DEFAULT_SETTINGS: SearchSettings = {
  boosts: { title: 4, keywords: 3, questions: 2, summary: 1.5, headings: 1, body: 0.6 },
  minCoverage: 0.55,
  minCoverageLong: 0.3,
  longQuestionTerms: 6,
  minScore: 2,
  expansionWeight: 0.3,
  fuzzy: 0.2,
  rarityCap: 2,
  limit: 5,
};

export type SearchHit = { id: string; title: string; score: number };

export type SearchAnswer = {
  answered: boolean;
  results: SearchHit[];
  /** Share of the question the best article covers, 0 to 1. */
  coverage: number;
  /** Why we abstained, for logs and `deal eval`; never shown to families as is. */
  reason: 'answered' | 'no-match' | 'low-coverage' | 'only-general-words' | 'low-score' | 'empty' | 'out-of-scope-topic';
  /** The everyday topic the question is about, when it is one we send elsewhere. */
  topic?: OutOfScopeTopic;
};

/** The search terms of a word list (one word or phrase per line, # comments). */
function termsOfList(file: string): ReadonlySet<string> {
  return new Set(
    readFileSync(new URL(file, import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .flatMap((phrase) => terms(phrase)),
  );
}

/** Words too general to show that a question is about SEND ("time", "apply", "help"). */
const GENERIC_TERMS = termsOfList('./generic-words.txt');

type Expansion = { phrase: string[]; alternatives: string[][] };

/** Builds "phrase -> other phrases" from synonym groups and glossary entries. */
function buildExpansions(kb: KnowledgeBase): Map<string, Expansion[]> {
  const groups: string[][] = kb.synonyms.map((group) => [...group]);
  for (const entry of kb.glossary) groups.push([entry.term, entry.stands, ...entry.variants]);
  const byFirstWord = new Map<string, Expansion[]>();
  for (const group of groups) {
    const phrases = group.map((p) => words(p)).filter((p) => p.length > 0);
    for (const phrase of phrases) {
      const alternatives = phrases.filter((other) => other.join(' ') !== phrase.join(' '));
      const list = byFirstWord.get(phrase[0]!) ?? [];
      list.push({ phrase, alternatives });
      byFirstWord.set(phrase[0]!, list);
    }
  }
  return byFirstWord;
}

/** The prepared form of one question. */
type Query = {
  /** Distinct terms the person typed (stemmed, no stop words). */
  typed: string[];
  /** Extra terms from expansions, with the typed terms each one stands for. */
  expanded: Map<string, { weight: number; from: Set<string> }>;
};

export class KnowledgeSearch {
  readonly settings: SearchSettings;
  private readonly index: MiniSearch<Record<string, string>>;
  private readonly expansions: Map<string, Expansion[]>;
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  private readonly topics: { topic: OutOfScopeTopic; pattern: RegExp; unless: RegExp | null }[];

  constructor(
    private readonly kb: KnowledgeBase,
    settings: Partial<SearchSettings> = {},
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings, boosts: { ...DEFAULT_SETTINGS.boosts, ...settings.boosts } };
    this.expansions = buildExpansions(kb);
    this.topics = kb.outOfScope.map((topic) => ({
      topic,
      pattern: new RegExp(topic.patterns.join('|')),
      unless: topic.unless.length > 0 ? new RegExp(topic.unless.join('|')) : null,
    }));
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

  /** Prepares a question: typed terms plus weighted expansions. */
  private prepare(question: string): Query {
    const tokens = words(question).slice(0, 64);
    const typed = [...new Set(terms(tokens.join(' ')).map((t) => this.correct(t)))];
    const expanded: Query['expanded'] = new Map();
    tokens.forEach((token, start) => {
      for (const expansion of this.expansions.get(token) ?? []) {
        const { phrase } = expansion;
        if (!phrase.every((word, k) => tokens[start + k] === word)) continue;
        const from = new Set(terms(phrase.join(' ')));
        // One matched phrase adds at most `expansionWeight` in all, shared by its new terms.
        const added = [...new Set(expansion.alternatives.flatMap((alt) => terms(alt.join(' '))))].filter(
          (t) => !typed.includes(t),
        );
        const weight = this.settings.expansionWeight / Math.max(1, added.length);
        for (const term of added) {
          const entry = expanded.get(term);
          if (!entry) expanded.set(term, { weight, from: new Set(from) });
          else {
            entry.weight = Math.max(entry.weight, weight);
            from.forEach((f) => entry.from.add(f));
          }
        }
      }
    });
    return { typed, expanded };
  }

  /**
   * Fixes a one-letter slip in a short unknown word ("aply" -> "apply"), which fuzzy
   * matching leaves alone because short words have too many neighbours. Only when exactly
   * one known word is that close.
   */
  private correct(term: string): string {
    if (term.length !== 4 || this.idf.has(term) || /\d/.test(term)) return term;
    let found: string | null = null;
    for (const known of this.idf.keys()) {
      if (Math.abs(known.length - 4) > 1 || editDistance(term, known, 1) > 1) continue;
      if (found) return term;
      found = known;
    }
    return found ?? term;
  }

  private weightOf(term: string): number {
    return this.idf.get(term) ?? this.maxIdf;
  }

  /**
   * How much of the question a result answers. Each typed word counts 1 plus its rarity
   * (capped, so one unknown word cannot outweigh the rest); a word found in the article's
   * title, keywords, questions or summary counts in full, one found only in the body counts
   * half. A word counts as found directly, by fuzzy or prefix match, or through an expansion.
   */
  private coverage(query: Query, result: SearchResult): { coverage: number; specific: boolean } {
    const { fuzzy } = this.settings;
    const matchedFields = new Map<string, Set<string>>();
    const credit = (queryTerm: string, fields: string[]) => {
      const set = matchedFields.get(queryTerm) ?? new Set<string>();
      fields.forEach((f) => set.add(f));
      matchedFields.set(queryTerm, set);
    };
    const matches = Object.entries(result.match);
    for (const term of result.queryTerms) {
      const origins = query.typed.includes(term) ? [term] : [...(query.expanded.get(term)?.from ?? [])];
      const maxEdits = term.length >= 5 ? Math.floor(term.length * fuzzy) : 0;
      for (const [docTerm, fields] of matches) {
        const related =
          docTerm === term ||
          (term.length >= 5 && docTerm.startsWith(term)) ||
          (maxEdits > 0 && editDistance(docTerm, term, maxEdits) <= maxEdits);
        if (related) origins.forEach((origin) => credit(origin, fields));
      }
    }
    let total = 0;
    let hit = 0;
    let specific = false;
    for (const term of query.typed) {
      const weight = 1 + Math.min(this.weightOf(term), this.settings.rarityCap);
      total += weight;
      const fields = matchedFields.get(term);
      if (!fields) continue;
      const topical = [...fields].some((f) => f !== 'body');
      hit += topical ? weight : weight / 2;
      if (topical && !GENERIC_TERMS.has(term)) specific = true;
    }
    return { coverage: total > 0 ? hit / total : 0, specific };
  }

  search(question: string, limit = this.settings.limit): SearchAnswer {
    const lower = normalise(question);
    const topic = this.topics.find((t) => t.pattern.test(lower) && !t.unless?.test(lower))?.topic;
    if (topic) return { answered: false, results: [], coverage: 0, reason: 'out-of-scope-topic', topic };
    const query = this.prepare(question);
    if (query.typed.length === 0) return { answered: false, results: [], coverage: 0, reason: 'empty' };
    const { fuzzy, boosts } = this.settings;
    const all = [...query.typed, ...query.expanded.keys()];
    const results = this.index.search(all.join(' '), {
      boost: boosts,
      tokenize: (text) => text.split(' '),
      processTerm: (term) => term,
      // Typos only for typed words the articles do not use (a known word is not a typo; fuzzy
      // search walks the whole index, the largest part of a search's cost); expansions are known.
      fuzzy: (term) => (term.length >= 5 && !this.idf.has(term) && !query.expanded.has(term) ? fuzzy : false),
      prefix: (term) => term.length >= 5 && !query.expanded.has(term),
      weights: { fuzzy: 0.5, prefix: 0.4 },
      maxFuzzy: 1,
      boostTerm: (term) => query.expanded.get(term)?.weight ?? 1,
    });
    const hits = results.slice(0, limit).map((r) => ({
      id: String(r.id),
      title: String(r.title),
      score: Math.round(r.score * 1000) / 1000,
    }));
    const best = results[0];
    if (!best) return { answered: false, results: [], coverage: 0, reason: 'no-match' };
    const { coverage, specific } = this.coverage(query, best);
    const rounded = Math.round(coverage * 1000) / 1000;
    const reason: SearchAnswer['reason'] = !specific
      ? 'only-general-words'
      : coverage < (query.typed.length >= this.settings.longQuestionTerms ? this.settings.minCoverageLong : this.settings.minCoverage)
        ? 'low-coverage'
        : best.score < this.settings.minScore
          ? 'low-score'
          : 'answered';
    const answered = reason === 'answered';
    return { answered, results: answered ? hits : [], coverage: rounded, reason };
  }

  article(id: string): Article | undefined {
    return this.kb.byId.get(id);
  }
}

/** The searchable text of an article, field by field. */
function documentFor(article: Article): Record<string, string> {
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
