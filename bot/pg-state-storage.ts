/**
 * Conversation state in PostgreSQL, behind botbuilder's `Storage` interface: the same
 * behaviour as `SqliteStorage` (bot/state-storage.ts), shared by every instance, so a Teams
 * turn and the next can land on different instances.
 *
 * Optimistic concurrency: each write of a key carries the eTag it read; one statement writes
 * it only when the stored eTag is still that one, and bumps it. A write without an eTag (the
 * key did not exist when read: a brand-new conversation's first turn) only creates: when
 * another turn has created the key meanwhile, it is a conflict too. `'*'` overwrites. When two
 * instances run turns of one conversation at once, the second write fails with an eTag
 * conflict instead of silently overwriting the first turn's state, as on SQLite.
 *
 * The table is created by the handover migrations (`handover/pg/migrations.ts`, version 4).
 */
import type { Storage, StoreItems } from 'botbuilder';
import { PgBase, type PgStoreOptions } from '../handover/pg/base.js';
import { ERASE_BOT_STATE } from '../handover/pg/erase-sql.js';

export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';
  constructor() {
    super('Storage: the state for this conversation changed in another turn (eTag conflict)');
  }
}

export class PgStorage extends PgBase implements Storage {
  constructor(options: PgStoreOptions) {
    super({ maxConnections: 10, ...options });
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const rows = await this.query<{ key: string; value: string; etag: number }>('SELECT key, value, etag FROM bot_state WHERE key = ANY($1::text[])', [keys]);
    for (const row of rows) items[row.key] = { ...JSON.parse(row.value), eTag: String(row.etag) };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const now = new Date();
    await this.tx(async (c) => {
      for (const [key, item] of entries) {
        const { eTag, ...value } = (item ?? {}) as { eTag?: string };
        // null: write whatever is there ('*'); otherwise only over that version (-1 never matches: no eTag creates only).
        const expected = eTag === '*' ? null : eTag && /^\d+$/.test(eTag) ? Number(eTag) : -1;
        const written = await c.query(
          `INSERT INTO bot_state (key, value, etag, updated_at) VALUES ($1, $2, 1, $4)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = bot_state.etag + 1, updated_at = excluded.updated_at
           WHERE $3::bigint IS NULL OR bot_state.etag = $3::bigint
           RETURNING etag`,
          [key, JSON.stringify(value), expected, now],
        );
        if (written.rowCount === 0) throw new StorageConflictError();
      }
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.query('DELETE FROM bot_state WHERE key = ANY($1::text[])', [keys]);
  }

  /** Deletes state idle for longer than `maxAgeMs`; returns how many rows went. */
  async purgeIdle(maxAgeMs: number, now = Date.now()): Promise<number> {
    await this.ready;
    return (await this.pool.query('DELETE FROM bot_state WHERE updated_at < $1', [new Date(now - maxAgeMs)])).rowCount ?? 0;
  }

  /** Deletes every conversation whose state mentions `reference` (an erasure request); returns how many. */
  async eraseMentioning(reference: string): Promise<number> {
    if (!/^DEAL-[0-9A-Z]{6}$/.test(reference)) return 0;
    await this.ready;
    return (await this.pool.query(ERASE_BOT_STATE, [reference])).rowCount ?? 0;
  }
}
