/**
 * The embedded Direct Line's conversations and activities in PostgreSQL (`DATABASE_URL`), so
 * that several instances behind a load balancer serve one web chat: a token from one
 * instance's `POST /api/webchat/token` works on another, with the same watermarks, and an
 * activity stored on one instance reaches a stream another holds.
 *
 * - Sequence numbers come from one `UPDATE … RETURNING` on the conversation's row, so two
 *   instances appending at once get consecutive numbers, never the same one.
 * - Events go over `NOTIFY` on a channel of this schema; each instance `LISTEN`s on one
 *   connection of its own (reconnected when lost, then every stream catches up from the
 *   table, so nothing missed meanwhile is lost). The payload carries only ids (and typing,
 *   which is never stored), well under NOTIFY's 8000 bytes; an activity is read from the table.
 * - Whether a family's stream is open (live chat's "is the family online") is a row's
 *   `stream_owner`/`stream_until`: set when a stream opens and on every keep-alive of the
 *   instance holding it, cleared when it closes; an instance that dies stops renewing it, so
 *   the presence runs out within three keep-alives.
 * - Tables come from their own versioned migrations (`directline_migrations`), run under the
 *   same advisory lock as the handover schema, so two instances starting at once both come up.
 *
 * Transcripts are personal data: they go when idle (the Direct Line's `idleMs`, an hour by
 * default), as in memory; the staff erasure of a reference removes conversations mentioning it.
 */
import type { Activity } from 'botbuilder';
import { createHash, randomUUID } from 'node:crypto';
import { PgBase, type PgStoreOptions } from '../handover/pg/base.js';
import { ERASE_DIRECTLINE } from '../handover/pg/erase-sql.js';
import { parseNotice, PgListener } from '../handover/pg/listener.js';
import type { PgMigration } from '../handover/pg/migrations.js';
import type { ActivitySet, DirectLineEvent, DirectLineStore, StoredConversation, TranscriptLimits } from './directline-store.js';

