/**
 * The insight store in PostgreSQL (`DATABASE_URL`): the same anonymous outcomes and content
 * owner's markers as `insight.sqlite` (insight/store.ts), shared by every instance, so the
 * insight page on any instance counts every instance's turns.
 *
 * Tables come from their own versioned steps (`insight_migrations`), run under the handover
 * schema's advisory lock like every other part's, in the same schema; the same checks as the
 * SQLite file keep anything but the anonymous fields out. Row ids are random, as on SQLite, so
 * the order of rows does not give away the order of turns. The handover figures are read
 * here too (the handovers are in the same schema): codes and times only.
 */
import { randomInt } from 'node:crypto';
import type { z } from 'zod';
import { isUniqueViolation, PgBase, type PgStoreOptions } from '../handover/pg/base.js';
import type { PgMigration } from '../handover/pg/migrations.js';
import type { HandoverFact } from './handover-figures.js';
import type { InsightRow, Marker, MarkerVerdict } from './schema.js';
import { checkRetentionDays, markerOf, outcomeOfRow, outcomeValues, type OutcomeDbRow, type OutcomeStore } from './store.js';

export const INSIGHT_PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'anonymous turn outcomes, content owner markers',
    sql: `
      CREATE TABLE insight_outcomes (
        id        bigint PRIMARY KEY,
        hour      bigint NOT NULL CHECK (hour % 3600000 = 0),
        event     text NOT NULL CHECK (event IN ('message', 'opened')),
        channel   text NOT NULL CHECK (channel IN ('webchat', 'teams')),
        audience  text NOT NULL CHECK (audience IN ('family', 'professional')),
        kind      text NOT NULL CHECK (length(kind) <= 40),
        articles  text NOT NULL DEFAULT '[]' CHECK (length(articles) <= 2000 AND articles::json IS NOT NULL),
        routes    text NOT NULL DEFAULT '[]' CHECK (length(routes) <= 2000 AND routes::json IS NOT NULL),
        locality  text CHECK (locality IS NULL OR length(locality) <= 80),
        urgency   text CHECK (urgency IS NULL OR urgency IN ('immediate', 'priority', 'routine')),
        safety    text CHECK (safety IS NULL OR length(safety) <= 40),
        question  text CHECK (question IS NULL OR length(question) <= 400),
        question_too_long smallint NOT NULL DEFAULT 0 CHECK (question_too_long IN (0, 1))
      );
      CREATE INDEX insight_outcomes_by_hour ON insight_outcomes (hour);
      CREATE TABLE insight_markers (
        signature  text PRIMARY KEY CHECK (length(signature) <= 300),
        verdict    text NOT NULL CHECK (verdict IN ('covered', 'needs-article')),
        article_id text CHECK (article_id IS NULL OR length(article_id) <= 80),
        at         timestamptz NOT NULL,
        CHECK ((verdict = 'covered') = (article_id IS NOT NULL))
      );
    `,
  },
];

export class PgInsightStore extends PgBase implements OutcomeStore {
  constructor(options: PgStoreOptions) {
    super({ maxConnections: 2, ...options, extraMigrations: { steps: INSIGHT_PG_MIGRATIONS, table: 'insight_migrations' } });
  }

  async add(input: z.input<typeof InsightRow>): Promise<void> {
    const values = outcomeValues(input);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.query(
          `INSERT INTO insight_outcomes (id, hour, event, channel, audience, kind, articles, routes, locality, urgency, safety, question, question_too_long)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [randomInt(1, 2 ** 47), ...values],
        );
        return;
      } catch (error) {
        if (attempt >= 3 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  async rows(fromMs: number, toMs: number): Promise<InsightRow[]> {
    return (await this.query<OutcomeDbRow & { id: number }>('SELECT * FROM insight_outcomes WHERE hour >= $1 AND hour < $2 ORDER BY hour', [fromMs, toMs])).map(outcomeOfRow);
  }

  async setMarker(signature: string, verdict: z.infer<typeof MarkerVerdict>, articleId: string | null, now: Date): Promise<Marker> {
    const marker = markerOf(signature, verdict, articleId, now);
    await this.query(
      `INSERT INTO insight_markers (signature, verdict, article_id, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (signature) DO UPDATE SET verdict = excluded.verdict, article_id = excluded.article_id, at = excluded.at`,
      [marker.signature, marker.verdict, marker.articleId, now],
    );
    return marker;
  }

  async markers(): Promise<Map<string, Marker>> {
    const rows = await this.query<{ signature: string; verdict: string; article_id: string | null; at: Date }>('SELECT * FROM insight_markers');
    return new Map(rows.map((r) => [r.signature, markerOf(r.signature, r.verdict as Marker['verdict'], r.article_id, r.at)]));
  }

  async purgeOlderThan(days: number, now: Date): Promise<number> {
    checkRetentionDays(days);
    return (await this.query('DELETE FROM insight_outcomes WHERE hour < $1 RETURNING id', [now.getTime() - days * 86_400_000])).length;
  }

  /** The handover figures (insight/handover-figures.ts) from the handover tables in this schema. */
  async handoverFacts(start: number, end: number): Promise<HandoverFact[]> {
    const rows = await this.query<{ locality_id: string | null; urgency: string; created_at: Date; due_at: Date; safety_kind: string | null; claimed_at: Date | null; resolved_at: Date | null }>(
      `SELECT h.locality_id, h.urgency, h.created_at, h.due_at, h.story_json -> 'safety' ->> 'kind' AS safety_kind,
              (SELECT min(e.at) FROM handover_events e WHERE e.reference = h.reference AND e.kind = 'claimed') AS claimed_at,
              (SELECT min(e.at) FROM handover_events e WHERE e.reference = h.reference AND e.kind = 'resolved') AS resolved_at
       FROM handovers h WHERE h.created_at >= $1 AND h.created_at < $2 ORDER BY h.created_at`,
      [new Date(start), new Date(end)],
    );
    return rows.map((r) => ({
      localityId: r.locality_id,
      urgency: r.urgency,
      createdAt: r.created_at.getTime(),
      dueAt: r.due_at.getTime(),
      claimedAt: r.claimed_at?.getTime() ?? null,
      resolvedAt: r.resolved_at?.getTime() ?? null,
      fromCheckin: r.safety_kind === 'possible-risk',
    }));
  }
}
