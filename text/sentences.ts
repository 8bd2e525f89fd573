/**
 * A long message as its sentences: families tell the story first and ask last ("...he's 9. Who
 * is responsible for his education?"), and one sentence often carries the whole question. One
 * splitter for search, the help-request reader and the safety check's past-and-over test.
 */

import { opensAsQuestion } from './question-openers.js';

/** A sentence and the marks that ended it (a "?" tells one that asks). */
type Sentence = { text: string; end: string };

/** The sentences of a text, split at . ! ? ; and line breaks (not inside "e.g." or "1.5"). */
function split(text: string): Sentence[] {
  const cleaned = text.replace(/\b(e\.g|i\.e|etc|approx|mr|mrs|ms|dr)\./gi, (m) => m.replace(/\./g, ''));
  const out: Sentence[] = [];
  let start = 0;
  const push = (end: number, mark: string) => {
    const sentence = cleaned.slice(start, end).trim();
    if (sentence) out.push({ text: sentence, end: mark });
  };
  for (const m of cleaned.matchAll(/[.!?;]+(?!\d)|\n+/g)) {
    push(m.index, m[0]);
    start = m.index + m[0].length;
  }
  push(cleaned.length, '');
  return out;
}

export function sentencesOf(text: string): string[] {
  return split(text).map((s) => s.text);
}

/** The same sentences with the marks that ended them ("Is there a number?"), for readers that ask "did this one ask?". */
export function sentencesWithMarks(text: string): string[] {
  return split(text).map((s) => s.text + s.end.replace(/\s+/g, ''));
}

/** Opens like a question: "how long...", "can I...", "is there...", "who do we go to". */
const asks = (sentence: string) => opensAsQuestion(sentence, 'broad');

/**
 * Asking without a question: "I want to put in a formal complaint and I want to know what my rights are", "please
 * tell me what happens next" (blind conversations set 14), "we'd like to apply for the needs assessment ourselves" (set 16). The asking part runs from these words to the sentence's end.
 */
// Formal English asks this way too: "I should be grateful to know what avenues of challenge are open" (blind conversations set 21).
// Someone else's question passed on: "my brother wants to know if they can challenge it" (blind conversations set 25).
const INDIRECT = /\b(?:(?:i|we)(?:'d| would)? (?:want|like|need|wish)|(?:he|she|they|(?:my|our) (?:brother|sister|husband|wife|partner|mum|dad|son|daughter|friend|ex))(?:'d| would)? (?:wants?|likes?|needs?|wish(?:es)?)) to (?:know|find out|understand|complain|appeal|challenge|put in an? (?:formal )?complaint|make an? (?:formal )?complaint|apply for|request an?|ask (?:the council )?for an?)\b|\bplease (?:tell|explain|advise)\b|\bcan you tell me\b|\b(?:i|we)(?:'d| would| should)? be (?:most |very |really )?(?:grateful|glad|pleased|obliged) (?:to (?:know|learn|hear|understand)|if you could|for (?:any |your |some )?(?:advice|guidance|help))\b|\b(?:i|we)(?:'d| would) (?:appreciate|value) (?:knowing|any|some|your|advice|guidance)\b/i;
/** A clause that tells someone's age ("regarding my granddaughter, who is seven years of age"), not a question. */
const TELLS_AN_AGE = /^who (?:is|was|has just turned|turned) (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty\w*)\b/i;

/** A sentence that asks without a question ("We'd like to apply for the needs assessment ourselves"): see INDIRECT. */
export function asksIndirectly(sentence: string): boolean {
  return INDIRECT.test(sentence);
}

/**
 * A clause that opens with a verb whose subject came before it ("he has adhd and asd and IS WAITING on his ehcp
 * assessment", "...and HAS BEEN off for weeks"): the statement goes on, nothing is asked (blind questions set 15). A
 * question puts the subject after the verb ("and can I challenge it", "is it allowed").
 */
const CONTINUES = /^\s*(?:is|are|am|was|were|has|have|had|does|do|did|can|could|will|would|should|may|might|must)\s+(?:\w+ing|\w+ed|been|got|gotten|had|not|also|still|always|never|now|just|already|really|very|on|in|at|off|currently|usually|often|only)\b/i;
/** "...in Year 8 at middle school and HAS AN EHCP for dyspraxia": owning something goes on with the statement (blind conversations set 18). */
const CONTINUES_HAVING = /^\s*(?:has|have|had)\s+(?:a|an|the|his|her|their|my|our|no|some|lots|loads)\b/i;
const continuesStatement = (clause: string) => CONTINUES.test(clause) || CONTINUES_HAVING.test(clause);

/** A question that only checks what was just said: "Is that right?", "is this true", "am I right?", "Is that correct?". */
const CHECKS_THE_LAST = /^\s*(?:(?:so|and|but|ok)\s+)?(?:is|am|are|was)\s+(?:that|this|it|i|we)\s+(?:(?:even|really|actually|definitely|still)\s+)?(?:right|true|correct|so|the case|allowed|normal|ok|okay|legal)(?:\s+(?:then|though|or not|at all))?\s*$/i;

/**
 * The sentences of a text that ask: those ending in "?", and those (or their last clause, after
 * a comma) that open with a question word ("..., is this even allowed"). Families put the
 * question last and the story first; these say what they want to know.
 */
export function askedOf(text: string): string[] {
  const asked: string[] = [];
  let previous = '';
  for (const { text: whole, end } of split(text)) {
    // "...give him work?? and can i challenge it": a sentence may open with the "and" that joins it to the last.
    const sentence = whole.replace(/^(?:and|but|also|plus|or)\s+(?=\S)/i, '');
    const before = previous;
    previous = sentence;
    // "I think we're at the point of asking for an EHC needs assessment. Is that right?": a bare check asks about the
    // sentence before it (blind conversations set 21).
    if (CHECKS_THE_LAST.test(sentence) && before) {
      asked.push(`${before} ${sentence}`);
      continue;
    }
    if (end.includes('?') || asks(sentence)) {
      asked.push(sentence);
      continue;
    }
    const clause = sentence.split(/,\s*|\s+(?:and|but|so)\s+/).map((c) => c.trim()).findLast((c) => asks(c) && !continuesStatement(c) && !TELLS_AN_AGE.test(c));
    const indirect = INDIRECT.exec(sentence);
    // "my brother wants to know if they can challenge it and does he get any say": the asking runs from "wants to know",
    // which holds the clause after it.
    if (indirect && (!clause || indirect.index < sentence.lastIndexOf(clause))) asked.push(sentence.slice(indirect.index));
    else if (clause) asked.push(clause);
  }
  return asked;
}
