/**
 * The connection side of the PostgreSQL store: one `pg` pool per store, a schema of its own
 * (search_path set on every connection), migrations on start, and a transaction helper.
 *
 * The constructor does not wait for the database, so a server can be built synchronously;
 * every method first awaits `ready` (the migrations), and fails when it failed. `close()` ends
 * the pool, so a command-line run exits as soon as it is done.
 */
import pg, { type Pool, type PoolClient, type QueryResultRow } from 'pg';
import { migratePg, type PgMigration } from './migrations.js';

export interface PgStoreOptions {
  /** A `postgres://` URL (TLS only when the URL asks for it, e.g. `?sslmode=require`). */
  connectionString: string;
  /** Schema holding the tables (default `public`); created when missing. */
  schema?: string;
  /** Most connections this store opens (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection, ms (default 5000): an unreachable database fails fast. */
  connectTimeoutMs?: number;
  /** Errors of idle connections (the pool replaces them); default: ignored. */
  onPoolError?: (error: Error) => void;
  /** Another part's own tables (e.g. the embedded Direct Line's), migrated after the handover schema, versions kept in `table`. */
  extraMigrations?: { steps: readonly PgMigration[]; table: string };
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** bigint (ids, counts) as JS numbers: they stay far below 2^53 here. */
const typeParser = ((oid: number, format?: string) =>
  oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser;

export type Queryable = Pick<PoolClient, 'query'>;

/** A unique-constraint violation (SQLSTATE 23505) on the named constraint, or any when omitted. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export class PgBase {
  /** The pool, for tests and maintenance only. */
  readonly pool: Pool;
  readonly schema: string;
  /** Resolves once the schema is migrated; rejects (and every method with it) when that failed. */
  readonly ready: Promise<void>;
  private closed = false;

  constructor(options: PgStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) throw new Error(`schema name "${this.schema}" must be lower-case letters, digits and _`);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      // Every connection works in this store's schema; no statement may hang for ever.
      options: `-c search_path=${this.schema} -c statement_timeout=60000`,
      types: { getTypeParser: typeParser },
      application_name: 'deal-front-door',
    });
    this.pool.on('error', options.onPoolError ?? (() => {}));
    const extra = options.extraMigrations;
    this.ready = migratePg(this.pool, this.schema).then(async () => void (extra && (await migratePg(this.pool, this.schema, extra.steps, extra.table))));
    this.ready.catch(() => {}); // reported by the first method that awaits it
  }

  protected async query<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.ready;
    return (await this.pool.query<R>(sql, params)).rows;
  }

  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  protected async tx<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e; // the connection is gone: do not hand it out again
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => {});
    await this.pool.end();
  }
}
