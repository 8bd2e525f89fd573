/**
 * What the front door says, independent of any channel.
 *
 * The conversation core returns these; `bot/render.ts` turns them into Bot Framework
 * activities (Adaptive Cards, suggested actions). Moving to another SDK means rewriting
 * the renderer, not the conversation.
 */
import type { Outcome } from './outcome.js';

/** A button. `value` is sent back as the activity's value; `text` is what the person "says". */
export type Choice = { title: string; text?: string; value?: Record<string, unknown> };

export type Fact = { label: string; value: string };

/** Every reply says what it means as data (`conversation/outcome.ts`), rendered as `channelData.deal`. */
export type Reply = ReplyBody & { deal?: Outcome };

type ReplyBody =
  | { kind: 'text'; text: string; choices?: Choice[] }
  | {
      kind: 'article';
      articleId: string;
      title: string;
      summary: string;
      /** The section of the article that answers the question, shown instead of the summary. */
      passage?: { heading: string; text: string };
      nextSteps: string[];
      contacts: { name: string; detail: string }[];
      readMoreUrl: string;
      source: string;
      related: Choice[];
      audience: 'family' | 'professional';
    }
  | {
      kind: 'safety';
      title: string;
      intro: string;
      steps: string[];
      choices: Choice[];
    }
  | {
      kind: 'triage-result';
      title: string;
      intro: string;
      routes: { title: string; reasons: string[]; nextSteps: string[]; articles: { title: string; url: string }[] }[];
      urgency: string;
      rightToAsk: string | null;
      choices: Choice[];
    }
  | { kind: 'summary'; title: string; facts: Fact[]; note?: string; choices: Choice[] }
  | { kind: 'handover-confirmation'; reference: string; facts: Fact[]; whatNext: string[] }
  | {
      /** The triage questions as one form (Teams): the renderer builds an Adaptive Card form. */
      kind: 'triage-form';
      title: string;
      intro: string;
      errors: string[];
      /** Field values to start with (what the person already said), by TriageCase field name. */
      values?: Record<string, string>;
    };

export const text = (value: string, choices?: Choice[]): Reply => (choices ? { kind: 'text', text: value, choices } : { kind: 'text', text: value });

/** The reply's outcome: the one the conversation set, else the one its shape implies. */
export function outcomeOf(reply: Reply): Outcome {
  if (reply.deal) return reply.deal;
  switch (reply.kind) {
    case 'article':
      return { kind: 'answer', articles: [reply.articleId] };
    case 'safety':
      return { kind: 'safety' };
    case 'triage-result':
      return { kind: 'result' };
    case 'summary':
      return { kind: 'summary', step: 'confirm' };
    case 'handover-confirmation':
      return { kind: 'receipt', reference: reply.reference };
    case 'triage-form':
      return { kind: 'question', step: 'form' };
    case 'text':
      return { kind: 'welcome' };
  }
}

/** Sets a reply's outcome (returns the same reply, for use in expressions). */
export function withOutcome<R extends Reply>(reply: R, deal: Outcome): R {
  reply.deal = deal;
  return reply;
}
