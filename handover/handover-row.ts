/**
 * A handover row as both stores hold it, and the one mapping from a row to a `Handover`, so a
 * field added to the record is read the same way from SQLite and PostgreSQL. The stores differ
 * only in how they keep a time, a JSON value and a yes/no (SQLite: epoch ms, text, 0/1;
 * PostgreSQL: timestamptz, jsonb, boolean): each passes its `RowDialect`.
 */
import type { Handover, HandoverStatus } from './schema.js';

export interface HandoverColumns<Time, Json, Bool> {
  reference: string;
  created_at: Time;
  channel: string;
  requester: string | null;
  locality_id: string | null;
  urgency: string;
  due_at: Time;
  status: string;
  claimed_by: string | null;
  outcome: string | null;
  closed_at: Time | null;
  purged_at: Time | null;
  consent_version: string;
  consent_agreed_at: Time;
  transcript_agreed: Bool;
  contact_name: string | null;
  contact_method: string | null;
  contact_detail: string | null;
  best_time: string | null;
  child_name: string | null;
  child_age: number | null;
  child_setting: string | null;
  triage_json: Json | null;
  questions_json: Json | null;
  articles_json: Json;
  transcript_json: Json | null;
  story_json: Json | null;
}

/** How one store keeps a time, a JSON value and a yes/no. */
export type RowDialect<Time, Json, Bool> = {
  iso(time: Time): string;
  date(time: Time): Date;
  json(value: Json): unknown;
  bool(value: Bool): boolean;
};

export function handoverFromRow<Time, Json, Bool>(r: HandoverColumns<Time, Json, Bool>, d: RowDialect<Time, Json, Bool>): Handover {
  const contact =
    r.contact_name !== null && r.contact_method !== null && r.contact_detail !== null && r.best_time !== null
      ? ({ name: r.contact_name, method: r.contact_method, detail: r.contact_detail, bestTime: r.best_time } as Handover['contact'])
      : null;
  const jsonOrNull = (value: Json | null | undefined) => (value === null || value === undefined ? null : d.json(value));
  const isoOrNull = (time: Time | null) => (time === null ? null : d.iso(time));
  return {
    reference: r.reference,
    createdAt: d.iso(r.created_at),
    channel: r.channel as Handover['channel'],
    requester: r.requester as Handover['requester'],
    contact,
    consent: {
      agreed: true,
      statementVersion: r.consent_version,
      agreedAt: d.iso(r.consent_agreed_at),
      transcriptAgreed: d.bool(r.transcript_agreed),
    },
    child: { name: r.child_name, age: r.child_age, setting: r.child_setting },
    localityId: r.locality_id,
    triage: jsonOrNull(r.triage_json) as Handover['triage'],
    urgency: r.urgency as Handover['urgency'],
    dueAt: d.iso(r.due_at),
    questionsAsked: (jsonOrNull(r.questions_json) ?? []) as string[],
    articlesShown: d.json(r.articles_json) as string[],
    transcript: jsonOrNull(r.transcript_json) as string[] | null,
    story: jsonOrNull(r.story_json) as Handover['story'],
    status: r.status as HandoverStatus,
    claimedBy: r.claimed_by,
    outcome: r.outcome as Handover['outcome'],
    closedAt: isoOrNull(r.closed_at),
    purgedAt: isoOrNull(r.purged_at),
  };
}
