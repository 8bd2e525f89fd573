/** Rows of the SQLite handover tables (times in epoch ms, JSON as text), and how they become the store's records. */
import type { Handover } from '../schema.js';
import { handoverFromRow, type HandoverColumns, type RowDialect } from '../handover-row.js';
import type { OutboxKind, OutboxRow } from '../ports/outbox.js';
import type { SessionRecord, StaffRecord } from '../ports/staff.js';

/** Times in epoch ms, JSON as text, yes/no as 0 or 1. */
export type HandoverRow = HandoverColumns<number, string, number>;

export interface OutboxDbRow {
  id: number;
  reference: string;
  kind: string;
  target: string;
  payload: string;
  dedupe_key: string;
  attempts: number;
  next_attempt_at: number;
  lease: string | null;
  lease_until: number | null;
  delivered_at: number | null;
  last_error: string | null;
}

export interface StaffDbRow {
  email: string;
  role: string;
  locality_id: string | null;
  password_hash: string;
  created_at: number;
  disabled_at: number | null;
  aad_object_id: string | null;
}

export interface SessionDbRow {
  id_hash: string;
  email: string;
  created_at: number;
  expires_at: number;
  csrf_secret: string;
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

const SQLITE: RowDialect<number, string, number> = { iso, json: (text) => JSON.parse(text) as unknown, bool: (value) => value === 1 };

export function toHandover(r: HandoverRow): Handover {
  return handoverFromRow(r, SQLITE);
}

export function toOutboxRow(r: OutboxDbRow): OutboxRow {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind as OutboxKind,
    target: r.target,
    payload: JSON.parse(r.payload) as unknown,
    dedupeKey: r.dedupe_key,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    deliveredAt: dateOrNull(r.delivered_at),
    lastError: r.last_error,
    lease: r.lease,
    leaseUntil: dateOrNull(r.lease_until),
  };
}

export function toStaff(r: StaffDbRow): StaffRecord {
  return {
    email: r.email,
    role: r.role as StaffRecord['role'],
    localityId: r.locality_id,
    passwordHash: r.password_hash,
    createdAt: new Date(r.created_at),
    disabledAt: dateOrNull(r.disabled_at),
    aadObjectId: r.aad_object_id,
  };
}

export function toSession(row: SessionDbRow): SessionRecord {
  return { idHash: row.id_hash, email: row.email, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at), csrfSecret: row.csrf_secret };
}
