/**
 * Finds the article that answers a message, asks back when two or three could, or says
 * honestly that none does.
 *
 * MiniSearch does the ranking (BM25 with field boosts, fuzzy and prefix matching over stemmed,
 * stop-worded terms: `search/ranker.ts`). Around it:
 *  - phrasing (`search/phrasing.ts`, data in `phrasing.yaml`): text-speak spelled out, SEND words
 *    used as verbs ("send dad home") read as verbs, question words ("how long") expanded;
 *  - expansion: acronyms (glossary) and family words (synonyms) at a lower weight than what was typed,
 *    and a word naming an aspect ("the *benefits* of an EHCP") at a lower weight than its topic;
 *  - stories (`text/sentences.ts`): a long message is also read sentence by sentence, and an
 *    article gains for the one sentence it answers best;
 *  - a model of the articles' example questions (`search/model.ts`, naive Bayes) beside BM25;
 *  - confidence: an article is the answer only when it covers enough of what was asked
 *    (weighted by how rare each word is) and at least one word specific to SEND; when it is
 *    plausible but not clearly right, the best two or three are offered as choices;
 *  - scope (`search/scope.ts`): everyday council topics are sent elsewhere unless a SEND need is named;
 *  - passages (`search/passages.ts`): the section that answers, when one does better than the summary.
 * Every number is in `search/settings.ts`.
 */
import type { SearchResult } from 'minisearch';
import type { KnowledgeBase } from './load.js';
import type { Article, Audience, OutOfScopeTopic } from './schema.js';
import { choicesOf, decide } from './search/clarify.js';
import { asksForTime, Passages, type Passage } from './search/passages.js';
import { loadPhrasing, Rewriter, type Phrasing } from './search/phrasing.js';
import { QuestionModel } from './search/model.js';
import { GENERIC_TERMS, Ranker, type Query } from './search/ranker.js';
import { Scope } from './search/scope.js';
import { askedOf, sentencesOf } from '../text/sentences.js';
import { DEFAULT_SETTINGS, type SearchSettings } from './search/settings.js';
import { normalise } from './text.js';

export { DEFAULT_SETTINGS, TODAY_SETTINGS, type SearchSettings } from './search/settings.js';
export type { Passage } from './search/passages.js';

export type SearchHit = { id: string; title: string; score: number };

export type SearchAnswer = {
  /**
   * What to do with the message: `answer` with `results[0]` (and `passage` if there is one);
   * `clarify`: ask which of `results` (2 or 3, best first) it is about; `not-sure`: say so;
   * `out-of-scope`: an everyday topic (`topic`) to send elsewhere.
   */
  kind: 'answer' | 'clarify' | 'not-sure' | 'out-of-scope';
  /** True for kind `answer` only (kept for callers that predate `kind`). */
  answered: boolean;
  /** For `answer` the articles best first; for `clarify` the choices; otherwise empty. */
  results: SearchHit[];
  /** Share of the question the best article covers, 0 to 1 (for a long message, its best sentence's, if higher). */
  coverage: number;
  /** Why, for logs and `deal eval`; never shown to families as is. */
  reason:
    | 'answered'
    | 'ambiguous'
    | 'no-match'
    | 'low-coverage'
    | 'only-general-words'
    | 'low-score'
    | 'empty'
    | 'out-of-scope-topic';
  /** The everyday topic the question is about, when it is one we send elsewhere. */
  topic?: OutOfScopeTopic;
  /** The section of the answer's article that answers the question, when it does better than the summary. */
  passage?: Passage;
  /**
   * For kind `answer` that is not clearly right: the runners-up (one or two, best first) scoring
   * at least `alternativeShare` of it, offered beside the answer as choices.
   */
  alternatives?: SearchHit[];
};

export type SearchOptions = {
  /** Most results (default `settings.limit`). */
  limit?: number;
  /** Who is asking: a parent (default) gets the parents' article first, a professional the professionals'. */
  audience?: Audience;
};

/** One article considered for a message, with the parts of its score (for the answer/ask-back decision and `npm run bench`). */
export type Candidate = {
  result: SearchResult;
  article: Article;
  /** The combined score the candidates are ranked by. */
  score: number;
  /** Its BM25 score as a share of the best BM25 score (0 to 1). */
  bm25: number;
  /** How well it covers the one sentence of a long message it covers best (0 to 1; 0 for a short one). */
  sentence: number;
  /** How well it covers the asking sentence of a long message it covers best (0 to 1; 0 for a short one). */
  asking: number;
  /** The example-question model's probability for it (0 to 1). */
  model: number;
  coverage: number;
  specific: boolean;
};

