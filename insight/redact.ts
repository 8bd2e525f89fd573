/**
 * Takes personal data out of a question before the insight store keeps it.
 *
 * Why: the content owner needs the words of questions the bot could not answer, but not who
 * asked. The insight store keeps only what this returns, so everything it misses is kept for
 * the retention period; it therefore errs on the side of redacting. It replaces, in order:
 * email addresses, DEAL references, UK postcodes, dates (numeric, "5th May 2016", "born in
 * March"), phone numbers (any run of 7 or more digits with spaces, dots, dashes or brackets),
 * names after "my son / daughter / child ... is called / named / 's name is", "my name is",
 * "I'm called", "call me", "his / her name is", a capitalised word straight after "my son"
 * ("my son Jake"), and, when `knownWords` is given, any capitalised word that is not a known
 * word (the knowledge base's, stop words, places), even at the start of a sentence.
 * `hasKnownWord` lets the caller drop a text with no known word at all (a name typed alone).
 * Tested in tests/insight-redact.test.ts.
 */

export const REDACTED = {
  email: '[email]',
  reference: '[reference]',
  postcode: '[postcode]',
  date: '[date]',
  phone: '[phone]',
  name: '[name]',
} as const;

export type Redaction = { text: string; redactions: number };

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';

const EMAIL = /[\p{L}\p{N}._%+-]+\s*(?:@|\(at\)|\[at\])\s*[\p{L}\p{N}-]+(?:\s*(?:\.|\(dot\))\s*[\p{L}\p{N}-]+)+/giu;
const REFERENCE = /\bDEAL[\s_-]*[0-9A-Z]{6}\b|\b(?=[0-9A-Z]*\d)(?=[0-9A-Z]*[A-Z])[0-9A-Z]{6}\b/gi;
const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/gi;
const NUMERIC_DATE = /\b\d{1,4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b/g;
const DAY_MONTH = new RegExp(`\\b${DAY}\\s*(?:of\\s+)?(?:${MONTHS})\\b\\.?(?:,?\\s*(?:19|20)\\d\\d)?`, 'gi');
const MONTH_DAY = new RegExp(`\\b(?:${MONTHS})\\.?\\s+${DAY}\\b(?:,?\\s*(?:19|20)\\d\\d)?`, 'gi');
const BORN = new RegExp(`\\b(born|dob|d\\.o\\.b\\.?|date of birth|birthday)(?:\\s+(?:is|was|on|in|the|:))*\\s*((?:${MONTHS})\\b\\.?(?:,?\\s*(?:19|20)\\d\\d)?|(?:19|20)\\d\\d)`, 'gi');
const PHONE = /(?:\+|\b)\d(?:[\s().-]*\d){6,}\b/g;

const CHILD = '(?:son|daughter|child|kid|boy|girl|grandson|granddaughter|stepson|stepdaughter|nephew|niece|foster (?:son|daughter|child)|ds|dd|little one|youngest|eldest|oldest)';
const TAIL = "[\\p{L}'’-]*";
const WORD = `[\\p{L}]${TAIL}`;
const NAMED_AFTER = [
  `\\b(?:my|our|his|her|their)\\s+${CHILD}(?:'s|’s|s)?\\s+(?:name\\s+is|name's|is\\s+called|is\\s+named|called|named|who\\s+is\\s+called)\\s+`,
  `\\b(?:my|his|her|their)\\s+name\\s+is\\s+`,
  `\\b(?:my|his|her|their)\\s+name's\\s+`,
  `\\b(?:i'?m|i\\s+am|he's|she's|he\\s+is|she\\s+is|they're|they\\s+are)\\s+called\\s+`,
  `\\bcall\\s+me\\s+(?!on\\b|at\\b|back\\b|if\\b|when\\b|please\\b|after\\b|before\\b|in\\b|later\\b|today\\b|tomorrow\\b|any\\b|anytime\\b|asap\\b|or\\b|and\\b)`,
];
/** A name after one of the lead-ins: one word, and the next when it is capitalised (a surname; checked in `redact`). */
const NAME_AFTER = new RegExp(`(${NAMED_AFTER.join('|')})(${WORD})((?:\\s+${WORD})?)`, 'giu');
/** "my son Jake", "our daughter Amelia-Rose": a capitalised word straight after the child word. */
const APPOSITION = new RegExp(`(\\b(?:[Mm]y|[Oo]ur)\\s+${CHILD},?\\s+)([\\p{Lu}]${TAIL})((?:\\s+[\\p{Lu}]${TAIL})?)`, 'gu');

/** Words that are capitalised in ordinary questions and are never a name on their own. */
const ALWAYS_KNOWN = new Set(['i', 'im', "i'm", 'ive', "i've", 'id', "i'd", 'ill', "i'll", 'mr', 'mrs', 'ms', 'dr', 'miss']);

export interface RedactOptions {
  /**
   * Lower-case words that may stay when capitalised (the knowledge base's words, glossary
   * acronyms, place names). When given, any other capitalised word that does not start a
   * sentence is taken for a name.
   */
  knownWords?: ReadonlySet<string>;
}

/** The question with personal data replaced by `[email]`, `[phone]`, `[name]`...; and how many were replaced. */
export function redact(input: string, options: RedactOptions = {}): Redaction {
  let count = 0;
  const sub = (text: string, pattern: RegExp, replacement: string | ((...m: string[]) => string)) =>
    text.replace(pattern, (...args: unknown[]) => {
      count++;
      return typeof replacement === 'string' ? replacement : replacement(...(args as string[]));
    });
  let text = input.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  text = sub(text, EMAIL, REDACTED.email);
  text = sub(text, REFERENCE, REDACTED.reference);
  text = sub(text, POSTCODE, REDACTED.postcode);
  text = sub(text, NUMERIC_DATE, REDACTED.date);
  text = sub(text, DAY_MONTH, REDACTED.date);
  text = sub(text, MONTH_DAY, REDACTED.date);
  text = sub(text, BORN, (_m, lead) => `${lead} ${REDACTED.date}`);
  text = sub(text, PHONE, REDACTED.phone);
  text = sub(text, NAME_AFTER, (_m, lead, _name, next) => `${lead}${REDACTED.name}${next && !/^\s+\p{Lu}/u.test(next) ? next : ''}`);
  text = sub(text, APPOSITION, (_m, lead) => `${lead}${REDACTED.name}`);
  if (options.knownWords) text = redactUnknownCapitals(text, options.knownWords, () => count++);
  return { text: text.replace(/\s+/g, ' ').trim(), redactions: count };
}

/** Capitalised words the knowledge base does not use (at the start of a sentence too: "Quenby Smith" alone is a name): probably names. */
function redactUnknownCapitals(text: string, known: ReadonlySet<string>, counted: () => void): string {
  return text.replace(/(^|[.!?]\s+|\s|\()([\p{Lu}][\p{L}'’-]*)/gu, (match, before: string, word: string) => {
    const lower = word.toLowerCase().replace(/[’']s$/, '').replace(/[’']/g, '');
    const acronym = word.length > 1 && word === word.toUpperCase();
    if (acronym || ALWAYS_KNOWN.has(lower) || known.has(lower)) return match;
    counted();
    return `${before}${REDACTED.name}`;
  });
}

/** Words in a text, as the length limit counts them. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** True when some word of `text` (placeholders aside) is a known word: a question, not just a name. */
export function hasKnownWord(text: string, known: ReadonlySet<string>): boolean {
  const plain = text.replace(/\[(?:email|reference|postcode|date|phone|name)\]/g, ' ');
  return (plain.toLowerCase().match(/[\p{L}][\p{L}'’-]*/gu) ?? []).some((w) => known.has(w.replace(/[’']s$/, '').replace(/[’']/g, '')));
}
