/**
 * The retention purge and erasure on PostgreSQL: the same personal fields emptied, notes
 * deleted and `purged` events logged as on SQLite. The purge holds a transaction-level advisory
 * lock, so with several instances it runs on one at a time and purges each handover once.
 */
import { HandoverNotFoundError, HandoverStateError } from '../ports/errors.js';
import type { HandoverRetention } from '../ports/handovers.js';
import { normaliseReference, type Handover } from '../schema.js';
import { erasureReason, PERSONAL_FIELDS_EMPTY } from '../store-rules.js';
import { toHandover, type PgHandoverRow } from './rows.js';
import { logEvent, type PgTables } from './tables.js';

/** The advisory-lock key the retention purge holds: one instance purges at a time. */
export const PURGE_LOCK = 'deal:retention-purge';

export class PgRetention implements HandoverRetention {
  constructor(private readonly t: PgTables) {}

  async purgeResolvedOlderThan(days: number, now: Date): Promise<number> {
    if (!Number.isFinite(days) || days < 0) throw new Error('purge: days must be zero or more');
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    return this.t.tx(async (c) => {
      // One instance at a time; a second one waits here, then finds nothing left to purge.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [PURGE_LOCK]);
      const { rows } = await c.query<{ reference: string; closed_at: Date }>(
        `UPDATE handovers SET purged_at = $1, ${PERSONAL_FIELDS_EMPTY}
         WHERE reference IN (SELECT reference FROM handovers
                             WHERE status = 'closed' AND purged_at IS NULL AND closed_at < $2
                             ORDER BY closed_at FOR UPDATE)
         RETURNING reference, closed_at`,
        [now, cutoff],
      );
      const refs = rows
        .sort((a, b) => a.closed_at.getTime() - b.closed_at.getTime() || (a.reference < b.reference ? -1 : 1))
        .map((r) => r.reference);
      for (const ref of refs) {
        const notes = (await c.query('DELETE FROM handover_notes WHERE reference = $1', [ref])).rowCount ?? 0;
        await logEvent(c, ref, 'purged', 'retention', now, { retentionDays: days, notesDeleted: notes });
      }
      return refs.length;
    });
  }

  async eraseHandover(reference: string, actor: string, reason: string, now: Date): Promise<Handover> {
    const why = erasureReason(reason);
    const ref = normaliseReference(reference);
    return this.t.tx(async (c) => {
      const row = ref ? (await c.query<PgHandoverRow>('SELECT * FROM handovers WHERE reference = $1 FOR UPDATE', [ref])).rows[0] : undefined;
      if (!row) throw new HandoverNotFoundError(reference);
      if (row.purged_at !== null) throw new HandoverStateError(`handover ${row.reference} has already been erased or purged`);
      const updated = await c.query<PgHandoverRow>(
        `UPDATE handovers SET purged_at = $1, status = 'closed', closed_at = coalesce(closed_at, $1), outcome = coalesce(outcome, 'withdrawn'),
           ${PERSONAL_FIELDS_EMPTY}
         WHERE reference = $2 RETURNING *`,
        [now, row.reference],
      );
      const notes = (await c.query('DELETE FROM handover_notes WHERE reference = $1', [row.reference])).rowCount ?? 0;
      await logEvent(c, row.reference, 'purged', actor.slice(0, 254), now, { erasure: true, notesDeleted: notes });
      await c.query('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)', [
        now,
        actor.slice(0, 254),
        'handover-erased',
        row.reference,
        JSON.stringify({ reason: why, previousStatus: row.status }),
      ]);
      return toHandover(updated.rows[0]!);
    });
  }
}
