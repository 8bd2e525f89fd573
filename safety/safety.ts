/**
 * The safety check. It runs on every message a family, young person or professional types,
 * before anything else, so that a child who may be at risk of harm is never handled by the
 * bot alone: a flagged message gets "what to do now" and a handover to a person.
 *
 * - `risk-of-harm`: self-harm, suicidal thoughts, abuse, violence at home, neglect,
 *   exploitation, immediate danger, a safeguarding worry reported directly.
 * - `needs-a-person`: a missing child, an allegation against a professional (LADO), a young
 *   person with a learning disability or autism in crisis, a child out of school with no
 *   education. (See /work/shared/domain.md, Safety.)
 *
 * Recall matters more than precision: a missed child is far worse than a kind question. The
 * phrases live in `safety/safety-patterns.yaml` (data a content owner can read and edit; its
 * header explains the pattern language, negation, and why behaviour is not abuse). The file is
 * checked with zod and compiled once, lazily; a mistake throws an error naming the file and
 * the field. After loading, `checkSafety` is pure: no I/O, no logging, no user text in the
 * result (only category and pattern ids), the same answer for the same text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export type SafetyKind = 'risk-of-harm' | 'needs-a-person';
export type SafetyCategory = { id: string; label: string; kind: SafetyKind };
export type SafetyCheck = {
  flagged: boolean;
  kind: SafetyKind | null;
  /** Category ids, in the order of the patterns file. */
  categories: string[];
  /** Pattern ids that fired, in file order. Never any of the user's text. */
  matched: string[];
};

type Span = readonly [start: number, end: number];
type CompiledPattern = {
  readonly id: string;
  readonly category: number;
  readonly regex: RegExp;
  readonly except: readonly RegExp[];
  /** Derived from the regex: every match contains one literal of each set (ids into the scanner). Null: always run. */
  readonly prefilter: readonly Int32Array[] | null;
};
type FuzzyWord = { readonly word: string; readonly maxEdits: number };

/** A loaded, validated and compiled patterns file. Build it with `loadSafetyPatterns`. */
export type SafetyPatterns = {
  readonly file: string;
  readonly categories: readonly SafetyCategory[];
  /** Every pattern's `examples`, for tests. */
  readonly examples: readonly { readonly patternId: string; readonly categoryId: string; readonly text: string }[];
  readonly patternIds: readonly string[];
  readonly compiled: readonly CompiledPattern[];
  readonly safePhrases: readonly RegExp[];
  readonly spellings: ReadonlyMap<string, string>;
  readonly fuzzy: readonly FuzzyWord[];
  readonly scanner: Scanner;
};

export const DEFAULT_SAFETY_PATTERNS_FILE = fileURLToPath(new URL('./safety-patterns.yaml', import.meta.url));

// ---- the file's shape ------------------------------------------------------------------------

const Id = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case words joined by hyphens');
const PatternId = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, 'must be "category-id.short-name" in lower case');
const Regex = z.string().min(1, 'must not be empty');
const Word = z.string().regex(/^[a-z0-9]+$/, 'must be one word: lower-case letters and digits, no spaces or apostrophes');

const PatternSpec = z
  .object({
    id: PatternId,
    regex: Regex,
    except: z.array(Regex).optional(),
    examples: z.array(z.string().min(1)).optional(),
    note: z.string().optional(),
  })
  .strict();

const CategorySpec = z
  .object({
    id: Id,
    label: z.string().min(3),
    kind: z.enum(['risk-of-harm', 'needs-a-person']),
    description: z.string().optional(),
    patterns: z.array(PatternSpec).min(1, 'needs at least one pattern'),
  })
  .strict();

const SafetyFile = z
  .object({
    version: z.literal(1),
    spellings: z.record(z.string().regex(/^[a-z0-9 ]+$/, 'must be lower-case words'), z.array(Word).min(1)),
    fuzzy: z.record(z.string().regex(/^[a-z]{5,}$/, 'must be one lower-case word of 5 letters or more'), z.union([z.literal(1), z.literal(2)])),
    vocabulary: z.record(Id, z.array(z.string().min(1)).min(1)),
    safePhrases: z.array(z.object({ id: Id, why: z.string().min(3), regex: Regex }).strict()),
    categories: z.array(CategorySpec).min(1),
  })
  .strict();
