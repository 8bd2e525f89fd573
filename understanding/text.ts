/**
 * One message, normalised once for matching, with a map back to what the person typed so
 * every fact can quote its own words (`source`). Matching is done on lower case with the
 * apostrophes dropped ("won't" -> "wont", "he's" -> "hes"), runs of spaces collapsed and
 * common misspellings fixed (vocabulary/spelling.yaml); none of that ever shows in a source.
 */
import { mayMatch, registerPhrase } from './prefilter.js';

export type Span = { start: number; end: number };

export class Message {
  /** What the person typed. */
  readonly original: string;
  /** Lower case, no apostrophes, single spaces, spellings fixed. */
  readonly text: string;
  /** For each character of `text`, its index in `original`. */
  private readonly map: number[];

  constructor(original: string, spelling: ReadonlyMap<string, string> = new Map()) {
    this.original = original;
    const chars: string[] = [];
    const map: number[] = [];
    for (let i = 0; i < original.length; i++) {
      const c = original[i]!.toLowerCase();
      if (c === "'" || c === '’' || c === '‘' || c === '`') continue;
      if (/\s/.test(c) || c === '-' || c === '_') {
        if (chars.length === 0 || chars[chars.length - 1] === ' ') continue;
        chars.push(' ');
      } else chars.push(c === '“' || c === '”' ? '"' : c);
      map.push(i);
    }
    if (chars[chars.length - 1] === ' ') {
      chars.pop();
      map.pop();
    }
    let text = chars.join('');
    let positions = map;
    if (spelling.size > 0) [text, positions] = respell(text, map, spelling);
    this.text = text;
    this.map = positions;
  }

  /** The person's own words for a span of `text`, trimmed of spaces and punctuation at the ends. */
  source(span: Span): string {
    if (span.end <= span.start || this.map.length === 0) return '';
    const from = this.map[Math.min(span.start, this.map.length - 1)]!;
    const to = this.map[Math.min(span.end, this.map.length) - 1]! + 1;
    return this.original.slice(from, to).replace(/^[\s,.;:!?-]+|[\s,.;:!?-]+$/g, '');
  }

  /** How many words the message has. */
  get words(): number {
    return this.text.split(/\s+/).filter((w) => /[a-z0-9]/.test(w)).length;
  }
}

/** Replaces whole words found in `spelling`; every new character maps into the old word's span. */
function respell(text: string, map: number[], spelling: ReadonlyMap<string, string>): [string, number[]] {
  let out = '';
  const positions: number[] = [];
  let last = 0;
  for (const m of text.matchAll(/[a-z0-9]+/g)) {
    const fix = spelling.get(m[0]);
    if (fix === undefined) continue;
    const start = m.index;
    const end = start + m[0].length;
    out += text.slice(last, start);
    positions.push(...map.slice(last, start));
    for (let k = 0; k < fix.length; k++) positions.push(map[Math.min(start + Math.floor((k * m[0].length) / fix.length), end - 1)]!);
    out += fix;
    last = end;
  }
  out += text.slice(last);
  positions.push(...map.slice(last));
  return [out, positions];
}

/** A phrase from a vocabulary file as a regular expression over `Message.text` (with its prefilter: prefilter.ts). */
export function compilePhrase(phrase: string): RegExp {
  return registerPhrase(phraseRegex(phrase));
}

function phraseRegex(phrase: string): RegExp {
  const regex = /^\/(.*)\/$/s.exec(phrase);
  if (regex) return new RegExp(`(?<![a-z0-9])(?:${regex[1]})(?![a-z0-9])`, 'g');
  const words = phrase
    .toLowerCase()
    .replace(/['’]/g, '')
    .trim()
    .split(/\s+/)
    .map((w) => (w === '...' ? '(?:\\S+ ){0,3}' : `${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
  const body = words.join('').replace(/ $/, '').replace(/ /g, '[ ,]*');
  return new RegExp(`(?<![a-z0-9])${body}(?![a-z0-9])`, 'g');
}

/** Is `phrase` a valid phrase (a plain phrase, or a regular expression written /like this/)? */
export function phraseProblem(phrase: string): string | null {
  try {
    phraseRegex(phrase);
    return null;
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
}

/** Every match of `pattern` in `text` (none, without running it, when its prefilter says it cannot match). */
export function* matches(pattern: RegExp, text: string): Generator<Span> {
  if (!mayMatch(pattern, text)) return;
  pattern.lastIndex = 0;
  for (const m of text.matchAll(pattern)) yield { start: m.index, end: m.index + m[0].length };
}