/** What `rank` found: the candidates best first, or why there are none. */
export type Ranked =
  /** `text`: the message as searched (shorthand rewritten: "15 feb" is "15 february"). */
  | { query: Query; long: boolean; candidates: Candidate[]; text: string }
  | { none: 'out-of-scope-topic' | 'empty' | 'no-match'; topic?: OutOfScopeTopic };

/** What searching needs, built from the articles on first use (see `KnowledgeSearch.warm`). */
type Index = {
  ranker: Ranker;
  scope: Scope;
  rewriter: Rewriter | null;
  model: QuestionModel | null;
  modelIndex: Map<string, number>;
  passages: Passages | null;
};

/**
 * Search over the knowledge base. The index (MiniSearch over every article's passages, the
 * example-question model, the scope lists) is built on the first question, or by `warm()`: it is
 * about 140 ms of CPU, the largest part of a cold start after loading the code, and a greeting or
 * a triage answer never searches. The articles and the phrasing file are read and checked by the
 * caller before this is constructed, so a broken file still stops a server at start-up.
 */
export class KnowledgeSearch {
  readonly settings: SearchSettings;
  private index: Index | undefined;

  constructor(
    private readonly kb: KnowledgeBase,
    settings: Partial<SearchSettings> = {},
    private readonly phrasing: Phrasing = loadPhrasing(),
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings, boosts: { ...DEFAULT_SETTINGS.boosts, ...settings.boosts } };
  }

  /** Builds the index now if it is not built yet (the server calls this just after its first turn). */
  warm(): void {
    void this.built();
  }

  /** True once the index has been built (by a question or `warm()`). */
  get isWarm(): boolean {
    return this.index !== undefined;
  }

  private built(): Index {
    if (this.index) return this.index;
    const { kb, phrasing, settings: s } = this;
    this.index = {
      rewriter: s.rewrite ? new Rewriter(phrasing) : null,
      ranker: new Ranker(kb, s, s.rewrite ? phrasing.questionWords : [], s.rewrite ? phrasing.together : []),
      scope: new Scope(kb.outOfScope, s.negatedNeeds),
      model: s.modelWeight > 0 ? new QuestionModel(kb.articles) : null,
      modelIndex: new Map(kb.articles.map((a, i) => [a.id, i])),
      passages: s.passages ? new Passages(kb.articles) : null,
    };
    return this.index;
  }

  /**
   * The articles considered for a message, best first, with the parts of their scores; or why
   * none were (out of scope, no search words, nothing found). For `search` and for calibration.
   */
  rank(question: string, options: SearchOptions = {}): Ranked {
    const s = this.settings;
    const { rewriter, scope, ranker, model, modelIndex } = this.built();
    const text = rewriter ? rewriter.rewrite(question.slice(0, 20_000)) : question;
    const topic = scope.topicOf(normalise(text));
    if (topic) return { none: 'out-of-scope-topic', topic };
    const query = ranker.prepare(text);
    if (query.typed.size === 0) return { none: 'empty' };
    const results = ranker.search(query);
    if (results.length === 0) return { none: 'no-match' };

    const long = query.typed.size >= s.longQuestionTerms;
    const sentences =
      long && s.sentenceWeight > 0
        ? sentencesOf(text)
            .map((sentence) => ranker.termsOf(sentence).filter((t) => query.typed.has(t)))
            .filter((t) => t.length >= s.sentenceMinTerms)
        : [];
    // The asking sentences' terms: in a long message they add to the score (askWeight); in a short message of two
    // sentences ("what is the local offer? keep seeing it on letters") they count only for the coverage bar, so the aside
    // does not make it "not sure" (blind questions set 15).
    const askingTerms =
      (long && s.askWeight > 0) || (!long && sentencesOf(text).length >= 2)
        ? askedOf(text)
            .map((sentence) => ranker.termsOf(sentence).filter((t) => query.typed.has(t)))
            // "What's the next step from here?" asks nothing the story has not: only words specific to SEND count.
            .filter((t) => t.some((term) => !GENERIC_TERMS.has(term)))
        : [];
    const asked = long ? askingTerms : [];
    const shortAsked = long ? [] : askingTerms;
    const probabilities = model?.probabilities(text, s.modelTemperature) ?? null;
    const audience = options.audience ?? s.audience;
    const top = results[0]!.score;
    const candidates: Candidate[] = results.slice(0, 6).map((result) => {
      const article = this.kb.byId.get(String(result.id))!;
      const matched = ranker.matchedFields(query, result);
      const whole = ranker.coverage(query, matched);
      const bestOf = (list: string[][]) => Math.max(0, ...list.map((terms) => ranker.coverage(query, matched, terms).coverage));
      const sentence = bestOf(sentences);
      const asking = bestOf(asked);
      const askedAlone = bestOf(shortAsked);
      const p = probabilities?.[modelIndex.get(article.id)!] ?? 0;
      const fit = article.audience.includes(audience) ? 1 : s.audienceFactor;
      const only = article.audience.length === 1 && article.audience[0] === audience ? 1 / s.audienceFactor : 1;
      const score = (result.score / top + s.sentenceWeight * sentence + s.askWeight * asking + s.modelWeight * p) * fit * only;
      return { result, article, score, bm25: result.score / top, sentence, asking, model: p, coverage: Math.max(whole.coverage, sentence, askedAlone), specific: whole.specific };
    });
    candidates.sort((a, b) => b.score - a.score);
    return { query, long, candidates, text };
  }

  search(question: string, limitOrOptions: number | SearchOptions = {}): SearchAnswer {
    const options = typeof limitOrOptions === 'number' ? { limit: limitOrOptions } : limitOrOptions;
    const s = this.settings;
    const limit = options.limit ?? s.limit;
    const ranked = this.rank(question, options);
    const none = (kind: SearchAnswer['kind'], reason: SearchAnswer['reason'], coverage = 0): SearchAnswer => ({
      kind,
      answered: false,
      results: [],
      coverage,
      reason,
      ...('topic' in ranked && ranked.topic ? { topic: ranked.topic } : {}),
    });
    if ('none' in ranked) return none(ranked.none === 'out-of-scope-topic' ? 'out-of-scope' : 'not-sure', ranked.none);
    const { query, long, candidates, text } = ranked;
    const best = candidates[0]!;
    const hit = (c: Candidate): SearchHit => ({ id: c.article.id, title: c.article.title, score: Math.round(c.score * 1000) / 1000 });
    const coverage = Math.round(best.coverage * 1000) / 1000;

    const decision = decide(candidates, long, s);
    if (decision.kind === 'answer') {
      const { passages, ranker } = this.built();
      const asked = long ? askedOf(text) : [];
      const wantsTime = asksForTime(asked.length > 0 ? asked.join(' ') : text);
      const passageFor = (q: Query) => passages?.best(q, best.article.id, s.passageShare, wantsTime);
      // A story's words spread over every section; the sentences that ask ("Is there a deadline for this?") point at one.
      const asking = long ? askingQuery(query, asked.flatMap((sentence) => ranker.termsOf(sentence))) : null;
      const passage = (asking && passageFor(asking)) || passageFor(query);
      const alternatives = candidates.slice(1, 3).filter((c) => c.score >= s.alternativeShare * best.score);
      return {
        kind: 'answer',
        answered: true,
        results: candidates.slice(0, limit).map(hit),
        coverage,
        reason: 'answered',
        ...(passage ? { passage } : {}),
        ...(alternatives.length > 0 ? { alternatives: alternatives.map(hit) } : {}),
      };
    }
    if (decision.kind === 'clarify') {
      return { kind: 'clarify', answered: false, results: choicesOf(candidates, s, limit).map(hit), coverage, reason: decision.reason };
    }
    return none('not-sure', decision.reason, coverage);
  }

  article(id: string): Article | undefined {
    return this.kb.byId.get(id);
  }
}

/** The part of `query` that the asking sentences typed, with the expansions of those words; null if they typed none of it. */
function askingQuery(query: Query, asked: string[]): Query | null {
  const typed = new Map([...query.typed].filter(([term]) => asked.includes(term)));
  if (typed.size === 0) return null;
  const expanded = new Map([...query.expanded].filter(([, e]) => [...e.from].some((f) => typed.has(f))));
  return { typed, expanded };
}
