/**
 * Connects the conversation's handover flow to the durable store: turns what the family
 * agreed to into a `HandoverDraft`, commits it, and wakes the Teams notifier. The family
 * hears its reference only after `createHandover` has returned, i.e. after the commit.
 */
import type { HandoverPort } from './flows.js';
import type { HandoverRequest } from '../conversation/handover-flow.js';
import { consentForChat } from '../handover/consent.js';
import { draftFromConversation } from '../handover/from-conversation.js';
import type { HandoverStore } from '../handover/store.js';
import type { Logger } from 'pino';
import { localityData } from '../triage/locality.js';

export function teamName(localityId: string | null): string {
  const data = localityData();
  if (localityId === data.safeguarding.id) return `the ${data.safeguarding.name}`;
  const locality = localityId ? data.localities.find((l) => l.id === localityId) : undefined;
  return locality ? `the ${locality.name} SEND team` : 'the DEAL front door team';
}

export function createHandoverPort(opts: {
  store: HandoverStore;
  retentionDays: number;
  /** Called after each handover is committed, e.g. to send the Teams card at once. */
  onCreated?: () => void;
  logger: Logger;
}): HandoverPort {
  const { store, retentionDays, onCreated, logger } = opts;
  return {
    consent: () => consentForChat(retentionDays),
    async submit(request: HandoverRequest) {
      const draft = draftFromConversation(request);
      let handover;
      try {
        handover = await store.createHandover(draft);
      } catch (error) {
        // Validation messages name fields only, never values, so they are safe to log.
        logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'handover: could not store');
        throw error;
      }
      logger.info({ reference: handover.reference, locality: handover.localityId, urgency: handover.urgency }, 'handover: stored');
      onCreated?.();
      return { reference: handover.reference, dueAt: new Date(handover.dueAt), teamName: teamName(handover.localityId) };
    },
    checkStatus: (reference, contactDetail) => store.checkStatus(reference, contactDetail),
  };
}
