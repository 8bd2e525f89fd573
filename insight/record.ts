/**
 * Turns one bot turn (its replies' `channelData.deal` outcomes) into an anonymous insight row.
 *
 * Why here and not in the conversation: the conversation already says what each reply means
 * (conversation/outcome.ts); this only picks what a service manager and a content owner need,
 * drops every identifier, truncates the time to the hour, and keeps the words of an
 * unanswered question only after `redact` and only when it is short.
 */
import type { Channel } from '../conversation/front-door.js';
import { type OutcomeKind } from '../conversation/outcome.js';
import { outcomeOf } from '../conversation/replies.js';
import type { Reply } from '../conversation/replies.js';
import { hasKnownWord, redact, wordCount } from './redact.js';
import { InsightRow, type InsightAudience, type InsightEvent } from './schema.js';

/** Questions longer than this are counted, not kept: long messages are stories, and carry more of a family's life. */
export const MAX_QUESTION_WORDS = 25;
const MAX_QUESTION_CHARS = 400;

/** The kinds whose question the content owner sees (the bot could not answer them). */
export const UNANSWERED_KINDS = ['not-sure', 'clarify', 'out-of-scope'] as const;

/** Which outcome names a turn with several replies (a check-in then an answer is an answer, with its safety kind kept). */
const PRIORITY: readonly OutcomeKind[] = [
  'receipt', 'result', 'answer', 'glossary', 'clarify', 'not-sure', 'out-of-scope', 'summary', 'consent', 'contact',
  'question', 'reference-status', 'staff-message', 'welcome', 'safety', 'checkin',
];

export type TurnForInsight = {
  channel: Channel;
  replies: readonly Reply[];
  audience?: InsightAudience;
  /** What the person typed (for an unanswered question only; redacted before it is kept). */
  text?: string;
  event?: InsightEvent;
};

export function hourOf(date: Date): number {
  return Math.floor(date.getTime() / 3_600_000) * 3_600_000;
}

/**
 * The anonymous row for a turn. `knownWords` lets the redactor keep capitalised knowledge-base words
 * (a function: the set is asked for only when a question is kept, so a server builds it on first need, not at start-up).
 */
export function rowForTurn(turn: TurnForInsight, now: Date, known?: ReadonlySet<string> | (() => ReadonlySet<string>)): InsightRow {
  const outcomes = turn.replies.map((r) => outcomeOf(r));
  const kinds = new Set(outcomes.map((o) => o.kind));
  const kind = PRIORITY.find((k) => kinds.has(k)) ?? 'welcome';
  const articles = [...new Set(outcomes.filter((o) => o.kind === kind).flatMap((o) => o.articles ?? []))];
  const result = outcomes.find((o) => o.kind === 'result')?.triage;
  const receipt = outcomes.find((o) => o.kind === 'receipt');
  const alarm = outcomes.find((o) => o.kind === 'safety' || o.kind === 'checkin');

  let question: string | null = null;
  let questionTooLong = false;
  const typed = turn.text?.trim() ?? '';
  if ((UNANSWERED_KINDS as readonly string[]).includes(kind) && typed) {
    const knownWords = typeof known === 'function' ? known() : known;
    const cleaned = redact(typed, knownWords ? { knownWords } : {}).text;
    // Counted, not kept: a long story, or words none of which the knowledge base knows (a name typed alone, say).
    if (wordCount(typed) > MAX_QUESTION_WORDS || cleaned.length > MAX_QUESTION_CHARS || !cleaned || (knownWords && !hasKnownWord(cleaned, knownWords))) questionTooLong = true;
    else question = cleaned;
  }

  // Checked against InsightRow by the store, once, before anything reaches a database (insight/store.ts, outcomeValues).
  const row: InsightRow = {
    hour: hourOf(now),
    event: turn.event ?? 'message',
    channel: turn.channel,
    audience: turn.audience ?? (turn.channel === 'teams' ? 'professional' : 'family'),
    kind,
    articles: articles.slice(0, 20),
    routes: result ? result.routes.map((r) => r.id).slice(0, 20) : [],
    locality: result?.locality ?? null,
    urgency: result?.urgency ?? receipt?.urgency ?? null,
    safety: alarm ? (alarm.safety ?? 'other') : null,
    question,
    questionTooLong,
  };
  return row;
}
