/**
 * `deal insight --from YYYY-MM-DD --to YYYY-MM-DD [--json]`: the insight page's figures on
 * the command line (the same `computeFigures`), for a service manager's report or a script.
 * Reads `<DATA_DIR>/insight.sqlite` and `<DATA_DIR>/handovers.sqlite`, or with `DATABASE_URL`
 * the same tables in PostgreSQL; prints no personal
 * data (there is none in the figures: redacted short questions at most).
 */
import { resolve } from 'node:path';
import { openHandoverStore } from '../handover/sqlite-store.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/load.js';
import { computeFigures } from '../insight/figures.js';
import { parsePeriod } from '../insight/period.js';
import type { Figures } from '../insight/schema.js';
import { handoverFacts } from '../insight/handover-figures.js';
import { PgInsightStore } from '../insight/pg-store.js';
import { InsightStore } from '../insight/store.js';
import { defaultLabels, tablesOf } from '../insight/tables.js';

export type InsightCliContext = { dataDir?: string; now?: () => Date; env?: NodeJS.ProcessEnv; kb?: KnowledgeBase };

export async function insightFigures(options: { from?: string; to?: string }, context: InsightCliContext = {}): Promise<Figures> {
  const now = (context.now ?? (() => new Date()))();
  const parsed = parsePeriod(options, now);
  if (!parsed.ok) throw new Error(`insight: ${parsed.errors.join('; ')}`);
  const env = context.env ?? process.env;
  const kb = context.kb ?? loadKnowledgeBase();
  const url = env.DATABASE_URL?.trim();
  if (url) {
    // With DATABASE_URL the outcomes and the handovers are in PostgreSQL (insight/pg-store.ts); the pool is closed after.
    const insight = new PgInsightStore({ connectionString: url, ...(env.DATABASE_SCHEMA?.trim() ? { schema: env.DATABASE_SCHEMA.trim() } : {}) });
    try {
      return await computeFigures({ insight, handoverFacts: (start, end) => insight.handoverFacts(start, end), kb, period: parsed.period, now });
    } finally {
      await insight.close();
    }
  }
  const dataDir = resolve(context.dataDir ?? env.DATA_DIR ?? 'data');
  const insight = new InsightStore({ dataDir });
  const handovers = openHandoverStore({ dataDir });
  try {
    return await computeFigures({ insight, handoverFacts: (start, end) => handoverFacts(handovers.db, start, end), kb, period: parsed.period, now });
  } finally {
    insight.close();
    void handovers.close();
  }
}

/** The text to print: the figures as JSON, or each table as aligned text. */
export async function insightReport(options: { from?: string; to?: string; json?: boolean }, context: InsightCliContext = {}): Promise<string> {
  const kb = context.kb ?? loadKnowledgeBase();
  const figures = await insightFigures(options, { ...context, kb });
  if (options.json) return `${JSON.stringify(figures, null, 2)}\n`;
  const lines = [`DEAL insight, ${figures.period.from} to ${figures.period.to}`, ''];
  for (const t of Object.values(tablesOf(figures, defaultLabels(kb)))) {
    lines.push(t.title, `  ${t.columns.join(' | ')}`, ...t.rows.map((r) => `  ${r.map((c) => (c === null ? '' : String(c))).join(' | ')}`), '');
  }
  return `${lines.join('\n')}\n`;
}
