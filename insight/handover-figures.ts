/**
 * Handover figures for insight, straight from the handover database: created, claimed and
 * resolved times (from the append-only events), locality, urgency, due time, and whether a
 * check-in ("is everyone safe?") led to it.
 *
 * Why SQL here rather than the HandoverStore interface: the interface lists at most 1,000
 * handovers and returns personal data; this reads only codes and times, for any number, and
 * never the family's words (json_extract of the safety kind only). A PostgreSQL store would
 * need the same query. The safety kind lives in the story, which the retention purge empties,
 * so check-ins older than RETENTION_DAYS after closing are no longer counted.
 */
import type { SqliteDatabase } from '../handover/sqlite-driver.js';

export type HandoverFact = {
  localityId: string | null;
  urgency: string;
  createdAt: number;
  dueAt: number;
  claimedAt: number | null;
  resolvedAt: number | null;
  fromCheckin: boolean;
};

export function handoverFacts(db: SqliteDatabase, start: number, end: number): HandoverFact[] {
  const rows = db
    .prepare(
      `SELECT h.locality_id, h.urgency, h.created_at, h.due_at,
              json_extract(h.story_json, '$.safety.kind') AS safety_kind,
              (SELECT min(e.at) FROM handover_events e WHERE e.reference = h.reference AND e.kind = 'claimed') AS claimed_at,
              (SELECT min(e.at) FROM handover_events e WHERE e.reference = h.reference AND e.kind = 'resolved') AS resolved_at
       FROM handovers h WHERE h.created_at >= ? AND h.created_at < ? ORDER BY h.created_at`,
    )
    .all(start, end) as {
    locality_id: string | null;
    urgency: string;
    created_at: number;
    due_at: number;
    safety_kind: string | null;
    claimed_at: number | null;
    resolved_at: number | null;
  }[];
  return rows.map((r) => ({
    localityId: r.locality_id,
    urgency: r.urgency,
    createdAt: r.created_at,
    dueAt: r.due_at,
    claimedAt: r.claimed_at,
    resolvedAt: r.resolved_at,
    fromCheckin: r.safety_kind === 'possible-risk',
  }));
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
