/**
 * The handover repository on SQLite (better-sqlite3), one file under the data directory: a
 * small class that opens the file once and hands every port to the table group that keeps
 * it (handover/sqlite/): handovers, retention, outbox, staff, channel links, audit log.
 * They share one connection and one write lock, so a change and its event commit together.
 *
 * Durability and privacy are in handover/sqlite/tables.ts; the schema and its migrations in
 * handover/sqlite/migrations.ts (re-exported here, as the insight database uses `migrate`).
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { ComposedHandoverStore } from './composed-store.js';
import type { OutboxRow } from './ports/outbox.js';
import type { SqliteDatabase } from './sqlite-driver.js';
import { SqliteAuditLog } from './sqlite/audit.js';
import { SqliteChannelLinks } from './sqlite/channel-links.js';
import { SqliteHandovers } from './sqlite/handovers.js';
import { SqliteOutbox } from './sqlite/outbox.js';
import { SqliteRetention } from './sqlite/retention.js';
import { SqliteStaff } from './sqlite/staff.js';
import { openHandoverDatabase } from './sqlite/tables.js';
import type { HandoverWriteOptions } from './store-rules.js';

export { MIGRATIONS, migrate, type Migration } from './sqlite/migrations.js';
export { notificationTarget } from './ports/outbox.js';

export interface SqliteStoreOptions extends HandoverWriteOptions {
  /** Directory for the database file (created, private to this user, if missing). */
  dataDir: string;
  /** File name within `dataDir` (default `handovers.sqlite`). */
  fileName?: string;
  /** How long to wait for another process's lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

export const HANDOVER_DB_FILE = 'handovers.sqlite';

export class SqliteHandoverStore extends ComposedHandoverStore {
  /** The underlying connection, for tests and maintenance only. */
  readonly db: SqliteDatabase;
  readonly file: string;
  private readonly outboxRows: SqliteOutbox;

  constructor(options: SqliteStoreOptions) {
    const file = join(options.dataDir, options.fileName ?? HANDOVER_DB_FILE);
    const { db, tables } = openHandoverDatabase(file, options.busyTimeoutMs);
    const outbox = new SqliteOutbox(tables);
    super({
      handovers: new SqliteHandovers(tables, options),
      retention: new SqliteRetention(tables),
      outbox,
      staff: new SqliteStaff(tables),
      channels: new SqliteChannelLinks(tables),
      audit: new SqliteAuditLog(tables),
    });
    this.file = file;
    this.db = db;
    this.outboxRows = outbox;
  }

  /** All outbox rows of a handover (tests and diagnostics). */
  outboxFor(reference: string): OutboxRow[] {
    return this.outboxRows.outboxFor(reference);
  }

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
