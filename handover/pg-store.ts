/**
 * The handover repository on PostgreSQL (`pg`, with a pool): the same `HandoverStore`
 * promises as the SQLite one (`handover/sqlite-store.ts`), for several instances sharing one
 * database behind a load balancer.
 *
 * - Schema: `handover/pg/migrations.ts`, applied on start under an advisory lock.
 * - Every write is one transaction; staff actions lock the handover row (`FOR UPDATE`), so
 *   two officers on two instances cannot both claim it.
 * - The outbox is claimed with `SELECT … FOR UPDATE SKIP LOCKED` and a lease per row: however
 *   many workers poll, each due row goes to one of them; a row whose worker died is taken
 *   again when its lease has run out.
 * - The retention purge holds a transaction-level advisory lock, so it runs on one instance
 *   at a time.
 * - Events and the audit log are append-only by database triggers (see the migrations).
 *
 * The outbox is in `handover/pg/outbox.ts`, the retention purge and erasure in
 * `handover/pg/retention.ts`; staff accounts, sessions, channel links and the audit
 * log in `handover/pg/staff.ts`.
 */
import { draftColumns } from './draft-columns.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PoolClient } from 'pg';
import { isKnownConsentVersion } from './consent.js';
import type { PgStoreOptions } from './pg/base.js';
import { toHandover, type PgHandoverRow } from './pg/rows.js';
import { PgRetentionBase } from './pg/retention.js';
import { generateReference } from './reference.js';
import {
  HandoverDraft,
  NoteText,
  Outcome,
  normaliseContactDetail,
  normaliseReference,
  type EventKind,
  type Handover,
  type HandoverDraftInput,
  type HandoverEvent,
  type HandoverNote,
  type HandoverNotice,
  type HandoverStatus,
  type StaffPrincipal,
} from './schema.js';
import { computeDueAt, type ServiceLevelOptions } from './service-levels.js';
import {
  canAccess,
  HandoverNotFoundError,
  HandoverStateError,
  HandoverValidationError,
  type HandoverStore,
  type ListOptions,
} from './store.js';

export { PG_MIGRATIONS, migratePg } from './pg/migrations.js';
export type { PgStoreOptions } from './pg/base.js';

export interface PgHandoverStoreOptions extends PgStoreOptions {
  /** The clock used for created, claimed, closed times (inject a fixed one in tests). */
  clock?: () => Date;
  /** Working hours, time zone and bank holidays for due times. */
  serviceLevels?: ServiceLevelOptions;
  /** Reference generator (default: crypto-random). Tests inject one to force collisions. */
  newReference?: () => string;
}

const URGENCY_ORDER = "CASE urgency WHEN 'immediate' THEN 0 WHEN 'priority' THEN 1 ELSE 2 END";

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}


export class PgHandoverStore extends PgRetentionBase implements HandoverStore {
  private readonly clock: () => Date;
  private readonly serviceLevels: ServiceLevelOptions | undefined;
  private readonly newReference: () => string;
  /** Compared against when a reference does not exist, so both paths do the same work. */
  private readonly decoy = randomBytes(16).toString('hex');

  constructor(options: PgHandoverStoreOptions) {
    super(options);
    this.clock = options.clock ?? (() => new Date());
    this.serviceLevels = options.serviceLevels;
    this.newReference = options.newReference ?? generateReference;
  }

