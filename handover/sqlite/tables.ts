/**
 * One open handover database, shared by the table groups (handovers, retention, outbox,
 * staff, channel links, audit log) so that a change and its event commit together: the
 * connection, the write transaction, and the event insert every handover change makes.
 *
 * Durability: WAL journal with `synchronous=FULL`, so a handover whose `createHandover` has
 * resolved survives a killed process or a power cut. `busy_timeout` lets a second process
 * (the CLI, a second worker) wait for the lock instead of failing. Every write is one
 * `BEGIN IMMEDIATE` transaction. The file and directory are private to this user, with
 * `secure_delete=ON` (handover/private-files.ts).
 */
import { openPrivateDatabase, tightenDatabaseFiles } from '../private-files.js';
import type { EventKind } from '../schema.js';
import type { SqliteDatabase, SqliteStatement } from '../sqlite-driver.js';
import { migrate } from './migrations.js';
import type { HandoverRow } from './rows.js';

export type EventDetail = Record<string, string | number | boolean | null>;

/** Opens (creating and migrating if needed) the handover database file. */
export function openHandoverDatabase(file: string, busyTimeoutMs = 5000): { db: SqliteDatabase; tables: SqliteTables } {
  const db = openPrivateDatabase(file); // directory 0700, files 0600, secure_delete on
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch ${file} to WAL mode (got ${mode})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    tightenDatabaseFiles(file); // the -wal and -shm now exist
    return { db, tables: new SqliteTables(db) };
  } catch (error) {
    db.close();
    throw error;
  }
}

export class SqliteTables {
  /** A handover row by its (normalised) reference. */
  readonly byReference: SqliteStatement<[string], HandoverRow>;
  private readonly insertEvent: SqliteStatement<[string, string, string, number, string]>;

  constructor(readonly db: SqliteDatabase) {
    this.byReference = db.prepare('SELECT * FROM handovers WHERE reference = ?');
    this.insertEvent = db.prepare('INSERT INTO handover_events (reference, kind, actor, at, detail) VALUES (?, ?, ?, ?, ?)');
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (takes the write lock up front). */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Appends a handover event; call inside the `write` of the change it records. */
  event(reference: string, kind: EventKind, actor: string, at: number, detail: EventDetail = {}): void {
    this.insertEvent.run(reference, kind, actor, at, JSON.stringify(detail));
  }

  /** Folds the WAL into the file and truncates it: old page images could still hold deleted personal data. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
