/**
 * The insight store: anonymous turn outcomes and the content owner's markers, in their own
 * SQLite file (`insight.sqlite` in DATA_DIR, 0600 in a 0700 directory, secure_delete on,
 * through handover/private-files.ts).
 *
 * Why a separate file: it holds no personal data, so it can be kept, backed up and shared
 * with other rules than the handovers; and the bot writes one row per turn without taking
 * the handover database's write lock. Writes use `synchronous=NORMAL`: losing the last few
 * counts in a power cut is acceptable for statistics.
 *
 * Anonymity: each row is validated against `InsightRow` (no ids, time to the hour); row ids
 * are random, so the order of rows in the file does not give away the order of turns.
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { migrate, type Migration } from '../handover/sqlite-store.js';
import type { SqliteDatabase, SqliteStatement } from '../handover/sqlite-driver.js';
import { checkpointTruncate, openPrivateDatabase, tightenDatabaseFiles } from '../handover/private-files.js';
import { InsightRow, Marker, type MarkerVerdict } from './schema.js';
import type { z } from 'zod';

export const INSIGHT_DB_FILE = 'insight.sqlite';
export const DEFAULT_INSIGHT_RETENTION_DAYS = 90;

export const INSIGHT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'anonymous turn outcomes, content owner markers',
    sql: `
      CREATE TABLE outcomes (
        id        INTEGER PRIMARY KEY,
        hour      INTEGER NOT NULL CHECK (hour % 3600000 = 0),
        event     TEXT NOT NULL CHECK (event IN ('message', 'opened')),
        channel   TEXT NOT NULL CHECK (channel IN ('webchat', 'teams')),
        audience  TEXT NOT NULL CHECK (audience IN ('family', 'professional')),
        kind      TEXT NOT NULL CHECK (length(kind) <= 40),
        articles  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(articles) AND length(articles) <= 2000),
        routes    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(routes) AND length(routes) <= 2000),
        locality  TEXT CHECK (locality IS NULL OR length(locality) <= 80),
        urgency   TEXT CHECK (urgency IS NULL OR urgency IN ('immediate', 'priority', 'routine')),
        safety    TEXT CHECK (safety IS NULL OR length(safety) <= 40),
        question  TEXT CHECK (question IS NULL OR length(question) <= 400),
        question_too_long INTEGER NOT NULL DEFAULT 0 CHECK (question_too_long IN (0, 1))
      ) STRICT;
      CREATE INDEX outcomes_by_hour ON outcomes (hour);

      CREATE TABLE markers (
        signature  TEXT PRIMARY KEY CHECK (length(signature) <= 300),
        verdict    TEXT NOT NULL CHECK (verdict IN ('covered', 'needs-article')),
        article_id TEXT CHECK (article_id IS NULL OR length(article_id) <= 80),
        at         INTEGER NOT NULL,
        CHECK ((verdict = 'covered') = (article_id IS NOT NULL))
      ) STRICT;
    `,
  },
];

/**
 * What insight reads and writes, on either database: this SQLite file, or PostgreSQL with
 * DATABASE_URL (insight/pg-store.ts). SQLite answers at once, PostgreSQL with a promise;
 * callers await both. Both validate every row against `InsightRow` before it is written.
 */
export interface OutcomeStore {
  add(input: z.input<typeof InsightRow>): void | Promise<void>;
  rows(fromMs: number, toMs: number): InsightRow[] | Promise<InsightRow[]>;
  setMarker(signature: string, verdict: z.infer<typeof MarkerVerdict>, articleId: string | null, now: Date): Marker | Promise<Marker>;
  markers(): Map<string, Marker> | Promise<Map<string, Marker>>;
  purgeOlderThan(days: number, now: Date): number | Promise<number>;
  close(): void | Promise<void>;
}

/** One row as both databases keep it (JSON as text, the flag as 0 or 1). */
export interface OutcomeDbRow {
  hour: number;
  event: string;
  channel: string;
  audience: string;
  kind: string;
  articles: string;
  routes: string;
  locality: string | null;
  urgency: string | null;
  safety: string | null;
  question: string | null;
  question_too_long: number;
}

/** The columns after `id`, in the order both stores insert them, from a validated row. */
export function outcomeValues(input: z.input<typeof InsightRow>): unknown[] {
  const row = InsightRow.parse(input);
  return [
    row.hour, row.event, row.channel, row.audience, row.kind, JSON.stringify(row.articles), JSON.stringify(row.routes),
    row.locality, row.urgency, row.safety, row.question, row.questionTooLong ? 1 : 0,
  ];
}

export function outcomeOfRow(r: OutcomeDbRow): InsightRow {
  return InsightRow.parse({
    hour: r.hour,
    event: r.event,
    channel: r.channel,
    audience: r.audience,
    kind: r.kind,
    articles: JSON.parse(r.articles) as unknown,
    routes: JSON.parse(r.routes) as unknown,
    locality: r.locality,
    urgency: r.urgency,
    safety: r.safety,
    question: r.question,
    questionTooLong: r.question_too_long === 1,
  });
}

