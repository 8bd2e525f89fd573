/**
 * The SQLite schema of the handover database: `MIGRATIONS`, applied in order, each in its own
 * transaction together with the `PRAGMA user_version` that records it. Never edit a published
 * migration; add a new one. `migrate` is also used by the insight database (insight/store.ts).
 */
import type { SqliteDatabase } from '../sqlite-driver.js';

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
  {
    version: 4,
    name: "the conversation's key for a request: the same Send twice (a retried or raced turn) stores one handover",
    sql: `
      ALTER TABLE handovers ADD COLUMN submission_key TEXT CHECK (submission_key IS NULL OR length(submission_key) = 32);
      CREATE UNIQUE INDEX handovers_by_submission ON handovers (submission_key) WHERE submission_key IS NOT NULL;
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
