/**
 * The retention purge and erasure on SQLite: personal fields emptied, notes deleted and a
 * `purged` event logged in one transaction; then the WAL is checkpointed and truncated, so
 * no old copy of the deleted values lingers in it (`secure_delete` covers the main file).
 */
import { HandoverNotFoundError, HandoverStateError } from '../ports/errors.js';
import type { HandoverRetention } from '../ports/handovers.js';
import { normaliseReference, type Handover } from '../schema.js';
import { erasureReason, PERSONAL_FIELDS_EMPTY } from '../store-rules.js';
import { toHandover } from './rows.js';
import type { SqliteTables } from './tables.js';

export class SqliteRetention implements HandoverRetention {
  constructor(private readonly t: SqliteTables) {}

  async purgeResolvedOlderThan(days: number, now: Date): Promise<number> {
    if (!Number.isFinite(days) || days < 0) throw new Error('purge: days must be zero or more');
    const at = now.getTime();
    const cutoff = at - days * 86_400_000;
    const count = this.t.write(() => {
      const refs = this.t.db
        .prepare("SELECT reference FROM handovers WHERE status = 'closed' AND purged_at IS NULL AND closed_at < ? ORDER BY closed_at")
        .pluck()
        .all(cutoff) as string[];
      const empty = this.t.db.prepare(`UPDATE handovers SET purged_at = ?, ${PERSONAL_FIELDS_EMPTY} WHERE reference = ?`);
      const dropNotes = this.t.db.prepare('DELETE FROM handover_notes WHERE reference = ?');
      for (const ref of refs) {
        empty.run(at, ref);
        const notes = dropNotes.run(ref).changes;
        this.t.event(ref, 'purged', 'retention', at, { retentionDays: days, notesDeleted: notes });
      }
      return refs.length;
    });
    if (count > 0) this.t.checkpoint();
    return count;
  }

  async eraseHandover(reference: string, actor: string, reason: string, now: Date): Promise<Handover> {
    const why = erasureReason(reason);
    const ref = normaliseReference(reference);
    const at = now.getTime();
    this.t.write(() => {
      const row = ref ? this.t.byReference.get(ref) : undefined;
      if (!row) throw new HandoverNotFoundError(reference);
      if (row.purged_at !== null) throw new HandoverStateError(`handover ${row.reference} has already been erased or purged`);
      this.t.db
        .prepare(
          `UPDATE handovers SET purged_at = ?, status = 'closed', closed_at = coalesce(closed_at, ?), outcome = coalesce(outcome, 'withdrawn'),
             ${PERSONAL_FIELDS_EMPTY}
           WHERE reference = ?`,
        )
        .run(at, at, row.reference);
      const notes = this.t.db.prepare('DELETE FROM handover_notes WHERE reference = ?').run(row.reference).changes;
      this.t.event(row.reference, 'purged', actor.slice(0, 254), at, { erasure: true, notesDeleted: notes });
      this.t.db
        .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
        .run(at, actor.slice(0, 254), 'handover-erased', row.reference, JSON.stringify({ reason: why, previousStatus: row.status }));
    });
    this.t.checkpoint();
    return toHandover(this.t.byReference.get(ref!)!);
  }
}
