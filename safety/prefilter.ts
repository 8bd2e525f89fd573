/**
 * The safety check's speed-up: which patterns can be skipped for a message, and the
 * Aho-Corasick `Scanner` that finds the literals in one pass.
 *
 * Running ~150 regular expressions on every message is the main cost. At load time we work out,
 * from each compiled regex, sets of literal strings such that every possible match contains at
 * least one string of each set (as RE2's prefilter does). If the message contains no string of
 * some set, the regex cannot match and is skipped. This only ever skips a pattern that could not
 * have matched, so it never changes an answer (a test checks this on every data line and on
 * random text). Anything the analysis does not understand counts as "no requirement".
 *
 * The analysis is a pure function of a regex's source, so bin/build.js works it out once for
 * every pattern the server compiles (the safety patterns and the understander's phrases, about
 * 35 ms of a cold start) and keeps it in dist/safety/prefilter-sets.json by source: a source in
 * that table gets exactly what the analysis gave it, an edited pattern is analysed as before.
 */
import { existsSync, readFileSync } from 'node:fs';

type Node =
  | { t: 'lit'; c: string }
  | { t: 'any' } // a class, escape or dot: one unknown character
  | { t: 'zero' } // anchors, \b, lookarounds: match no characters
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'rep'; node: Node; min: number };

function parseRegex(src: string): Node {
  let i = 0;
  const parseAlt = (): Node => {
    const alts: Node[] = [parseSeq()];
    while (src[i] === '|') {
      i++;
      alts.push(parseSeq());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  };
  const parseSeq = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let atom = parseAtom();
      for (;;) {
        const q = src[i];
        let min = -1;
        if (q === '?' || q === '*') min = 0;
        else if (q === '+') min = 1;
        else if (q === '{') {
          const m = /^\{(\d+)(?:,(\d*))?\}/.exec(src.slice(i));
          if (!m) break;
          min = Number(m[1]);
          i += m[0].length - 1;
        } else break;
        i++;
        if (src[i] === '?') i++;
        atom = { t: 'rep', node: atom, min };
      }
      items.push(atom);
    }
    return { t: 'seq', items };
  };
  const parseAtom = (): Node => {
    const ch = src[i]!;
    if (ch === '(') {
      i++;
      let zero = false;
      if (src[i] === '?') {
        if (src[i + 1] === ':') i += 2;
        else if (src[i + 1] === '=' || src[i + 1] === '!') (i += 2), (zero = true);
        else if (src[i + 1] === '<' && (src[i + 2] === '=' || src[i + 2] === '!')) (i += 3), (zero = true);
        else throw new Error('unsupported group');
      }
      const inner = parseAlt();
      if (src[i] !== ')') throw new Error('unbalanced');
      i++;
      return zero ? { t: 'zero' } : inner;
    }
    if (ch === '[') {
      i++;
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      i++;
      return { t: 'any' };
    }
    if (ch === '\\') {
      const e = src[i + 1]!;
      i += 2;
      if (e === 'b' || e === 'B') return { t: 'zero' };
      if (/[a-zA-Z0-9]/.test(e)) return { t: 'any' };
      return { t: 'lit', c: e };
    }
    i++;
    if (ch === '^' || ch === '$') return { t: 'zero' };
    if (ch === '.') return { t: 'any' };
    return { t: 'lit', c: ch };
  };
  const node = parseAlt();
  if (i !== src.length) throw new Error('trailing input');
  return node;
}

type Req = string[] | null; // one of these strings must occur; null: nothing known
const cost = (r: string[]): number => r.reduce((s, x) => s + (x.length < 3 ? 50 : x.length < 4 ? 4 : 1), 0);
const best = (rs: string[][]): Req => (rs.length === 0 ? null : rs.reduce((a, b) => (cost(b) < cost(a) ? b : a)));

/** All requirement sets a match of `n` must meet (a conjunction), best first. */
function reqs(n: Node): string[][] {
  switch (n.t) {
    case 'lit':
      return [[n.c]];
    case 'any':
    case 'zero':
      return [];
    case 'rep':
      return n.min >= 1 ? reqs(n.node) : [];
    case 'alt': {
      const union: string[] = [];
      for (const a of n.alts) {
        const r = best(reqs(a));
        if (!r) return [];
        union.push(...r);
      }
      return [[...new Set(union)]];
    }
    case 'seq': {
      const out: string[][] = [];
      let run = ''; // adjacent literal characters form one string
      const flush = () => {
        if (run) out.push([run]);
        run = '';
      };
      for (const item of n.items) {
        if (item.t === 'lit') run += item.c;
        else if (item.t === 'zero') continue;
        else {
          flush();
          out.push(...reqs(item));
        }
      }
      flush();
      return out;
    }
  }
}

