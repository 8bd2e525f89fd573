/**
 * Live chat's events in PostgreSQL (`DATABASE_URL`), so that an officer's staff page served by
 * one instance hears a family whose turns run on another (conversation/live-events.ts).
 *
 * - Each event is numbered from the reference's row in `live_counters` (one upsert: two
 *   instances publishing at once get consecutive numbers), stored in `live_events`, and
 *   announced with `NOTIFY` (the reference and number only, inside the same transaction, so it
 *   is heard only once the row is there); the other instances read it from the table.
 * - What is kept: the newest 100 lines of a chat, for at most a day. A session that ends
 *   forgets them (the chat is kept as a note only when the family agreed); an erasure of the
 *   reference deletes them. The counter row holds a reference and a number, nothing personal.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LiveEvent, NumberedEvent, SharedLiveEvents } from '../../conversation/live-events.js';
import { PgBase, type PgStoreOptions } from './base.js';
import { ERASE_LIVE_COUNTERS, ERASE_LIVE_EVENTS } from './erase-sql.js';
import { parseNotice, PgListener } from './listener.js';
import type { PgMigration } from './migrations.js';

export const LIVE_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'live chat events, shared by every instance',
    sql: `
      CREATE TABLE live_counters (
        reference text PRIMARY KEY CHECK (reference ~ '^DEAL-[0-9A-Z]{6}$'),
        n         integer NOT NULL
      );
      CREATE TABLE live_events (
        reference  text NOT NULL CHECK (reference ~ '^DEAL-[0-9A-Z]{6}$'),
        n          integer NOT NULL,
        body       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (reference, n)
      );
      CREATE INDEX live_events_by_age ON live_events (created_at);
    `,
  },
];

const LINES = 100;
type Notice = { o: string; r: string; n: number };

export class PgLiveEvents extends PgBase implements SharedLiveEvents {
  private readonly listeners: ((reference: string, event: NumberedEvent) => void)[] = [];
  /** Who this instance is in notifications (it ignores its own). */
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly listener: PgListener;
  private readonly ownListener: boolean;
  /** Remote events are read one after another, so a page hears them in the order announced. */
  private reading: Promise<void> = Promise.resolve();

  constructor(options: PgStoreOptions & { listener?: PgListener }) {
    super({ maxConnections: 2, ...options, extraMigrations: { steps: LIVE_MIGRATIONS, table: 'live_migrations' } });
    this.channel = `deal_live_${createHash('sha256').update(this.schema).digest('hex').slice(0, 16)}`;
    this.ownListener = !options.listener;
    this.listener = options.listener ?? new PgListener(options);
    this.ready.then(() => this.listener.on(this.channel, (payload) => this.onNotification(payload))).catch(() => undefined);
  }

  async append(reference: string, event: LiveEvent): Promise<NumberedEvent> {
    return this.tx(async (c) => {
      const counted = await c.query<{ n: number }>(
        'INSERT INTO live_counters (reference, n) VALUES ($1, 0) ON CONFLICT (reference) DO UPDATE SET n = live_counters.n + 1 RETURNING n',
        [reference],
      );
      const n = counted.rows[0]!.n;
      const numbered = { ...event, n };
      await c.query('INSERT INTO live_events (reference, n, body) VALUES ($1, $2, $3)', [reference, n, JSON.stringify(numbered)]);
      await c.query("DELETE FROM live_events WHERE (reference = $1 AND n <= $2) OR created_at < now() - interval '1 day'", [reference, n - LINES]);
      await c.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify({ o: this.origin, r: reference, n } satisfies Notice)]);
      return numbered;
    });
  }

  async history(reference: string): Promise<NumberedEvent[]> {
    const rows = await this.query<{ body: string }>('SELECT body FROM live_events WHERE reference = $1 ORDER BY n', [reference]);
    return rows.map((r) => JSON.parse(r.body) as NumberedEvent);
  }

  async forget(reference: string): Promise<void> {
    await this.query(ERASE_LIVE_EVENTS, [reference]);
  }

  /** An erasure: the chat's lines and its counter; returns how many lines went. */
  async erase(reference: string): Promise<number> {
    const rows = await this.query(`${ERASE_LIVE_EVENTS} RETURNING n`, [reference]);
    await this.query(ERASE_LIVE_COUNTERS, [reference]);
    return rows.length;
  }

  subscribe(listener: (reference: string, event: NumberedEvent) => void): void {
    this.listeners.push(listener);
  }

  override async close(): Promise<void> {
    if (this.ownListener) await this.listener.close();
    await super.close();
  }

  private onNotification(payload: string): void {
    const notice = parseNotice<Notice>(payload);
    if (!notice || notice.o === this.origin || typeof notice.r !== 'string' || typeof notice.n !== 'number') return;
    const { r: reference, n } = notice;
    this.reading = this.reading
      .then(async () => {
        const [row] = await this.query<{ body: string }>('SELECT body FROM live_events WHERE reference = $1 AND n = $2', [reference, n]);
        if (!row) return; // forgotten meanwhile
        const event = JSON.parse(row.body) as NumberedEvent;
        for (const listener of this.listeners) listener(reference, event);
      })
      .catch(() => undefined);
  }
}
