/**
 * The handover repository on SQLite (better-sqlite3), one file under the data directory.
 *
 * Durability: WAL journal with `synchronous=FULL`, so a handover whose `createHandover` has
 * resolved survives a killed process or a power cut. `busy_timeout` lets a second process
 * (the CLI, a second worker) wait for the lock instead of failing. Every write is one
 * `BEGIN IMMEDIATE` transaction.
 *
 * Privacy: `secure_delete=ON` overwrites deleted content; after a purge the WAL is
 * checkpointed and truncated so old copies of personal data do not linger in it. The data
 * directory is created readable by this user only.
 *
 * Schema: `MIGRATIONS`, applied in order, each in its own transaction together with the
 * `PRAGMA user_version` that records it. Never edit a published migration; add a new one.
 */
import { draftColumns } from './draft-columns.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-driver.js';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { openPrivateDatabase, tightenDatabaseFiles } from './private-files.js';
import { join } from 'node:path';
import { isKnownConsentVersion } from './consent.js';
import { generateReference } from './reference.js';
import {
  HandoverDraft,
  NoteText,
  Outcome,
  normaliseContactDetail,
  normaliseReference,
  type Handover,
  type HandoverDraftInput,
  type HandoverEvent,
  type HandoverNote,
  type HandoverNotice,
  type HandoverStatus,
  type EventKind,
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
  type OutboxKind,
  type OutboxRow,
  type AuditEntry,
  type SessionRecord,
  type StaffChange,
  type StaffRecord,
} from './store.js';

