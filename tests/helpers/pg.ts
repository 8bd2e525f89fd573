/**
 * PostgreSQL for the tests: `PG_TEST_URL` (e.g. postgres://deal:secret@127.0.0.1:55432/deal,
 * as `.ci/run` sets it up with `.ci/postgres.sh`). Unset, the PostgreSQL tests are skipped
 * with a message, so `npm test` still runs on a machine without PostgreSQL.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { PgHandoverStore } from '../../handover/pg-store.js';
import type { StoreHarness } from './store-contract.js';

export const PG_TEST_URL = process.env.PG_TEST_URL?.trim() || undefined;

export const PG_SKIP_MESSAGE =
  'PostgreSQL tests skipped: PG_TEST_URL is not set (e.g. eval "$(bash .ci/postgres.sh start)" starts a throwaway cluster and sets it; .ci/run does this)';

if (!PG_TEST_URL && !(globalThis as { dealPgWarned?: boolean }).dealPgWarned) {
  (globalThis as { dealPgWarned?: boolean }).dealPgWarned = true;
  process.stderr.write(`\n${PG_SKIP_MESSAGE}\n`);
}

/** A new, unique schema name for one test's tables. */
export function testSchema(prefix = 't'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A pool that works in `schema`, for looking at rows and injecting faults. */
export function rawPool(schema: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_TEST_URL, max: 2, options: `-c search_path=${schema}` });
  pool.on('error', () => {});
  return pool;
}

/** Drops a test's schema and everything in it (run after its services and pools are closed). */
export async function dropSchema(schema: string): Promise<void> {
  const pool = rawPool('public');
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
}

/** `?` placeholders (as the SQLite tests write them) to `$1, $2…`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A fresh schema per test (dropped afterwards); stores and raw SQL work in it. */
export async function pgHarness(): Promise<StoreHarness> {
  const schema = testSchema();
  const raw = rawPool(schema);
  await raw.query(`CREATE SCHEMA ${schema}`);
  return {
    async open(options = {}) {
      return PgHandoverStore.open({ connectionString: PG_TEST_URL!, schema, maxConnections: 4, ...options });
    },
    async query(sql, params = []) {
      return (await raw.query(numbered(sql), params)).rows as Record<string, unknown>[];
    },
    async failInserts(table, message) {
      await raw.query(`CREATE FUNCTION fail_${table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`);
      await raw.query(`CREATE TRIGGER fail_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION fail_${table}()`);
    },
    async clearFailure(table) {
      await raw.query(`DROP TRIGGER fail_${table} ON ${table}; DROP FUNCTION fail_${table}()`);
    },
    async dispose() {
      await raw.query(`DROP SCHEMA ${schema} CASCADE`);
      await raw.end();
    },
  };
}
