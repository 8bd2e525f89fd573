/**
 * The personal and JSON columns of a new handover, in the order both stores (SQLite and
 * PostgreSQL) insert them, so a new field is added in one place and neither store can drift.
 */
import type { HandoverDraft } from './schema.js';

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
  ];
}