export const markerOf = (signature: string, verdict: z.infer<typeof MarkerVerdict>, articleId: string | null, now: Date): Marker =>
  Marker.parse({ signature, verdict, articleId: verdict === 'covered' ? articleId : null, at: now.toISOString() });

export const checkRetentionDays = (days: number) => {
  if (!Number.isFinite(days) || days < 1) throw new Error('insight retention must be at least one day');
};

/** Rows kept for one transaction at most (then written at once), and how long the first of them waits. */
const BATCH_ROWS = 64;
const BATCH_MS = 10;

type Batch = { rows: unknown[][]; done: Promise<void>; settle: (error?: unknown) => void; timer: NodeJS.Timeout };

/**
 * The SQLite file. Rows are written in batches: one transaction for the rows of the last 10 ms
 * (or 64 rows), not one per turn, which a profile put at about 2 % of the server's CPU per turn.
 * `add` checks the row at once (and throws, as before) and returns a promise of its batch's
 * commit (the recorder does not wait for it); every read, `close` and the retention purge write
 * what is waiting first, so nothing is lost on SIGTERM and this process reads its own rows.
 */
export class InsightStore implements OutcomeStore {
  readonly db: SqliteDatabase;
  readonly file: string;
  private readonly insert: SqliteStatement<unknown[]>;
  private batch: Batch | null = null;

  constructor(options: { dataDir: string; fileName?: string }) {
    this.file = join(options.dataDir, options.fileName ?? INSIGHT_DB_FILE);
    this.db = openPrivateDatabase(this.file);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      migrate(this.db, INSIGHT_MIGRATIONS);
      tightenDatabaseFiles(this.file);
      this.insert = this.db.prepare(
        `INSERT INTO outcomes (id, hour, event, channel, audience, kind, articles, routes, locality, urgency, safety, question, question_too_long)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** Stores one row (validated again here, at once: nothing else can reach the file); resolves when its batch is written. */
  add(input: z.input<typeof InsightRow>): Promise<void> {
    const values = outcomeValues(input);
    const batch = (this.batch ??= this.startBatch());
    batch.rows.push(values);
    if (batch.rows.length >= BATCH_ROWS) this.flush();
    return batch.done;
  }

  private startBatch(): Batch {
    let settle: Batch['settle'] = () => {};
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))));
    done.catch(() => {}); // a caller that does not wait is not an unhandled rejection; one that waits still gets it
    return { rows: [], done, settle, timer: setTimeout(() => this.flush(), BATCH_MS) };
  }

  /** Writes the waiting rows in one transaction. */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    clearTimeout(batch.timer);
    try {
      this.db.transaction(() => batch.rows.forEach((values) => this.insertRow(values)))();
      batch.settle();
    } catch (error) {
      batch.settle(error);
    }
  }

  private insertRow(values: unknown[]): void {
    for (let attempt = 0; ; attempt++) {
      try {
        this.insert.run(randomInt(1, 2 ** 47), ...values);
        return;
      } catch (error) {
        if (attempt >= 3 || !String((error as Error).message).includes('UNIQUE')) throw error;
      }
    }
  }

  /** Rows whose hour is in [fromMs, toMs). */
  rows(fromMs: number, toMs: number): InsightRow[] {
    this.flush();
    const rows = this.db.prepare('SELECT * FROM outcomes WHERE hour >= ? AND hour < ? ORDER BY hour').all(fromMs, toMs) as OutcomeDbRow[];
    return rows.map(outcomeOfRow);
  }

  setMarker(signature: string, verdict: z.infer<typeof MarkerVerdict>, articleId: string | null, now: Date): Marker {
    const marker = markerOf(signature, verdict, articleId, now);
    this.db
      .prepare(
        `INSERT INTO markers (signature, verdict, article_id, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (signature) DO UPDATE SET verdict = excluded.verdict, article_id = excluded.article_id, at = excluded.at`,
      )
      .run(marker.signature, marker.verdict, marker.articleId, now.getTime());
    return marker;
  }

  markers(): Map<string, Marker> {
    this.flush();
    const rows = this.db.prepare('SELECT * FROM markers').all() as { signature: string; verdict: string; article_id: string | null; at: number }[];
    return new Map(rows.map((r) => [r.signature, Marker.parse({ signature: r.signature, verdict: r.verdict, articleId: r.article_id, at: new Date(r.at).toISOString() })]));
  }

  /** Deletes rows older than `days` days (the retention timer calls this); returns how many. */
  purgeOlderThan(days: number, now: Date): number {
    checkRetentionDays(days);
    this.flush();
    const cutoff = now.getTime() - days * 86_400_000;
    const deleted = this.db.prepare('DELETE FROM outcomes WHERE hour < ?').run(cutoff).changes;
    if (deleted > 0) checkpointTruncate(this.db);
    return deleted;
  }

  close(): void {
    if (this.db.open) this.flush();
    if (this.db.open) this.db.close();
  }
}
