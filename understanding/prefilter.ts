/**
 * The understander's speed-up: most of its cost was running every vocabulary phrase (about 600
 * regular expressions) over every message, though a message holds the words of only a few. As
 * the safety check does (safety/prefilter.ts, the same analysis and Aho-Corasick scanner), each
 * phrase compiled by `compilePhrase` is given sets of literal strings such that every match
 * contains one string of each set; one pass over the message marks the literals it holds, and a
 * phrase with a set none of whose strings is there is skipped: it could not have matched, so no
 * answer changes (tests/understanding-prefilter.test.ts checks every labelled message both ways).
 *
 * The scanner's alphabet is a-z, 0-9 and space; `Message.text` can hold other characters
 * (punctuation), where the scanner restarts, so a set with a string outside that alphabet is
 * not used (it could never be marked).
 */
import { prefilterFor, Scanner } from '../safety/prefilter.js';

const literalIds = new Map<string, number>();
const required = new WeakMap<RegExp, readonly Int32Array[]>();
let scanner: Scanner | null = null;
let scanned: { text: string; stamp: number } | null = null;
let enabled = true;

const SCANNABLE = /^[a-z0-9 ]+$/;

/** Works out what `pattern` needs before it can match (called once per compiled phrase). */
export function registerPhrase(pattern: RegExp): RegExp {
  if (pattern.flags.includes('i')) return pattern; // the scanner reads lower case only
  const sets = (prefilterFor(pattern.source) ?? []).filter((set) => set.every((s) => SCANNABLE.test(s)));
  if (sets.length === 0) return pattern;
  required.set(
    pattern,
    sets.map((set) =>
      Int32Array.from(set, (s) => {
        let id = literalIds.get(s);
        if (id === undefined) {
          literalIds.set(s, (id = literalIds.size));
          scanner = null; // a new literal: build the scanner again on next use
        }
        return id;
      }),
    ),
  );
  return pattern;
}

/** False when `pattern` cannot match `text`; true when it might (or nothing is known). */
export function mayMatch(pattern: RegExp, text: string): boolean {
  if (!enabled) return true;
  const sets = required.get(pattern);
  if (!sets) return true;
  if (!scanner) {
    scanner = new Scanner([...literalIds.keys()]);
    scanned = null;
  }
  if (scanned?.text !== text) scanned = { text, stamp: scanner.scan(text) };
  const s = scanner;
  const stamp = scanned.stamp;
  return sets.every((set) => s.anyOf(set, stamp));
}

/** Turns the speed-up off or on (tests and bench/turn-cpu.ts compare answers both ways). */
export function usePhrasePrefilter(on: boolean): void {
  enabled = on;
}