  /** Builds the store and waits for its migrations (rejects when the database is unreachable or newer). */
  static async open(options: PgHandoverStoreOptions): Promise<PgHandoverStore> {
    const store = new PgHandoverStore(options);
    try {
      await store.ready;
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private async row(reference: string): Promise<PgHandoverRow | undefined> {
    return (await this.query<PgHandoverRow>('SELECT * FROM handovers WHERE reference = $1', [reference]))[0];
  }

  // ---- handovers ------------------------------------------------------------------------

  async createHandover(input: HandoverDraftInput): Promise<Handover> {
    const parsed = HandoverDraft.safeParse(input);
    if (!parsed.success) {
      // Paths and messages only: never echo the values, which are personal data.
      throw new HandoverValidationError(
        parsed.error.issues.map((i) => `${i.path.join('.') || '(draft)'}: ${i.code === 'invalid_enum_value' ? 'is not one of the allowed values' : i.message}`),
      );
    }
    const draft = parsed.data;
    if (!isKnownConsentVersion(draft.consent.statementVersion)) {
      throw new HandoverValidationError(['consent.statementVersion: is not a published consent wording (see handover/consent.ts)']);
    }
    const now = this.clock();
    const agreedAt = new Date(Date.parse(draft.consent.agreedAt));
    if (agreedAt.getTime() > now.getTime() + 5 * 60_000) throw new HandoverValidationError(['consent.agreedAt: is in the future']);

    const urgency = draft.triage.urgency;
    const localityId = draft.triage.locality;
    const dueAt = computeDueAt(urgency, now, this.serviceLevels);
    const createdAt = new Date(now.getTime());

    for (let attempt = 0; attempt < 20; attempt++) {
      const reference = this.newReference();
      const notice: HandoverNotice = {
        reference,
        localityId,
        urgency,
        dueAt: dueAt.toISOString(),
        primaryRoute: draft.triage.primary,
        requester: draft.requester,
        channel: draft.channel,
        createdAt: createdAt.toISOString(),
      };
      const row = await this.tx(async (c) => {
        const inserted = await c.query<PgHandoverRow>(
          `INSERT INTO handovers (reference, created_at, channel, requester, locality_id, urgency, due_at, status,
             consent_version, consent_agreed_at, transcript_agreed,
             contact_name, contact_method, contact_detail, best_time, child_name, child_age, child_setting,
             triage_json, questions_json, articles_json, transcript_json, story_json)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'received', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
           ON CONFLICT (reference) DO NOTHING
           RETURNING *`,
          [
            reference,
            createdAt,
            draft.channel,
            draft.requester,
            localityId,
            urgency,
            dueAt,
            draft.consent.statementVersion,
            agreedAt,
            draft.consent.transcriptAgreed,
            ...draftColumns(draft),
          ],
        );
        const stored = inserted.rows[0];
        if (!stored) return null; // the reference is taken: draw another
        await this.logEvent(c, reference, 'created', `bot:${draft.channel}`, createdAt, {
          urgency,
          locality: localityId,
          consentVersion: draft.consent.statementVersion,
          transcript: draft.consent.transcriptAgreed,
        });
        await c.query(
          `INSERT INTO outbox (reference, kind, target, payload, dedupe_key, attempts, next_attempt_at, created_at)
           VALUES ($1, 'teams-card', $2, $3, $4, 0, $5, $5)`,
          [reference, localityId ?? 'lead', JSON.stringify(notice), `teams-card:${reference}`, createdAt],
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

  async getHandoverFor(principal: StaffPrincipal, reference: string): Promise<Handover | null> {
    const handover = await this.getHandover(reference);
    return handover && canAccess(principal, handover) ? handover : null;
  }

  async listHandovers(options: ListOptions): Promise<Handover[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.scope.localities !== 'all') {
      const ids = options.scope.localities.filter((l): l is string => l !== null);
      const unassigned = options.scope.localities.includes(null);
      if (ids.length === 0 && !unassigned) return [];
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
    return (await this.query<PgHandoverRow>(sql, params)).map(toHandover);
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
    return this.tx(async (c) => {
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
      await this.logEvent(c, row.reference, 'claimed', actor.email, now, { previous: row.claimed_by });
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
    await this.logEvent(c, reference, 'note-added', author, at, { noteId: id });
    return { id, reference, author, at: at.toISOString(), text };
  }

  private noteText(text: string): string {
    const parsed = NoteText.safeParse(text);
    if (!parsed.success) throw new HandoverValidationError(['note: must be 1 to 2000 characters with no control characters']);
    return parsed.data;
  }

  async addNote(reference: string, actor: StaffPrincipal, text: string): Promise<HandoverNote> {
    const clean = this.noteText(text);
    const now = this.clock();
    return this.tx(async (c) => {
      const row = await this.rowFor(c, reference, actor);
      if (row.purged_at !== null) throw new HandoverStateError(`handover ${row.reference} has been purged`);
      return this.insertNote(c, row.reference, actor.email, clean, now);
    });
  }

  async listNotes(reference: string, actor: StaffPrincipal): Promise<HandoverNote[]> {
    const ref = normaliseReference(reference);
    const row = ref ? await this.row(ref) : undefined;
    if (!row || !canAccess(actor, { localityId: row.locality_id })) throw new HandoverNotFoundError(reference);
    const rows = await this.query<{ id: number; reference: string; author: string; at: Date; text: string }>(
      'SELECT id, reference, author, at, text FROM handover_notes WHERE reference = $1 ORDER BY id',
      [row.reference],
    );
    return rows.map((n) => ({ ...n, at: n.at.toISOString() }));
  }

  async resolveHandover(reference: string, actor: StaffPrincipal, outcome: Outcome, note?: string): Promise<Handover> {
    const code = Outcome.safeParse(outcome);
    if (!code.success) throw new HandoverValidationError([`outcome: must be one of ${Outcome.options.join(', ')}`]);
    const clean = note === undefined || note.trim() === '' ? null : this.noteText(note);
    const now = this.clock();
    return this.tx(async (c) => {
      const row = await this.rowFor(c, reference, actor);
      if (row.status === 'closed') throw new HandoverStateError(`handover ${row.reference} is already closed`);
      if (clean !== null) await this.insertNote(c, row.reference, actor.email, clean, now);
      const updated = await c.query<PgHandoverRow>(
        "UPDATE handovers SET status = 'closed', outcome = $1, closed_at = $2, claimed_by = coalesce(claimed_by, $3) WHERE reference = $4 RETURNING *",
        [code.data, now, actor.email, row.reference],
      );
      await this.logEvent(c, row.reference, 'resolved', actor.email, now, { outcome: code.data });
      return toHandover(updated.rows[0]!);
    });
  }

  async listEvents(reference: string): Promise<HandoverEvent[]> {
    const ref = normaliseReference(reference);
    if (!ref) return [];
    const rows = await this.query<{ id: number; reference: string; kind: EventKind; actor: string; at: Date; detail: HandoverEvent['detail'] }>(
      'SELECT id, reference, kind, actor, at, detail FROM handover_events WHERE reference = $1 ORDER BY id',
      [ref],
    );
    return rows.map((e) => ({ ...e, at: e.at.toISOString() }));
  }

  async checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null> {
    // One path whether or not the reference exists or is well formed: look up, hash, compare.
    const ref = normaliseReference(String(reference).slice(0, 40)) ?? 'DEAL-000000'; // 0 is never used
    const given = normaliseContactDetail(String(contactDetail).slice(0, 300));
    const [row] = await this.query<{ status: HandoverStatus; contact_detail: string | null }>(
      'SELECT status, contact_detail FROM handovers WHERE reference = $1',
      [ref],
    );
    const stored = row?.contact_detail ?? this.decoy;
    const same = timingSafeEqual(sha256(stored), sha256(given ?? `${this.decoy}!`));
    return same && row !== undefined && row.contact_detail !== null && given !== null ? row.status : null;
  }

  /** Answers when the database does (for readiness checks). */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }
}