// ---------------------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------------------

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const APPEND_ONLY = "SELECT RAISE(ABORT, 'handover_events is append-only: events cannot be changed or deleted')";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'handovers, events, notes, outbox, staff, sessions, channels',
    sql: `
      CREATE TABLE handovers (
        reference         TEXT PRIMARY KEY CHECK (length(reference) = 11),
        created_at        INTEGER NOT NULL,
        channel           TEXT NOT NULL CHECK (channel IN ('webchat', 'teams')),
        requester         TEXT CHECK (requester IS NULL OR length(requester) <= 20),
        locality_id       TEXT CHECK (locality_id IS NULL OR length(locality_id) <= 80),
        urgency           TEXT NOT NULL CHECK (urgency IN ('immediate', 'priority', 'routine')),
        due_at            INTEGER NOT NULL,
        status            TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'with-officer', 'closed')),
        claimed_by        TEXT CHECK (claimed_by IS NULL OR length(claimed_by) <= 254),
        outcome           TEXT CHECK (outcome IS NULL OR length(outcome) <= 40),
        closed_at         INTEGER,
        purged_at         INTEGER,
        consent_version   TEXT NOT NULL CHECK (length(consent_version) <= 40),
        consent_agreed_at INTEGER NOT NULL,
        transcript_agreed INTEGER NOT NULL CHECK (transcript_agreed IN (0, 1)),
        -- Personal data: emptied by the retention purge.
        contact_name      TEXT CHECK (contact_name IS NULL OR length(contact_name) <= 80),
        contact_method    TEXT CHECK (contact_method IS NULL OR contact_method IN ('phone', 'email')),
        contact_detail    TEXT CHECK (contact_detail IS NULL OR length(contact_detail) <= 254),
        best_time         TEXT CHECK (best_time IS NULL OR length(best_time) <= 60),
        child_name        TEXT CHECK (child_name IS NULL OR length(child_name) <= 30),
        child_age         INTEGER CHECK (child_age IS NULL OR child_age BETWEEN 0 AND 25),
        child_setting     TEXT CHECK (child_setting IS NULL OR length(child_setting) <= 80),
        triage_json       TEXT CHECK (triage_json IS NULL OR (json_valid(triage_json) AND length(triage_json) <= 100000)),
        questions_json    TEXT CHECK (questions_json IS NULL OR (json_valid(questions_json) AND length(questions_json) <= 8000)),
        articles_json     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(articles_json) AND length(articles_json) <= 4000),
        transcript_json   TEXT CHECK (transcript_json IS NULL OR (json_valid(transcript_json) AND length(transcript_json) <= 40000)),
        CHECK (transcript_json IS NULL OR transcript_agreed = 1),
        CHECK (purged_at IS NOT NULL OR (contact_name IS NOT NULL AND contact_method IS NOT NULL
               AND contact_detail IS NOT NULL AND best_time IS NOT NULL AND triage_json IS NOT NULL)),
        CHECK (purged_at IS NULL OR status = 'closed'),
        CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      ) STRICT;
      CREATE INDEX handovers_by_locality ON handovers (locality_id, status, due_at);
      CREATE INDEX handovers_to_purge ON handovers (closed_at) WHERE purged_at IS NULL AND closed_at IS NOT NULL;
      CREATE TRIGGER handovers_never_deleted BEFORE DELETE ON handovers
        BEGIN SELECT RAISE(ABORT, 'handovers are never deleted: the retention purge empties their personal data'); END;

      CREATE TABLE handover_events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL REFERENCES handovers (reference),
        kind      TEXT NOT NULL CHECK (kind IN ('created', 'notified', 'claimed', 'note-added', 'resolved', 'purged')),
        actor     TEXT NOT NULL CHECK (length(actor) <= 254),
        at        INTEGER NOT NULL,
        detail    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail) AND length(detail) <= 2000)
      ) STRICT;
      CREATE INDEX handover_events_by_reference ON handover_events (reference, id);
      CREATE TRIGGER handover_events_no_update BEFORE UPDATE ON handover_events BEGIN ${APPEND_ONLY}; END;
      CREATE TRIGGER handover_events_no_delete BEFORE DELETE ON handover_events BEGIN ${APPEND_ONLY}; END;

      CREATE TABLE handover_notes (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL REFERENCES handovers (reference),
        author    TEXT NOT NULL CHECK (length(author) <= 254),
        at        INTEGER NOT NULL,
        text      TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
      ) STRICT;
      CREATE INDEX handover_notes_by_reference ON handover_notes (reference, id);

      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        reference       TEXT NOT NULL REFERENCES handovers (reference),
        kind            TEXT NOT NULL CHECK (length(kind) <= 40),
        target          TEXT NOT NULL CHECK (length(target) <= 80),
        payload         TEXT NOT NULL CHECK (json_valid(payload) AND length(payload) <= 8000),
        dedupe_key      TEXT NOT NULL UNIQUE CHECK (length(dedupe_key) <= 200),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease           TEXT,
        lease_until     INTEGER,
        delivered_at    INTEGER,
        last_error      TEXT CHECK (last_error IS NULL OR length(last_error) <= 500),
        created_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_by_reference ON outbox (reference);

      CREATE TABLE staff (
        email         TEXT PRIMARY KEY CHECK (length(email) <= 254),
        role          TEXT NOT NULL CHECK (role IN ('officer', 'lead')),
        locality_id   TEXT CHECK (locality_id IS NULL OR length(locality_id) <= 80),
        password_hash TEXT NOT NULL CHECK (length(password_hash) <= 300),
        created_at    INTEGER NOT NULL,
        disabled_at   INTEGER,
        CHECK ((role = 'lead' AND locality_id IS NULL) OR (role = 'officer' AND locality_id IS NOT NULL))
      ) STRICT;

      CREATE TABLE staff_sessions (
        id_hash     TEXT PRIMARY KEY CHECK (length(id_hash) = 64),
        email       TEXT NOT NULL REFERENCES staff (email) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        csrf_secret TEXT NOT NULL CHECK (length(csrf_secret) <= 100)
      ) STRICT;
      CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);

      CREATE TABLE teams_channels (
        target         TEXT PRIMARY KEY CHECK (length(target) <= 80),
        reference_json TEXT NOT NULL CHECK (json_valid(reference_json) AND length(reference_json) <= 20000),
        updated_at     INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'staff Entra ID object ids, staff audit log',
    sql: `
      ALTER TABLE staff ADD COLUMN aad_object_id TEXT CHECK (aad_object_id IS NULL OR length(aad_object_id) <= 128);
      CREATE UNIQUE INDEX staff_by_aad ON staff (aad_object_id) WHERE aad_object_id IS NOT NULL;

      CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        actor   TEXT NOT NULL CHECK (length(actor) <= 254),
        action  TEXT NOT NULL CHECK (length(action) <= 40),
        subject TEXT CHECK (subject IS NULL OR length(subject) <= 254),
        detail  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail) AND length(detail) <= 2000)
      ) STRICT;
      CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: "the family's story: understood facts, their own words, the safety response",
    sql: `
      ALTER TABLE handovers ADD COLUMN story_json TEXT CHECK (story_json IS NULL OR (json_valid(story_json) AND length(story_json) <= 20000));
    `,
  },
];

