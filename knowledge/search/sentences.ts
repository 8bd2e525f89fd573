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

/** Words that open a question: "how long...", "can I...", "is there...", "who do we go to". */
const ASKING = /^(?:how|what|whats|wot|when|where|who|whom|which|why|can|could|cn|do|does|did|is|are|am|should|shall|will|would|must|have|has|may|might|any|anything|is there|are there)\b/i;

/**
 * The sentences of a text that ask: those ending in "?", and those (or their last clause, after
 * a comma) that open with a question word ("..., is this even allowed"). Families put the
 * question last and the story first; these say what they want to know.
 */
export function askedOf(text: string): string[] {
  const asked: string[] = [];
  const cleaned = text.replace(/\b(e\.g|i\.e|etc|approx|mr|mrs|ms|dr)\./gi, (m) => m.replace(/\./g, ''));
  for (const match of cleaned.matchAll(/([^.!?;\n]+)([.!?;]+(?!\d)|\n+|$)/g)) {
    const sentence = match[1]!.trim();
    if (!sentence) continue;
    if (match[2]!.includes('?') || ASKING.test(sentence)) {
      asked.push(sentence);
      continue;
    }
    const clause = sentence.split(/,\s*|\s+(?:and|but|so)\s+/).map((c) => c.trim()).findLast((c) => ASKING.test(c));
    if (clause) asked.push(clause);
  }
  return asked;
}
