/**
 * Answers "what does X mean?" from `glossary.yaml`, so families are never left with jargon.
 */
import type { GlossaryEntry } from './schema.js';
import { normalise } from './text.js';

const TERM = `["']?([a-z0-9 &/-]{2,40}?)["']?`;
const MEANING_QUESTION = new RegExp(
  [
    `^(?:(?:what|wat|whats|what's)\\s+)?(?:(?:does|do|is|are)\\s+)?(?:(?:an?|the)\\s+)?${TERM}\\s+(?:mean|means|stand for|stands for|short for)\\s*\\??$`,
    `^(?:meaning of|define|definition of)\\s+(?:(?:an?|the)\\s+)?${TERM}\\s*\\??$`,
    `^${TERM}\\s+(?:meaning|definition)\\s*\\??$`,
  ].join('|'),
);

export class Glossary {
  private readonly byKey = new Map<string, GlossaryEntry>();

  constructor(readonly entries: GlossaryEntry[]) {
    for (const entry of entries) {
      for (const key of [entry.term, ...entry.variants]) this.byKey.set(key.toLowerCase().trim(), entry);
    }
  }

  lookup(term: string): GlossaryEntry | undefined {
    return this.byKey.get(normalise(term).trim()) ?? this.byKey.get(term.toLowerCase().trim());
  }

  /** The entry a "what does X mean" question asks about, or undefined if it is not such a question. */
  meaningQuestion(text: string): GlossaryEntry | undefined {
    const match = MEANING_QUESTION.exec(text.toLowerCase().trim().replace(/\s+/g, ' '));
    const term = match?.[1] ?? match?.[2] ?? match?.[3];
    return term ? this.lookup(term) : undefined;
  }
}
