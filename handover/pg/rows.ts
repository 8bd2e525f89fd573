/** Rows of the PostgreSQL handover tables, and how they become the store's records. */
import type { Handover, HandoverStatus } from '../schema.js';
import type { OutboxKind, OutboxRow } from '../ports/outbox.js';
import type { SessionRecord, StaffRecord } from '../ports/staff.js';

export interface PgHandoverRow {
  reference: string;
  created_at: Date;
  channel: string;
  requester: string | null;
  locality_id: string | null;
  urgency: string;
  due_at: Date;
  status: string;
  claimed_by: string | null;
  outcome: string | null;
  closed_at: Date | null;
  purged_at: Date | null;
  consent_version: string;
  consent_agreed_at: Date;
  transcript_agreed: boolean;
  contact_name: string | null;
  contact_method: string | null;
  contact_detail: string | null;
  best_time: string | null;
  child_name: string | null;
  child_age: number | null;
  child_setting: string | null;
  triage_json: unknown;
  questions_json: unknown;
  articles_json: unknown;
  transcript_json: unknown;
  story_json: unknown;
}

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

const isoOrNull = (d: Date | null) => (d === null ? null : d.toISOString());

export function toHandover(r: PgHandoverRow): Handover {
  const contact =
    r.contact_name !== null && r.contact_method !== null && r.contact_detail !== null && r.best_time !== null
      ? ({ name: r.contact_name, method: r.contact_method, detail: r.contact_detail, bestTime: r.best_time } as Handover['contact'])
      : null;
  return {
    reference: r.reference,
    createdAt: r.created_at.toISOString(),
    channel: r.channel as Handover['channel'],
    requester: r.requester as Handover['requester'],
    contact,
    consent: {
      agreed: true,
      statementVersion: r.consent_version,
      agreedAt: r.consent_agreed_at.toISOString(),
      transcriptAgreed: r.transcript_agreed,
    },
    child: { name: r.child_name, age: r.child_age, setting: r.child_setting },
    localityId: r.locality_id,
    triage: (r.triage_json ?? null) as Handover['triage'],
    urgency: r.urgency as Handover['urgency'],
    dueAt: r.due_at.toISOString(),
    questionsAsked: (r.questions_json ?? []) as string[],
    articlesShown: r.articles_json as string[],
    transcript: (r.transcript_json ?? null) as string[] | null,
    story: (r.story_json ?? null) as Handover['story'],
    status: r.status as HandoverStatus,
    claimedBy: r.claimed_by,
    outcome: r.outcome as Handover['outcome'],
    closedAt: isoOrNull(r.closed_at),
    purgedAt: isoOrNull(r.purged_at),
  };
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
