/** Rows of the SQLite handover tables (times in epoch ms, JSON as text), and how they become the store's records. */
import type { Handover } from '../schema.js';
import { handoverFromRow, type HandoverColumns, type RowDialect } from '../handover-row.js';
import type { OutboxRow } from '../ports/outbox.js';
import { outboxFromRow, sessionFromRow, staffFromRow, type OutboxColumns, type SessionColumns, type StaffColumns } from '../record-rows.js';
import type { SessionRecord, StaffRecord } from '../ports/staff.js';

/** Times in epoch ms, JSON as text, yes/no as 0 or 1. */
export type HandoverRow = HandoverColumns<number, string, number>;

export type OutboxDbRow = OutboxColumns<number, string>;
export type StaffDbRow = StaffColumns<number>;
export type SessionDbRow = SessionColumns<number>;

export const iso = (ms: number) => new Date(ms).toISOString();

const SQLITE: RowDialect<number, string, number> = {
  iso,
  date: (ms) => new Date(ms),
  json: (text) => JSON.parse(text) as unknown,
  bool: (value) => value === 1,
};

export function toHandover(r: HandoverRow): Handover {
  return handoverFromRow(r, SQLITE);
}

export const toOutboxRow = (r: OutboxDbRow): OutboxRow => outboxFromRow(r, SQLITE);
export const toStaff = (r: StaffDbRow): StaffRecord => staffFromRow(r, SQLITE);
export const toSession = (r: SessionDbRow): SessionRecord => sessionFromRow(r, SQLITE);
