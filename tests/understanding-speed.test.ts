/**
 * The understander's speed-ups never change what it reads: the phrase prefilter
 * (understanding/prefilter.ts) on and off give the same facts and sources for every labelled
 * message, every bench question and random text, as an answer to each question too; and towns are
 * found as the word-by-word search over normalised runs found them (understanding/place.ts).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { localityData, normaliseTown } from '../triage/locality.js';
import { findPlace } from '../understanding/place.js';
import { usePhrasePrefilter } from '../understanding/prefilter.js';
import { Message } from '../understanding/text.js';
import { understand, type FactName } from '../understanding/understand.js';

const DATA = new URL('../bench/data/', import.meta.url);
const lines = (pattern: RegExp) =>
  readdirSync(DATA)
    .filter((f) => pattern.test(f))
    .flatMap((f) => readFileSync(new URL(f, DATA), 'utf8').split('\n'))
    .filter((l) => l.trim())
    .map((l) => {
      const j = JSON.parse(l) as { q?: string; text?: string };
      return j.q ?? j.text ?? '';
    });
const texts = [...new Set([...lines(/^understanding-.*\.jsonl$/), ...lines(/-(questions|out-of-scope)(-\d+)?\.jsonl$/)])];
const STEPS: (FactName | undefined)[] = [undefined, 'requester', 'childAge', 'setting', 'place', 'needs', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis'];

const both = (text: string, step: FactName | undefined) => {
  const options = step ? { step } : {};
  usePhrasePrefilter(true);
  const fast = understand(text, options);
  usePhrasePrefilter(false);
  const slow = understand(text, options);
  usePhrasePrefilter(true);
  return { fast, slow };
};

afterEach(() => usePhrasePrefilter(true));

describe('the phrase prefilter never changes an answer', () => {
  it('has messages to check, and finds facts in them', () => {
    expect(texts.length).toBeGreaterThan(500);
    expect(texts.filter((t) => Object.keys(understand(t).facts).length > 0).length).toBeGreaterThan(200);
  });

  it('on every labelled message and bench question, for every question the bot can ask', () => {
    for (const text of texts) {
      for (const step of STEPS) {
        const { fast, slow } = both(text, step);
        expect(fast, `${step ?? 'no step'}: ${text}`).toEqual(slow);
      }
    }
  });

  it('on random text mixed with vocabulary words and punctuation', () => {
    const words = fc.constantFrom('my', 'son', 'is', '7', 'nan', 'im', 'his', 'grandma', 'foster', 'carer', 'senco', 'ehcp', 'has', 'an', 'not', 'autistic', 'adhd', 'waiting', 'for', 'school', 'year', '8', 'weymouth', 'dt4', 'declined', 'yes', 'no', 'special', 'nursery', ',', '.', "'s", '-', 'speech', 'and', 'language');
    fc.assert(
      fc.property(fc.array(fc.oneof(words, fc.string({ maxLength: 6 })), { maxLength: 25 }), fc.constantFrom(...STEPS), (xs, step) => {
        const { fast, slow } = both(xs.join(' '), step);
        expect(fast).toEqual(slow);
      }),
      { numRuns: 400 },
    );
  });
});

describe('finding a town word by word', () => {
  /** The search before: every run of words, normalised whole, looked up. */
  const towns = localityData().towns;
  const longest = Math.max(...[...towns.keys()].map((k) => k.split(' ').length));
  /** The first town, or a later one after "we live in" (where the family lives wins over where the school is). */
  const firstTown = (text: string): string | undefined => {
    const t = new Message(text).text;
    const words = [...t.matchAll(/[a-z0-9]+/g)].map((m) => ({ word: m[0], start: m.index }));
    let first: string | undefined;
    for (let i = 0; i < words.length; i++) {
      for (let n = Math.min(longest, words.length - i); n >= 1; n--) {
        const hit = towns.get(normaliseTown(words.slice(i, i + n).map((w) => w.word).join(' ')));
        if (!hit) continue;
        if (/(?:(?:us|our|a|the) (?:new |temporary |council |rented )?(?:flat|house|home|accommodation|bungalow) (?:is )?(?:in|at|near)|(?:live|living|lives|based|reside|residing|home is|were|we are|moved to)(?: (?:in|at|near|just outside|outside|on))?|(?:moved|moving|relocated) (?:here )?from (?:[a-z]+ ){1,3}to)[ ,]*$/.test(t.slice(Math.max(0, words[i]!.start - 40), words[i]!.start))) return hit.name;
        first ??= hit.name;
        i += n - 1;
        break;
      }
    }
    return first;
  };

  it('finds the same first town as normalising every run of words', () => {
    const names = [...towns.values()].map((t) => t.name);
    const samples = [...texts, ...names.map((n) => `we live in ${n} now`), 'we moved to saint leonards last year', 'near St. Leonards & St Ives'];
    let found = 0;
    for (const text of samples) {
      const want = firstTown(text);
      if (!want) continue;
      found++;
      // As the answer to "Which town?", so that names which are also everyday words count without "in" before them.
      expect(findPlace(new Message(text), true)?.town, text).toBe(want);
    }
    expect(found).toBeGreaterThan(names.length);
  });
});
