/**
 * The outbox, staff and session rows as both stores hold them, and the one mapping from each row to
 * its record (as `handover-row.ts` does for handovers): the stores differ only in their `RowDialect`.
 */
import type { RowDialect } from './handover-row.js';
import type { OutboxKind, OutboxRow } from './ports/outbox.js';
import type { SessionRecord, StaffRecord } from './ports/staff.js';

export interface OutboxColumns<Time, Json> {
  id: number;
  reference: string;
  kind: string;
  target: string;
  payload: Json;
  dedupe_key: string;
  attempts: number;
  next_attempt_at: Time;
  lease: string | null;
  lease_until: Time | null;
  delivered_at: Time | null;
  last_error: string | null;
}

export interface StaffColumns<Time> {
  email: string;
  role: string;
  locality_id: string | null;
  password_hash: string;
  created_at: Time;
  disabled_at: Time | null;
  aad_object_id: string | null;
}

export interface SessionColumns<Time> {
  id_hash: string;
  email: string;
  created_at: Time;
  expires_at: Time;
  csrf_secret: string;
}

/** The part of a store's dialect these rows need. */
type Dates<Time> = Pick<RowDialect<Time, unknown, unknown>, 'date'>;
type DatesAndJson<Time, Json> = Pick<RowDialect<Time, Json, unknown>, 'date' | 'json'>;

function dateOrNull<Time>(d: Dates<Time>, time: Time | null): Date | null {
  return time === null ? null : d.date(time);
}

export function outboxFromRow<Time, Json>(r: OutboxColumns<Time, Json>, d: DatesAndJson<Time, Json>): OutboxRow {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind as OutboxKind,
    target: r.target,
    payload: d.json(r.payload),
    dedupeKey: r.dedupe_key,
    attempts: r.attempts,
    nextAttemptAt: d.date(r.next_attempt_at),
    deliveredAt: dateOrNull(d, r.delivered_at),
    lastError: r.last_error,
    lease: r.lease,
    leaseUntil: dateOrNull(d, r.lease_until),
  };
}

export function staffFromRow<Time>(r: StaffColumns<Time>, d: Dates<Time>): StaffRecord {
  return {
    email: r.email,
    role: r.role as StaffRecord['role'],
    localityId: r.locality_id,
    passwordHash: r.password_hash,
    createdAt: d.date(r.created_at),
    disabledAt: dateOrNull(d, r.disabled_at),
    aadObjectId: r.aad_object_id,
  };
}

export function sessionFromRow<Time>(r: SessionColumns<Time>, d: Dates<Time>): SessionRecord {
  return { idHash: r.id_hash, email: r.email, createdAt: d.date(r.created_at), expiresAt: d.date(r.expires_at), csrfSecret: r.csrf_secret };
}
