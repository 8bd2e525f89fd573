/**
 * The shared steps for turning what people type into words: folding accents, the knowledge
 * base's normalising and stemming (also used by the safety net, so "excluded" and "exclusion"
 * meet there too), and reading a word-list file. Each caller keeps its own extra rules (safety
 * maps text-speak, the understander keeps a map back to the typed text, towns map "saint"):
 * only the steps that really are the same live here.
 */
import { readFileSync } from 'node:fs';
import { stemmer } from 'stemmer';

/** "café" -> "cafe": compatibility decomposition, then the combining marks dropped. */
export function foldAccents(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

/** Lower case, plain letters, straight apostrophes, no possessive 's ("child's" -> "child"), then no apostrophes. */
export function normalise(text: string): string {
  return foldAccents(text)
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

/** Porter stem, cached: the same few thousand words recur in every query. Short words and numbers stay as they are. */
export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = word.length > 3 && !/\d/.test(word) ? stemmer(word) : word;
    if (stemCache.size < 50_000) stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** The lines of a word-list file, trimmed, without blank lines and `#` comments. */
export function readWordList(file: string | URL): Set<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#')),
  );
}
