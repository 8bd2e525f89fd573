/**
 * The columns of a new handover, in the order both stores (SQLite and PostgreSQL) insert them,
 * so a new field is added in one place and neither store can drift.
 */
import type { HandoverDraft } from './schema.js';
import type { AcceptedDraft } from './store-rules.js';

/** The column list of a new handover's INSERT (status is always 'received'). */
export const NEW_HANDOVER_COLUMNS = `reference, created_at, channel, requester, locality_id, urgency, due_at, status,
  consent_version, consent_agreed_at, transcript_agreed,
  contact_name, contact_method, contact_detail, best_time, child_name, child_age, child_setting,
  triage_json, questions_json, articles_json, transcript_json, story_json, submission_key`;

/** The personal and JSON columns of a new handover. */
export function draftColumns(draft: HandoverDraft): (string | number | null)[] {
  return [
    draft.contact.name,
    draft.contact.method,
    draft.contact.detail,
    draft.contact.bestTime,
    draft.child.name,
    draft.child.age,
    draft.child.setting,
    JSON.stringify(draft.triage),
    JSON.stringify(draft.questionsAsked),
    JSON.stringify(draft.articlesShown),
    draft.transcript === null ? null : JSON.stringify(draft.transcript),
    draft.story === null ? null : JSON.stringify(draft.story),
    draft.submissionKey,
  ];
}

/**
 * The values for `NEW_HANDOVER_COLUMNS` except `status`: `time` and `flag` give a date and a
 * yes/no in the store's own types (epoch ms and 0/1 for SQLite, timestamptz and boolean for PostgreSQL).
 */
export function newHandoverValues<T, F>(reference: string, a: AcceptedDraft, time: (d: Date) => T, flag: (b: boolean) => F): unknown[] {
  const { draft } = a;
  return [
    reference,
    time(a.createdAt),
    draft.channel,
    draft.requester,
    a.localityId,
    a.urgency,
    time(a.dueAt),
    draft.consent.statementVersion,
    time(a.agreedAt),
    flag(draft.consent.transcriptAgreed),
    ...draftColumns(draft),
  ];
}
