/**
 * The handovers port: a family's handover, its notes and its append-only events, from the
 * moment the bot stores it to the retention purge that empties its personal data. Split by
 * who uses it, so each caller asks for no more than it needs:
 *
 * - `HandoverIntake`: the conversation (store a handover, answer "where is my request?").
 * - `HandoverCasework`: staff on the staff site and in Teams (list, claim, note, resolve).
 * - `HandoverRetention`: the retention purge and erasure on request (CLI, staff site).
 *
 * Promises every implementation keeps:
 * - `createHandover` stores the handover, its `created` event and its notification in one
 *   transaction, and resolves only after that transaction is committed and durable.
 * - Every change to a handover writes an event in the same transaction. Events are
 *   append-only: they can never be changed or deleted, and hold no personal data.
 * - Staff changes (`claim`, `addNote`, `resolve`) check the member of staff may see the
 *   handover's locality (`canAccess`), inside the same transaction.
 * - `checkStatus` answers only when both the reference and the contact detail match, and
 *   takes the same path whether or not the reference exists.
 * - The retention purge removes personal data, keeps the non-personal record and logs it.
 */
import type { Handover, HandoverDraftInput, HandoverEvent, HandoverNote, HandoverStatus, Outcome, StaffPrincipal } from '../schema.js';

/**
 * May this member of staff see this handover? A lead sees everything, including handovers
 * with no locality; an officer sees only their own locality's.
 */
export function canAccess(principal: StaffPrincipal, handover: { localityId: string | null }): boolean {
  if (principal.role === 'lead') return true;
  return principal.localityId !== null && handover.localityId === principal.localityId;
}

/** The listing scope for a member of staff: all localities for a lead, their own for an officer. */
export function scopeFor(principal: StaffPrincipal): HandoverScope {
  return principal.role === 'lead' ? { localities: 'all' } : { localities: principal.localityId ? [principal.localityId] : [] };
}

export interface HandoverScope {
  /**
   * Locality ids to include, or 'all' (which includes handovers with no locality). `null` in
   * the list means "no locality". A lead's scope is 'all'; an officer's is their locality.
   */
  localities: (string | null)[] | 'all';
}

export interface ListOptions {
  /** Which localities. `localities: 'all'` includes handovers with no locality. */
  scope: HandoverScope;
  /** Only these statuses (default: all). */
  statuses?: HandoverStatus[];
  /** Include handovers whose personal data has been purged (default false). */
  includePurged?: boolean;
  /** At most this many (default 200, at most 1000). */
  limit?: number;
}

/** What the conversation needs: store a family's handover, and tell them its status. */
export interface HandoverIntake {
  /**
   * Validates the draft, works out reference, urgency, due time and locality, and stores the
   * handover with its `created` event and outbox row in one transaction. Resolves with the
   * stored record only after commit. Throws `HandoverValidationError` for a bad draft.
   */
  createHandover(draft: HandoverDraftInput): Promise<Handover>;

  /**
   * 'received' | 'with-officer' | 'closed' when the reference exists and `contactDetail`
   * (phone or email, in any common format) matches the one given; otherwise null.
   */
  checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null>;
}

/** What staff do with a handover: find it, take it, write notes on it, close it. */
export interface HandoverCasework {
  /** The handover, or null. No access check: for the bot and the CLI. */
  getHandover(reference: string): Promise<Handover | null>;

  /** The handover if this member of staff may see it, else null (whether or not it exists). */
  getHandoverFor(principal: StaffPrincipal, reference: string): Promise<Handover | null>;

  /** Open before closed, then immediate, priority, routine, then earliest due, then newest. */
  listHandovers(options: ListOptions): Promise<Handover[]>;

  /** Takes the handover ('received' -> 'with-officer'). `takeOver` lets a lead reassign it. */
  claimHandover(reference: string, actor: StaffPrincipal, options?: { takeOver?: boolean }): Promise<Handover>;

  /** Adds an officer's note (kept with the personal data, deleted by the purge). */
  addNote(reference: string, actor: StaffPrincipal, text: string): Promise<HandoverNote>;

  /** Notes on a handover, oldest first (access-checked). */
  listNotes(reference: string, actor: StaffPrincipal): Promise<HandoverNote[]>;

  /** Closes the handover with an outcome code, and optionally a note. */
  resolveHandover(reference: string, actor: StaffPrincipal, outcome: Outcome, note?: string): Promise<Handover>;

  /** The audit log of one handover, oldest first. */
  listEvents(reference: string): Promise<HandoverEvent[]>;
}

/** How long a family's personal data is kept, and how it is erased sooner when they ask. */
export interface HandoverRetention {
  /**
   * Deletes the personal data of handovers closed more than `days` days before `now`, and
   * their notes; logs a `purged` event for each. Returns how many were purged.
   */
  purgeResolvedOlderThan(days: number, now: Date): Promise<number>;

  /**
   * Erases a family's personal data at once (UK GDPR Article 17), whatever the status: the
   * personal fields are emptied, notes deleted, an open handover closed (`withdrawn`), a
   * `purged` event logged and the reason audited. Returns the record as it remains.
   */
  eraseHandover(reference: string, actor: string, reason: string, now: Date): Promise<Handover>;
}

/** The whole handovers port: intake, casework and retention of one set of tables. */
export interface HandoverRecords extends HandoverIntake, HandoverCasework, HandoverRetention {}