export const DIRECTLINE_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'embedded Direct Line conversations and activities, shared by every instance',
    sql: `
      CREATE TABLE directline_conversations (
        id          text PRIMARY KEY CHECK (length(id) <= 64),
        user_id     text NOT NULL CHECK (length(user_id) <= 64),
        sequence    bigint NOT NULL DEFAULT 0,
        started     boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL,
        last_active timestamptz NOT NULL
      );
      CREATE INDEX directline_conversations_by_activity ON directline_conversations (last_active);
      CREATE TABLE directline_activities (
        conversation_id text NOT NULL REFERENCES directline_conversations (id) ON DELETE CASCADE,
        seq             bigint NOT NULL,
        bytes           integer NOT NULL,
        body            text NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: 'which instance holds a conversation\'s stream, and until when (live chat asks whether the family is online)',
    sql: `
      ALTER TABLE directline_conversations ADD COLUMN stream_owner text CHECK (length(stream_owner) <= 64), ADD COLUMN stream_until timestamptz;
    `,
  },
];

/** A conversation's last_active is written at most this often (not on every poll). */
const TOUCH_EVERY_MS = 30_000;
const MAX_NOTIFY_BYTES = 7_900;

type Notice = { o: string; k: 'stored' | 'live' | 'opened'; c: string; a?: Partial<Activity> };

export class PgDirectLineStore extends PgBase implements DirectLineStore {
  private readonly listeners: ((event: DirectLineEvent) => void)[] = [];
  /** Who this instance is in notifications (it ignores its own). */
  private readonly origin = randomUUID();
  private readonly channel: string;
  /** The instance's LISTENing connection: shared (given), or this store's own. */
  private readonly listener: PgListener;
  private readonly ownListener: boolean;
  private stopped = false;
  private counted = 0;

  constructor(pgOptions: PgStoreOptions & { listener?: PgListener }) {
    super({ maxConnections: 5, ...pgOptions, extraMigrations: { steps: DIRECTLINE_MIGRATIONS, table: 'directline_migrations' } });
    this.channel = `deal_dl_${createHash('sha256').update(this.schema).digest('hex').slice(0, 16)}`;
    this.ownListener = !pgOptions.listener;
    this.listener = pgOptions.listener ?? new PgListener(pgOptions);
    this.ready.then(() => this.listener.on(this.channel, (payload) => this.onNotification(payload), () => this.emit({ kind: 'resync' }))).catch(() => undefined);
  }

  get size(): number {
    return this.counted;
  }

  async create(id: string, userId: string, now: number): Promise<void> {
    await this.query('INSERT INTO directline_conversations (id, user_id, created_at, last_active) VALUES ($1, $2, $3, $3) ON CONFLICT (id) DO NOTHING', [id, userId, new Date(now)]);
    this.counted++;
  }

  async get(id: string, now: number): Promise<StoredConversation | null> {
    const [row] = await this.query<{ user_id: string; sequence: number; last_active: Date }>('SELECT user_id, sequence, last_active FROM directline_conversations WHERE id = $1', [id]);
    if (!row) return null;
    if (now - row.last_active.getTime() > TOUCH_EVERY_MS) {
      this.pool.query('UPDATE directline_conversations SET last_active = $2 WHERE id = $1 AND last_active < $2', [id, new Date(now)]).catch(() => undefined);
    }
    return { id, userId: row.user_id, sequence: row.sequence };
  }

  async claimStart(id: string): Promise<boolean> {
    return (await this.query('UPDATE directline_conversations SET started = true WHERE id = $1 AND NOT started AND sequence = 0 RETURNING id', [id])).length > 0;
  }

  async append(id: string, build: (sequence: number) => Partial<Activity>, now: number, limits: TranscriptLimits) {
    return this.tx(async (c) => {
      const next = await c.query<{ sequence: number }>('UPDATE directline_conversations SET sequence = sequence + 1, last_active = $2 WHERE id = $1 RETURNING sequence', [id, new Date(now)]);
      if (!next.rows[0]) return null;
      const sequence = next.rows[0].sequence;
      const activity = build(sequence - 1);
      const body = JSON.stringify(activity);
      await c.query('INSERT INTO directline_activities (conversation_id, seq, bytes, body) VALUES ($1, $2, $3, $4)', [id, sequence - 1, Buffer.byteLength(body, 'utf8'), body]);
      // Oldest first, keep the newest always: as the memory store cuts.
      await c.query(
        `DELETE FROM directline_activities WHERE conversation_id = $1 AND seq IN (
           SELECT seq FROM (
             SELECT seq, row_number() OVER w AS n, sum(bytes) OVER w AS total
             FROM directline_activities WHERE conversation_id = $1 WINDOW w AS (ORDER BY seq DESC)
           ) t WHERE n > 1 AND (n > $2 OR total > $3))`,
        [id, limits.maxActivities, limits.maxBytes],
      );
      return { activity, watermark: sequence };
    });
  }

  async after(id: string, watermark: number): Promise<ActivitySet | null> {
    const rows = await this.query<{ sequence: number; body: string | null }>(
      `SELECT c.sequence, a.body FROM directline_conversations c
       LEFT JOIN directline_activities a ON a.conversation_id = c.id AND a.seq >= $2
       WHERE c.id = $1 ORDER BY a.seq`,
      [id, watermark],
    );
    if (rows.length === 0) return null;
    return { activities: rows.filter((r) => r.body !== null).map((r) => JSON.parse(r.body!) as Partial<Activity>), watermark: String(rows[0]!.sequence) };
  }

  publish(event: DirectLineEvent): void {
    if (event.kind === 'resync' || this.stopped) return;
    const payload = JSON.stringify({ o: this.origin, k: event.kind, c: event.conversationId, ...(event.kind === 'live' ? { a: event.activity } : {}) } satisfies Notice);
    if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) return; // only typing carries an activity, and it is small
    this.query('SELECT pg_notify($1, $2)', [this.channel, payload]).catch(() => undefined);
  }

  subscribe(listener: (event: DirectLineEvent) => void): void {
    this.listeners.push(listener);
  }

  async touch(ids: readonly string[], now: number): Promise<void> {
    if (ids.length) await this.query('UPDATE directline_conversations SET last_active = $2 WHERE id = ANY($1::text[]) AND last_active < $2', [ids, new Date(now)]);
  }

  /** Idle conversations go (their activities with them); `max` is not applied: the database holds them, not memory. */
  async evict(cutoff: number, _max: number, keep: ReadonlySet<string>): Promise<string[]> {
    const rows = await this.query<{ id: string }>('DELETE FROM directline_conversations WHERE last_active < $1 AND NOT (id = ANY($2::text[])) RETURNING id', [new Date(cutoff), [...keep]]);
    this.counted = Number((await this.query<{ n: number }>('SELECT count(*)::int AS n FROM directline_conversations'))[0]?.n ?? 0);
    return rows.map((r) => r.id);
  }

  async holdStreams(ids: readonly string[], until: number): Promise<void> {
    if (ids.length) await this.query('UPDATE directline_conversations SET stream_owner = $2, stream_until = $3 WHERE id = ANY($1::text[])', [ids, this.origin, new Date(until)]);
  }

  async releaseStream(id: string): Promise<void> {
    await this.query('UPDATE directline_conversations SET stream_owner = NULL, stream_until = NULL WHERE id = $1 AND stream_owner = $2', [id, this.origin]);
  }

  async streamOpen(id: string, now: number): Promise<boolean> {
    return (await this.query('SELECT 1 FROM directline_conversations WHERE id = $1 AND stream_until > $2', [id, new Date(now)])).length > 0;
  }

  /** Deletes every conversation whose transcript mentions `reference` (an erasure request); returns how many. */
  async eraseMentioning(reference: string): Promise<number> {
    if (!/^DEAL-[0-9A-Z]{6}$/.test(reference)) return 0;
    const rows = await this.query(`${ERASE_DIRECTLINE} RETURNING id`, [reference]);
    return rows.length;
  }

  override async close(): Promise<void> {
    this.stopped = true;
    if (this.ownListener) await this.listener.close();
    await super.close();
  }

  private emit(event: DirectLineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private onNotification(payload: string): void {
    const notice = parseNotice<Notice>(payload);
    if (!notice || notice.o === this.origin || typeof notice.c !== 'string') return;
    if (notice.k === 'live' && notice.a) this.emit({ kind: 'live', conversationId: notice.c, activity: notice.a });
    else if (notice.k === 'stored' || notice.k === 'opened') this.emit({ kind: notice.k, conversationId: notice.c });
  }
}
