/**
 * Every tunable number of knowledge search, in one place. `DEFAULT_SETTINGS` is what ships,
 * calibrated with `npm run bench` on `bench/data/` and `../shared/eval/dev-*` (README, Benchmarks);
 * `TODAY_SETTINGS` is the method before issue 13 (one pass over the whole message, answer or
 * abstain), kept so the bench can print both side by side.
 */
import type { Audience } from '../schema.js';

export type IndexedField = 'title' | 'keywords' | 'questions' | 'summary' | 'headings' | 'body';

export type SearchSettings = {
  /** Relative weight of each indexed field. */
  boosts: Record<IndexedField, number>;
  /** Fraction of the question's (rarity-weighted) words the best article must cover. */
  minCoverage: number;
  /**
   * The same for a question of `longQuestionTerms` words or more (after stop words). Families
   * tell their story ("we are on our knees"), and those words are in no article, so long
   * questions get a lower bar; short off-topic questions ("book a gp appointment") need the higher one.
   */
  minCoverageLong: number;
  longQuestionTerms: number;
  /** Lowest MiniSearch score for the best article. */
  minScore: number;
  /** Total weight one matched phrase adds through its expansions (acronyms, synonyms), shared by their words. */
  expansionWeight: number;
  /** Total weight two ideas met in one message add through what they mean together (phrasing.yaml, `together`). */
  togetherWeight: number;
  /** Edit distance allowed, as a fraction of word length, for words of 5 letters or more. */
  fuzzy: number;
  /** Most rarity (IDF) one word adds to its weight when measuring coverage. */
  rarityCap: number;
  /** Most results returned. */
  limit: number;
  /** Most words of a message read, half from its start and half from its end (a story has its question at the end). */
  maxWords: number;

  /** Rewrite text-speak and verb senses from `knowledge/phrasing.yaml` before searching. */
  rewrite: boolean;
  /**
   * Weight of a word that names an aspect of what follows it ("the *benefits* of an EHCP",
   * "*types* of school"): the topic is the word after "of". 1 turns this off.
   */
  aspectWeight: number;
  /**
   * Long messages are also read sentence by sentence: an article's score gains
   * `sentenceWeight` times how well it covers the one sentence it covers best (0 to 1), so the
   * sentence about the real worry can win over the story around it. 0 turns this off.
   */
  sentenceWeight: number;
  /** A sentence needs this many search words to count on its own ("He's 9." does not). */
  sentenceMinTerms: number;
  /**
   * The sentences of a long message that ask (`sentences.ts`: ending in "?" or starting with
   * "how", "can I", "is there"...) say what the family wants to know; the story around them
   * says why. An article gains `askWeight` times how well it covers the asking sentence it
   * covers best (0 to 1). 0 turns this off.
   */
  askWeight: number;
  /**
   * Weight of the example-question model (`model.ts`: naive Bayes over the articles' titles,
   * keywords and `questions`), added to the article's score as its probability (0 to 1). 0 turns it off.
   */
  modelWeight: number;
  /** Temperature of the model's probabilities: higher spreads belief over more articles. */
  modelTemperature: number;
  /**
   * Ask back: when the best article is not clearly right but is plausible (coverage at least
   * `clarifyMinCoverage`), offer the best 2 or 3 whose score is at least `clarifyRatio` of the
   * best. `clarifyMinCoverageLong` is the same for a long message. 1 turns asking back off.
   */
  clarifyMinCoverage: number;
  clarifyMinCoverageLong: number;
  clarifyRatio: number;
  /**
   * A confident answer is still asked back when the second article scores at least this
   * share of the best and neither covers the question better (two articles equally right). Above 1 turns it off.
   */
  clarifyTie: number;
  /**
   * ...except when the answer card already offers the second article among its related ones
   * (`related` either way): the family is one press from it without being asked.
   */
  clarifySkipsLinked: boolean;
  /**
   * An answer is not clearly right when a runner-up scores at least this share of it: the
   * runners-up that do (two at most) are offered beside the answer as choices ("Or: ..."), so
   * the family is one press from them and the first article is still shown. Above 1 turns it off.
   */
  alternativeShare: number;
  /** The message's audience when the caller does not say. */
  audience: Audience;
  /** Score factor for an article not written for the asker's audience (1 turns it off). */
  audienceFactor: number;
  /** Return the section that answers the question (`passages.ts`). */
  passages: boolean;
  /** A section is the answer when its score is at least this share of all its article's sections. */
  passageShare: number;
  /** Out of scope: a SEND word after "no", "not", "without" ("he has no additional needs") does not keep a question in. */
  negatedNeeds: boolean;
};

export const DEFAULT_SETTINGS: SearchSettings = {
  boosts: { title: 4, keywords: 3, questions: 2, summary: 1.5, headings: 1, body: 0.6 },
  minCoverage: 0.55,
  minCoverageLong: 0.2,
  longQuestionTerms: 6,
  minScore: 2,
  expansionWeight: 0.3,
  togetherWeight: 2,
  fuzzy: 0.2,
  rarityCap: 2,
  limit: 5,
  maxWords: 160,
  rewrite: true,
  aspectWeight: 0.3,
  sentenceWeight: 0.5,
  sentenceMinTerms: 2,
  askWeight: 0.5,
  modelWeight: 1,
  modelTemperature: 5,
  clarifyMinCoverage: 0.5,
  clarifyMinCoverageLong: 0.12,
  clarifyRatio: 0.6,
  clarifyTie: 0.97,
  clarifySkipsLinked: true,
  alternativeShare: 0.6,
  audience: 'parent',
  audienceFactor: 0.8,
  passages: true,
  passageShare: 0.5,
  negatedNeeds: true,
};

/** The method before issue 13, for comparison in `npm run bench`. */
export const TODAY_SETTINGS: SearchSettings = {
  ...DEFAULT_SETTINGS,
  minCoverageLong: 0.3,
  maxWords: 64,
  rewrite: false,
  aspectWeight: 1,
  sentenceWeight: 0,
  askWeight: 0,
  modelWeight: 0,
  clarifyMinCoverage: 1,
  clarifyMinCoverageLong: 1,
  clarifyTie: 2,
  clarifySkipsLinked: false,
  alternativeShare: 2,
  audienceFactor: 1,
  passages: false,
  negatedNeeds: false,
};
