/**
 * The handover store on SQLite: the shared contract (tests/helpers/store-contract.ts, the same
 * cases PostgreSQL runs in tests/handover-store-pg.test.ts), then what only SQLite has: the
 * file's pragmas, `user_version` migrations, no copy of purged data in the file's bytes, and
 * `deal handovers backup`.
 */
import { Database } from '../handover/sqlite-driver.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listHandovers, purgeHandovers } from '../cli/handover-commands.js';
import { consentForChat, consentStatement, currentConsent, isKnownConsentVersion } from '../handover/consent.js';
import { backoffDelay } from '../handover/outbox-worker.js';
import { generateReference } from '../handover/reference.js';
import { normaliseReference, Reference, REFERENCE_ALPHABET } from '../handover/schema.js';
import { migrate, MIGRATIONS, SqliteHandoverStore } from '../handover/sqlite-store.js';
import { hashPassword, verifyPasswordHash } from '../handover/staff-accounts.js';
import { sampleDraft } from './fixtures/handover-draft.js';
import { DAY, FAST_SCRYPT, northOfficer } from './helpers/contract/context.js';
import { describeStoreContract, type StoreHarness } from './helpers/store-contract.js';


/** A new database file per test; raw SQL on a second connection, as another process would. */
async function sqliteHarness(): Promise<StoreHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deal-handover-'));
  const file = join(dataDir, 'handovers.sqlite');
  let other: InstanceType<typeof Database> | null = null;
  const raw = () => (other ??= new Database(file));
  return {
    async open(options = {}) {
      return new SqliteHandoverStore({ dataDir, ...options });
    },
    async query(sql, params = []) {
      const statement = raw().prepare(sql);
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    },
    async failInserts(table, message) {
      raw().exec(`CREATE TRIGGER fail_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END;`);
    },
    async clearFailure(table) {
      raw().exec(`DROP TRIGGER fail_${table}`);
    },
    async dispose() {
      other?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeStoreContract('SQLite', sqliteHarness);

describe('SQLite store', () => {
  let dir: string;
  let now: Date;
  let store: SqliteHandoverStore;

  function open(extra: Partial<ConstructorParameters<typeof SqliteHandoverStore>[0]> = {}): SqliteHandoverStore {
    return new SqliteHandoverStore({ dataDir: dir, clock: () => now, ...extra });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deal-handover-'));
    now = new Date('2025-06-02T09:00:00Z'); // Monday 10:00 in London
    store = open();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('database file', () => {
    it('is a real file in WAL mode with synchronous=FULL, foreign keys and a busy timeout', () => {
      expect(store.file.startsWith(dir)).toBe(true);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
      expect(store.integrityCheck()).toEqual(['ok']);
    });
  });

  describe('migrations', () => {
    it('are applied once and are idempotent on reopen', async () => {
      const h = await store.createHandover(sampleDraft());
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      await store.close();
      for (let i = 0; i < 3; i++) {
        store = open();
        expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
        expect(migrate(store.db)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length });
        expect(await store.getHandover(h.reference)).toEqual(h);
        await store.close();
      }
      store = open();
    });

    it('roll back a failing migration completely, version included', () => {
      const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half_done (x); SELECT * FROM no_such_table;' }];
      expect(() => migrate(store.db, broken)).toThrow(/no_such_table/);
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    });

    it('refuse a database from newer code', async () => {
      store.db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
      await store.close();
      expect(() => open()).toThrow(/newer than this code knows/);
      const raw = new Database(join(dir, 'handovers.sqlite'));
      raw.pragma(`user_version = ${MIGRATIONS.length}`);
      raw.close();
      store = open();
    });
  });

  describe('references', () => {
    it('look like DEAL-7K3F9Q and never use 0, O, 1, I, L or U', () => {
      expect(REFERENCE_ALPHABET).toHaveLength(30);
      const seen = new Set<string>();
      for (let i = 0; i < 5000; i++) {
        const ref = generateReference();
        expect(ref).toMatch(/^DEAL-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
        seen.add(ref);
      }
      expect(seen.size).toBeGreaterThan(4990);
      expect(Reference.safeParse('DEAL-7K3F9Q').success).toBe(true);
      expect(Reference.safeParse('DEAL-7K3F0Q').success).toBe(false);
      expect(normaliseReference(' deal 7k3f9q ')).toBe('DEAL-7K3F9Q');
      expect(normaliseReference('7K3F9Q')).toBe('DEAL-7K3F9Q');
      expect(normaliseReference('DEAL-7K3F9')).toBeNull();
    });
  });

  describe('retention purge on SQLite', () => {
    it('leaves no copy of purged personal data in the database files', async () => {
      const h = await store.createHandover(
        sampleDraft({ contact: { name: 'Zebedee Quillfeather', method: 'email', detail: 'zebedee.quillfeather@example.org', bestTime: 'Any time' } }),
      );
      now = new Date('2025-06-03T12:00:00Z');
      await store.resolveHandover(h.reference, northOfficer, 'advice-given');
      expect(await store.purgeResolvedOlderThan(90, new Date(now.getTime() + 91 * DAY))).toBe(1);
      await store.close();
      for (const suffix of ['', '-wal']) {
        let bytes = '';
        try {
          bytes = readFileSync(join(dir, `handovers.sqlite${suffix}`)).toString('latin1');
        } catch {
          continue; // no WAL file after a clean close
        }
        expect(bytes.includes('Quillfeather'), `handovers.sqlite${suffix}`).toBe(false);
        expect(bytes.includes('quillfeather'), `handovers.sqlite${suffix}`).toBe(false);
      }
      store = open();
    });
  });

  describe('staff passwords', () => {
    it('hashes passwords with scrypt and a per-user salt, and compares them safely', async () => {
      const a = await hashPassword('correct horse battery', FAST_SCRYPT);
      const b = await hashPassword('correct horse battery', FAST_SCRYPT);
      expect(a).toMatch(/^scrypt\$4096\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      expect(a).not.toBe(b);
      expect(await verifyPasswordHash('correct horse battery', a)).toBe(true);
      expect(await verifyPasswordHash('correct horse batterz', a)).toBe(false);
      expect(await verifyPasswordHash('correct horse battery', 'plain-text')).toBe(false);
      expect(await verifyPasswordHash('x', 'scrypt$1048577$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA')).toBe(false);
      const defaults = await hashPassword('correct horse battery');
      expect(defaults.startsWith('scrypt$32768$8$1$')).toBe(true);
    });
  });

  describe('outbox backoff', () => {
    it('backs off exponentially with jitter, up to a cap', () => {
      const b = { baseMs: 1000, maxMs: 60_000 };
      expect(backoffDelay(1, b, () => 0)).toBe(500);
      expect(backoffDelay(1, b, () => 0.999999)).toBe(1000);
      expect(backoffDelay(2, b, () => 0)).toBe(1000);
      expect(backoffDelay(4, b, () => 0.999999)).toBe(8000);
      expect(backoffDelay(50, b, () => 0.999999)).toBe(60_000);
      expect(backoffDelay(50, b, () => 0)).toBe(30_000);
      for (let attempts = 1; attempts < 40; attempts++) {
        const d = backoffDelay(attempts, b);
        expect(d).toBeGreaterThanOrEqual(Math.min(60_000, 1000 * 2 ** (attempts - 1)) / 2);
        expect(d).toBeLessThanOrEqual(60_000);
      }
    });
  });

  describe('consent wording', () => {
    it('is versioned, and the retention period is part of the version', () => {
      const c = currentConsent();
      expect(c.version).toBe('consent-2026-12');
      const text = consentForChat().text;
      expect(text).toMatch(/SEND team for your area at Dorset Council/);
      expect(text).toMatch(/90 more days/);
      expect(text).toMatch(/You can say no/);
      expect(text).toMatch(/DEAL phone line/);
      expect(currentConsent(30).version).toBe('consent-2026-12-r30');
      expect(consentStatement('consent-2025-01-r30')!.paragraphs.join(' ')).toMatch(/30 more days/);
      expect(isKnownConsentVersion('consent-2025-01')).toBe(true);
      expect(isKnownConsentVersion('consent-2025-01-r90')).toBe(false);
      expect(isKnownConsentVersion('consent-1999-01')).toBe(false);
      // Short sentences for a reading age of about 11.
      for (const sentence of c.paragraphs.join(' ').split(/(?<=[.?!:])\s+/)) expect(sentence.split(/\s+/).length).toBeLessThanOrEqual(25);
    });
  });

  describe('CLI commands on SQLite', () => {
    it('opens the database under the data directory when no store is given', async () => {
      await store.createHandover(sampleDraft());
      const text = await listHandovers({ json: true }, { dataDir: dir });
      expect(JSON.parse(text)).toHaveLength(1);
      expect(await purgeHandovers({ days: 30 }, { env: { DATA_DIR: dir } })).toMatch(/of 0 handovers/);
    });

    it('`deal handovers backup` copies the live database to a new private file, and never overwrites one', async () => {
      const { reference } = await store.createHandover(sampleDraft());
      const copy = join(dir, 'backup.sqlite');
      const deal = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/deal.js', 'handovers', 'backup', ...args], { env: { ...process.env, DATA_DIR: dir }, encoding: 'utf8' });
      const first = deal(copy); // while this test's store still has the database open
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain(copy);
      expect(statSync(copy).mode & 0o777).toBe(0o600);
      const backup = new Database(copy, { readonly: true });
      try {
        expect(backup.prepare('SELECT contact_name FROM handovers WHERE reference = ?').pluck().get(reference)).toBe('Sam Parent');
        expect(backup.prepare('SELECT count(*) FROM handover_events WHERE reference = ?').pluck().get(reference)).toBeGreaterThan(0);
      } finally {
        backup.close();
      }
      const again = deal(copy);
      expect(again.status).not.toBe(0);
      expect(again.stderr).toMatch(/already exists/);
    });
  });
});
