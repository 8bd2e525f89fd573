/**
 * The words a question opens with, written once for the three places that ask "is this a
 * question?": the front door (a question typed in the middle of the triage questions), the help
 * request reader (a story that asks something of its own is answered, not triaged) and search
 * (which sentence of a long story asks). One list, in two widths:
 * - `answer-safe` (the default): words that rarely open an answer to one of the bot's own
 *   questions, so "has a plan since May" or "any time after 3" stays an answer;
 * - `broad`: also "has", "have", "may", "must", "any"..., for finding the asking sentence in a
 *   story, where nothing is being answered.
 * Spellings families type ("whats", "wot", "wat", "cn") are in both.
 */

const ANSWER_SAFE = ['how', 'what', "what's", 'whats', 'wot', 'wots', 'wat', 'wats', 'when', 'where', 'who', 'which', 'why', 'can', 'could', 'cn', 'do', 'does', 'is', 'are', 'should', 'will', 'would'];
const BROAD_ONLY = ['whom', 'did', 'am', 'shall', 'must', 'have', 'has', 'may', 'might', 'any', 'anything'];

const escape = (w: string) => w.replace(/'/g, "['\u2019]?");
const opener = (list: string[]) => new RegExp(`^\\s*(?:${list.map(escape).join('|')})\\b`, 'i');

const OPENERS = { 'answer-safe': opener(ANSWER_SAFE), broad: opener([...ANSWER_SAFE, ...BROAD_ONLY]) } as const;

export type OpenerWidth = keyof typeof OPENERS;

/** True when `text` opens with a question word of the given width ("how long does...", "wot do i..."). */
export function opensAsQuestion(text: string, width: OpenerWidth = 'answer-safe'): boolean {
  return OPENERS[width].test(text);
}

/** A question of the person's own ("what does SENCO mean?", "can we ask ourselves"), as opposed to an answer. */
export function looksLikeQuestion(text: string): boolean {
  return text.includes('?') || opensAsQuestion(text);
}
