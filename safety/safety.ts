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
 *
 * Over 300 lines: loading, compiling and running the patterns stay together, so what a pattern means (its words, exceptions and safe phrases) is read in one file; the speed-up and the normaliser are already their own files.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DataFileError, loadYaml, shownPath } from '../text/load-yaml.js';
import { SafetyKind, type SafetyCheck } from './kind.js';
import { normaliseWith, type FuzzyWord } from './normalise.js';
import { isPastAndOver, saysSafeNow } from './past.js';
import { isYoungChildBehaviour, loadYoungChild, type YoungChild } from './young-child.js';
import { prefilterFor, Scanner } from './prefilter.js';
import { sentencesOf } from '../text/sentences.js';

export { SafetyKind, type SafetyCheck };
/** One category as the patterns file declares it: id, plain label and kind. */
export type SafetyCategory = Pick<z.infer<typeof CategorySpec>, 'id' | 'label' | 'kind'>;

type Span = readonly [start: number, end: number];
type CompiledPattern = {
  readonly id: string;
  readonly category: number;
  readonly regex: RegExp;
  readonly except: readonly RegExp[];
  /** Derived from the regex: every match contains one literal of each set (ids into the scanner). Null: always run. */
  readonly prefilter: readonly Int32Array[] | null;
};

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
    kind: SafetyKind,
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
  return compile(file, loadYaml(file, SafetyFile, { ids: true }), options.prefilter ?? true, options.breadthChecks ?? true);
}

function compile(file: string, data: SafetyFile, usePrefilter: boolean, breadthChecks: boolean): SafetyPatterns {
  const fail = (where: string, message: string): never => {
    throw new DataFileError(`${shownPath(file)}: ${where}: ${message}`);
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
 * The text the patterns are matched against (see normalise.ts). Exported for tests and for
 * people editing the patterns.
 */
export function normaliseForSafety(text: string, patterns: SafetyPatterns = defaultPatterns()): string {
  return normaliseWith(text, patterns);
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

/** Which categories and patterns fire on one normalised text. */
function matchesOf(norm: string, patterns: SafetyPatterns): { hitCategory: boolean[]; matched: string[] } {
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
  return { hitCategory, matched };
}

/** Check one message. Never throws; `flagged` is false for empty or non-text input. */
export function checkSafety(text: string, patterns: SafetyPatterns = defaultPatterns()): SafetyCheck {
  const norm = normaliseForSafety(text, patterns);
  if (norm.length === 0) return { flagged: false, kind: null, categories: [], matched: [] };
  const { hitCategory, matched } = matchesOf(norm, patterns);
  const categories = patterns.categories.filter((_, i) => hitCategory[i]);
  const kind: SafetyKind | null = categories.some((c) => c.kind === 'risk-of-harm')
    ? 'risk-of-harm'
    : categories.length > 0
      ? 'needs-a-person'
      : null;
  const softened = kind === null ? undefined : softenedBy(text, norm, matched, patterns);
  if (softened) return { flagged: false, kind: null, categories: [], matched, softened };
  return { flagged: kind !== null, kind, categories: categories.map((c) => c.id), matched };
}

let youngChild: { rule: YoungChild; ids: readonly string[] } | undefined;

/**
 * Why a match is softened to the check-in, if it is: a risk told as past and over (safety/past.ts,
 * each sentence judged by the same patterns), or a young child's behaviour (safety/young-child.ts).
 */
function softenedBy(text: string, norm: string, matched: readonly string[], patterns: SafetyPatterns): SafetyCheck['softened'] {
  const sentences = sentencesOf(text).map((s) => normaliseForSafety(s, patterns)).filter((s) => s.length > 0);
  if (isPastAndOver(sentences, (sentence) => matchesOf(sentence, patterns).matched.length > 0)) return saysSafeNow(sentences) ? 'past-told-safe' : 'past-and-over';
  if (youngChild?.ids !== patterns.patternIds) youngChild = { rule: loadYoungChild(patterns.patternIds), ids: patterns.patternIds };
  return isYoungChildBehaviour(norm, matched, youngChild.rule) ? 'young-child-behaviour' : undefined;
}
