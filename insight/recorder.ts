/**
 * The bot's `onTurn` hook for insight: one anonymous row per turn, and one per chat opening.
 *
 * Why its own module: the hook must never fail or slow a family's turn, so errors are logged
 * (without the text) and swallowed here, and the words the redactor may keep when
 * capitalised are worked out once, from the knowledge base, at start-up.
 */
import type { Logger } from 'pino';
import type { KnowledgeBase } from '../knowledge/load.js';
import { STOPWORDS } from '../knowledge/text.js';
import { localityData } from '../triage/locality.js';
import { rowForTurn, type TurnForInsight } from './record.js';
import type { OutcomeStore } from './store.js';

export type InsightRecorder = {
  /** For `hooks.onTurn`: a message turn. */
  onTurn(turn: TurnForInsight): void;
  /** For `hooks.onWelcome`: a chat opened and was greeted (counts a conversation). */
  onOpened(turn: TurnForInsight): void;
};

/** Lower-case words of the knowledge base, glossary and place names: capitalised, these are not names. */
export function knownWordsOf(kb: KnowledgeBase): Set<string> {
  const known = new Set<string>();
  const add = (text: string) => {
    for (const w of text.toLowerCase().match(/[\p{L}][\p{L}'’-]*/gu) ?? []) known.add(w.replace(/[’']s$/, '').replace(/[’']/g, ''));
  };
  for (const a of kb.articles) [a.title, a.summary, a.body, ...a.keywords, ...a.synonyms, ...a.questions].forEach(add);
  for (const g of kb.glossary) add(JSON.stringify(g));
  for (const group of kb.synonyms) group.forEach(add);
  add(JSON.stringify(localityData()));
  for (const w of STOPWORDS) known.add(w);
  for (const w of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'english', 'maths', 'christmas', 'easter', 'covid']) known.add(w);
  return known;
}

export function createInsightRecorder(opts: { store: OutcomeStore; kb: KnowledgeBase; logger: Logger; now?: () => Date }): InsightRecorder {
  let knownWords: Set<string> | undefined;
  const known = () => (knownWords ??= knownWordsOf(opts.kb)); // about 16 ms: on the first question kept, not at start-up
  const now = opts.now ?? (() => new Date());
  const failed = (error: unknown) => opts.logger.error({ err: { name: (error as Error).name } }, 'insight: could not record a turn');
  const record = (turn: TurnForInsight) => {
    try {
      const added = opts.store.add(rowForTurn(turn, now(), known));
      if (added) added.catch(failed); // PostgreSQL: written in the background, never holding up the turn
    } catch (error) {
      failed(error);
    }
  };
  return {
    onTurn: (turn) => record({ ...turn, event: 'message' }),
    onOpened: (turn) => record({ ...turn, event: 'opened', text: '' }),
  };
}
