/**
 * Conversation state in SQLite, behind botbuilder's `Storage` interface.
 *
 * State survives a restart or a killed process, so a family mid-way through triage carries
 * on where they were. Optimistic concurrency uses eTags as botbuilder expects, and a write
 * without one only creates (a new conversation's first turn cannot overwrite another's). Rows idle
 * longer than the configured time are deleted: we keep a conversation only as long as needed.
 * The file is private (0600, with its -wal and -shm) and `secure_delete` is on; after deletes
 * the WAL is checkpointed and truncated, so what a family typed does not linger in the bytes.
 */
import type { SqliteDatabase, SqliteStatement } from '../handover/sqlite-driver.js';
import { checkpointTruncate, openPrivateDatabase, tightenDatabaseFiles } from '../handover/private-files.js';
import type { Storage, StoreItems } from 'botbuilder';

export class SqliteStorage implements Storage {
  private readonly db: SqliteDatabase;
  private readonly selectOne: SqliteStatement<[string], { value: string; etag: number }>;
  private readonly upsert: SqliteStatement<[string, string, number, number]>;
  private readonly remove: SqliteStatement<[string]>;

  constructor(file: string) {
    this.db = openPrivateDatabase(file); // directory 0700, files 0600, secure_delete on
    this.db.pragma('journal_mode = WAL');
    if (file !== ':memory:') tightenDatabaseFiles(file);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS bot_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      etag INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT`);
    this.selectOne = this.db.prepare('SELECT value, etag FROM bot_state WHERE key = ?');
    this.upsert = this.db.prepare(
      'INSERT INTO bot_state (key, value, etag, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at',
    );
    this.remove = this.db.prepare('DELETE FROM bot_state WHERE key = ?');
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const row = this.selectOne.get(key);
      if (row) items[key] = { ...JSON.parse(row.value), eTag: String(row.etag) };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const now = Date.now();
    this.db.transaction(() => {
      for (const [key, item] of Object.entries(changes)) {
        const { eTag, ...value } = (item ?? {}) as { eTag?: string };
        const current = this.selectOne.get(key);
        // No eTag: the key did not exist when read (a new conversation's first turn), so it only creates; '*' overwrites.
        if (current && eTag !== '*' && eTag !== String(current.etag)) {
          throw new Error(`Storage: the state for this conversation changed in another turn (eTag conflict)`);
        }
        this.upsert.run(key, JSON.stringify(value), (current?.etag ?? 0) + 1, now);
      }
    })();
  }

  async delete(keys: string[]): Promise<void> {
    this.db.transaction(() => keys.forEach((key) => this.remove.run(key)))();
    this.checkpoint();
  }

  /** Deletes state idle for longer than `maxAgeMs`; returns how many rows went. */
  purgeIdle(maxAgeMs: number, now = Date.now()): number {
    const changes = this.db.prepare('DELETE FROM bot_state WHERE updated_at < ?').run(now - maxAgeMs).changes;
    this.checkpoint();
    return changes;
  }

  /** Deletes every conversation whose state mentions `reference` (an erasure request); returns how many. */
  eraseMentioning(reference: string): number {
    if (!/^DEAL-[0-9A-Z]{6}$/.test(reference)) return 0;
    const changes = this.db.prepare("DELETE FROM bot_state WHERE instr(value, ?) > 0").run(reference).changes;
    this.checkpoint();
    return changes;
  }

  /** Folds the WAL in and truncates it, so overwritten state (old page images) does not linger in -wal; the housekeeping calls it too. */
  checkpoint(): void {
    checkpointTruncate(this.db);
  }

  close(): void {
    this.db.close();
  }
}
