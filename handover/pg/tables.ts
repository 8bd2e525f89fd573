/**
 * What the PostgreSQL table groups (handovers, retention, outbox, staff, channel links, audit
 * log) are given by the store that owns the pool: queries and transactions that wait for the
 * migrations first, and the event insert every handover change makes in its own transaction.
 */
import type { PoolClient, QueryResultRow } from 'pg';
import type { EventKind } from '../schema.js';
import type { Queryable } from './base.js';

export type EventDetail = Record<string, string | number | boolean | null>;

export interface PgTables {
  /** The rows of one statement, run on any pooled connection. */
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** How many rows one statement changed. */
  count(sql: string, params?: unknown[]): Promise<number>;
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  tx<T>(fn: (client: PoolClient) => Promise<T>): Promise<T>;
}

/** Appends a handover event; call inside the transaction of the change it records. */
export async function logEvent(c: Queryable, reference: string, kind: EventKind, actor: string, at: Date, detail: EventDetail = {}): Promise<void> {
  await c.query('INSERT INTO handover_events (reference, kind, actor, at, detail) VALUES ($1, $2, $3, $4, $5)', [
    reference,
    kind,
    actor,
    at,
    JSON.stringify(detail),
  ]);
}
