/**
 * Handovers, their notes and events on PostgreSQL: the intake (create, check status) and the
 * staff's casework (list, claim, note, resolve). Every write is one transaction; staff actions
 * lock the handover row (`FOR UPDATE`), so two officers on two instances cannot both claim it.
 */
import type { PoolClient } from 'pg';
import { NEW_HANDOVER_COLUMNS, newHandoverValues } from '../draft-columns.js';
import { HandoverNotFoundError, HandoverStateError } from '../ports/errors.js';
import { canAccess, type HandoverCasework, type HandoverIntake, type ListOptions } from '../ports/handovers.js';
import { notificationTarget } from '../ports/outbox.js';
import { normaliseReference, type EventKind, type Handover, type HandoverDraftInput, type HandoverEvent, type HandoverNote, type HandoverStatus, type Outcome, type StaffPrincipal } from '../schema.js';
import { acceptDraft, checkStatusWith, cleanNote, closingNote, createdDetail, noticeFor, outcomeCode, HandoverTablesBase, scopeLocalities, URGENCY_ORDER, type HandoverWriteOptions, type StatusRow } from '../store-rules.js';
import { toHandover, type PgHandoverRow } from './rows.js';
import { logEvent, type PgTables } from './tables.js';

export class PgHandovers extends HandoverTablesBase implements HandoverIntake, HandoverCasework {
  constructor(
    private readonly t: PgTables,
    options: HandoverWriteOptions = {},
  ) {
    super(options);
  }

  private async row(reference: string): Promise<PgHandoverRow | undefined> {
    return (await this.t.query<PgHandoverRow>('SELECT * FROM handovers WHERE reference = $1', [reference]))[0];
  }

  async createHandover(input: HandoverDraftInput): Promise<Handover> {
    const accepted = acceptDraft(input, this.clock(), this.serviceLevels);
    const { draft, localityId, createdAt } = accepted;

    for (let attempt = 0; attempt < 20; attempt++) {
      const reference = this.newReference();
      const notice = noticeFor(reference, accepted);
      const row = await this.t.tx(async (c) => {
        const inserted = await c.query<PgHandoverRow>(
          `INSERT INTO handovers (${NEW_HANDOVER_COLUMNS})
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'received', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
           ON CONFLICT DO NOTHING
           RETURNING *`,
          newHandoverValues(reference, accepted, (d) => d, (b) => b),
        );
        const stored = inserted.rows[0];
        if (!stored) {
          // This request is already stored (a retried or raced Send: the other insert waited for it to commit), or the reference is taken: draw another.
          const same = draft.submissionKey ? (await c.query<PgHandoverRow>('SELECT * FROM handovers WHERE submission_key = $1', [draft.submissionKey])).rows[0] : undefined;
          return same ?? null;
        }
        await logEvent(c, reference, 'created', `bot:${draft.channel}`, createdAt, createdDetail(accepted));
        await c.query(
          `INSERT INTO outbox (reference, kind, target, payload, dedupe_key, attempts, next_attempt_at, created_at)
           VALUES ($1, 'teams-card', $2, $3, $4, 0, $5, $5)`,
          [reference, notificationTarget(localityId), JSON.stringify(notice), `teams-card:${reference}`, createdAt],
        );
        return stored;
      });
      // Committed (synchronous_commit): only now does the caller learn the reference.
      if (row) return toHandover(row);
    }
    throw new Error('could not find an unused handover reference after 20 tries');
  }

  async getHandover(reference: string): Promise<Handover | null> {
    const ref = normaliseReference(reference);
    const row = ref ? await this.row(ref) : undefined;
    return row ? toHandover(row) : null;
  }

