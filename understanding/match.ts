/**
 * Finding a fact's phrases in a message, with the checks that keep a match honest: a
 * negation ("no EHCP", "not autistic"), a hedge ("we think he is autistic") or a wait
 * ("waiting for an EP") just before it, in the same clause, cancels it. Shared by every
 * fact read from phrases (requester, setting, needs, support, advice, EHCP, diagnosis).
 */
import type { Entry, FactVocabulary, Vocabulary } from './vocabulary.js';
import { matches, type Message, type Span } from './text.js';

/** A word list from a vocabulary file as one whole-word regular expression. */
export function wordsPattern(words: string[], flags = '', wholeWordOnLeft = true): RegExp {
  const alternatives = [...words]
    .map((w) => w.toLowerCase().replace(/['’]/g, '').trim())
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[ ,]*'));
  return new RegExp(`${wholeWordOnLeft ? '(?<![a-z0-9])' : ''}(?:${alternatives.join('|')})(?![a-z0-9])`, flags);
}

type Cues = { negation: RegExp; hedge: RegExp; pending: RegExp; window: number };
const cueCache = new WeakMap<Vocabulary['cues'], Cues>();
function cues(v: Vocabulary): Cues {
  let c = cueCache.get(v.cues);
  if (!c) {
    c = { negation: wordsPattern(v.cues.negations), hedge: wordsPattern(v.cues.hedges), pending: wordsPattern(v.cues.pending), window: v.cues.window };
    cueCache.set(v.cues, c);
  }
  return c;
}

const CLAUSE_BREAK = /[.;!?,:()]|\b(and|but|so|because|cos|although|though|who|which|then|now|however|also)\b/g;

/** The last few words before `start`, in the same clause. */
export function lead(text: string, start: number, window: number): string {
  const before = text.slice(0, start);
  let from = 0;
  for (const m of before.matchAll(CLAUSE_BREAK)) from = m.index + m[0].length;
  return before.slice(from).trim().split(/\s+/).slice(-window).join(' ');
}

export type Found<V> = { value: V; span: Span; index: number; strength: 'self' | 'implied' | undefined };

/** Is the match at `span` cancelled by what comes just before it? */
export function cancelled(message: Message, span: Span, e: Pick<Entry<unknown>, 'negatable' | 'hedged' | 'pending'>, v: Vocabulary): boolean {
  const c = cues(v);
  // A negation inside the match cancels it too ("he's not autistic" against "he's ... autistic").
  if (e.negatable && c.negation.test(message.text.slice(span.start, span.end))) return true;
  const words = lead(message.text, span.start, c.window);
  if (!words) return false;
  if (e.negatable && c.negation.test(words)) return true;
  if (e.hedged && c.hedge.test(words)) return true;
  if (e.pending && c.pending.test(words)) return true;
  return false;
}

/** Every uncancelled match of every entry; `answers` too when the bot asked this question. */
export function findAll<V>(message: Message, fact: FactVocabulary<V>, v: Vocabulary, asked: boolean): Found<V>[] {
  const found: Found<V>[] = [];
  fact.entries.forEach((e, index) => {
    const patterns = asked ? [...e.phrases, ...e.answers] : e.phrases;
    for (const pattern of patterns) {
      for (const span of matches(pattern, message.text)) {
        if (!cancelled(message, span, e, v)) found.push({ value: e.value, span, index, strength: e.strength });
      }
    }
  });
  return found;
}

/** The winning match: `self` before `implied`, then the entry listed first, then the earliest. */
export function best<V>(found: Found<V>[]): Found<V> | undefined {
  const rank = (f: Found<V>) => (f.strength === 'implied' ? 1 : 0);
  return [...found].sort((a, b) => rank(a) - rank(b) || a.index - b.index || a.span.start - b.span.start)[0];
}
