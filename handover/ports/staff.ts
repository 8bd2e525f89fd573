/**
 * The staff accounts and sessions port: the embedded sign-in's records. The cryptography
 * (password hashing, session tokens, CSRF) is in handover/staff-accounts.ts; a store keeps
 * only hashes, and ends an account's sessions in the same transaction as the change that
 * should end them.
 */
import type { StaffRole } from '../schema.js';

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

export interface SessionRecord {
  /** SHA-256 of the session token: the token itself is never stored. */
  idHash: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
  /** Per-session secret for CSRF tokens. Never sent to the browser. */
  csrfSecret: string;
}

/** Staff accounts (emails are matched lower-cased) and their sessions. */
export interface StaffDirectory {
  /** Adds an account; throws `HandoverStateError` when one with this email exists. */
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
  /** Deletes expired staff sessions; returns how many. */
  purgeExpiredSessions(now: Date): Promise<number>;
}
