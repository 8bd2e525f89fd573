/**
 * The few words that intents read ("what", "should", "help", "someone", "speak"...), brought back
 * to their usual spelling however they were typed: text-speak and phonetic spellings by a short
 * list ("wot shud i do", "can sum1 call me"), slips of one letter by edit distance to the key
 * words only ("shoud", "plese", "hlep"). Only these key words are ever changed, so a topic word
 * is never "corrected" into a request for help, and the anchored patterns stay the judge.
 */
import { editDistance } from '../text/edit-distance.js';

/** Text-speak and phonetic spellings of the words intents read, as the usual word. */
const SPEAK: Record<string, string> = {
  wat: 'what', wot: 'what', wht: 'what', whatt: 'what', wots: 'whats', wats: 'whats',
  u: 'you', ya: 'you', yu: 'you', r: 'are',
  pls: 'please', plz: 'please', plse: 'please', pleas: 'please', plez: 'please',
  dunno: "don't know", dont: "don't", im: "i'm", ur: 'your', hlp: 'help',
  shud: 'should', shuld: 'should', shld: 'should', shd: 'should', shoud: 'should', shoild: 'should',
  cud: 'could', cld: 'could', wud: 'would', wld: 'would',
  nxt: 'next', nex: 'next',
  sum1: 'someone', some1: 'someone', sumone: 'someone', sumbody: 'somebody', sombody: 'somebody', any1: 'anyone',
  tel: 'tell', spk: 'speak', spek: 'speak', tlk: 'talk', tok: 'talk',
};

/**
 * Key words a one-letter slip is read back to (same first letter, like the safety net's fuzzy
 * words). "would" is left out: "world" is one letter from it.
 */
const KEY_WORDS = ['what', 'should', 'could', 'please', 'person', 'someone', 'somebody', 'anyone', 'support', 'advice', 'speak', 'start', 'help', 'next', 'tell', 'talk'];
const KNOWN = new Set([...KEY_WORDS, ...Object.values(SPEAK)]);
/** Real words one letter from a key word, never read as it ("shout", "stars", "smart"...). */
const REAL = new Set('whet whit wham shoulda pleased plead persons someones stars stare stark smart spear speck sneak steak hell held helm heap hemp nest neat text tall tale tail toll tele tels starts'.split(' '));

const fixed = new Map<string, string>();

/** One word in its usual spelling (or as it is, when it is not one of intents' key words). */
export function keyWord(word: string): string {
  const said = SPEAK[word];
  if (said !== undefined) return said;
  if (word.length < 4 || KNOWN.has(word) || REAL.has(word) || !/^[a-z]+$/.test(word)) return word;
  let found = fixed.get(word);
  if (found === undefined) {
    found = closest(word) ?? word;
    if (fixed.size < 10_000) fixed.set(word, found);
  }
  return found;
}

function closest(word: string): string | undefined {
  for (const key of KEY_WORDS) {
    if (key[0] !== word[0] || Math.abs(key.length - word.length) > 1) continue;
    // A four-letter word is only read back from the same letters swapped ("hlep", "waht"): "that" and "tall" stay.
    if (key.length === 4 && word.length === 4 && [...key].sort().join('') !== [...word].sort().join('')) continue;
    if (word.length < 4 || (key.length === 4 && word.length !== 4)) continue;
    if (editDistance(word, key, { transpositions: true, max: 1 }) <= 1) return key;
  }
  return undefined;
}
