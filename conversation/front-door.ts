/**
 * The front door's conversation, independent of any channel SDK.
 *
 * Every message goes through the same steps, in this order:
 *  1. the safety check (always first, in every mode);
 *  2. button presses and the global words (start again, help, talk to a person);
 *  3. the flow the person is in (triage questions, consent, contact details, reference check);
 *  4. otherwise a question: glossary, then the knowledge base, or an honest "not sure".
 */
import type { Glossary } from '../knowledge/glossary.js';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { KnowledgeSearch } from '../knowledge/search.js';
import { normalise } from '../knowledge/text.js';
import {
  articleReply,
  type Audience,
  glossaryReply,
  helpReply,
  notSureReply,
  possibleRiskReply,
  safetyReply,
  welcomeReplies,
} from './answers.js';
import { intentOf, referenceIn, withoutCommand } from './intents.js';
import type { Reply } from './replies.js';
import { type ConversationData, freshConversation, remember } from './state.js';

export type Channel = 'webchat' | 'teams';

export type Turn = {
  /** What the person typed or the button "said"; may be empty for card submissions. */
  text: string;
  /** The value of a pressed button or submitted card. */
  value?: unknown;
  channel: Channel;
  audience: Audience;
};

/**
 * Shape of `triage/safety.ts`'s result that the conversation relies on, plus `possibleRisk`
 * from the second net (`triage/safety-net.ts`) when the patterns did not flag the message.
 */
export type SafetyCheck = { flagged: boolean; kind: 'risk-of-harm' | 'needs-a-person' | null; categories: string[]; possibleRisk?: boolean };

/** A flow owns the conversation while `state.mode` is one of its modes. */
export interface Flow {
  readonly modes: ConversationData['mode'][];
  /** Starts the flow from a button or intent. */
  start(state: ConversationData, turn: Turn, reason?: string): Promise<Reply[]> | Reply[];
  /** Handles a message while the flow owns the conversation. */
  continue(state: ConversationData, turn: Turn): Promise<Reply[]> | Reply[];
}

export type FrontDoorDeps = {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  glossary: Glossary;
  checkSafety: (text: string) => SafetyCheck;
  publicUrl: string;
  /** Guided triage ("what should I do next?"). */
  triage: Flow;
  /** Consent and contact details, then the handover. */
  handover: Flow;
  /** "Check my reference". */
  reference: Flow;
};

/** Longest message we read; longer input is cut, never crashes a turn. */
export const MAX_TEXT = 2000;

type Action = { action: string; [key: string]: unknown };

function actionOf(value: unknown): Action | null {
  if (value && typeof value === 'object' && typeof (value as Action).action === 'string') return value as Action;
  return null;
}

/** All free text in a turn, including text fields of a submitted card, for the safety check. */
function textsOf(turn: Turn): string {
  const parts = [turn.text];
  if (turn.value && typeof turn.value === 'object') {
    for (const v of Object.values(turn.value as Record<string, unknown>)) if (typeof v === 'string') parts.push(v);
  }
  return parts.join('\n').slice(0, MAX_TEXT * 2);
}

export class FrontDoor {
  private readonly titles: Map<string, string>;

  constructor(private readonly deps: FrontDoorDeps) {
    this.titles = new Map(deps.kb.articles.map((a) => [normalise(a.title).trim(), a.id]));
  }

  welcome(audience: Audience): Reply[] {
    return welcomeReplies(audience);
  }

  /** Handles one turn. Mutates and returns `state`; the caller saves it. */
  async handle(turnIn: Turn, state: ConversationData): Promise<Reply[]> {
    const text = (turnIn.text ?? '').slice(0, MAX_TEXT).trim();
    const turn: Turn = { ...turnIn, text: text.toLowerCase() === 'ask' ? text : withoutCommand(text) };
    const replies: Reply[] = [];
    // A short transcript, sent with a handover only if the family agrees. Contact details and
    // reference checks are never part of it.
    if (turn.text && state.mode !== 'contact' && state.mode !== 'check-reference') {
      state.transcript = remember(state.transcript, turn.text.slice(0, 500), 30);
    }

    const safety = this.deps.checkSafety(textsOf(turn));
    // Only the second net worried: check in, then carry on as usual (a false alarm costs one card).
    if (!safety.flagged && safety.possibleRisk) return [possibleRiskReply(this.deps.kb), ...(await this.route(turn, state, []))];
    if (safety.flagged && safety.kind) {
      state.safety = { kind: safety.kind, categories: safety.categories };
      replies.push(safetyReply(this.deps.kb, safety.kind));
      // Inside triage the answer is still recorded, so the result routes to safeguarding.
      if (state.mode !== 'triage') return replies;
    }
    return this.route(turn, state, replies);
  }