type SafetyFile = z.infer<typeof SafetyFile>;

// ---- loading ------------------------------------------------------------------------------

/** A word in a `{0-3 other words}` gap: anything but the start of a new subject. */
const OTHER_WORD =
  '(?!(?:he|she|they|it|i|we|you|hes|shes|theyre|its|im|ive|id|youre|hed|shed|hell|shell|theyll|theyd|son|sons|daughter|daughters|child|childs|children|kid|kids|boy|girl)(?![a-z0-9]))\\S+';
const MAX_GAP = 12;
/** Sentences no pattern should ever match; a pattern that does is far too broad. */
const NEUTRAL = ['thank you', 'the cat sat on the mat', 'how do i apply for an ehcp'];

/**
 * Read, validate and compile a safety patterns file. Throws an error naming the file and field.
 * `prefilter: false` turns off the speed-up that skips patterns whose required words are absent
 * (used by tests to prove the speed-up never changes an answer). `breadthChecks: false` skips
 * the checks that no pattern matches an empty or everyday message: they compile every regular
 * expression (about 1 s of CPU), so the server skips them for the committed file, which
 * tests/safety.test.ts loads with them on.
 */
export function loadSafetyPatterns(file: string = DEFAULT_SAFETY_PATTERNS_FILE, options: { prefilter?: boolean; breadthChecks?: boolean } = {}): SafetyPatterns {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the safety patterns: ${(err as Error).message}`);
  }
  const parsed = SafetyFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${describePath(raw, issue.path)}: ${issue.message}`);
  }
  return compile(file, parsed.data, options.prefilter ?? true, options.breadthChecks ?? true);
}

function describePath(raw: unknown, path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  const parts: string[] = [];
  let node: unknown = raw;
  for (const key of path) {
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      const id = node !== null && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
      parts[parts.length - 1] += typeof id === 'string' ? `[${key}] (id "${id}")` : `[${key}]`;
    } else parts.push(key);
  }
  return parts.join('.');
}

