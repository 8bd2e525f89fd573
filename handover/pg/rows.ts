/** Rows of the PostgreSQL handover tables, and how they become the store's records. */
import type { Handover } from '../schema.js';
import { handoverFromRow, type HandoverColumns, type RowDialect } from '../handover-row.js';
import type { OutboxKind, OutboxRow } from '../ports/outbox.js';
import type { SessionRecord, StaffRecord } from '../ports/staff.js';

/** Times as timestamptz, JSON as jsonb, yes/no as boolean. */
export type PgHandoverRow = HandoverColumns<Date, unknown, boolean>;

export interface PgOutboxRow {
  id: number;
  reference: string;
  kind: string;
  target: string;
  payload: unknown;
  dedupe_key: string;
  attempts: number;
  next_attempt_at: Date;
  lease: string | null;
  lease_until: Date | null;
  delivered_at: Date | null;
  last_error: string | null;
}

export interface PgStaffRow {
  email: string;
  role: string;
  locality_id: string | null;
  password_hash: string;
  created_at: Date;
  disabled_at: Date | null;
  aad_object_id: string | null;
}

export interface PgSessionRow {
  id_hash: string;
  email: string;
  created_at: Date;
  expires_at: Date;
  csrf_secret: string;
}


const POSTGRES: RowDialect<Date, unknown, boolean> = { iso: (time) => time.toISOString(), json: (value) => value, bool: (value) => value };

export function toHandover(r: PgHandoverRow): Handover {
  return handoverFromRow(r, POSTGRES);
}

export function toOutboxRow(r: PgOutboxRow): OutboxRow {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind as OutboxKind,
    target: r.target,
    payload: r.payload,
    dedupeKey: r.dedupe_key,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    lastError: r.last_error,
    lease: r.lease,
    leaseUntil: r.lease_until,
  };
}

export function toStaff(r: PgStaffRow): StaffRecord {
  return {
    email: r.email,
    role: r.role as StaffRecord['role'],
    localityId: r.locality_id,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
    aadObjectId: r.aad_object_id,
  };
}

export function toSession(r: PgSessionRow): SessionRecord {
  return { idHash: r.id_hash, email: r.email, createdAt: r.created_at, expiresAt: r.expires_at, csrfSecret: r.csrf_secret };
}
