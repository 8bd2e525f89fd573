/**
 * The back-off counters that protect staff sign-in and reference checks, and the cap on
 * immediate handovers per caller, in PostgreSQL (`DATABASE_URL`): shared by every instance,
 * so a guesser behind a load balancer gets no more tries than against one instance.
 *
 * The rules are those of handover/attempt-limiter.ts (`failedOnce`, `forgotten`), applied
 * under a row lock so that failures counted on two instances at once both count. Keys (an
 * email, an address, a reference) are stored only as SHA-256 hashes with their use's name:
 * the table can say how often something was guessed, never what. Rows older than a week
 * (longer than any wait or memory of a failure) are deleted as failures are counted.
 */
import { createHash } from 'node:crypto';
import { failedOnce, forgotten, type Attempts, type AttemptsFactory, type BackoffOptions, type Entry, type HitCounter, type RateWindowStore } from '../attempt-limiter.js';
import { PgBase, type PgStoreOptions } from './base.js';
import type { PgMigration } from './migrations.js';

export const ATTEMPT_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'sign-in and reference-check back-off, immediate-handover caps, shared by every instance',
    sql: `
      CREATE TABLE attempt_backoff (
        key      text PRIMARY KEY CHECK (length(key) = 64),
        failures integer NOT NULL,
        last_at  timestamptz NOT NULL,
        until    timestamptz NOT NULL
      );
      CREATE INDEX attempt_backoff_by_age ON attempt_backoff (last_at);
      CREATE TABLE attempt_hits (
        key text NOT NULL CHECK (length(key) = 64),
        at  timestamptz NOT NULL
      );
      CREATE INDEX attempt_hits_by_key ON attempt_hits (key, at);
    `,
  },
  {
    version: 2,
    name: 'per-address and per-conversation request limits (new chats, Direct Line posts, messages, sign-in), shared by every instance',
    sql: `
      CREATE TABLE rate_windows (
        key     text PRIMARY KEY CHECK (length(key) = 64),
        started timestamptz NOT NULL,
        hits    integer NOT NULL CHECK (hits >= 0)
      );
      CREATE INDEX rate_windows_by_age ON rate_windows (started);
    `,
  },
];

const WEEK_MS = 7 * 24 * 3_600_000;
const hashed = (name: string, key: string) => createHash('sha256').update(`${name}\u0000${key}`).digest('hex');
type Row = { failures: number; last_at: Date; until: Date };
const entryOf = (r: Row): Entry => ({ failures: r.failures, lastAt: r.last_at.getTime(), until: r.until.getTime() });

export class PgAttempts extends PgBase {
  private counted = 0;

  constructor(options: PgStoreOptions) {
    super({ maxConnections: 2, ...options, extraMigrations: { steps: ATTEMPT_MIGRATIONS, table: 'attempt_migrations' } });
  }

  /** Back-off counts for one use, shared: pass as `attempts` to ReferenceCheckLimiter and the staff router. */
  readonly backoff: AttemptsFactory = (name, options) => {
    const clock = options.clock ?? Date.now;
    const live = async (key: string): Promise<Entry | undefined> => {
      const [row] = await this.query<Row>('SELECT failures, last_at, until FROM attempt_backoff WHERE key = $1', [hashed(name, key)]);
      const e = row && entryOf(row);
      return e && !forgotten(e, clock(), options) ? e : undefined;
    };
    const attempts: Attempts = {
      wait: async (key) => Math.max(0, ((await live(key))?.until ?? 0) - clock()),
      failures: async (key) => (await live(key))?.failures ?? 0,
      succeed: async (key) => void (await this.query('DELETE FROM attempt_backoff WHERE key = $1', [hashed(name, key)])),
      fail: (key) => this.fail(hashed(name, key), clock(), options),
    };
    return attempts;
  };

  private async fail(key: string, now: number, options: BackoffOptions): Promise<number> {
    const next = await this.tx(async (c) => {
      await c.query(`INSERT INTO attempt_backoff (key, failures, last_at, until) VALUES ($1, 0, $2, 'epoch') ON CONFLICT (key) DO NOTHING`, [key, new Date(now)]);
      const row = (await c.query<Row>('SELECT failures, last_at, until FROM attempt_backoff WHERE key = $1 FOR UPDATE', [key])).rows[0]!;
      const before = entryOf(row);
      const e = failedOnce(before.failures > 0 && !forgotten(before, now, options) ? before : undefined, now, options);
      await c.query('UPDATE attempt_backoff SET failures = $2, last_at = $3, until = $4 WHERE key = $1', [key, e.failures, new Date(e.lastAt), new Date(e.until)]);
      return e;
    });
    if (++this.counted % 100 === 0) {
      await this.query('DELETE FROM attempt_backoff WHERE last_at < $1 AND until < $1', [new Date(now - WEEK_MS)]).catch(() => undefined);
    }
    return Math.max(0, next.until - now);
  }

  /** At most `limit` hits per key in any `windowMs`, shared (as WindowCounter in one process). */
  windowCounter(name: string, limit: number, windowMs: number, clock: () => number = Date.now): HitCounter {
    return {
      take: (key) =>
        this.tx(async (c) => {
          const k = hashed(name, key);
          const now = clock();
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [k]); // one take per key at a time, across instances
          await c.query('DELETE FROM attempt_hits WHERE key = $1 AND at <= $2', [k, new Date(now - windowMs)]);
          const n = Number((await c.query<{ n: number }>('SELECT count(*)::int AS n FROM attempt_hits WHERE key = $1', [k])).rows[0]!.n);
          if (n >= limit) return false;
          await c.query('INSERT INTO attempt_hits (key, at) VALUES ($1, $2)', [k, new Date(now)]);
          return true;
        }),
    };
  }

  /**
   * A fixed-window counter for one HTTP limit (`name`), shared: one upsert per request, so two
   * instances counting the same address at once both count. Keys are hashed like the others.
   */
  rateStore(name: string, clock: () => number = Date.now): RateWindowStore {
    let windowMs = 60_000;
    let counted = 0;
    return {
      localKeys: false,
      init: (options) => void (windowMs = options.windowMs),
      increment: async (key) => {
        const now = new Date(clock());
        const [row] = await this.query<{ hits: number; started: Date }>(
          `INSERT INTO rate_windows AS w (key, started, hits) VALUES ($1, $2, 1)
           ON CONFLICT (key) DO UPDATE SET
             hits    = CASE WHEN w.started <= $2 - $3 * interval '1 millisecond' THEN 1 ELSE w.hits + 1 END,
             started = CASE WHEN w.started <= $2 - $3 * interval '1 millisecond' THEN $2 ELSE w.started END
           RETURNING hits, started`,
          [hashed(name, key), now, windowMs],
        );
        if (++counted % 200 === 0) {
          await this.query(`DELETE FROM rate_windows WHERE started < $1`, [new Date(now.getTime() - Math.max(windowMs, 3_600_000))]).catch(() => undefined);
        }
        return { totalHits: row!.hits, resetTime: new Date(row!.started.getTime() + windowMs) };
      },
      decrement: async (key) => void (await this.query('UPDATE rate_windows SET hits = GREATEST(hits - 1, 0) WHERE key = $1', [hashed(name, key)])),
      resetKey: async (key) => void (await this.query('DELETE FROM rate_windows WHERE key = $1', [hashed(name, key)])),
    };
  }
}
