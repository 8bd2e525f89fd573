/**
 * How families write, read from `knowledge/phrasing.yaml` (data, so the content owner can add
 * shorthand without a developer): text-speak rewritten to plain words ("wot" -> what, "dd" ->
 * daughter), what a question word asks for ("how long" -> time limits), and SEND words that are
 * also ordinary verbs ("they want to send dad home" is not about SEND), and two ideas that
 * mean a third when they meet in one sentence ("our request ... was refused" is a refusal to assess).
 */
import { readFileSync } from 'node:fs';
import { parseYamlText as parseYaml } from '../../text/load-yaml.js';
import { z } from 'zod';
import { KnowledgeError } from '../load.js';
import { normalise } from '../text.js';

const Word = z.string().regex(/^[a-z0-9]+$/, 'must be one lower-case word (letters and digits)');
const Phrase = z.string().regex(/^[a-z0-9]+(?: [a-z0-9]+)*$/, 'must be lower-case words separated by single spaces');

export const Phrasing = z
  .object({
    shorthand: z.array(
      z.object({ to: Phrase, from: z.array(Word).min(1), upper: z.boolean().default(false) }).strict(),
    ),
    questionWords: z.array(z.object({ phrase: Phrase, means: z.array(Phrase).min(1) }).strict()).default([]),
    together: z
      .array(z.object({ when: z.array(Phrase).min(1), with: z.array(Phrase).min(1), within: z.number().int().min(1).max(20).default(8), means: z.array(Phrase).min(1) }).strict())
      .default([]),
    verbs: z
      .array(
        z
          .object({ word: Word, forms: z.array(Word).min(1), becomes: Word, before: z.array(Word), after: z.array(Word) })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type Phrasing = z.infer<typeof Phrasing>;

export const PHRASING_FILE = new URL('../phrasing.yaml', import.meta.url);

/** Reads and checks a phrasing file; a problem is a KnowledgeError naming the file and the field. */
export function loadPhrasing(file: URL | string = PHRASING_FILE): Phrasing {
  const name = file instanceof URL ? file.pathname : file;
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new KnowledgeError([`${name}: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = Phrasing.safeParse(data);
  if (!parsed.success) {
    throw new KnowledgeError(parsed.error.issues.map((i) => `${name}: ${i.path.join('.') || '(top level)'}: ${i.message}`));
  }
  return parsed.data;
}

/** Rewrites shorthand and verb senses word by word; the rest of the text is kept as typed. */
export class Rewriter {
  /** Plain shorthand, read in any case; and the capitals-only kind ("ND" is neurodevelopmental, "nd" is "and"). */
  private readonly shorthand = new Map<string, string>();
  private readonly capitalsOnly = new Map<string, string>();
  private readonly verbs = new Map<string, { becomes: string; before: Set<string>; after: Set<string> }>();

  constructor(phrasing: Phrasing) {
    for (const entry of phrasing.shorthand) for (const from of entry.from) (entry.upper ? this.capitalsOnly : this.shorthand).set(from, entry.to);
    for (const verb of phrasing.verbs) {
      const sense = { becomes: verb.becomes, before: new Set(verb.before), after: new Set(verb.after) };
      for (const form of verb.forms) this.verbs.set(form, sense);
    }
  }

  /** The text with each shorthand word spelled out and each verb use of a SEND word replaced. */
  rewrite(text: string): string {
    const tokens = text.match(/[\p{L}\p{N}'\u2019]+|[^\p{L}\p{N}'\u2019]+/gu) ?? [];
    const lower = tokens.map((t) => normalise(t));
    const wordAt = (i: number, step: number): string => {
      for (let j = i + step; j >= 0 && j < tokens.length; j += step) {
        if (/[a-z0-9]/.test(lower[j]!)) return lower[j]!;
        if (/[.!?;,:()]/.test(tokens[j]!)) return '';
      }
      return '';
    };
    return tokens
      .map((token, i) => {
        const word = lower[i]!;
        const capitals = token.length > 1 && token === token.toUpperCase() && /[A-Z]/.test(token);
        const short = (capitals ? this.capitalsOnly.get(word) : undefined) ?? this.shorthand.get(word);
        if (short) return short;
        const verb = this.verbs.get(word);
        if (verb && !capitals && (verb.before.has(wordAt(i, -1)) || verb.after.has(wordAt(i, 1)))) return verb.becomes;
        return token;
      })
      .join('');
  }
}
