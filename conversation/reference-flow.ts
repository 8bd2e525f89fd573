/**
 * "Check my reference": tells a family the status of their request (received, with an
 * officer, closed) and nothing else, and only when they give both the reference and the
 * phone number or email they left. A few attempts per conversation, then we stop asking.
 */
import type { HandoverStatus } from '../handover/schema.js';
import type { Flow, Turn } from './front-door.js';
import { referenceIn } from './intents.js';
import type { Reply } from './replies.js';
import type { ConversationData } from './state.js';

export type { HandoverStatus };

export type ReferenceFlowDeps = {
  /** Null when the reference and contact detail do not match a handover. */
  checkStatus: (reference: string, contactDetail: string) => Promise<HandoverStatus | null> | HandoverStatus | null;
};

export const MAX_REFERENCE_ATTEMPTS = 5;

const STATUS_WORDS: Record<HandoverStatus, string> = {
  received: 'We have received your request. An officer will pick it up soon.',
  'with-officer': 'An officer is working on your request.',
  closed: 'Your request has been closed. If you still need help, you can ask again.',
};

export class ReferenceFlow implements Flow {
  readonly modes: ConversationData['mode'][] = ['check-reference'];

  constructor(private readonly deps: ReferenceFlowDeps) {}

  start(state: ConversationData, turn: Turn): Reply[] {
    if (state.checkAttempts >= MAX_REFERENCE_ATTEMPTS) return [this.tooMany(state)];
    state.mode = 'check-reference';
    const reference = referenceIn(turn.text);
    state.checkReference = reference;
    state.step = reference ? 'contact' : 'reference';
    return this.repeat(state);
  }

  /** The question being asked: the reference, or the phone number or email that goes with it. */
  repeat(state: ConversationData): Reply[] {
    const contact = state.step === 'contact';
    return [
      {
        kind: 'text',
        text: contact
          ? 'To keep your details safe, please type the phone number or email address you gave us.'
          : 'Please type your reference. It starts with DEAL-, for example DEAL-7K3F9Q.',
        choices: [{ title: 'Cancel', text: 'start again' }],
        deal: { kind: 'question', step: contact ? 'reference-contact' : 'reference' },
      },
    ];
  }

  private tooMany(state: ConversationData): Reply {
    state.mode = 'idle';
    state.step = null;
    return { kind: 'text', text: "Sorry, I can't check any more references in this chat. Please call DEAL and we will help.", deal: { kind: 'reference-status' } };
  }

  async continue(state: ConversationData, turn: Turn): Promise<Reply[]> {
    if (state.step === 'reference') {
      const reference = referenceIn(turn.text);
      if (!reference) return [{ kind: 'text', text: "That doesn't look like a reference. It starts with DEAL-, for example DEAL-7K3F9Q.", deal: { kind: 'question', step: 'reference' } }];
      state.checkReference = reference;
      state.step = 'contact';
      return [{ kind: 'text', text: 'Thank you. Now please type the phone number or email address you gave us.', deal: { kind: 'question', step: 'reference-contact' } }];
    }
    const reference = state.checkReference ?? '';
    state.checkAttempts += 1;
    const status = reference ? await this.deps.checkStatus(reference, turn.text.trim()) : null;
    state.mode = 'idle';
    state.step = null;
    state.checkReference = null;
    if (!status) {
      if (state.checkAttempts >= MAX_REFERENCE_ATTEMPTS) return [this.tooMany(state)];
      return [
        {
          kind: 'text',
          text: "Sorry, I couldn't find a request with that reference and contact detail. Please check both and try again.",
          choices: [{ title: 'Check my reference', value: { action: 'check-reference' } }],
          deal: { kind: 'reference-status' },
        },
      ];
    }
    return [{ kind: 'text', text: `**${reference}**: ${STATUS_WORDS[status]}`, deal: { kind: 'reference-status', reference } }];
  }
}
