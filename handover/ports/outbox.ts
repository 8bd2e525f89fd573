/**
 * The notification outbox port: Teams cards and reminders written in the same transaction as
 * the change they announce, then leased and sent by `OutboxWorker` (handover/outbox-worker.ts),
 * so a notification is never lost with a crash and never sent by two workers at once.
 */
import { z } from 'zod';

/** 'teams-card': a new handover; 'teams-reminder': one that is overdue. */
export const OutboxKind = z.enum(['teams-card', 'teams-reminder']);
export type OutboxKind = z.infer<typeof OutboxKind>;

/** A notification to queue. The payload must hold no personal data (see `HandoverNotice`). */
export interface OutboxNotification {
  /** The handover it is about. */
  reference: string;
  kind: OutboxKind;
  /** The locality the notification goes to, or 'lead' for handovers with no locality. */
  target: string;
  payload: unknown;
  /** Unique: the same notification is never queued twice. */
  dedupeKey: string;
}

/** A notification waiting to be (or already) sent. */
export interface OutboxRow extends OutboxNotification {
  id: number;
  /** Attempts started so far, including the current one. */
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
  /** The lease taken by `claimDueNotifications`; pass it back to `markFailed`. */
  lease: string | null;
  leaseUntil: Date | null;
}

/** Where the notification for a handover goes: its locality, or the lead when there is none. */
export function notificationTarget(localityId: string | null): string {
  return localityId ?? 'lead';
}

/** Error text for the outbox: one line, no control characters, at most 500 characters. */
export function cleanOutboxError(error: string): string {
  return error.replace(/[\u0000-\u001F\u007F]+/g, ' ').trim().slice(0, 500) || 'unknown error';
}

export interface NotificationOutbox {
  /**
   * Queues a further notification (e.g. a reminder). Returns false, and queues nothing, when
   * a notification with the same `dedupeKey` already exists.
   */
  enqueueNotification(notification: OutboxNotification, now: Date): Promise<boolean>;

  /**
   * Leases up to `limit` notifications that are due and undelivered, so no other worker takes
   * them until `leaseMs` has passed (default 60 s). Each claim counts as an attempt.
   * `limit` is clamped to 1–100. Oldest due first.
   */
  claimDueNotifications(now: Date, limit: number, leaseMs?: number): Promise<OutboxRow[]>;

  /** Marks a notification sent and logs a `notified` event (once). */
  markDelivered(id: number, now: Date): Promise<void>;

  /**
   * Records a failed attempt and when to try again; ignored when `lease` is no longer the
   * row's lease (another worker has it). Returns whether it was recorded.
   */
  markFailed(id: number, lease: string, error: string, nextAttemptAt: Date): Promise<boolean>;

  /** Counts for monitoring: undelivered notifications, and how many have failed at least once. */
  outboxStats(): Promise<{ pending: number; failing: number; delivered: number }>;
}
