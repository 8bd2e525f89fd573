/** Rows of the SQLite handover tables (times in epoch ms, JSON as text), and how they become the store's records. */
import type { Handover, HandoverStatus } from '../schema.js';
import type { OutboxKind, OutboxRow } from '../ports/outbox.js';
import type { SessionRecord, StaffRecord } from '../ports/staff.js';

export interface HandoverRow {
  reference: string;
  created_at: number;
  channel: string;
  requester: string | null;
  locality_id: string | null;
  urgency: string;
  due_at: number;
  status: string;
  claimed_by: string | null;
  outcome: string | null;
  closed_at: number | null;
  purged_at: number | null;
  consent_version: string;
  consent_agreed_at: number;
  transcript_agreed: number;
  contact_name: string | null;
  contact_method: string | null;
  contact_detail: string | null;
  best_time: string | null;
  child_name: string | null;
  child_age: number | null;
  child_setting: string | null;
  triage_json: string | null;
  questions_json: string | null;
  articles_json: string;
  transcript_json: string | null;
  story_json: string | null;
}

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
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
export const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

export function toHandover(r: HandoverRow): Handover {
  const contact =
    r.contact_name !== null && r.contact_method !== null && r.contact_detail !== null && r.best_time !== null
      ? ({ name: r.contact_name, method: r.contact_method, detail: r.contact_detail, bestTime: r.best_time } as Handover['contact'])
      : null;
  return {
    reference: r.reference,
    createdAt: iso(r.created_at),
    channel: r.channel as Handover['channel'],
    requester: r.requester as Handover['requester'],
    contact,
    consent: {
      agreed: true,
      statementVersion: r.consent_version,
      agreedAt: iso(r.consent_agreed_at),
      transcriptAgreed: r.transcript_agreed === 1,
    },
    child: { name: r.child_name, age: r.child_age, setting: r.child_setting },
    localityId: r.locality_id,
    triage: r.triage_json === null ? null : (JSON.parse(r.triage_json) as Handover['triage']),
    urgency: r.urgency as Handover['urgency'],
    dueAt: iso(r.due_at),
    questionsAsked: r.questions_json === null ? [] : (JSON.parse(r.questions_json) as string[]),
    articlesShown: JSON.parse(r.articles_json) as string[],
    transcript: r.transcript_json === null ? null : (JSON.parse(r.transcript_json) as string[]),
    story: r.story_json === null ? null : (JSON.parse(r.story_json) as Handover['story']),
    status: r.status as HandoverStatus,
    claimedBy: r.claimed_by,
    outcome: r.outcome as Handover['outcome'],
    closedAt: isoOrNull(r.closed_at),
    purgedAt: isoOrNull(r.purged_at),
  };
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
