/**
 * The handover repository: the one place handovers, their audit log, the notification
 * outbox, staff accounts and sessions, and Teams channel references are kept.
 *
 * This is an interface so that a PostgreSQL implementation can be added later; the SQLite
 * one is `handover/sqlite-store.ts`. Methods return promises for that reason, even though
 * SQLite answers synchronously. Every implementation must keep these promises:
 *
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
import type {
  Handover,
  HandoverDraftInput,
  HandoverEvent,
  HandoverNote,
  HandoverStatus,
  Outcome,
  StaffPrincipal,
  StaffRole,
} from './schema.js';

// ---------------------------------------------------------------------------------------
// Access control
// ---------------------------------------------------------------------------------------

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

/** Thrown when a member of staff acts on a handover outside their locality (or it does not exist). */
export class HandoverNotFoundError extends Error {
  override readonly name = 'HandoverNotFoundError';
  constructor(reference: string) {
    // Same message whether it does not exist or is not theirs: do not reveal which.
    super(`handover ${reference} was not found`);
  }
}

/** Thrown when a change does not fit the handover's state (e.g. claiming a closed one). */
export class HandoverStateError extends Error {
  override readonly name = 'HandoverStateError';
}

/** Thrown when a draft is invalid; `issues` lists the problems (paths and messages only). */
export class HandoverValidationError extends Error {
  override readonly name = 'HandoverValidationError';
  constructor(readonly issues: string[]) {
    super(`invalid handover: ${issues.join('; ')}`);
  }
}

// ---------------------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Outbox
// ---------------------------------------------------------------------------------------

/** 'teams-card': a new handover; 'teams-reminder': one that is overdue. */
export type OutboxKind = 'teams-card' | 'teams-reminder';

/** A notification waiting to be (or already) sent. */
export interface OutboxRow {
  id: number;
  /** The handover it is about. */
  reference: string;
  kind: OutboxKind;
  /** The locality the notification goes to, or 'lead' for handovers with no locality. */
  target: string;
  /** The notification (a `HandoverNotice` for 'teams-card'); holds no personal data. */
  payload: unknown;
  /** Unique: the same notification is never queued twice. */
  dedupeKey: string;
  /** Attempts started so far, including the current one. */
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
  /** The lease taken by `claimDueNotifications`; pass it back to `markFailed`. */
  lease: string | null;
  leaseUntil: Date | null;
}

// ---------------------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------------------

export interface StaffRecord {
  email: string;
  role: StaffRole;
  /** An officer's locality; null for a lead. */
  localityId: string | null;
  /** `scrypt$N$r$p$salt$hash` (see staff-accounts.ts). Never leaves the server. */
  passwordHash: string;
  createdAt: Date;
  disabledAt: Date | null;
  /** The person's Microsoft Entra ID object id, so a Teams card button acts with their rights. */
  aadObjectId?: string | null;
}

/** What a change to a staff account may set; sessions end when the password or the disabled state changes. */
export interface StaffChange {
  passwordHash?: string;
  disabledAt?: Date | null;
  aadObjectId?: string | null;
}

/** Things staff and the service do that are not a handover's own events (channel links, views, account changes, erasures). */
export type AuditAction =
  | 'channel-linked'
  | 'channel-relinked'
  | 'handover-viewed'
  | 'handover-erased'
  | 'handover-exported'
  | 'staff-added'
  | 'staff-disabled'
  | 'staff-enabled'
  | 'staff-password-reset'
  | 'staff-signed-out'
  | 'staff-aad-linked'
  | 'insight-exported'
  | 'insight-marked';

/** One line of the append-only audit log; `detail` holds no personal data. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  /** A reference, a staff email or a locality id. */
  subject: string | null;
  detail: Record<string, string | number | boolean | null>;
}

export interface SessionRecord {
  /** SHA-256 of the session token: the token itself is never stored. */
  idHash: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
  /** Per-session secret for CSRF tokens. Never sent to the browser. */
  csrfSecret: string;
}

// ---------------------------------------------------------------------------------------
// The repository
// ---------------------------------------------------------------------------------------

export interface HandoverStore {
  /**
   * Validates the draft, works out reference, urgency, due time and locality, and stores the
   * handover with its `created` event and outbox row in one transaction. Resolves with the
   * stored record only after commit. Throws `HandoverValidationError` for a bad draft.
   */
  createHandover(draft: HandoverDraftInput): Promise<Handover>;

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

  /**
   * 'received' | 'with-officer' | 'closed' when the reference exists and `contactDetail`
   * (phone or email, in any common format) matches the one given; otherwise null.
   */
  checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null>;

  /**
   * Queues a further notification (e.g. a reminder). Returns false, and queues nothing, when
   * a notification with the same `dedupeKey` already exists. The payload must hold no
   * personal data (see `HandoverNotice`).
   */
  enqueueNotification(
    notification: { reference: string; kind: OutboxKind; target: string; payload: unknown; dedupeKey: string },
    now: Date,
  ): Promise<boolean>;

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

  /** Deletes expired staff sessions; returns how many. */
  purgeExpiredSessions(now: Date): Promise<number>;

  // Staff accounts and sessions (used by staff-accounts.ts, which does the cryptography).
  insertStaff(record: StaffRecord): Promise<void>;
  getStaff(email: string): Promise<StaffRecord | null>;
  listStaff(): Promise<StaffRecord[]>;
  /** Disables an account and ends its sessions. Returns false when there is no such account. */
  disableStaff(email: string, now: Date): Promise<boolean>;
  /** The active or disabled account whose Entra ID object id this is, or null. */
  getStaffByAad(aadObjectId: string): Promise<StaffRecord | null>;
  /** Changes an account; false when there is no such account. Ends its sessions when the password or disabled state changes. */
  updateStaff(email: string, change: StaffChange, now: Date): Promise<boolean>;
  /** An account's live sessions (no tokens: only their hashes). */
  listSessions(email: string, now: Date): Promise<SessionRecord[]>;
  /** Ends every session of an account ("sign out everywhere"); returns how many. */
  deleteSessionsOf(email: string): Promise<number>;
  insertSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | null>;
  deleteSession(idHash: string): Promise<void>;

  // Teams conversation references (one per locality, or 'lead').
  saveChannelReference(target: string, reference: unknown, now: Date): Promise<void>;
  getChannelReference(target: string): Promise<unknown | null>;
  listChannelReferences(): Promise<{ target: string; reference: unknown; updatedAt: Date }[]>;

  /** Appends to the audit log (append-only; no personal data in `detail`). */
  audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void>;
  /** The audit log, oldest first, optionally for one subject. */
  listAudit(subject?: string): Promise<AuditEntry[]>;

  close(): Promise<void>;
}