  /** Everything after the safety check: buttons, intents, the flow in progress, or a question. */
  private async route(turn: Turn, state: ConversationData, replies: Reply[]): Promise<Reply[]> {
    const action = actionOf(turn.value);
    if (action) return [...replies, ...(await this.onAction(action, turn, state))];
    if (!turn.text) {
      return [...replies, { kind: 'text', text: 'I can only read typed messages. Please type your question.' }];
    }

    const intent = intentOf(turn.text);
    if (intent === 'restart') {
      Object.assign(state, freshConversation());
      return [{ kind: 'text', text: "OK, let's start again." }, ...this.welcome(turn.audience)];
    }
    if (intent === 'help') return [...replies, helpReply()];
    if (intent === 'talk-to-person' && state.mode !== 'consent' && state.mode !== 'contact') {
      return [...replies, ...(await this.deps.handover.start(state, turn, 'asked'))];
    }

    const flow = [this.deps.triage, this.deps.handover, this.deps.reference].find((f) => f.modes.includes(state.mode));
    if (flow) return [...replies, ...(await flow.continue(state, turn))];
    if (replies.length > 0) return replies;

    if (intent === 'start-triage') return this.deps.triage.start(state, turn);
    if (intent === 'check-reference' || referenceIn(turn.text)) return this.deps.reference.start(state, turn);
    if (intent === 'greeting') {
      return [{ kind: 'text', text: 'Hello! What would you like to know? You can ask a question in your own words.' }];
    }
    if (intent === 'thanks') {
      return [{ kind: 'text', text: "You're welcome. If you think of anything else, just ask. Take care." }];
    }
    if (intent === 'back' || intent === 'skip') {
      return [{ kind: 'text', text: 'There is nothing to go back to. What would you like to know?' }];
    }
    return this.answerQuestion(turn, state);
  }

  private async onAction(action: Action, turn: Turn, state: ConversationData): Promise<Reply[]> {
    switch (action.action) {
      case 'show-article': {
        const article = typeof action.id === 'string' ? this.deps.kb.byId.get(action.id) : undefined;
        if (!article) return [notSureReply(this.deps.kb)];
        state.shown = remember(state.shown, article.id, 20);
        return [articleReply(this.deps.kb, article, turn.audience, this.deps.publicUrl)];
      }
      case 'talk-to-person':
        return this.deps.handover.start(state, turn, typeof action.reason === 'string' ? action.reason : 'asked');
      case 'start-triage':
        return this.deps.triage.start(state, turn);
      case 'check-reference':
        return this.deps.reference.start(state, turn);
      case 'triage-form':
        return this.deps.triage.continue(state, turn);
      case 'help':
        return [helpReply()];
      default: {
        const flow = [this.deps.triage, this.deps.handover, this.deps.reference].find((f) =>
          f.modes.includes(state.mode),
        );
        if (flow) return flow.continue(state, turn);
        return [{ kind: 'text', text: "Sorry, that button has expired. Please try again, or say 'help'." }];
      }
    }
  }

  private answerQuestion(turn: Turn, state: ConversationData): Reply[] {
    const { kb, search, glossary, publicUrl } = this.deps;
    state.asked = remember(state.asked, turn.text.slice(0, 300), 10);

    const meaning = glossary.meaningQuestion(turn.text);
    if (meaning) return [glossaryReply(meaning, kb)];

    const exact = this.titles.get(normalise(turn.text).trim());
    const answer = exact ? null : search.search(turn.text, 3);
    const id = exact ?? (answer?.answered ? answer.results[0]?.id : undefined);
    const article = id ? kb.byId.get(id) : undefined;
    if (!article) return [notSureReply(kb, answer?.topic)];
    state.shown = remember(state.shown, article.id, 20);
    return [articleReply(kb, article, turn.audience, publicUrl)];
  }
}
