/**
 * Picks the handover store from the settings: PostgreSQL when `DATABASE_URL` is set (shared by
 * every instance behind a load balancer), else SQLite under `DATA_DIR` (one machine, the
 * embedded default). The server and the `deal` command both build their store here.
 */
import { resolve } from 'node:path';
import { PgHandoverStore } from './pg-store.js';
import { SqliteHandoverStore } from './sqlite-store.js';

export interface StoreSettings {
  /** `postgres://user:password@host:port/database`; unset: SQLite. */
  DATABASE_URL?: string | undefined;
  /** PostgreSQL schema for the tables (default `public`). */
  DATABASE_SCHEMA?: string | undefined;
  /** SQLite's directory (default `data`). */
  DATA_DIR?: string | undefined;
}

export type AnyHandoverStore = SqliteHandoverStore | PgHandoverStore;

/** True when the settings put the handovers in PostgreSQL. */
export function usesPostgres(settings: StoreSettings): boolean {
  return Boolean(settings.DATABASE_URL?.trim());
}

/**
 * The store for these settings. A PostgreSQL store is returned at once and migrates in the
 * background (its methods wait for that; `await store.ready` to wait, or fail, up front).
 */
export function createHandoverStore(settings: StoreSettings, options: { clock?: () => Date; onPoolError?: (error: Error) => void } = {}): AnyHandoverStore {
  const url = settings.DATABASE_URL?.trim();
  if (url) {
    return new PgHandoverStore({
      connectionString: url,
      ...(settings.DATABASE_SCHEMA?.trim() ? { schema: settings.DATABASE_SCHEMA.trim() } : {}),
      ...options,
    });
  }
  return new SqliteHandoverStore({ dataDir: resolve(settings.DATA_DIR ?? 'data'), ...(options.clock ? { clock: options.clock } : {}) });
}

/** Waits until the store can be used (PostgreSQL: connected and migrated). */
export async function storeReady(store: AnyHandoverStore): Promise<void> {
  if (store instanceof PgHandoverStore) await store.ready;
}
