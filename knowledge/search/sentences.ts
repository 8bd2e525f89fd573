/**
 * A long message as its sentences: families tell the story first and ask last ("...he's 9. Who
 * is responsible for his education?"), and one sentence often carries the whole question.
 */

/** The sentences of a text, split at . ! ? ; and line breaks (not inside "e.g." or "1.5"). */
export function sentencesOf(text: string): string[] {
  return text
    .replace(/\b(e\.g|i\.e|etc|approx|mr|mrs|ms|dr)\./gi, (m) => m.replace(/\./g, ''))
    .split(/[.!?;]+(?!\d)|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
