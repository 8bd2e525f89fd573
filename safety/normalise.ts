/**
 * How a message is made ready for the safety patterns: one form for every way a worried
 * person might type the same words (accents, apostrophes, "&", stretched letters "sooo",
 * digits run into words, text-speak and misspellings from the patterns file, small typos of
 * the file's `fuzzy` words, "him self" as "himself" unless a "self harm" follows).
 */
import { editDistance } from '../text/edit-distance.js';
import { foldAccents } from '../text/words.js';

/** A word the patterns file lets be misspelt, and by how many edits (a swap counts as one). */
export type FuzzyWord = { readonly word: string; readonly maxEdits: number };

type Respelling = { readonly spellings: ReadonlyMap<string, string>; readonly fuzzy: readonly FuzzyWord[] };

/**
 * The text the patterns are matched against: lower case, no accents or apostrophes, words
 * separated by single spaces, misspellings and text-speak mapped to the usual word.
 */
export function normaliseWith(text: string, patterns: Respelling): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  let t = foldAccents(text).toLowerCase();
  t = t
    .replace(/['\u2018\u2019\u02bc`\u00b4]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/(\d)(?=[a-z])|([a-z])(?=\d)/g, '$1$2 ')
    .replace(/([a-z])\1{2,}/g, '$1$1')
    .trim();
  if (t.length === 0) return '';
  const words = t.split(' ');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const mapped = patterns.spellings.get(w);
    if (mapped !== undefined) words[i] = mapped;
    else if (w.length >= 5 && patterns.fuzzy.length > 0) words[i] = fuzzyMatch(w, patterns.fuzzy) ?? w;
  }
  return words
    .join(' ')
    .replace(/(?<![a-z0-9])(him|her|my|them|your|our|their|his) (self|selves)(?![a-z0-9])(?! (?:harm|injur|mutilat|destruct|esteem|confidence|care|worth|image|regulat|belief))/g, '$1$2');
}

/** Each word's fuzzy match, per list, remembered: the same words recur in every message (and in the net's examples). */
const fuzzyCache = new WeakMap<readonly FuzzyWord[], Map<string, string | null>>();

function fuzzyMatch(w: string, fuzzy: readonly FuzzyWord[]): string | undefined {
  let cache = fuzzyCache.get(fuzzy);
  if (!cache) fuzzyCache.set(fuzzy, (cache = new Map()));
  let found = cache.get(w);
  if (found === undefined) {
    if (cache.size >= 50_000) cache.clear();
    cache.set(w, (found = closest(w, fuzzy) ?? null));
  }
  return found ?? undefined;
}

function closest(w: string, fuzzy: readonly FuzzyWord[]): string | undefined {
  for (const f of fuzzy) {
    if (f.word === w) return undefined;
    if (f.word.charCodeAt(0) !== w.charCodeAt(0) || Math.abs(f.word.length - w.length) > f.maxEdits) continue;
    if (editDistance(w, f.word, { transpositions: true, max: f.maxEdits }) <= f.maxEdits) return f.word;
  }
  return undefined;
}
