/**
 * Connects the conversation's handover flow to the durable store: turns what the family
 * agreed to into a `HandoverDraft`, commits it, and wakes the Teams notifier. The family
 * hears its reference only after `createHandover` has returned, i.e. after the commit.
 */
import type { HandoverPort } from './flows.js';
import type { HandoverRequest } from './handover-flow.js';
import { consentForChat } from '../handover/consent.js';
import { draftFromConversation } from '../handover/from-conversation.js';
import type { HandoverIntake } from '../handover/store.js';
import type { Logger } from 'pino';
import { localityData } from '../triage/locality.js';
import { ReferenceCheckLimiter, WindowCounter, type HitCounter } from '../handover/attempt-limiter.js';
import { callerKey } from './caller.js';

/** Immediate (safeguarding) handovers one caller may create per hour; beyond it the family is asked to phone (the flow's error reply gives DEAL's number). */
export const IMMEDIATE_HANDOVERS_PER_CALLER_PER_HOUR = 3;

/** Thrown instead of storing when a caller has made too many immediate handovers: the family is asked to phone. */
export class TooManyUrgentRequests extends Error {
  override readonly name = 'TooManyUrgentRequests';
}

export function teamName(localityId: string | null): string {
  const data = localityData();
  if (localityId === data.safeguarding.id) return `the ${data.safeguarding.name}`;
  const locality = localityId ? data.localities.find((l) => l.id === localityId) : undefined;
  return locality ? `the ${locality.name} SEND team` : 'the DEAL front door team';
}

export function createHandoverPort(opts: {
  store: HandoverIntake;
  retentionDays: number;
  /** Called after each handover is committed, e.g. to send the Teams card at once. */
  onCreated?: () => void;
  logger: Logger;
  /** Limits on reference checks (per reference and per caller) and on immediate handovers per caller. */
  referenceLimiter?: ReferenceCheckLimiter;
  immediateCap?: HitCounter;
}): HandoverPort {
  const { store, retentionDays, onCreated, logger } = opts;
  const referenceLimiter = opts.referenceLimiter ?? new ReferenceCheckLimiter();
  const immediateCap = opts.immediateCap ?? new WindowCounter(IMMEDIATE_HANDOVERS_PER_CALLER_PER_HOUR, 3_600_000);
  return {
    consent: () => consentForChat(retentionDays),
    async submit(request: HandoverRequest) {
      const draft = draftFromConversation(request);
      if (request.result.urgency === 'immediate' && !(await immediateCap.take(callerKey()))) {
        logger.warn({ limit: 'immediate-handovers' }, 'handover: too many immediate requests from one caller; asked to phone');
        throw new TooManyUrgentRequests('too many immediate handovers from one caller');
      }
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
    // Limited per reference and per caller, whatever the conversation: a wait answers as a wrong guess does.
    checkStatus: (reference, contactDetail) => referenceLimiter.checked(reference, callerKey(), () => store.checkStatus(reference, contactDetail)),
    referenceCheckWait: (reference) => referenceLimiter.wait(reference, callerKey()),
  };
}