/**
 * Brings the database up to the newest migration in `migrations`. Each step runs in its own
 * `BEGIN IMMEDIATE` transaction with its `user_version`, so a failed step changes nothing
 * and two processes opening the file at once do not both apply it. Safe to call repeatedly.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const versions = migrations.map((m) => m.version);
  versions.forEach((v, i) => {
    if (v !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3…; found ${v} at position ${i + 1}`);
  });
  const latest = versions.length;
  const userVersion = () => db.pragma('user_version', { simple: true }) as number;
  const from = userVersion();
  if (from > latest) {
    throw new Error(`handover database is at schema version ${from}, newer than this code knows (${latest}); refusing to open it`);
  }
  for (const m of migrations) {
    db.transaction(() => {
      if (userVersion() >= m.version) return; // another process got here first
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: userVersion() };
}

// ---------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------

interface HandoverRow {
  reference: string;
  created_at: number;
  channel: string;
  requester: string | null;
  locality_id: string | null;
  urgency: string;
  due_at: number;
  status: string;
  claimed_by: string | null;
  outcome: string | null;
  closed_at: number | null;
  purged_at: number | null;
  consent_version: string;
  consent_agreed_at: number;
  transcript_agreed: number;
  contact_name: string | null;
  contact_method: string | null;
  contact_detail: string | null;
  best_time: string | null;
  child_name: string | null;
  child_age: number | null;
  child_setting: string | null;
  triage_json: string | null;
  questions_json: string | null;
  articles_json: string;
  transcript_json: string | null;
  story_json: string | null;
}

interface OutboxDbRow {
  id: number;
  reference: string;
  kind: string;
  target: string;
  payload: string;
  dedupe_key: string;
  attempts: number;
  next_attempt_at: number;
  lease: string | null;
  lease_until: number | null;
  delivered_at: number | null;
  last_error: string | null;
}

interface StaffDbRow {
  email: string;
  role: string;
  locality_id: string | null;
  password_hash: string;
  created_at: number;
  disabled_at: number | null;
  aad_object_id: string | null;
}

interface SessionDbRow {
  id_hash: string;
  email: string;
  created_at: number;
  expires_at: number;
  csrf_secret: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

function toHandover(r: HandoverRow): Handover {
  const contact =
    r.contact_name !== null && r.contact_method !== null && r.contact_detail !== null && r.best_time !== null
      ? ({ name: r.contact_name, method: r.contact_method, detail: r.contact_detail, bestTime: r.best_time } as Handover['contact'])
      : null;
  return {
    reference: r.reference,
    createdAt: iso(r.created_at),
    channel: r.channel as Handover['channel'],
    requester: r.requester as Handover['requester'],
    contact,
    consent: {
      agreed: true,
      statementVersion: r.consent_version,
      agreedAt: iso(r.consent_agreed_at),
      transcriptAgreed: r.transcript_agreed === 1,
    },
    child: { name: r.child_name, age: r.child_age, setting: r.child_setting },
    localityId: r.locality_id,
    triage: r.triage_json === null ? null : (JSON.parse(r.triage_json) as Handover['triage']),
    urgency: r.urgency as Handover['urgency'],
    dueAt: iso(r.due_at),
    questionsAsked: r.questions_json === null ? [] : (JSON.parse(r.questions_json) as string[]),
    articlesShown: JSON.parse(r.articles_json) as string[],
    transcript: r.transcript_json === null ? null : (JSON.parse(r.transcript_json) as string[]),
    story: r.story_json === null ? null : (JSON.parse(r.story_json) as Handover['story']),
    status: r.status as HandoverStatus,
    claimedBy: r.claimed_by,
    outcome: r.outcome as Handover['outcome'],
    closedAt: isoOrNull(r.closed_at),
    purgedAt: isoOrNull(r.purged_at),
  };
}

function toOutboxRow(r: OutboxDbRow): OutboxRow {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind as OutboxKind,
    target: r.target,
    payload: JSON.parse(r.payload) as unknown,
    dedupeKey: r.dedupe_key,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    deliveredAt: dateOrNull(r.delivered_at),
    lastError: r.last_error,
    lease: r.lease,
    leaseUntil: dateOrNull(r.lease_until),
  };
}

function toStaff(r: StaffDbRow): StaffRecord {
  return {
    email: r.email,
    role: r.role as StaffRecord['role'],
    localityId: r.locality_id,
    passwordHash: r.password_hash,
    createdAt: new Date(r.created_at),
    disabledAt: dateOrNull(r.disabled_at),
    aadObjectId: r.aad_object_id,
  };
}

const URGENCY_ORDER = "CASE urgency WHEN 'immediate' THEN 0 WHEN 'priority' THEN 1 ELSE 2 END";

/** Where the notification for a handover goes: its locality, or the lead when there is none. */
export function notificationTarget(localityId: string | null): string {
  return localityId ?? 'lead';
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Error text for the outbox: one line, no control characters, at most 500 characters. */
function cleanError(error: string): string {
  return error.replace(/[\u0000-\u001F\u007F]+/g, ' ').trim().slice(0, 500) || 'unknown error';
}

class ReferenceTaken extends Error {}

// ---------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------

export interface SqliteStoreOptions {
  /** Directory for the database file (created, private to this user, if missing). */
  dataDir: string;
  /** File name within `dataDir` (default `handovers.sqlite`). */
  fileName?: string;
  /** The clock used for created, claimed, closed times (inject a fixed one in tests). */
  clock?: () => Date;
  /** Working hours, time zone and bank holidays for due times. */
  serviceLevels?: ServiceLevelOptions;
  /** How long to wait for another process's lock, ms (default 5000). */
  busyTimeoutMs?: number;
  /** Reference generator (default: crypto-random). Tests inject one to force collisions. */
  newReference?: () => string;
}

export const HANDOVER_DB_FILE = 'handovers.sqlite';

export class SqliteHandoverStore implements HandoverStore {
  /** The underlying connection, for tests and maintenance only. */
  readonly db: SqliteDatabase;
  readonly file: string;
  private readonly clock: () => Date;
  private readonly serviceLevels: ServiceLevelOptions | undefined;
  private readonly newReference: () => string;
  private readonly byReference: SqliteStatement<[string], HandoverRow>;
  private readonly insertEvent: SqliteStatement<[string, string, string, number, string]>;
  /** Compared against when a reference does not exist, so both paths do the same work. */
  private readonly decoy = randomBytes(16).toString('hex');

  constructor(options: SqliteStoreOptions) {
    this.file = join(options.dataDir, options.fileName ?? HANDOVER_DB_FILE);
    this.clock = options.clock ?? (() => new Date());
    this.serviceLevels = options.serviceLevels;
    this.newReference = options.newReference ?? generateReference;
    this.db = openPrivateDatabase(this.file); // directory 0700, files 0600, secure_delete on
    try {
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch ${this.file} to WAL mode (got ${mode})`);
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      migrate(this.db);
      tightenDatabaseFiles(this.file); // the -wal and -shm now exist
      this.byReference = this.db.prepare('SELECT * FROM handovers WHERE reference = ?');
      this.insertEvent = this.db.prepare('INSERT INTO handover_events (reference, kind, actor, at, detail) VALUES (?, ?, ?, ?, ?)');
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  private event(reference: string, kind: EventKind, actor: string, at: number, detail: Record<string, string | number | boolean | null> = {}): void {
    this.insertEvent.run(reference, kind, actor, at, JSON.stringify(detail));
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (takes the write lock up front). */
  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // ---- handovers ------------------------------------------------------------------------

  async createHandover(input: HandoverDraftInput): Promise<Handover> {
    const parsed = HandoverDraft.safeParse(input);
    if (!parsed.success) {
      // Paths and messages only: never echo the values, which are personal data.
      throw new HandoverValidationError(parsed.error.issues.map((i) => `${i.path.join('.') || '(draft)'}: ${i.code === 'invalid_enum_value' ? 'is not one of the allowed values' : i.message}`));
    }
    const draft = parsed.data;
    if (!isKnownConsentVersion(draft.consent.statementVersion)) {
      throw new HandoverValidationError(['consent.statementVersion: is not a published consent wording (see handover/consent.ts)']);
    }
    const now = this.clock();
    const agreedAt = Date.parse(draft.consent.agreedAt);
    if (agreedAt > now.getTime() + 5 * 60_000) throw new HandoverValidationError(['consent.agreedAt: is in the future']);

    const urgency = draft.triage.urgency;
    const localityId = draft.triage.locality;
    const dueAt = computeDueAt(urgency, now, this.serviceLevels).getTime();
    const createdAt = now.getTime();

    for (let attempt = 0; attempt < 20; attempt++) {
      const reference = this.newReference();
      const notice: HandoverNotice = {
        reference,
        localityId,
        urgency,
        dueAt: iso(dueAt),
        primaryRoute: draft.triage.primary,
        requester: draft.requester,
        channel: draft.channel,
        createdAt: iso(createdAt),
      };
      try {
        this.write(() => {
          if (this.byReference.get(reference)) throw new ReferenceTaken();
          this.db
            .prepare(
              `INSERT INTO handovers (reference, created_at, channel, requester, locality_id, urgency, due_at, status,
                 consent_version, consent_agreed_at, transcript_agreed,
                 contact_name, contact_method, contact_detail, best_time, child_name, child_age, child_setting,
                 triage_json, questions_json, articles_json, transcript_json, story_json)
               VALUES (?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              reference,
              createdAt,
              draft.channel,
              draft.requester,
              localityId,
              urgency,
              dueAt,
              draft.consent.statementVersion,
              agreedAt,
              draft.consent.transcriptAgreed ? 1 : 0,
              ...draftColumns(draft),
            );
          this.event(reference, 'created', `bot:${draft.channel}`, createdAt, {
            urgency,
            locality: localityId,
            consentVersion: draft.consent.statementVersion,
            transcript: draft.consent.transcriptAgreed,
          });
          const target = notificationTarget(localityId);
          this.db
            .prepare(
              `INSERT INTO outbox (reference, kind, target, payload, dedupe_key, attempts, next_attempt_at, created_at)
               VALUES (?, 'teams-card', ?, ?, ?, 0, ?, ?)`,
            )
            .run(reference, target, JSON.stringify(notice), `teams-card:${reference}`, createdAt, createdAt);
        });
      } catch (error) {
        if (error instanceof ReferenceTaken) continue;
        throw error;
      }
      // Committed (and synced to disk): only now does the caller learn the reference.
      return toHandover(this.byReference.get(reference)!);
    }
    throw new Error('could not find an unused handover reference after 20 tries');
  }

  async getHandover(reference: string): Promise<Handover | null> {
    const ref = normaliseReference(reference);
    const row = ref ? this.byReference.get(ref) : undefined;
    return row ? toHandover(row) : null;
  }

  async getHandoverFor(principal: StaffPrincipal, reference: string): Promise<Handover | null> {
    const handover = await this.getHandover(reference);
    return handover && canAccess(principal, handover) ? handover : null;
  }

  async listHandovers(options: ListOptions): Promise<Handover[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.scope.localities !== 'all') {
      const ids = options.scope.localities.filter((l): l is string => l !== null);
      const unassigned = options.scope.localities.includes(null);
      if (ids.length === 0 && !unassigned) return [];
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
    return (this.db.prepare(sql).all(...params) as HandoverRow[]).map(toHandover);
  }

  /** Loads a row for a staff action, or throws NotFound when it is missing or not theirs. */
  private rowFor(reference: string, actor: StaffPrincipal): HandoverRow {
    const ref = normaliseReference(reference);
    const row = ref ? this.byReference.get(ref) : undefined;
    if (!row || !canAccess(actor, { localityId: row.locality_id })) throw new HandoverNotFoundError(reference);
    return row;
  }

  async claimHandover(reference: string, actor: StaffPrincipal, options: { takeOver?: boolean } = {}): Promise<Handover> {
    const now = this.clock().getTime();
    const ref = this.write(() => {
      const row = this.rowFor(reference, actor);
      if (row.status === 'closed') throw new HandoverStateError(`handover ${row.reference} is closed`);
      if (options.takeOver && actor.role !== 'lead' && row.status === 'with-officer' && row.claimed_by !== actor.email) {
        throw new HandoverStateError(`only a lead can take over ${row.reference} from ${row.claimed_by}`);
      }
      if (row.status === 'with-officer' && row.claimed_by === actor.email) return row.reference;
      if (row.status === 'with-officer' && !options.takeOver) {
        throw new HandoverStateError(`handover ${row.reference} is already with ${row.claimed_by}`);
      }
      this.db.prepare("UPDATE handovers SET status = 'with-officer', claimed_by = ? WHERE reference = ?").run(actor.email, row.reference);
      this.event(row.reference, 'claimed', actor.email, now, { previous: row.claimed_by });
      return row.reference;
    });
    return toHandover(this.byReference.get(ref)!);
  }

  private insertNote(reference: string, author: string, text: string, at: number): HandoverNote {
    const info = this.db.prepare('INSERT INTO handover_notes (reference, author, at, text) VALUES (?, ?, ?, ?)').run(reference, author, at, text);
    const id = Number(info.lastInsertRowid);
    this.event(reference, 'note-added', author, at, { noteId: id });
    return { id, reference, author, at: iso(at), text };
  }

  private noteText(text: string): string {
    const parsed = NoteText.safeParse(text);
    if (!parsed.success) throw new HandoverValidationError(['note: must be 1 to 2000 characters with no control characters']);
    return parsed.data;
  }

  async addNote(reference: string, actor: StaffPrincipal, text: string): Promise<HandoverNote> {
    const clean = this.noteText(text);
    const now = this.clock().getTime();
    return this.write(() => {
      const row = this.rowFor(reference, actor);
      if (row.purged_at !== null) throw new HandoverStateError(`handover ${row.reference} has been purged`);
      return this.insertNote(row.reference, actor.email, clean, now);
    });
  }

  async listNotes(reference: string, actor: StaffPrincipal): Promise<HandoverNote[]> {
    const row = this.rowFor(reference, actor);
    const rows = this.db
      .prepare('SELECT id, reference, author, at, text FROM handover_notes WHERE reference = ? ORDER BY id')
      .all(row.reference) as { id: number; reference: string; author: string; at: number; text: string }[];
    return rows.map((n) => ({ ...n, at: iso(n.at) }));
  }

  async resolveHandover(reference: string, actor: StaffPrincipal, outcome: Outcome, note?: string): Promise<Handover> {
    const code = Outcome.safeParse(outcome);
    if (!code.success) throw new HandoverValidationError([`outcome: must be one of ${Outcome.options.join(', ')}`]);
    const clean = note === undefined || note.trim() === '' ? null : this.noteText(note);
    const now = this.clock().getTime();
    const ref = this.write(() => {
      const row = this.rowFor(reference, actor);
      if (row.status === 'closed') throw new HandoverStateError(`handover ${row.reference} is already closed`);
      if (clean !== null) this.insertNote(row.reference, actor.email, clean, now);
      this.db
        .prepare("UPDATE handovers SET status = 'closed', outcome = ?, closed_at = ?, claimed_by = coalesce(claimed_by, ?) WHERE reference = ?")
        .run(code.data, now, actor.email, row.reference);
      this.event(row.reference, 'resolved', actor.email, now, { outcome: code.data });
      return row.reference;
    });
    return toHandover(this.byReference.get(ref)!);
  }

  async listEvents(reference: string): Promise<HandoverEvent[]> {
    const ref = normaliseReference(reference);
    if (!ref) return [];
    const rows = this.db
      .prepare('SELECT id, reference, kind, actor, at, detail FROM handover_events WHERE reference = ? ORDER BY id')
      .all(ref) as { id: number; reference: string; kind: EventKind; actor: string; at: number; detail: string }[];
    return rows.map((e) => ({ ...e, at: iso(e.at), detail: JSON.parse(e.detail) as HandoverEvent['detail'] }));
  }

  async checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null> {
    // One path whether or not the reference exists or is well formed: look up, hash, compare.
    const ref = normaliseReference(String(reference).slice(0, 40)) ?? 'DEAL-000000'; // 0 is never used
    const given = normaliseContactDetail(String(contactDetail).slice(0, 300));
    const row = this.db.prepare('SELECT status, contact_detail FROM handovers WHERE reference = ?').get(ref) as
      | { status: HandoverStatus; contact_detail: string | null }
      | undefined;
    const stored = row?.contact_detail ?? this.decoy;
    const same = timingSafeEqual(sha256(stored), sha256(given ?? `${this.decoy}!`));
    return same && row !== undefined && row.contact_detail !== null && given !== null ? row.status : null;
  }

  // ---- outbox ---------------------------------------------------------------------------

  /** Queues a further notification; false when one with this dedupe key already exists. */
  async enqueueNotification(
    n: { reference: string; kind: OutboxKind; target: string; payload: unknown; dedupeKey: string },
    now: Date,
  ): Promise<boolean> {
    return this.write(() => {
      const info = this.db
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
    return this.write(() => {
      const due = this.db
        .prepare(
          `SELECT * FROM outbox
           WHERE delivered_at IS NULL AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY next_attempt_at, id LIMIT ?`,
        )
        .all(t, t, n) as OutboxDbRow[];
      const take = this.db.prepare('UPDATE outbox SET lease = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?');
      return due.map((r) => {
        const lease = randomUUID();
        take.run(lease, t + leaseMs, r.id);
        return toOutboxRow({ ...r, lease, lease_until: t + leaseMs, attempts: r.attempts + 1 });
      });
    });
  }

  async markDelivered(id: number, now: Date): Promise<void> {
    this.write(() => {
      const row = this.db.prepare('SELECT reference, kind, target FROM outbox WHERE id = ? AND delivered_at IS NULL').get(id) as
        | { reference: string; kind: string; target: string }
        | undefined;
      if (!row) return; // unknown, or already delivered: log the notification once only
      this.db.prepare('UPDATE outbox SET delivered_at = ?, lease = NULL, lease_until = NULL WHERE id = ?').run(now.getTime(), id);
      this.event(row.reference, 'notified', 'outbox', now.getTime(), { outboxId: id, kind: row.kind, target: row.target });
    });
  }

  async markFailed(id: number, lease: string, error: string, nextAttemptAt: Date): Promise<boolean> {
    return this.write(() => {
      const info = this.db
        .prepare(
          `UPDATE outbox SET last_error = ?, next_attempt_at = ?, lease = NULL, lease_until = NULL
           WHERE id = ? AND lease = ? AND delivered_at IS NULL`,
        )
        .run(cleanError(error), nextAttemptAt.getTime(), id, lease);
      return info.changes === 1;
    });
  }

  async outboxStats(): Promise<{ pending: number; failing: number; delivered: number }> {
    return this.db
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
    return (this.db.prepare('SELECT * FROM outbox WHERE reference = ? ORDER BY id').all(reference) as OutboxDbRow[]).map(toOutboxRow);
  }

  // ---- retention ------------------------------------------------------------------------

  async purgeResolvedOlderThan(days: number, now: Date): Promise<number> {
    if (!Number.isFinite(days) || days < 0) throw new Error('purge: days must be zero or more');
    const at = now.getTime();
    const cutoff = at - days * 86_400_000;
    const count = this.write(() => {
      const refs = this.db
        .prepare("SELECT reference FROM handovers WHERE status = 'closed' AND purged_at IS NULL AND closed_at < ? ORDER BY closed_at")
        .pluck()
        .all(cutoff) as string[];
      const empty = this.db.prepare(
        `UPDATE handovers SET purged_at = ?,
           contact_name = NULL, contact_method = NULL, contact_detail = NULL, best_time = NULL,
           child_name = NULL, child_age = NULL, child_setting = NULL,
           triage_json = NULL, questions_json = NULL, transcript_json = NULL, story_json = NULL
         WHERE reference = ?`,
      );
      const dropNotes = this.db.prepare('DELETE FROM handover_notes WHERE reference = ?');
      for (const ref of refs) {
        empty.run(at, ref);
        const notes = dropNotes.run(ref).changes;
        this.event(ref, 'purged', 'retention', at, { retentionDays: days, notesDeleted: notes });
      }
      return refs.length;
    });
    // Old page images in the WAL could still hold the deleted values: fold them in and truncate.
    if (count > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return count;
  }

  async eraseHandover(reference: string, actor: string, reason: string, now: Date): Promise<Handover> {
    const why = reason.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 200);
    if (!why) throw new HandoverValidationError(['reason: say why the data is erased (for example "the family asked, by phone, 3 March")']);
    const ref = normaliseReference(reference);
    const at = now.getTime();
    this.write(() => {
      const row = ref ? this.byReference.get(ref) : undefined;
      if (!row) throw new HandoverNotFoundError(reference);
      if (row.purged_at !== null) throw new HandoverStateError(`handover ${row.reference} has already been erased or purged`);
      this.db
        .prepare(
          `UPDATE handovers SET purged_at = ?, status = 'closed', closed_at = coalesce(closed_at, ?), outcome = coalesce(outcome, 'withdrawn'),
             contact_name = NULL, contact_method = NULL, contact_detail = NULL, best_time = NULL,
             child_name = NULL, child_age = NULL, child_setting = NULL,
             triage_json = NULL, questions_json = NULL, transcript_json = NULL, story_json = NULL
           WHERE reference = ?`,
        )
        .run(at, at, row.reference);
      const notes = this.db.prepare('DELETE FROM handover_notes WHERE reference = ?').run(row.reference).changes;
      this.event(row.reference, 'purged', actor.slice(0, 254), at, { erasure: true, notesDeleted: notes });
      this.db
        .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
        .run(at, actor.slice(0, 254), 'handover-erased', row.reference, JSON.stringify({ reason: why, previousStatus: row.status }));
    });
    this.db.pragma('wal_checkpoint(TRUNCATE)'); // old page images in the WAL could still hold the values
    return toHandover(this.byReference.get(ref!)!);
  }

  async purgeExpiredSessions(now: Date): Promise<number> {
    return this.write(() => this.db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?').run(now.getTime()).changes);
  }

  // ---- staff ----------------------------------------------------------------------------

  async insertStaff(record: StaffRecord): Promise<void> {
    this.write(() => {
      if (this.db.prepare('SELECT 1 FROM staff WHERE email = ?').get(record.email)) {
        throw new HandoverStateError(`a staff account for ${record.email} already exists`);
      }
      this.db
        .prepare('INSERT INTO staff (email, role, locality_id, password_hash, created_at, disabled_at, aad_object_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          record.email,
          record.role,
          record.localityId,
          record.passwordHash,
          record.createdAt.getTime(),
          record.disabledAt?.getTime() ?? null,
          record.aadObjectId ?? null,
        );
    });
  }

  async getStaff(email: string): Promise<StaffRecord | null> {
    const row = this.db.prepare('SELECT * FROM staff WHERE email = ?').get(email.trim().toLowerCase()) as StaffDbRow | undefined;
    return row ? toStaff(row) : null;
  }

  async listStaff(): Promise<StaffRecord[]> {
    return (this.db.prepare('SELECT * FROM staff ORDER BY email').all() as StaffDbRow[]).map(toStaff);
  }

  async disableStaff(email: string, now: Date): Promise<boolean> {
    const key = email.trim().toLowerCase();
    return this.write(() => {
      const changed = this.db.prepare('UPDATE staff SET disabled_at = coalesce(disabled_at, ?) WHERE email = ?').run(now.getTime(), key).changes;
      this.db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(key);
      return changed === 1;
    });
  }

  async getStaffByAad(aadObjectId: string): Promise<StaffRecord | null> {
    const row = this.db.prepare('SELECT * FROM staff WHERE aad_object_id = ?').get(aadObjectId.trim().toLowerCase()) as StaffDbRow | undefined;
    return row ? toStaff(row) : null;
  }

  async updateStaff(email: string, change: StaffChange, _now: Date): Promise<boolean> {
    const key = email.trim().toLowerCase();
    return this.write(() => {
      if (!this.db.prepare('SELECT 1 FROM staff WHERE email = ?').get(key)) return false;
      if (change.passwordHash !== undefined) this.db.prepare('UPDATE staff SET password_hash = ? WHERE email = ?').run(change.passwordHash, key);
      if (change.disabledAt !== undefined) this.db.prepare('UPDATE staff SET disabled_at = ? WHERE email = ?').run(change.disabledAt?.getTime() ?? null, key);
      if (change.aadObjectId !== undefined) {
        const aad = change.aadObjectId?.trim().toLowerCase() ?? null;
        const other = aad ? (this.db.prepare('SELECT email FROM staff WHERE aad_object_id = ? AND email <> ?').pluck().get(aad, key) as string | undefined) : undefined;
        if (other) throw new HandoverStateError(`that Entra ID object id already belongs to ${other}`);
        this.db.prepare('UPDATE staff SET aad_object_id = ? WHERE email = ?').run(aad, key);
      }
      if (change.passwordHash !== undefined || change.disabledAt !== undefined) this.db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(key);
      return true;
    });
  }

  async listSessions(email: string, now: Date): Promise<SessionRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM staff_sessions WHERE email = ? AND expires_at > ? ORDER BY created_at')
      .all(email.trim().toLowerCase(), now.getTime()) as SessionDbRow[];
    return rows.map((row) => ({ idHash: row.id_hash, email: row.email, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at), csrfSecret: row.csrf_secret }));
  }

  async deleteSessionsOf(email: string): Promise<number> {
    return this.write(() => this.db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(email.trim().toLowerCase()).changes);
  }

  async insertSession(s: SessionRecord): Promise<void> {
    this.write(() => {
      this.db
        .prepare('INSERT INTO staff_sessions (id_hash, email, created_at, expires_at, csrf_secret) VALUES (?, ?, ?, ?, ?)')
        .run(s.idHash, s.email, s.createdAt.getTime(), s.expiresAt.getTime(), s.csrfSecret);
    });
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const row = this.db.prepare('SELECT * FROM staff_sessions WHERE id_hash = ?').get(idHash) as SessionDbRow | undefined;
    return row
      ? { idHash: row.id_hash, email: row.email, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at), csrfSecret: row.csrf_secret }
      : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    this.write(() => this.db.prepare('DELETE FROM staff_sessions WHERE id_hash = ?').run(idHash));
  }

  // ---- Teams channels -------------------------------------------------------------------

  async saveChannelReference(target: string, reference: unknown, now: Date): Promise<void> {
    const json = JSON.stringify(reference);
    if (json === undefined || json.length > 20_000) throw new Error('channel reference must be JSON of at most 20,000 characters');
    this.write(() =>
      this.db
        .prepare(
          `INSERT INTO teams_channels (target, reference_json, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (target) DO UPDATE SET reference_json = excluded.reference_json, updated_at = excluded.updated_at`,
        )
        .run(target, json, now.getTime()),
    );
  }

  async getChannelReference(target: string): Promise<unknown | null> {
    const json = this.db.prepare('SELECT reference_json FROM teams_channels WHERE target = ?').pluck().get(target) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as unknown);
  }

  async listChannelReferences(): Promise<{ target: string; reference: unknown; updatedAt: Date }[]> {
    const rows = this.db.prepare('SELECT target, reference_json, updated_at FROM teams_channels ORDER BY target').all() as {
      target: string;
      reference_json: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({ target: r.target, reference: JSON.parse(r.reference_json) as unknown, updatedAt: new Date(r.updated_at) }));
  }

  // ---- audit log ------------------------------------------------------------------------

  async audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void> {
    this.write(() =>
      this.db
        .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
        .run(now.getTime(), entry.actor.slice(0, 254), entry.action, entry.subject?.slice(0, 254) ?? null, JSON.stringify(entry.detail)),
    );
  }

  async listAudit(subject?: string): Promise<AuditEntry[]> {
    const rows = (
      subject === undefined
        ? this.db.prepare('SELECT * FROM audit_log ORDER BY id').all()
        : this.db.prepare('SELECT * FROM audit_log WHERE subject = ? ORDER BY id').all(subject)
    ) as { id: number; at: number; actor: string; action: AuditEntry['action']; subject: string | null; detail: string }[];
    return rows.map((r) => ({ ...r, at: iso(r.at), detail: JSON.parse(r.detail) as AuditEntry['detail'] }));
  }

  // ---- maintenance ----------------------------------------------------------------------

  /** `PRAGMA integrity_check` result lines ('ok' when healthy). */
  integrityCheck(): string[] {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /**
   * A consistent copy of the whole database in `destination`, taken with SQLite's online
   * backup API while the bot keeps running. The copy is made private (0600): it holds the
   * same personal data as the live file.
   */
  async backupTo(destination: string): Promise<void> {
    await this.db.backup(destination);
    chmodSync(destination, 0o600);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating if needed) the handover database under `dataDir`. */
export function openHandoverStore(options: SqliteStoreOptions): SqliteHandoverStore {
  return new SqliteHandoverStore(options);
}
