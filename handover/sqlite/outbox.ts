/**
 * The Teams notification outbox on SQLite. A claim is one `BEGIN IMMEDIATE` transaction that
 * reads the due rows and leases them, so two processes on one file never take the same row;
 * a row whose worker died is taken again once its lease has run out.
 */
import { randomUUID } from 'node:crypto';
import { cleanOutboxError, type NotificationOutbox, type OutboxNotification, type OutboxRow } from '../ports/outbox.js';
import { toOutboxRow, type OutboxDbRow } from './rows.js';
import type { SqliteTables } from './tables.js';

export class SqliteOutbox implements NotificationOutbox {
  constructor(private readonly t: SqliteTables) {}

  /** Queues a further notification; false when one with this dedupe key already exists. */
  async enqueueNotification(n: OutboxNotification, now: Date): Promise<boolean> {
    return this.t.write(() => {
      const info = this.t.db
        .prepare(
          `INSERT INTO outbox (reference, kind, target, payload, dedupe_key, attempts, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
        )
        .run(n.reference, n.kind, n.target, JSON.stringify(n.payload), n.dedupeKey, now.getTime(), now.getTime());
      return info.changes === 1;
    });
  }

  async claimDueNotifications(now: Date, limit: number, leaseMs = 60_000): Promise<OutboxRow[]> {
    const t = now.getTime();
    const n = Math.min(Math.max(1, Math.floor(limit)), 100);
    return this.t.write(() => {
      const due = this.t.db
        .prepare(
          `SELECT * FROM outbox
           WHERE delivered_at IS NULL AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY next_attempt_at, id LIMIT ?`,
        )
        .all(t, t, n) as OutboxDbRow[];
      const take = this.t.db.prepare('UPDATE outbox SET lease = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?');
      return due.map((r) => {
        const lease = randomUUID();
        take.run(lease, t + leaseMs, r.id);
        return toOutboxRow({ ...r, lease, lease_until: t + leaseMs, attempts: r.attempts + 1 });
      });
    });
  }

  async markDelivered(id: number, now: Date): Promise<void> {
    this.t.write(() => {
      const row = this.t.db.prepare('SELECT reference, kind, target FROM outbox WHERE id = ? AND delivered_at IS NULL').get(id) as
        | { reference: string; kind: string; target: string }
        | undefined;
      if (!row) return; // unknown, or already delivered: log the notification once only
      this.t.db.prepare('UPDATE outbox SET delivered_at = ?, lease = NULL, lease_until = NULL WHERE id = ?').run(now.getTime(), id);
      this.t.event(row.reference, 'notified', 'outbox', now.getTime(), { outboxId: id, kind: row.kind, target: row.target });
    });
  }

  async markFailed(id: number, lease: string, error: string, nextAttemptAt: Date): Promise<boolean> {
    return this.t.write(() => {
      const info = this.t.db
        .prepare(
          `UPDATE outbox SET last_error = ?, next_attempt_at = ?, lease = NULL, lease_until = NULL
           WHERE id = ? AND lease = ? AND delivered_at IS NULL`,
        )
        .run(cleanOutboxError(error), nextAttemptAt.getTime(), id, lease);
      return info.changes === 1;
    });
  }

  async outboxStats(): Promise<{ pending: number; failing: number; delivered: number }> {
    return this.t.db
      .prepare(
        `SELECT coalesce(sum(delivered_at IS NULL), 0) AS pending,
                coalesce(sum(delivered_at IS NULL AND last_error IS NOT NULL), 0) AS failing,
                coalesce(sum(delivered_at IS NOT NULL), 0) AS delivered
         FROM outbox`,
      )
      .get() as { pending: number; failing: number; delivered: number };
  }

  /** All outbox rows of a handover (tests and diagnostics). */
  outboxFor(reference: string): OutboxRow[] {
    return (this.t.db.prepare('SELECT * FROM outbox WHERE reference = ? ORDER BY id').all(reference) as OutboxDbRow[]).map(toOutboxRow);
  }
}
