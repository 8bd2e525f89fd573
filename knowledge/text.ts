/**
 * Turns what people type into search terms: the same steps for articles and questions,
 * so that "Excluded", "exclusions" and "excluding" meet in the index. Normalising, words and
 * stems are the shared ones in text/words.ts; the stop words are the knowledge base's own.
 */
import { editDistance as distance } from '../text/edit-distance.js';
import { readWordList, stem, words } from '../text/words.js';

export { normalise, stem, words } from '../text/words.js';

export const STOPWORDS: ReadonlySet<string> = readWordList(new URL('./stopwords.txt', import.meta.url));

/** The index terms of a text: words, minus stop words, stemmed. Used for articles and queries alike. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    if (STOPWORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}

/**
 * Edit distance for fuzzy search terms: plain Levenshtein (a swap is two edits), stopping once
 * it exceeds `max` (the ranker's fuzzy allowance was tuned this way).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  return distance(a, b, { max });
}
