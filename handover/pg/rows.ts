/** Rows of the PostgreSQL handover tables, and how they become the store's records. */
import type { Handover } from '../schema.js';
import { handoverFromRow, type HandoverColumns, type RowDialect } from '../handover-row.js';
import type { OutboxRow } from '../ports/outbox.js';
import { outboxFromRow, sessionFromRow, staffFromRow, type OutboxColumns, type SessionColumns, type StaffColumns } from '../record-rows.js';
import type { SessionRecord, StaffRecord } from '../ports/staff.js';

/** Times as timestamptz, JSON as jsonb, yes/no as boolean. */
export type PgHandoverRow = HandoverColumns<Date, unknown, boolean>;

export type PgOutboxRow = OutboxColumns<Date, unknown>;
export type PgStaffRow = StaffColumns<Date>;
export type PgSessionRow = SessionColumns<Date>;

const POSTGRES: RowDialect<Date, unknown, boolean> = {
  iso: (time) => time.toISOString(),
  date: (time) => time,
  json: (value) => value,
  bool: (value) => value,
};

export function toHandover(r: PgHandoverRow): Handover {
  return handoverFromRow(r, POSTGRES);
}

export const toOutboxRow = (r: PgOutboxRow): OutboxRow => outboxFromRow(r, POSTGRES);
export const toStaff = (r: PgStaffRow): StaffRecord => staffFromRow(r, POSTGRES);
export const toSession = (r: PgSessionRow): SessionRecord => sessionFromRow(r, POSTGRES);