function compile(file: string, data: SafetyFile, usePrefilter: boolean, breadthChecks: boolean): SafetyPatterns {
  const fail = (where: string, message: string): never => {
    throw new Error(`${file}: ${where}: ${message}`);
  };

  const spellings = new Map<string, string>();
  for (const [usual, variants] of Object.entries(data.spellings)) {
    for (const v of variants) {
      if (spellings.has(v)) fail(`spellings.${usual}`, `"${v}" is already listed under "${spellings.get(v)}"`);
      spellings.set(v, usual);
    }
  }
  const fuzzy = Object.entries(data.fuzzy).map(([word, maxEdits]) => ({ word, maxEdits }));

  const vocab = new Map(Object.entries(data.vocabulary));
  const expandTerms = (source: string, where: string, depth = 0): string =>
    source.replace(/\{([a-z][a-z0-9-]*)\}/g, (_, name: string) => {
      const items = vocab.get(name);
      if (!items) return fail(where, `unknown word list {${name}} (known: ${[...vocab.keys()].join(', ')})`);
      if (depth > 4) return fail(where, `word list {${name}} refers to itself`);
      return `(?:${items.map((x) => expandTerms(x, `vocabulary.${name}`, depth + 1)).join('|')})`;
    });
  const build = (source: string, where: string): RegExp => {
    if (source.includes("'")) fail(where, 'messages have no apostrophes after normalising: write "hes", not "he\'s"');
    if (/[A-Z]/.test(source.replace(/\\./g, ''))) fail(where, 'messages are matched in lower case: write patterns in lower case');
    let body = source.replace(/\{(\d+)-(\d+) (other )?words?\}\s*/g, (_, a: string, b: string, other?: string) => {
      const lo = Number(a);
      const hi = Number(b);
      if (lo > hi || hi > MAX_GAP) fail(where, `gap {${a}-${b} words} must be from low to high, at most ${MAX_GAP}`);
      return `(?:${other ? OTHER_WORD : '\\S+'} ){${lo},${hi}}`;
    });
    body = expandTerms(body, where);
    let re: RegExp;
    try {
      re = new RegExp(`\\b(?:${body})\\b`, 'g');
    } catch (err) {
      return fail(where, `not a valid regular expression: ${(err as Error).message}`);
    }
    if (!breadthChecks) return re;
    if (new RegExp(`^(?:${body})$`).test('')) fail(where, 'can match nothing at all (an empty message), so it would flag everything');
    for (const neutral of NEUTRAL) {
      re.lastIndex = 0;
      if (re.test(neutral)) fail(where, `flags an everyday sentence ("${neutral}"), so it is far too broad`);
    }
    re.lastIndex = 0;
    return re;
  };

  const seen = new Set<string>();
  const unique = (id: string, where: string) => {
    if (seen.has(id)) fail(where, `id "${id}" is used twice`);
    seen.add(id);
  };

  const safePhrases = data.safePhrases.map((s, i) => {
    const where = `safePhrases[${i}] (id "${s.id}")`;
    unique(`safe:${s.id}`, where);
    return build(s.regex, `${where}.regex`);
  });

  const categories: SafetyCategory[] = [];
  const compiled: CompiledPattern[] = [];
  const literalIds = new Map<string, number>();
  const idOf = (lit: string): number => {
    let id = literalIds.get(lit);
    if (id === undefined) literalIds.set(lit, (id = literalIds.size));
    return id;
  };
  const examples: { patternId: string; categoryId: string; text: string }[] = [];
  data.categories.forEach((c, ci) => {
    const cWhere = `categories[${ci}] (id "${c.id}")`;
    unique(c.id, cWhere);
    categories.push({ id: c.id, label: c.label, kind: c.kind });
    c.patterns.forEach((p, pi) => {
      const where = `${cWhere}.patterns[${pi}] (id "${p.id}")`;
      unique(p.id, where);
      if (!p.id.startsWith(`${c.id}.`)) fail(where, `pattern id must start with "${c.id}."`);
      const regex = build(p.regex, `${where}.regex`);
      compiled.push({
        id: p.id,
        category: ci,
        regex,
        prefilter: usePrefilter ? (prefilterFor(regex.source)?.map((set) => Int32Array.from(set, idOf)) ?? null) : null,
        except: (p.except ?? []).map((x, xi) => build(x, `${where}.except[${xi}]`)),
      });
      for (const text of p.examples ?? []) examples.push({ patternId: p.id, categoryId: c.id, text });
    });
  });

  return {
    file,
    categories,
    examples,
    patternIds: compiled.map((p) => p.id),
    compiled,
    safePhrases,
    spellings,
    fuzzy,
    scanner: new Scanner([...literalIds.keys()]),
  };
}

let defaults: SafetyPatterns | undefined;
function defaultPatterns(): SafetyPatterns {
  return (defaults ??= loadSafetyPatterns(DEFAULT_SAFETY_PATTERNS_FILE, { breadthChecks: false })); // checked by tests/safety.test.ts
}

/** The categories (id, plain label, kind), in file order. */
export function safetyCategories(patterns: SafetyPatterns = defaultPatterns()): SafetyCategory[] {
  return patterns.categories.map((c) => ({ ...c }));
}

// ---- normalising ----------------------------------------------------------------------------

/**
 * The text the patterns are matched against: lower case, no accents or apostrophes, words
 * separated by single spaces, misspellings and text-speak mapped to the usual word.
 * Exported for tests and for people editing the patterns.
 */
export function normaliseForSafety(text: string, patterns: SafetyPatterns = defaultPatterns()): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  let t = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
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

function fuzzyMatch(w: string, fuzzy: readonly FuzzyWord[]): string | undefined {
  for (const f of fuzzy) {
    if (f.word === w) return undefined;
    if (f.word.charCodeAt(0) !== w.charCodeAt(0) || Math.abs(f.word.length - w.length) > f.maxEdits) continue;
    if (editDistance(w, f.word, f.maxEdits) <= f.maxEdits) return f.word;
  }
  return undefined;
}