/** Where the build keeps the analysis of every pattern the server compiles; absent when running the sources. */
const PREBUILT = new URL('./prefilter-sets.json', import.meta.url);
/** `prefilterFor`'s answer by source; `[]` stands for null (the analysis never gives an empty list). */
let prebuilt: Map<string, string[][]> | undefined;
let recorded: Map<string, string[][]> | undefined;

function readPrebuilt(): Map<string, string[][]> {
  try {
    return existsSync(PREBUILT) ? new Map(JSON.parse(readFileSync(PREBUILT, 'utf8')) as [string, string[][]][]) : new Map();
  } catch {
    return new Map(); // unreadable: analyse, as from the sources
  }
}

/**
 * Starts recording every analysis; the returned function stops and gives them, as the table
 * prefilter-sets.json holds them (bin/build.js, with the patterns loaded in between).
 */
export function recordPrefilters(): () => [string, string[][]][] {
  recorded = new Map();
  return () => {
    const entries = [...recorded!];
    recorded = undefined;
    return entries;
  };
}

/** Sets of literals such that every match of the regex `source` holds one of each set (at most two sets); null: nothing known. */
export function prefilterFor(source: string): string[][] | null {
  prebuilt ??= readPrebuilt();
  const known = prebuilt.get(source);
  if (known) return known.length > 0 ? known : null;
  const sets = analyse(source);
  recorded?.set(source, sets ?? []);
  return sets;
}

function analyse(source: string): string[][] | null {
  let sets: string[][];
  try {
    sets = reqs(parseRegex(source));
  } catch {
    return null;
  }
  const useful = sets.filter((r) => cost(r) < 60).sort((a, b) => cost(a) - cost(b));
  return useful.length > 0 ? useful.slice(0, 2) : null;
}

/**
 * Aho-Corasick automaton over all prefilter literals: one pass over the message marks every
 * literal that occurs in it. Text and literals use the alphabet a-z, 0-9 and space; a literal
 * with any other character can never occur in normalised text and is never marked.
 */
export class Scanner {
  private readonly goto: Int32Array; // state * 37 + symbol -> state
  private readonly out: Int32Array[]; // literal ids ending at each state (after failure links)
  private readonly seen: Uint32Array; // seen[id] === stamp: literal occurs in the current text
  private stamp = 0;

  constructor(literals: readonly string[]) {
    // One flat table, grown as the trie grows (an array per state made start-up slow: about 10,000 states).
    const A = 37;
    const sym = (c: number) => (c === 32 ? 36 : c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : -1);
    let goto = new Int32Array(1024 * A).fill(-1);
    let states = 1;
    const own: (number[] | undefined)[] = [];
    literals.forEach((lit, id) => {
      let st = 0;
      for (let k = 0; k < lit.length; k++) {
        const x = sym(lit.charCodeAt(k));
        if (x < 0) return; // cannot occur in normalised text
        if (goto[st * A + x]! < 0) {
          if ((states + 1) * A > goto.length) {
            const grown = new Int32Array(goto.length * 2).fill(-1);
            grown.set(goto);
            goto = grown;
          }
          goto[st * A + x] = states++;
        }
        st = goto[st * A + x]!;
      }
      (own[st] ??= []).push(id);
    });
    const fail = new Int32Array(states);
    const queue = new Int32Array(states);
    let tail = 0;
    const none = new Int32Array(0);
    const out: Int32Array[] = new Array<Int32Array>(states).fill(none);
    if (own[0]) out[0] = Int32Array.from(new Set(own[0]));
    for (let x = 0; x < A; x++) {
      const nx = goto[x]!;
      if (nx < 0) goto[x] = 0;
      else queue[tail++] = nx;
    }
    for (let head = 0; head < tail; head++) {
      const st = queue[head]!;
      const mine = own[st];
      const inherited = out[fail[st]!]!;
      out[st] = mine ? Int32Array.from(new Set([...mine, ...inherited])) : inherited;
      for (let x = 0; x < A; x++) {
        const nx = goto[st * A + x]!;
        if (nx < 0) goto[st * A + x] = goto[fail[st]! * A + x]!;
        else {
          fail[nx] = goto[fail[st]! * A + x]!;
          queue[tail++] = nx;
        }
      }
    }
    this.goto = goto.slice(0, states * A);
    this.out = out;
    this.seen = new Uint32Array(literals.length);
  }

  /** Mark the literals in `text`; returns the stamp to test with `has`. */
  scan(text: string): number {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const { goto, out, seen, stamp } = this;
    let st = 0;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      const x = c === 32 ? 36 : c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : -1;
      if (x < 0) {
        st = 0;
        continue;
      }
      st = goto[st * 37 + x]!;
      const o = out[st]!;
      for (let j = 0; j < o.length; j++) seen[o[j]!] = stamp;
    }
    return stamp;
  }

  /** Does any literal of `set` occur in the text last scanned with `stamp`? */
  anyOf(set: Int32Array, stamp: number): boolean {
    for (let j = 0; j < set.length; j++) if (this.seen[set[j]!] === stamp) return true;
    return false;
  }
}
