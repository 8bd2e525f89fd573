/**
 * The handover store on PostgreSQL: the shared contract (the same cases SQLite passes), then
 * what only PostgreSQL has: migrations under an advisory lock (instances starting together
 * against an empty database all come up), a failed migration rolled back, a database from
 * newer code refused, a non-superuser role, and an unreachable database failing fast.
 * Skipped, with a message, when PG_TEST_URL is not set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migratePg, PG_MIGRATIONS, PgHandoverStore } from '../handover/pg-store.js';
import { sampleDraft } from './fixtures/handover-draft.js';
import { pgHarness, PG_SKIP_MESSAGE, PG_TEST_URL, rawPool, testSchema } from './helpers/pg.js';
import { describeStoreContract } from './helpers/store-contract.js';

if (PG_TEST_URL) {
  describeStoreContract('PostgreSQL', pgHarness);
} else {
  describe.skip(PG_SKIP_MESSAGE, () => {
    it('runs the HandoverStore contract on PostgreSQL', () => {});
  });
}

describe.skipIf(!PG_TEST_URL)('PostgreSQL store', () => {
  const schemas: string[] = [];
  let admin: pg.Pool;
  const fresh = () => {
    const s = testSchema('m');
    schemas.push(s);
    return s;
  };

  beforeAll(() => {
    admin = rawPool('public');
  });
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  });

  it('runs as a role that is not a superuser and owns its database', async () => {
    const { rows } = await admin.query<{ rolsuper: boolean; owner: boolean }>(
      `SELECT r.rolsuper, d.datdba = r.oid AS owner FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, owner: true });
  });

  it('five instances starting at once against an empty schema all come up, and migrate it once', async () => {
    const schema = fresh();
    const stores = await Promise.all(Array.from({ length: 5 }, () => PgHandoverStore.open({ connectionString: PG_TEST_URL!, schema, maxConnections: 2 })));
    try {
      const created = await Promise.all(stores.map((s) => s.createHandover(sampleDraft())));
      expect(new Set(created.map((h) => h.reference)).size).toBe(5);
      const { rows } = await admin.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      expect((await stores[0]!.listHandovers({ scope: { localities: 'all' } })).length).toBe(5);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('migrations are idempotent; a failing one is rolled back completely, version included', async () => {
    const schema = fresh();
    const pool = rawPool(schema);
    try {
      expect(await migratePg(pool, schema)).toEqual({ from: 0, to: PG_MIGRATIONS.length });
      expect(await migratePg(pool, schema)).toEqual({ from: PG_MIGRATIONS.length, to: PG_MIGRATIONS.length });
      const broken = [...PG_MIGRATIONS, { version: PG_MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT * FROM no_such_table;' }];
      await expect(migratePg(pool, schema, broken)).rejects.toThrow(/no_such_table/);
      const { rows } = await pool.query(`SELECT max(version) AS v, to_regclass('${schema}.half_done') AS t FROM ${schema}.schema_migrations`);
      expect(rows[0]).toEqual({ v: PG_MIGRATIONS.length, t: null });
      // The lock was released: another run goes ahead.
      expect(await migratePg(pool, schema)).toEqual({ from: PG_MIGRATIONS.length, to: PG_MIGRATIONS.length });
    } finally {
      await pool.end();
    }
  });

  it('refuses a database from newer code', async () => {
    const schema = fresh();
    const store = await PgHandoverStore.open({ connectionString: PG_TEST_URL!, schema });
    await store.close();
    await admin.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, 'from the future')`, [PG_MIGRATIONS.length + 5]);
    await expect(PgHandoverStore.open({ connectionString: PG_TEST_URL!, schema })).rejects.toThrow(/newer than this code knows/);
    // Built without waiting, its methods fail with the same reason.
    const lazy = new PgHandoverStore({ connectionString: PG_TEST_URL!, schema });
    await expect(lazy.outboxStats()).rejects.toThrow(/newer than this code knows/);
    await lazy.close();
  });

  it('an unreachable database fails promptly, and close() still returns', async () => {
    const started = Date.now();
    const store = new PgHandoverStore({ connectionString: 'postgres://deal:secret@127.0.0.1:1/deal', connectTimeoutMs: 2000 });
    await expect(store.getHandover('DEAL-AAAAAA')).rejects.toThrow();
    await store.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('uses timestamptz and json columns a DBA can read', async () => {
    const schema = fresh();
    const store = await PgHandoverStore.open({ connectionString: PG_TEST_URL!, schema });
    try {
      const h = await store.createHandover(sampleDraft());
      const { rows } = await admin.query(`SELECT created_at, triage_json->>'primary' AS route FROM ${schema}.handovers WHERE reference = $1`, [h.reference]);
      expect(rows[0].created_at).toBeInstanceOf(Date);
      expect(rows[0].route).toBe('ehcna');
    } finally {
      await store.close();
    }
  });
});
