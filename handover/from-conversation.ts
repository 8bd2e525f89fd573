/**
 * Turns what the conversation's handover flow collects (`HandoverRequest` in
 * conversation/handover-flow.ts) into a `HandoverDraft` for the store.
 *
 * The input type is written out here (structurally the same) so that handover/ does not
 * depend on the conversation code. The store validates the result; nothing is added.
 */
import type { Channel, ContactMethod, HandoverDraftInput, HandoverStory } from './schema.js';
import type { Requester, TriageResult } from '../triage/schema.js';

export interface ConversationHandoverRequest {
  channel: Channel;
  requester: Requester | undefined;
  contact: { name: string; method: ContactMethod; detail: string; bestTime: string };
  child: string | null;
  childAge: number | null;
  setting: string | null;
  result: TriageResult;
  consentVersion: string;
  /** ISO date-time the family agreed. */
  consentAt: string;
  asked: string[];
  shown: string[];
  /** The chat lines, or null when the family did not agree to send it. */
  transcript: string[] | null;
  /** What the family told us, understood (facts, their words, a safety response), or null. */
  story: HandoverStory | null;
  /** The request's key (ConversationData.sendKey): the same request sent twice is stored once; null: not known. */
  submissionKey?: string | null;
}

export function draftFromConversation(request: ConversationHandoverRequest): HandoverDraftInput {
  return {
    channel: request.channel,
    // Not asked when a safety worry skipped the questions: recorded as unknown, not guessed.
    requester: request.requester ?? null,
    contact: { ...request.contact },
    consent: {
      agreed: true,
      statementVersion: request.consentVersion,
      agreedAt: request.consentAt,
      transcriptAgreed: request.transcript !== null,
    },
    child: { name: request.child || null, age: request.childAge, setting: request.setting || null },
    triage: request.result,
    questionsAsked: request.asked.slice(-10),
    articlesShown: request.shown.slice(-20),
    transcript: request.transcript === null ? null : request.transcript.slice(-30),
    story: request.story,
    submissionKey: request.submissionKey ?? null,
  };
}
