/**
 * Turns what people type into search terms: the same steps for articles and questions,
 * so that "Excluded", "exclusions" and "excluding" meet in the index.
 */
import { readFileSync } from 'node:fs';
import { stemmer } from 'stemmer';
import { editDistance as distance } from '../text/edit-distance.js';

const STOPWORDS_FILE = new URL('./stopwords.txt', import.meta.url);

function readWordList(file: URL): Set<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#')),
  );
}

export const STOPWORDS: ReadonlySet<string> = readWordList(STOPWORDS_FILE);

/** Lower case, plain letters, straight apostrophes, no possessive 's ("child's" -> "child"). */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/(\w)'s\b/g, '$1')
    .replace(/'/g, '');
}

/** Splits normalised text into words (letters and digits; "5-year-old" -> 5, year, old). */
export function words(text: string): string[] {
  return normalise(text).match(/[a-z0-9]+/g) ?? [];
}

const stemCache = new Map<string, string>();

/** Porter stem, cached: the same few thousand words recur in every query. */
export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = word.length > 3 && !/\d/.test(word) ? stemmer(word) : word;
    if (stemCache.size < 50_000) stemCache.set(word, stemmed);
  }
  return stemmed;
}

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
