/**
 * The handover schema on PostgreSQL: the same tables, columns and rules as the SQLite one
 * (`handover/sqlite-store.ts`), written for PostgreSQL. Times are `timestamptz`, JSON is
 * `json` (kept exactly as written, key order included), and the append-only rules are
 * triggers in the database, so they hold for every connection, not only for this code.
 *
 * `migrate` applies the missing steps in order, each in its own transaction together with its
 * row in `schema_migrations`, while holding an advisory lock on the schema: two instances
 * starting at once against an empty database both come up, and only one applies each step.
 * Never edit a published migration; add a new one.
 */
import type { Pool, PoolClient } from 'pg';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

const refuse = (name: string, message: string) => `
  CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '${message}' USING ERRCODE = 'insufficient_privilege';
  END $$;`;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'handovers, events, notes, outbox, staff, sessions, channels',
    sql: `
      CREATE TABLE handovers (
        reference         text PRIMARY KEY CHECK (length(reference) = 11),
        created_at        timestamptz NOT NULL,
        channel           text NOT NULL CHECK (channel IN ('webchat', 'teams')),
        requester         text CHECK (requester IS NULL OR length(requester) <= 20),
        locality_id       text CHECK (locality_id IS NULL OR length(locality_id) <= 80),
        urgency           text NOT NULL CHECK (urgency IN ('immediate', 'priority', 'routine')),
        due_at            timestamptz NOT NULL,
        status            text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'with-officer', 'closed')),
        claimed_by        text CHECK (claimed_by IS NULL OR length(claimed_by) <= 254),
        outcome           text CHECK (outcome IS NULL OR length(outcome) <= 40),
        closed_at         timestamptz,
        purged_at         timestamptz,
        consent_version   text NOT NULL CHECK (length(consent_version) <= 40),
        consent_agreed_at timestamptz NOT NULL,
        transcript_agreed boolean NOT NULL,
        -- Personal data: emptied by the retention purge.
        contact_name      text CHECK (contact_name IS NULL OR length(contact_name) <= 80),
        contact_method    text CHECK (contact_method IS NULL OR contact_method IN ('phone', 'email')),
        contact_detail    text CHECK (contact_detail IS NULL OR length(contact_detail) <= 254),
        best_time         text CHECK (best_time IS NULL OR length(best_time) <= 60),
        child_name        text CHECK (child_name IS NULL OR length(child_name) <= 30),
        child_age         smallint CHECK (child_age IS NULL OR child_age BETWEEN 0 AND 25),
        child_setting     text CHECK (child_setting IS NULL OR length(child_setting) <= 80),
        triage_json       json CHECK (triage_json IS NULL OR length(triage_json::text) <= 100000),
        questions_json    json CHECK (questions_json IS NULL OR length(questions_json::text) <= 8000),
        articles_json     json NOT NULL DEFAULT '[]' CHECK (length(articles_json::text) <= 4000),
        transcript_json   json CHECK (transcript_json IS NULL OR length(transcript_json::text) <= 40000),
        CHECK (transcript_json IS NULL OR transcript_agreed),
        CHECK (purged_at IS NOT NULL OR (contact_name IS NOT NULL AND contact_method IS NOT NULL
               AND contact_detail IS NOT NULL AND best_time IS NOT NULL AND triage_json IS NOT NULL)),
        CHECK (purged_at IS NULL OR status = 'closed'),
        CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      );
      CREATE INDEX handovers_by_locality ON handovers (locality_id, status, due_at);
      CREATE INDEX handovers_to_purge ON handovers (closed_at) WHERE purged_at IS NULL AND closed_at IS NOT NULL;
      ${refuse('handovers_never_deleted', 'handovers are never deleted: the retention purge empties their personal data')}
      CREATE TRIGGER handovers_never_deleted BEFORE DELETE ON handovers FOR EACH ROW EXECUTE FUNCTION handovers_never_deleted();
      CREATE TRIGGER handovers_never_truncated BEFORE TRUNCATE ON handovers FOR EACH STATEMENT EXECUTE FUNCTION handovers_never_deleted();

      CREATE TABLE handover_events (
        id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reference text NOT NULL REFERENCES handovers (reference),
        kind      text NOT NULL CHECK (kind IN ('created', 'notified', 'claimed', 'note-added', 'resolved', 'purged')),
        actor     text NOT NULL CHECK (length(actor) <= 254),
        at        timestamptz NOT NULL,
        detail    json NOT NULL DEFAULT '{}' CHECK (length(detail::text) <= 2000)
      );
      CREATE INDEX handover_events_by_reference ON handover_events (reference, id);
      ${refuse('handover_events_append_only', 'handover_events is append-only: events cannot be changed or deleted')}
      CREATE TRIGGER handover_events_append_only BEFORE UPDATE OR DELETE ON handover_events
        FOR EACH ROW EXECUTE FUNCTION handover_events_append_only();
      CREATE TRIGGER handover_events_never_truncated BEFORE TRUNCATE ON handover_events
        FOR EACH STATEMENT EXECUTE FUNCTION handover_events_append_only();

      CREATE TABLE handover_notes (
        id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reference text NOT NULL REFERENCES handovers (reference),
        author    text NOT NULL CHECK (length(author) <= 254),
        at        timestamptz NOT NULL,
        text      text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
      );
      CREATE INDEX handover_notes_by_reference ON handover_notes (reference, id);

      CREATE TABLE outbox (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reference       text NOT NULL REFERENCES handovers (reference),
        kind            text NOT NULL CHECK (length(kind) <= 40),
        target          text NOT NULL CHECK (length(target) <= 80),
        payload         json NOT NULL CHECK (length(payload::text) <= 8000),
        dedupe_key      text NOT NULL UNIQUE CHECK (length(dedupe_key) <= 200),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease           text,
        lease_until     timestamptz,
        delivered_at    timestamptz,
        last_error      text CHECK (last_error IS NULL OR length(last_error) <= 500),
        created_at      timestamptz NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_by_reference ON outbox (reference);

      CREATE TABLE staff (
        email         text PRIMARY KEY CHECK (length(email) <= 254),
        role          text NOT NULL CHECK (role IN ('officer', 'lead')),
        locality_id   text CHECK (locality_id IS NULL OR length(locality_id) <= 80),
        password_hash text NOT NULL CHECK (length(password_hash) <= 300),
        created_at    timestamptz NOT NULL,
        disabled_at   timestamptz,
        CHECK ((role = 'lead' AND locality_id IS NULL) OR (role = 'officer' AND locality_id IS NOT NULL))
      );

      CREATE TABLE staff_sessions (
        id_hash     text PRIMARY KEY CHECK (length(id_hash) = 64),
        email       text NOT NULL REFERENCES staff (email) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL,
        expires_at  timestamptz NOT NULL,
        csrf_secret text NOT NULL CHECK (length(csrf_secret) <= 100)
      );
      CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);
      CREATE INDEX staff_sessions_by_email ON staff_sessions (email);

      CREATE TABLE teams_channels (
        target         text PRIMARY KEY CHECK (length(target) <= 80),
        reference_json json NOT NULL CHECK (length(reference_json::text) <= 20000),
        updated_at     timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'staff Entra ID object ids, staff audit log',
    sql: `
      ALTER TABLE staff ADD COLUMN aad_object_id text CHECK (aad_object_id IS NULL OR length(aad_object_id) <= 128);
      CREATE UNIQUE INDEX staff_by_aad ON staff (aad_object_id) WHERE aad_object_id IS NOT NULL;

      CREATE TABLE audit_log (
        id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at      timestamptz NOT NULL,
        actor   text NOT NULL CHECK (length(actor) <= 254),
        action  text NOT NULL CHECK (length(action) <= 40),
        subject text CHECK (subject IS NULL OR length(subject) <= 254),
        detail  json NOT NULL DEFAULT '{}' CHECK (length(detail::text) <= 2000)
      );
      CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
      ${refuse('audit_log_append_only', 'audit_log is append-only')}
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_never_truncated BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `,
  },
  {
    version: 3,
    name: "the family's story: understood facts, their own words, the safety response",
    sql: `
      ALTER TABLE handovers ADD COLUMN story_json json CHECK (story_json IS NULL OR length(story_json::text) <= 20000);
    `,
  },
  {
    version: 4,
    name: 'bot conversation state (botbuilder Storage, with eTags), shared by every instance',
    sql: `
      CREATE TABLE bot_state (
        key        text PRIMARY KEY CHECK (length(key) <= 1000),
        value      text NOT NULL,
        etag       bigint NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX bot_state_by_age ON bot_state (updated_at);
    `,
  },
  {
    version: 5,
    name: "the conversation's key for a request: the same Send twice (a retried or raced turn) stores one handover",
    sql: `
      ALTER TABLE handovers ADD COLUMN submission_key text CHECK (submission_key IS NULL OR length(submission_key) = 32);
      CREATE UNIQUE INDEX handovers_by_submission ON handovers (submission_key) WHERE submission_key IS NOT NULL;
    `,
  },
];

/** The advisory-lock key for one schema's migrations (all instances agree on it). */
export const MIGRATION_LOCK = (schema: string) => `deal:migrations:${schema}`;

/**
 * Brings `schema` up to the newest migration. Takes `pg_advisory_lock` on the schema for the
 * whole run (a second instance waits, then finds nothing to do); each step commits with its
 * version row, so a failed step changes nothing. Refuses a database from newer code.
 */
export async function migratePg(
  pool: Pool,
  schema: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
  /** Another list of steps (another part's tables) keeps its versions in a table of its own. */
  versionTable = 'schema_migrations',
): Promise<{ from: number; to: number }> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3…; found ${m.version} at position ${i + 1}`);
  });
  const latest = migrations.length;
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK(schema)]);
    try {
      // Only when missing: CREATE SCHEMA needs the CREATE right on the database even with IF NOT EXISTS.
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(versionTable)} (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const current = async (c: PoolClient) =>
        Number((await c.query<{ v: number }>(`SELECT coalesce(max(version), 0) AS v FROM ${quoteIdent(schema)}.${quoteIdent(versionTable)}`)).rows[0]!.v);
      const from = await current(client);
      if (from > latest) {
        throw new Error(`handover database is at schema version ${from}, newer than this code knows (${latest}); refusing to open it`);
      }
      for (const m of migrations) {
        if (m.version <= from) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
          await client.query(m.sql);
          await client.query(`INSERT INTO ${quoteIdent(schema)}.${quoteIdent(versionTable)} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        }
      }
      return { from, to: await current(client) };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK(schema)]).catch(() => {
        broken = true;
      });
    }
  } catch (error) {
    broken ||= isConnectionError(error);
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A PostgreSQL identifier, double-quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === undefined || code.startsWith('08') || code === '57P01';
}
