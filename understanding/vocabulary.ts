/**
 * The understander's vocabularies (understanding/vocabulary/*.yaml), loaded once and checked
 * with zod, so the words families use can be edited without touching code and a mistake names
 * its file and field. Phrases are compiled to regular expressions here, once (see text.ts for
 * how a phrase is written, and vocabulary/README.md).
 */
import { z } from 'zod';
import { Diagnosis, EhcpStatus, Need, Requester, SenSupport, Setting } from '../triage/schema.js';
import { loadYaml } from '../text/load-yaml.js';
import { compilePhrase, phraseProblem } from './text.js';

const Phrase = z.string().min(1).superRefine((p, ctx) => {
  const problem = phraseProblem(p);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});
const Phrases = z.array(Phrase).default([]);

/** One value of a fact and the words that say it, in priority order within its file. */
const entry = <V extends z.ZodTypeAny>(value: V) =>
  z
    .object({
      value,
      phrases: Phrases,
      answers: Phrases,
      /** A negation just before the match cancels it ("no EHCP"); off for entries that are negative. */
      negatable: z.boolean().default(true),
      /** A hedge just before the match cancels it ("we think he is autistic"). */
      hedged: z.boolean().default(false),
      /** A wait just before the match cancels it ("waiting for an EP"). */
      pending: z.boolean().default(false),
    })
    .strict();

const factFile = <V extends z.ZodTypeAny>(key: string, value: V) =>
  z.object({ yes: value.optional(), no: value.optional(), [key]: z.array(entry(value)).min(1) }).strict();

const RequesterFile = z
  .object({ requester: z.array(entry(Requester).extend({ strength: z.enum(['self', 'implied']) }).strict()).min(1) })
  .strict();
const SettingsFile = z.object({ settings: z.array(entry(Setting)).min(1) }).strict();
const NeedsFile = z
  .object({
    needs: z
      .array(z.object({ need: Need, words: Phrases, conditions: Phrases, answers: Phrases }).strict())
      .min(1),
  })
  .strict();
const Words = z.array(z.string().min(1)).min(1);
const AgesFile = z
  .object({
    nextBirthday: Words,
    almost: Words,
    justTurned: Words,
    yearsOld: Words,
    monthsOld: Words,
    weeksOld: Words,
    years: Words,
    months: Words,
    weeks: Words,
    before: Words,
    childWords: Words,
    notAgeAfter: Words,
    self: Words,
    yearGroups: z
      .object({ words: Words, offset: z.number().int(), first: z.number().int(), last: z.number().int(), notAfter: Words })
      .strict(),
    named: z.array(z.object({ phrases: z.array(Phrase).min(1), age: z.number().int().min(0).max(25) }).strict()),
  })
  .strict();
const CuesFile = z.object({ negations: Words, pending: Words, hedges: Words, window: z.number().int().min(1).max(10) }).strict();
const AnswersFile = z.object({ yes: Words, no: Words, unsure: Words }).strict();
const SpellingFile = z.record(z.string().regex(/^[a-z0-9]+$/, 'must be one lower-case word'), z.string().min(1));

export type Entry<V> = {
  value: V;
  phrases: RegExp[];
  answers: RegExp[];
  negatable: boolean;
  hedged: boolean;
  pending: boolean;
  strength?: 'self' | 'implied';
};
export type FactVocabulary<V> = { entries: Entry<V>[]; yes?: V; no?: V };

export type Vocabulary = {
  requester: FactVocabulary<Requester>;
  setting: FactVocabulary<Setting>;
  senSupport: FactVocabulary<z.infer<typeof SenSupport>>;
  externalAdvice: FactVocabulary<boolean>;
  ehcp: FactVocabulary<z.infer<typeof EhcpStatus>>;
  diagnosis: FactVocabulary<z.infer<typeof Diagnosis>>;
  needs: { need: Need; words: RegExp[]; conditions: RegExp[]; answers: RegExp[] }[];
  ages: z.infer<typeof AgesFile> & { namedPatterns: { patterns: RegExp[]; age: number }[] };
  cues: z.infer<typeof CuesFile>;
  answers: z.infer<typeof AnswersFile>;
  spelling: Map<string, string>;
};

const compile = (phrases: string[]): RegExp[] => phrases.map(compilePhrase);

function compileEntries<V>(raw: { value: V; phrases: string[]; answers: string[]; negatable: boolean; hedged: boolean; pending: boolean; strength?: 'self' | 'implied' }[]): Entry<V>[] {
  return raw.map((e) => ({ ...e, phrases: compile(e.phrases), answers: compile(e.answers) }));
}

function factVocabulary<V>(raw: Record<string, unknown>, key: string): FactVocabulary<V> {
  const entries = compileEntries(raw[key] as Parameters<typeof compileEntries<V>>[0]);
  return {
    entries,
    ...(raw.yes !== undefined ? { yes: raw.yes as V } : {}),
    ...(raw.no !== undefined ? { no: raw.no as V } : {}),
  };
}

const DEFAULT_DIR = new URL('./vocabulary/', import.meta.url);

/** Loads and checks every vocabulary file in `dir` (default: understanding/vocabulary/). */
export function loadVocabulary(dir: URL = DEFAULT_DIR): Vocabulary {
  const file = (name: string) => new URL(name, dir);
  const requester = loadYaml(file('requester.yaml'), RequesterFile);
  const settings = loadYaml(file('settings.yaml'), SettingsFile);
  const needs = loadYaml(file('needs.yaml'), NeedsFile);
  const ages = loadYaml(file('ages.yaml'), AgesFile);
  return {
    requester: { entries: compileEntries(requester.requester) },
    setting: { entries: compileEntries(settings.settings) },
    senSupport: factVocabulary(loadYaml(file('sen-support.yaml'), factFile('senSupport', SenSupport)), 'senSupport'),
    externalAdvice: factVocabulary(loadYaml(file('external-advice.yaml'), factFile('externalAdvice', z.boolean())), 'externalAdvice'),
    ehcp: factVocabulary(loadYaml(file('ehcp.yaml'), factFile('ehcp', EhcpStatus)), 'ehcp'),
    diagnosis: factVocabulary(loadYaml(file('diagnosis.yaml'), factFile('diagnosis', Diagnosis)), 'diagnosis'),
    needs: needs.needs.map((n) => ({ need: n.need, words: compile(n.words), conditions: compile(n.conditions), answers: compile(n.answers) })),
    ages: { ...ages, namedPatterns: ages.named.map((n) => ({ patterns: compile(n.phrases), age: n.age })) },
    cues: loadYaml(file('cues.yaml'), CuesFile),
    answers: loadYaml(file('answers.yaml'), AnswersFile),
    spelling: new Map(Object.entries(loadYaml(file('spelling.yaml'), SpellingFile))),
  };
}

let cached: Vocabulary | undefined;
/** The default vocabularies, loaded once. */
export function vocabulary(): Vocabulary {
  cached ??= loadVocabulary();
  return cached;
}
