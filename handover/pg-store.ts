/**
 * The handover repository on PostgreSQL (`pg`, with a pool): the same ports as the SQLite one
 * (`handover/sqlite-store.ts`), for several instances sharing one database behind a load
 * balancer. This class owns the pool (handover/pg/base.ts: schema, migrations on start under
 * an advisory lock, transactions) and hands every port to the table group that keeps it
 * (handover/pg/): handovers, retention, outbox, staff, channel links, audit log.
 *
 * - Every write is one transaction; staff actions lock the handover row (`FOR UPDATE`).
 * - The outbox is claimed with `SELECT … FOR UPDATE SKIP LOCKED` and a lease per row.
 * - The retention purge holds a transaction-level advisory lock: one instance at a time.
 * - Events and the audit log are append-only by database triggers (see the migrations).
 */
import type { Pool } from 'pg';
import { ComposedHandoverStore } from './composed-store.js';
import { PgAuditLog } from './pg/audit.js';
import { PgBase, type PgStoreOptions } from './pg/base.js';
import { PgChannelLinks } from './pg/channel-links.js';
import { PgHandovers } from './pg/handovers.js';
import { PgOutbox } from './pg/outbox.js';
import { PgRetention } from './pg/retention.js';
import { PgStaff } from './pg/staff.js';
import type { PgTables } from './pg/tables.js';
import type { OutboxRow } from './ports/outbox.js';
import type { HandoverWriteOptions } from './store-rules.js';

export { PG_MIGRATIONS, migratePg } from './pg/migrations.js';
export type { PgStoreOptions } from './pg/base.js';

export interface PgHandoverStoreOptions extends PgStoreOptions, HandoverWriteOptions {}

/** The pool, with the queries and transactions the table groups are given. */
class PgConnection extends PgBase {
  readonly tables: PgTables = {
    query: (sql, params) => this.query(sql, params),
    count: async (sql, params) => {
      await this.ready;
      return (await this.pool.query(sql, params)).rowCount ?? 0;
    },
    tx: (fn) => this.tx(fn),
  };
}

export class PgHandoverStore extends ComposedHandoverStore {
  private readonly connection: PgConnection;
  private readonly outboxRows: PgOutbox;

  constructor(options: PgHandoverStoreOptions) {
    const connection = new PgConnection(options);
    const t = connection.tables;
    const outbox = new PgOutbox(t);
    super({
      handovers: new PgHandovers(t, options),
      retention: new PgRetention(t),
      outbox,
      staff: new PgStaff(t),
      channels: new PgChannelLinks(t),
      audit: new PgAuditLog(t),
    });
    this.connection = connection;
    this.outboxRows = outbox;
  }

  /** Builds the store and waits for its migrations (rejects when the database is unreachable or newer). */
  static async open(options: PgHandoverStoreOptions): Promise<PgHandoverStore> {
    const store = new PgHandoverStore(options);
    try {
      await store.ready;
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** The pool, for tests and maintenance only. */
  get pool(): Pool {
    return this.connection.pool;
  }

  get schema(): string {
    return this.connection.schema;
  }

  /** Resolves once the schema is migrated; rejects (and every method with it) when that failed. */
  get ready(): Promise<void> {
    return this.connection.ready;
  }

  /** All outbox rows of a handover (tests and diagnostics). */
  outboxFor(reference: string): Promise<OutboxRow[]> {
    return this.outboxRows.outboxFor(reference);
  }

  /** Answers when the database does (for readiness checks). */
  async ping(): Promise<void> {
    await this.connection.tables.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
