/**
 * Articles by section: each `## ` section is indexed with its article as parent, so an answer
 * can be the paragraph that answers ("how long does it take" -> the time limits section)
 * rather than the article's summary. Whether a section answers better than the summary is
 * decided by `best`: the question's words must point at one section, not at the article as a whole.
 */
import MiniSearch from 'minisearch';
import type { Article } from '../schema.js';
import { stem, STOPWORDS, terms, words } from '../text.js';
import type { Query } from './ranker.js';

export type Passage = { articleId: string; heading: string; text: string };

/** Sections that are never the answer on their own: the steps and the professionals' notes have their own place. */
const NOT_A_PASSAGE = /^(what to do next|for professionals)$/i;

export function sectionsOf(article: Article): Passage[] {
  const sections: Passage[] = [];
  for (const part of article.body.split(/^(?=## )/m)) {
    const match = /^## (.+)\n([\s\S]*)$/.exec(part.trim());
    if (!match || NOT_A_PASSAGE.test(match[1]!.trim())) continue;
    const text = match[2]!.trim();
    if (text.length > 0) sections.push({ articleId: article.id, heading: match[1]!.trim(), text });
  }
  return sections;
}

/**
 * A question for a time ("when", "what is the date", "how long", "the plan has to be done by 15 feb?"): its answer is a
 * section that gives one.
 */
const WANTS_TIME =
  /\b(?:when|what date|the date|deadline|how long|how many (?:weeks|days|months)|by when|time limits?|how soon|(?:has|have|must|needs?|is meant|are meant|is supposed|are supposed) to be \w+ by|by (?:the )?\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)\b/i;
/** A date or a length of time in a section: a month, or a number of days, weeks, months or years. */
const GIVES_TIME = /\b(?:january|february|march|april|may|june|july|august|september|october|november|december|\d+ (?:working |school |calendar )?(?:days?|weeks?|months?|years?))\b/i;

/** Whether the words ask for a time (see WANTS_TIME). */
export function asksForTime(text: string): boolean {
  return WANTS_TIME.test(text);
}

export class Passages {
  /**
   * One small index per article: a look-up searches only the answer's own sections, and only the words they use (the
   * others find nothing, but a long story's forty terms each cost a look-up: `npm run bench` measures the latency).
   * `inSummary`: the terms of the title and summary, which answer the question as a whole.
   */
  private readonly byArticle = new Map<
    string,
    { index: MiniSearch<Passage & { id: number }>; sections: Passage[]; vocabulary: ReadonlySet<string>; inSummary: ReadonlySet<string> }
  >();

  constructor(articles: readonly Article[]) {
    for (const article of articles) {
      const sections = sectionsOf(article);
      const index = new MiniSearch<Passage & { id: number }>({
        fields: ['heading', 'text'],
        tokenize: (text) => words(text),
        processTerm: (term) => (STOPWORDS.has(term) ? null : stem(term)),
      });
      index.addAll(sections.map((section, id) => ({ id, ...section })));
      // The same terms the index holds (its tokenizer and processTerm above are `terms`, word by word).
      const vocabulary = new Set(sections.flatMap((s) => terms(`${s.heading} ${s.text}`)));
      const inSummary = new Set(words(`${article.title} ${article.summary}`).map(stem));
      this.byArticle.set(article.id, { index, sections, vocabulary, inSummary });
    }
  }

  /**
   * The section of `articleId` that answers the question, when one stands out: its score is at
   * least `share` of the article's sections together, and it matches a typed word that the article's
   * title and summary do not have (otherwise the summary answers the question as a whole). `wantsTime`: the question
   * asks for a time, and a section that gives one is preferred.
   */
  best(query: Query, articleId: string, share: number, wantsTime = false): Passage | undefined {
    const own = this.byArticle.get(articleId);
    if (!own) return undefined;
    const all = [...query.typed.keys(), ...query.expanded.keys()].filter((term) => own.vocabulary.has(term));
    if (all.length === 0) return undefined;
    const results = own.index.search(all.join(' '), {
      boost: { heading: 2, text: 1 },
      tokenize: (text) => text.split(' '),
      processTerm: (term) => term,
      boostTerm: (term) => query.expanded.get(term)?.weight ?? query.typed.get(term) ?? 1,
    });
    // A question for a time ("What is the date for this?") is answered by a section that gives one: such sections count
    // double, and may be chosen on a word the summary also has (blind conversations set 15: the 15 February deadline).
    const timely = (r: { id: unknown }) => wantsTime && GIVES_TIME.test(own.sections[Number(r.id)]!.text);
    const scored = results.map((r) => ({ ...r, score: timely(r) ? r.score * 2 : r.score })).sort((a, b) => b.score - a.score);
    const top = scored[0];
    if (!top) return undefined;
    const total = scored.reduce((s, r) => s + r.score, 0);
    if (top.score < share * total) return undefined;
    if (!top.queryTerms.some((t) => query.typed.has(t) && (!own.inSummary.has(t) || timely(top)))) return undefined;
    return own.sections[Number(top.id)];
  }
}
