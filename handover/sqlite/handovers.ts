/**
 * Handovers, their notes and events on SQLite: the intake (create, check status) and the
 * staff's casework (list, claim, note, resolve). Each change and its event are one write
 * transaction; staff changes check `canAccess` inside it.
 */
import { NEW_HANDOVER_COLUMNS, newHandoverValues } from '../draft-columns.js';
import { HandoverNotFoundError, HandoverStateError } from '../ports/errors.js';
import { canAccess, type HandoverCasework, type HandoverIntake, type ListOptions } from '../ports/handovers.js';
import { notificationTarget } from '../ports/outbox.js';
import { normaliseReference, type EventKind, type Handover, type HandoverDraftInput, type HandoverEvent, type HandoverNote, type HandoverStatus, type Outcome, type StaffPrincipal } from '../schema.js';
import { acceptDraft, checkStatusWith, cleanNote, closingNote, createdDetail, noticeFor, outcomeCode, HandoverTablesBase, scopeLocalities, URGENCY_ORDER, type HandoverWriteOptions, type StatusRow } from '../store-rules.js';
import { iso, toHandover, type HandoverRow } from './rows.js';
import type { SqliteTables } from './tables.js';

class ReferenceTaken extends Error {}

export class SqliteHandovers extends HandoverTablesBase implements HandoverIntake, HandoverCasework {
  constructor(
    private readonly t: SqliteTables,
    options: HandoverWriteOptions = {},
  ) {
    super(options);
  }

