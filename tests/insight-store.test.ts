/**
 * One contract for the insight outcome store on both databases: insight.sqlite under
 * DATA_DIR (insight/store.ts) and PostgreSQL (insight/pg-store.ts, when PG_TEST_URL is set).
 * Rows come back as written, only for the asked hours; anything but the anonymous fields is
 * refused before it reaches either database; markers are replaced, not added; the purge
 * removes only what is older than the retention. Two PostgreSQL stores (two instances) see
 * each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PgInsightStore } from '../insight/pg-store.js';
import type { InsightRow } from '../insight/schema.js';
import { InsightStore, type OutcomeStore } from '../insight/store.js';
import { dropSchema, PG_TEST_URL, testSchema } from './helpers/pg.js';

type Harness = { open(): OutcomeStore; dispose(): Promise<void> };

const STORES: { name: string; harness: () => Harness }[] = [
  {
    name: 'SQLite',
    harness: () => {
      const dir = mkdtempSync(join(tmpdir(), 'deal-insight-store-'));
      return { open: () => new InsightStore({ dataDir: dir }), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(PG_TEST_URL
    ? [
        {
          name: 'PostgreSQL',
          harness: () => {
            const schema = testSchema('ins');
            return {
              open: () => new PgInsightStore({ connectionString: PG_TEST_URL!, schema }),
              dispose: async () => {
                await dropSchema(schema);
              },
            };
          },
        },
      ]
    : []),
];

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 4, 10, 9);
const row = (over: Partial<InsightRow> = {}): InsightRow => ({
  hour: T0, event: 'message', channel: 'webchat', audience: 'family', kind: 'not-sure', articles: ['ehcp-needs-assessment'], routes: [],
  locality: null, urgency: null, safety: null, question: 'is there a trampoline park discount', questionTooLong: false, ...over,
});

describe.each(STORES)('the insight store on $name', ({ harness }) => {
  it('keeps the anonymous rows and markers, refuses anything else, and purges by age', async () => {
    const h = harness();
    const a = h.open();
    const b = h.open(); // a second instance on the same database (or file)
    try {
      const written = [row(), row({ hour: T0 + HOUR, kind: 'result', routes: ['ehc-needs-assessment'], locality: 'north', urgency: 'routine', question: null }), row({ hour: T0 - 100 * 24 * HOUR, event: 'opened', kind: 'welcome', question: null })];
      for (const r of written) await a.add(r);
      expect(await b.rows(T0, T0 + 2 * HOUR)).toEqual(written.slice(0, 2));
      expect(await b.rows(T0 + HOUR, T0 + 2 * HOUR)).toEqual([written[1]]);

      // Not to the hour, an unknown field, a question too long: refused, nothing stored.
      await expect(async () => a.add({ ...row(), hour: T0 + 1 })).rejects.toThrow();
      await expect(async () => a.add({ ...row(), conversationId: 'web-123' } as InsightRow)).rejects.toThrow();
      await expect(async () => a.add(row({ question: 'x'.repeat(401) }))).rejects.toThrow();
      expect(await b.rows(0, T0 + 10 * HOUR)).toHaveLength(3);

      await a.setMarker('trampoline discount', 'needs-article', null, new Date(T0));
      const covered = await a.setMarker('trampoline discount', 'covered', 'ehcp-needs-assessment', new Date(T0 + HOUR));
      expect(covered).toEqual({ signature: 'trampoline discount', verdict: 'covered', articleId: 'ehcp-needs-assessment', at: new Date(T0 + HOUR).toISOString() });
      expect([...(await b.markers()).values()]).toEqual([covered]);
      await expect(async () => a.setMarker('x', 'covered', null, new Date(T0))).rejects.toThrow();

      expect(await b.purgeOlderThan(90, new Date(T0))).toBe(1);
      expect(await a.rows(0, T0 + 10 * HOUR)).toEqual(written.slice(0, 2));
      await expect(async () => a.purgeOlderThan(0, new Date(T0))).rejects.toThrow(/at least one day/);
    } finally {
      await a.close();
      await b.close();
      await h.dispose();
    }
  });
});

describe('the SQLite insight store writes rows in batches', () => {
  it('loses nothing on close, writes a batch in one commit visible to another connection, and keeps a refused row out of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deal-insight-batch-'));
    try {
      const a = new InsightStore({ dataDir: dir });
      const rows = Array.from({ length: 150 }, (_, i) => row({ hour: T0 + (i % 5) * HOUR }));
      const pending = rows.map((r) => a.add(r)); // more than one batch's worth, nobody waiting
      expect(() => a.add({ ...row(), hour: T0 + 1 })).toThrow(); // still refused at once
      a.close(); // as the server's shutdown does (SIGTERM): what waits is written first
      await Promise.all(pending);
      const b = new InsightStore({ dataDir: dir });
      try {
        expect(b.rows(0, T0 + 10 * HOUR)).toHaveLength(150);
        const c = new InsightStore({ dataDir: dir });
        await c.add(row({ hour: T0 + 20 * HOUR })); // resolved: committed, so another connection reads it
        expect(b.rows(T0 + 20 * HOUR, T0 + 21 * HOUR)).toHaveLength(1);
        c.close();
      } finally {
        b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
