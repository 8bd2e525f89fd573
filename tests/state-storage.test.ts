/**
 * Conversation state (botbuilder `Storage`): one set of cases for SQLite (always) and
 * PostgreSQL (when PG_TEST_URL is set): read and write, eTag conflicts (two turns of one
 * conversation at once: the second write fails instead of overwriting the first), delete,
 * the idle purge and erasure by reference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgStorage } from '../bot/pg-state-storage.js';
import { SqliteStorage } from '../bot/state-storage.js';
import { dropSchema, PG_TEST_URL, testSchema } from './helpers/pg.js';

type ConversationStorage = Storage & {
  purgeIdle(maxAgeMs: number, now?: number): number | Promise<number>;
  eraseMentioning(reference: string): number | Promise<number>;
  close(): void | Promise<void>;
};

interface StorageHarness {
  open(): ConversationStorage;
  dispose(): Promise<void>;
}

function sqlite(): StorageHarness {
  const dir = mkdtempSync(join(tmpdir(), 'deal-state-'));
  return { open: () => new SqliteStorage(join(dir, 'conversations.sqlite')), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgres(): StorageHarness {
  const schema = testSchema('st');
  return {
    open: () => new PgStorage({ connectionString: PG_TEST_URL!, schema, maxConnections: 3 }),
    async dispose() {
      await dropSchema(schema);
    },
  };
}

function describeStorage(name: string, make: () => StorageHarness): void {
  describe(`conversation state: ${name}`, () => {
    let harness: StorageHarness;
    let a: ConversationStorage;
    let b: ConversationStorage; // a second instance (connection) on the same state

    beforeEach(() => {
      harness = make();
      a = harness.open();
      b = harness.open();
    });
    afterEach(async () => {
      await a.close();
      await b.close();
      await harness.dispose();
    });

    it('reads what was written, with an eTag that changes on every write, on any instance', async () => {
      expect(await a.read(['conv/1'])).toEqual({});
      await a.write({ 'conv/1': { step: 'age', facts: { childAge: 9 } } });
      const first = (await b.read(['conv/1', 'conv/2']))['conv/1'] as { step: string; eTag: string };
      expect(first).toMatchObject({ step: 'age', facts: { childAge: 9 } });
      expect(first.eTag).toMatch(/^\d+$/);
      await b.write({ 'conv/1': { ...first, step: 'setting' } });
      const second = (await a.read(['conv/1']))['conv/1'] as { step: string; eTag: string };
      expect(second.step).toBe('setting');
      expect(second.eTag).not.toBe(first.eTag);
    });

    it('refuses a write over state another turn changed since it was read (eTag conflict), and "*" overwrites', async () => {
      await a.write({ 'conv/1': { step: 'age' } });
      const readA = (await a.read(['conv/1']))['conv/1']!;
      const readB = (await b.read(['conv/1']))['conv/1']!;
      await a.write({ 'conv/1': { ...readA, step: 'from-a' } });
      await expect(b.write({ 'conv/1': { ...readB, step: 'from-b' } })).rejects.toThrow(/eTag conflict/);
      expect((await b.read(['conv/1']))['conv/1']).toMatchObject({ step: 'from-a' });
      await b.write({ 'conv/1': { step: 'forced', eTag: '*' } });
      expect((await a.read(['conv/1']))['conv/1']).toMatchObject({ step: 'forced' });
      await expect(a.write({ 'conv/1': { step: 'x', eTag: 'not-a-version' } })).rejects.toThrow(/eTag conflict/);
    });

    it('two writes at once from the same version: exactly one wins', async () => {
      await a.write({ 'conv/1': { n: 0 } });
      const seen = (await a.read(['conv/1']))['conv/1']!;
      const results = await Promise.allSettled([a.write({ 'conv/1': { ...seen, n: 1 } }), b.write({ 'conv/1': { ...seen, n: 2 } })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    });

    it('a write without an eTag only creates: two first turns of a new conversation at once, exactly one wins', async () => {
      const results = await Promise.allSettled([a.write({ 'conv/new': { n: 1 } }), b.write({ 'conv/new': { n: 2 } })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.message).toMatch(/eTag conflict/);
      const kept = (await a.read(['conv/new']))['conv/new'] as { n: number };
      await expect(a.write({ 'conv/new': { n: 3 } })).rejects.toThrow(/eTag conflict/); // later too: it exists
      expect((await b.read(['conv/new']))['conv/new']).toMatchObject({ n: kept.n });
    });

    it('deletes, purges idle state and erases what mentions a reference', async () => {
      await a.write({ 'conv/1': { ref: 'DEAL-7K3F9Q' }, 'conv/2': { ref: 'DEAL-22222Z' }, 'conv/3': { x: 1 } });
      expect(await a.eraseMentioning('DEAL-7K3F9Q')).toBe(1);
      expect(await a.eraseMentioning('not a reference')).toBe(0);
      expect(Object.keys(await b.read(['conv/1', 'conv/2', 'conv/3'])).sort()).toEqual(['conv/2', 'conv/3']);
      await b.delete(['conv/2']);
      expect(Object.keys(await a.read(['conv/1', 'conv/2', 'conv/3']))).toEqual(['conv/3']);
      expect(await a.purgeIdle(60_000)).toBe(0);
      expect(await a.purgeIdle(60_000, Date.now() + 61_000)).toBe(1);
      expect(await b.read(['conv/3'])).toEqual({});
    });
  });
}

describeStorage('SQLite', sqlite);
if (PG_TEST_URL) describeStorage('PostgreSQL', postgres);
else describe.skip('conversation state: PostgreSQL (skipped: PG_TEST_URL is not set)', () => it('runs the same cases', () => {}));