  async listHandovers(options: ListOptions): Promise<Handover[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const scope = scopeLocalities(options.scope);
    if (scope === null) return [];
    if (scope !== 'all') {
      const { ids, unassigned } = scope;
      const terms: string[] = [];
      if (ids.length) {
        params.push(ids);
        terms.push(`locality_id = ANY($${params.length}::text[])`);
      }
      if (unassigned) terms.push('locality_id IS NULL');
      where.push(`(${terms.join(' OR ')})`);
    }
    if (options.statuses) {
      if (options.statuses.length === 0) return [];
      params.push(options.statuses);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    if (!options.includePurged) where.push('purged_at IS NULL');
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 200)), 1000);
    const sql = `SELECT * FROM handovers ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY (status = 'closed'), ${URGENCY_ORDER}, due_at ASC, created_at DESC, reference COLLATE "C"
      LIMIT ${limit}`;
    return (await this.t.query<PgHandoverRow>(sql, params)).map(toHandover);
  }

  /** Locks a row for a staff action, or throws NotFound when it is missing or not theirs. */
  private async rowFor(c: PoolClient, reference: string, actor: StaffPrincipal): Promise<PgHandoverRow> {
    const ref = normaliseReference(reference);
    const row = ref ? (await c.query<PgHandoverRow>('SELECT * FROM handovers WHERE reference = $1 FOR UPDATE', [ref])).rows[0] : undefined;
    if (!row || !canAccess(actor, { localityId: row.locality_id })) throw new HandoverNotFoundError(reference);
    return row;
  }

  async claimHandover(reference: string, actor: StaffPrincipal, options: { takeOver?: boolean } = {}): Promise<Handover> {
    const now = this.clock();
    return this.t.tx(async (c) => {
      const row = await this.rowFor(c, reference, actor);
      if (row.status === 'closed') throw new HandoverStateError(`handover ${row.reference} is closed`);
      if (options.takeOver && actor.role !== 'lead' && row.status === 'with-officer' && row.claimed_by !== actor.email) {
        throw new HandoverStateError(`only a lead can take over ${row.reference} from ${row.claimed_by}`);
      }
      if (row.status === 'with-officer' && row.claimed_by === actor.email) return toHandover(row);
      if (row.status === 'with-officer' && !options.takeOver) {
        throw new HandoverStateError(`handover ${row.reference} is already with ${row.claimed_by}`);
      }
      const updated = await c.query<PgHandoverRow>("UPDATE handovers SET status = 'with-officer', claimed_by = $1 WHERE reference = $2 RETURNING *", [
        actor.email,
        row.reference,
      ]);
      await logEvent(c, row.reference, 'claimed', actor.email, now, { previous: row.claimed_by });
      return toHandover(updated.rows[0]!);
    });
  }

  private async insertNote(c: PoolClient, reference: string, author: string, text: string, at: Date): Promise<HandoverNote> {
    const { rows } = await c.query<{ id: number }>('INSERT INTO handover_notes (reference, author, at, text) VALUES ($1, $2, $3, $4) RETURNING id', [
      reference,
      author,
      at,
      text,
    ]);
    const id = rows[0]!.id;
    await logEvent(c, reference, 'note-added', author, at, { noteId: id });
    return { id, reference, author, at: at.toISOString(), text };
  }

  async addNote(reference: string, actor: StaffPrincipal, text: string): Promise<HandoverNote> {
    const clean = cleanNote(text);
    const now = this.clock();
    return this.t.tx(async (c) => {
      const row = await this.rowFor(c, reference, actor);
      if (row.purged_at !== null) throw new HandoverStateError(`handover ${row.reference} has been purged`);
      return this.insertNote(c, row.reference, actor.email, clean, now);
    });
  }

  async listNotes(reference: string, actor: StaffPrincipal): Promise<HandoverNote[]> {
    const ref = normaliseReference(reference);
    const row = ref ? await this.row(ref) : undefined;
    if (!row || !canAccess(actor, { localityId: row.locality_id })) throw new HandoverNotFoundError(reference);
    const rows = await this.t.query<{ id: number; reference: string; author: string; at: Date; text: string }>(
      'SELECT id, reference, author, at, text FROM handover_notes WHERE reference = $1 ORDER BY id',
      [row.reference],
    );
    return rows.map((n) => ({ ...n, at: n.at.toISOString() }));
  }

  async resolveHandover(reference: string, actor: StaffPrincipal, outcome: Outcome, note?: string): Promise<Handover> {
    const code = outcomeCode(outcome);
    const clean = closingNote(note);
    const now = this.clock();
    return this.t.tx(async (c) => {
      const row = await this.rowFor(c, reference, actor);
      if (row.status === 'closed') throw new HandoverStateError(`handover ${row.reference} is already closed`);
      if (clean !== null) await this.insertNote(c, row.reference, actor.email, clean, now);
      const updated = await c.query<PgHandoverRow>(
        "UPDATE handovers SET status = 'closed', outcome = $1, closed_at = $2, claimed_by = coalesce(claimed_by, $3) WHERE reference = $4 RETURNING *",
        [code, now, actor.email, row.reference],
      );
      await logEvent(c, row.reference, 'resolved', actor.email, now, { outcome: code });
      return toHandover(updated.rows[0]!);
    });
  }

  async listEvents(reference: string): Promise<HandoverEvent[]> {
    const ref = normaliseReference(reference);
    if (!ref) return [];
    const rows = await this.t.query<{ id: number; reference: string; kind: EventKind; actor: string; at: Date; detail: HandoverEvent['detail'] }>(
      'SELECT id, reference, kind, actor, at, detail FROM handover_events WHERE reference = $1 ORDER BY id',
      [ref],
    );
    return rows.map((e) => ({ ...e, at: e.at.toISOString() }));
  }

  async checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null> {
    return checkStatusWith(reference, contactDetail, this.decoy, async (ref) =>
      (await this.t.query<StatusRow & Record<string, unknown>>('SELECT status, contact_detail FROM handovers WHERE reference = $1', [ref]))[0],
    );
  }
}
