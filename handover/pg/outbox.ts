/**
 * The Teams card outbox on PostgreSQL. Due rows are claimed with `SELECT … FOR UPDATE SKIP
 * LOCKED` and a lease each: however many workers poll at once, on however many instances, each
 * row goes to one of them, and a row whose worker died is claimed again once its lease has run out.
 */
import { cleanOutboxError, type NotificationOutbox, type OutboxNotification, type OutboxRow } from '../ports/outbox.js';
import { toOutboxRow, type PgOutboxRow } from './rows.js';
import { logEvent, type PgTables } from './tables.js';

export class PgOutbox implements NotificationOutbox {
  constructor(private readonly t: PgTables) {}

  async enqueueNotification(n: OutboxNotification, now: Date): Promise<boolean> {
    const rows = await this.t.query(
      `INSERT INTO outbox (reference, kind, target, payload, dedupe_key, attempts, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, 0, $6, $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [n.reference, n.kind, n.target, JSON.stringify(n.payload), n.dedupeKey, now],
    );
    return rows.length === 1;
  }

  async claimDueNotifications(now: Date, limit: number, leaseMs = 60_000): Promise<OutboxRow[]> {
    const n = Math.min(Math.max(1, Math.floor(limit)), 100);
    const leaseUntil = new Date(now.getTime() + leaseMs);
    // Rows another worker is claiming right now are skipped, not waited for.
    const rows = await this.t.query<PgOutboxRow>(
      `WITH due AS (
         SELECT id FROM outbox
         WHERE delivered_at IS NULL AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY next_attempt_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o SET lease = gen_random_uuid()::text, lease_until = $3, attempts = o.attempts + 1
       FROM due WHERE o.id = due.id
       RETURNING o.*`,
      [now, n, leaseUntil],
    );
    return rows.map(toOutboxRow).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
  }

  async markDelivered(id: number, now: Date): Promise<void> {
    await this.t.tx(async (c) => {
      const { rows } = await c.query<{ reference: string; kind: string; target: string }>(
        'UPDATE outbox SET delivered_at = $2, lease = NULL, lease_until = NULL WHERE id = $1 AND delivered_at IS NULL RETURNING reference, kind, target',
        [id, now],
      );
      const row = rows[0];
      if (!row) return; // unknown, or already delivered: log the notification once only
      await logEvent(c, row.reference, 'notified', 'outbox', now, { outboxId: id, kind: row.kind, target: row.target });
    });
  }

  async markFailed(id: number, lease: string, error: string, nextAttemptAt: Date): Promise<boolean> {
    const rows = await this.t.query(
      `UPDATE outbox SET last_error = $1, next_attempt_at = $2, lease = NULL, lease_until = NULL
       WHERE id = $3 AND lease = $4 AND delivered_at IS NULL RETURNING id`,
      [cleanOutboxError(error), nextAttemptAt, id, lease],
    );
    return rows.length === 1;
  }

  async outboxStats(): Promise<{ pending: number; failing: number; delivered: number }> {
    const [row] = await this.t.query<{ pending: number; failing: number; delivered: number }>(
      `SELECT count(*) FILTER (WHERE delivered_at IS NULL) AS pending,
              count(*) FILTER (WHERE delivered_at IS NULL AND last_error IS NOT NULL) AS failing,
              count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered
       FROM outbox`,
    );
    return { pending: row!.pending, failing: row!.failing, delivered: row!.delivered };
  }

  /** All outbox rows of a handover (tests and diagnostics). */
  async outboxFor(reference: string): Promise<OutboxRow[]> {
    return (await this.t.query<PgOutboxRow>('SELECT * FROM outbox WHERE reference = $1 ORDER BY id', [reference])).map(toOutboxRow);
  }
}