/** Optimal string alignment distance (swaps count as one edit), giving up above `max`. */
function editDistance(a: string, b: string, max: number): number {
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

// ---- prefilter ------------------------------------------------------------------------------
//
// Running ~150 regular expressions on every message is the main cost. At load time we work out,
// from each compiled regex, sets of literal strings such that every possible match contains at
// least one string of each set (as RE2's prefilter does). If the message contains no string of
// some set, the regex cannot match and is skipped. This only ever skips a pattern that could not
// have matched, so it never changes an answer (a test checks this on every data line and on
// random text). Anything the analysis does not understand counts as "no requirement".

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

function prefilterFor(source: string): string[][] | null {
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
class Scanner {
  private readonly goto: Int32Array; // state * 37 + symbol -> state
  private readonly out: Int32Array[]; // literal ids ending at each state (after failure links)
  private readonly seen: Uint32Array; // seen[id] === stamp: literal occurs in the current text
  private stamp = 0;

  constructor(literals: readonly string[]) {
    const A = 37;
    const sym = (c: number) => (c === 32 ? 36 : c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : -1);
    const trie: number[][] = [new Array<number>(A).fill(-1)];
    const outs: number[][] = [[]];
    literals.forEach((lit, id) => {
      let st = 0;
      for (let k = 0; k < lit.length; k++) {
        const x = sym(lit.charCodeAt(k));
        if (x < 0) return; // cannot occur in normalised text
        if (trie[st]![x]! < 0) {
          trie[st]![x] = trie.length;
          trie.push(new Array<number>(A).fill(-1));
          outs.push([]);
        }
        st = trie[st]![x]!;
      }
      outs[st]!.push(id);
    });
    const fail = new Array<number>(trie.length).fill(0);
    const queue: number[] = [];
    for (let x = 0; x < A; x++) {
      const nx = trie[0]![x]!;
      if (nx < 0) trie[0]![x] = 0;
      else queue.push(nx);
    }
    for (let head = 0; head < queue.length; head++) {
      const st = queue[head]!;
      outs[st]!.push(...outs[fail[st]!]!);
      for (let x = 0; x < A; x++) {
        const nx = trie[st]![x]!;
        if (nx < 0) trie[st]![x] = trie[fail[st]!]![x]!;
        else {
          fail[nx] = trie[fail[st]!]![x]!;
          queue.push(nx);
        }
      }
    }
    this.goto = Int32Array.from(trie.flat());
    this.out = outs.map((o) => Int32Array.from(new Set(o)));
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

// ---- checking -------------------------------------------------------------------------------

function spans(res: readonly RegExp[], text: string): Span[] {
  const out: Span[] = [];
  for (const re of res) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      out.push([m.index, m.index + m[0].length]);
      re.lastIndex = m.index + Math.max(1, m[0].length);
    }
    re.lastIndex = 0;
  }
  return out;
}

const overlaps = (list: readonly Span[], s: number, e: number): boolean => list.some(([a, b]) => a < e && s < b);

function fires(p: CompiledPattern, text: string, safe: readonly Span[]): boolean {
  const re = p.regex;
  re.lastIndex = 0;
  let excepted: Span[] | undefined;
  let m: RegExpExecArray | null;
  let hit = false;
  while ((m = re.exec(text)) !== null) {
    const s = m.index;
    const e = s + m[0].length;
    if (!overlaps(safe, s, e)) {
      if (p.except.length === 0) {
        hit = true;
        break;
      }
      excepted ??= spans(p.except, text);
      if (!overlaps(excepted, s, e)) {
        hit = true;
        break;
      }
    }
    re.lastIndex = s + 1;
  }
  re.lastIndex = 0;
  return hit;
}

/** Check one message. Never throws; `flagged` is false for empty or non-text input. */
export function checkSafety(text: string, patterns: SafetyPatterns = defaultPatterns()): SafetyCheck {
  const norm = normaliseForSafety(text, patterns);
  if (norm.length === 0) return { flagged: false, kind: null, categories: [], matched: [] };
  const safe = spans(patterns.safePhrases, norm);
  const hitCategory = new Array<boolean>(patterns.categories.length).fill(false);
  const matched: string[] = [];
  const stamp = patterns.scanner.scan(norm);
  for (const p of patterns.compiled) {
    if (p.prefilter !== null && !p.prefilter.every((set) => patterns.scanner.anyOf(set, stamp))) continue;
    if (fires(p, norm, safe)) {
      matched.push(p.id);
      hitCategory[p.category] = true;
    }
  }
  const categories = patterns.categories.filter((_, i) => hitCategory[i]);
  const kind: SafetyKind | null = categories.some((c) => c.kind === 'risk-of-harm')
    ? 'risk-of-harm'
    : categories.length > 0
      ? 'needs-a-person'
      : null;
  return { flagged: kind !== null, kind, categories: categories.map((c) => c.id), matched };
}