  async createHandover(input: HandoverDraftInput): Promise<Handover> {
    const accepted = acceptDraft(input, this.clock(), this.serviceLevels);
    const { draft, localityId } = accepted;
    const createdAt = accepted.createdAt.getTime();

    for (let attempt = 0; attempt < 20; attempt++) {
      const reference = this.newReference();
      const notice = noticeFor(reference, accepted);
      try {
        const same = this.t.write(() => {
          // This request is already stored (a retried or raced Send): the same handover, not a second one.
          const stored = draft.submissionKey ? (this.t.db.prepare('SELECT * FROM handovers WHERE submission_key = ?').get(draft.submissionKey) as Parameters<typeof toHandover>[0] | undefined) : undefined;
          if (stored) return stored;
          if (this.t.byReference.get(reference)) throw new ReferenceTaken();
          this.t.db
            .prepare(`INSERT INTO handovers (${NEW_HANDOVER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
            .run(...newHandoverValues(reference, accepted, (d) => d.getTime(), (b) => (b ? 1 : 0)));
          this.t.event(reference, 'created', `bot:${draft.channel}`, createdAt, createdDetail(accepted));
          this.t.db
            .prepare(
              `INSERT INTO outbox (reference, kind, target, payload, dedupe_key, attempts, next_attempt_at, created_at)
               VALUES (?, 'teams-card', ?, ?, ?, 0, ?, ?)`,
            )
            .run(reference, notificationTarget(localityId), JSON.stringify(notice), `teams-card:${reference}`, createdAt, createdAt);
          return undefined;
        });
        if (same) return toHandover(same);
      } catch (error) {
        if (error instanceof ReferenceTaken) continue;
        throw error;
      }
      // Committed (and synced to disk): only now does the caller learn the reference.
      return toHandover(this.t.byReference.get(reference)!);
    }
    throw new Error('could not find an unused handover reference after 20 tries');
  }

  async getHandover(reference: string): Promise<Handover | null> {
    const ref = normaliseReference(reference);
    const row = ref ? this.t.byReference.get(ref) : undefined;
    return row ? toHandover(row) : null;
  }

  async listHandovers(options: ListOptions): Promise<Handover[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const scope = scopeLocalities(options.scope);
    if (scope === null) return [];
    if (scope !== 'all') {
      const { ids, unassigned } = scope;
      const terms = [...(ids.length ? [`locality_id IN (${ids.map(() => '?').join(', ')})`] : []), ...(unassigned ? ['locality_id IS NULL'] : [])];
      where.push(`(${terms.join(' OR ')})`);
      params.push(...ids);
    }
    if (options.statuses) {
      if (options.statuses.length === 0) return [];
      where.push(`status IN (${options.statuses.map(() => '?').join(', ')})`);
      params.push(...options.statuses);
    }
    if (!options.includePurged) where.push('purged_at IS NULL');
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 200)), 1000);
    const sql = `SELECT * FROM handovers ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY (status = 'closed'), ${URGENCY_ORDER}, due_at ASC, created_at DESC, reference
      LIMIT ${limit}`;
    return (this.t.db.prepare(sql).all(...params) as HandoverRow[]).map(toHandover);
  }

  /** Loads a row for a staff action, or throws NotFound when it is missing or not theirs. */
  private rowFor(reference: string, actor: StaffPrincipal): HandoverRow {
    const ref = normaliseReference(reference);
    const row = ref ? this.t.byReference.get(ref) : undefined;
    if (!row || !canAccess(actor, { localityId: row.locality_id })) throw new HandoverNotFoundError(reference);
    return row;
  }

  async claimHandover(reference: string, actor: StaffPrincipal, options: { takeOver?: boolean } = {}): Promise<Handover> {
    const now = this.clock().getTime();
    const ref = this.t.write(() => {
      const row = this.rowFor(reference, actor);
      if (row.status === 'closed') throw new HandoverStateError(`handover ${row.reference} is closed`);
      if (options.takeOver && actor.role !== 'lead' && row.status === 'with-officer' && row.claimed_by !== actor.email) {
        throw new HandoverStateError(`only a lead can take over ${row.reference} from ${row.claimed_by}`);
      }
      if (row.status === 'with-officer' && row.claimed_by === actor.email) return row.reference;
      if (row.status === 'with-officer' && !options.takeOver) {
        throw new HandoverStateError(`handover ${row.reference} is already with ${row.claimed_by}`);
      }
      this.t.db.prepare("UPDATE handovers SET status = 'with-officer', claimed_by = ? WHERE reference = ?").run(actor.email, row.reference);
      this.t.event(row.reference, 'claimed', actor.email, now, { previous: row.claimed_by });
      return row.reference;
    });
    return toHandover(this.t.byReference.get(ref)!);
  }

  private insertNote(reference: string, author: string, text: string, at: number): HandoverNote {
    const info = this.t.db.prepare('INSERT INTO handover_notes (reference, author, at, text) VALUES (?, ?, ?, ?)').run(reference, author, at, text);
    const id = Number(info.lastInsertRowid);
    this.t.event(reference, 'note-added', author, at, { noteId: id });
    return { id, reference, author, at: iso(at), text };
  }

  async addNote(reference: string, actor: StaffPrincipal, text: string): Promise<HandoverNote> {
    const clean = cleanNote(text);
    const now = this.clock().getTime();
    return this.t.write(() => {
      const row = this.rowFor(reference, actor);
      if (row.purged_at !== null) throw new HandoverStateError(`handover ${row.reference} has been purged`);
      return this.insertNote(row.reference, actor.email, clean, now);
    });
  }

  async listNotes(reference: string, actor: StaffPrincipal): Promise<HandoverNote[]> {
    const row = this.rowFor(reference, actor);
    const rows = this.t.db
      .prepare('SELECT id, reference, author, at, text FROM handover_notes WHERE reference = ? ORDER BY id')
      .all(row.reference) as { id: number; reference: string; author: string; at: number; text: string }[];
    return rows.map((n) => ({ ...n, at: iso(n.at) }));
  }

  async resolveHandover(reference: string, actor: StaffPrincipal, outcome: Outcome, note?: string): Promise<Handover> {
    const code = outcomeCode(outcome);
    const clean = closingNote(note);
    const now = this.clock().getTime();
    const ref = this.t.write(() => {
      const row = this.rowFor(reference, actor);
      if (row.status === 'closed') throw new HandoverStateError(`handover ${row.reference} is already closed`);
      if (clean !== null) this.insertNote(row.reference, actor.email, clean, now);
      this.t.db
        .prepare("UPDATE handovers SET status = 'closed', outcome = ?, closed_at = ?, claimed_by = coalesce(claimed_by, ?) WHERE reference = ?")
        .run(code, now, actor.email, row.reference);
      this.t.event(row.reference, 'resolved', actor.email, now, { outcome: code });
      return row.reference;
    });
    return toHandover(this.t.byReference.get(ref)!);
  }

  async listEvents(reference: string): Promise<HandoverEvent[]> {
    const ref = normaliseReference(reference);
    if (!ref) return [];
    const rows = this.t.db
      .prepare('SELECT id, reference, kind, actor, at, detail FROM handover_events WHERE reference = ? ORDER BY id')
      .all(ref) as { id: number; reference: string; kind: EventKind; actor: string; at: number; detail: string }[];
    return rows.map((e) => ({ ...e, at: iso(e.at), detail: JSON.parse(e.detail) as HandoverEvent['detail'] }));
  }

  async checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null> {
    const lookup = this.t.db.prepare('SELECT status, contact_detail FROM handovers WHERE reference = ?');
    return checkStatusWith(reference, contactDetail, this.decoy, (ref) => lookup.get(ref) as StatusRow | undefined);
  }
}
