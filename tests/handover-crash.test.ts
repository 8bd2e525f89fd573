/**
 * Crash safety: a process creating handovers is killed with SIGKILL at random moments. After
 * each kill the database must be intact, every reference the process printed (it prints only
 * after createHandover returned) must be stored completely, and no partial record may exist.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';

const WRITER = fileURLToPath(new URL('./fixtures/handover-crash-writer.ts', import.meta.url));
const ROUNDS = 6;
const dir = mkdtempSync(join(tmpdir(), 'deal-handover-crash-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer, kills it `delayMs` after its first printed reference, returns what it printed. */
function runAndKill(delayMs: number): Promise<{ printed: string[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer printed nothing within 30 s: ${stderr}`));
    }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!timer && out.includes('\n')) {
        clearTimeout(giveUp);
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    // 'close' fires after the pipes are drained, so every printed line has been read.
    child.on('close', (_code, signal) => {
      clearTimeout(giveUp);
      clearTimeout(timer);
      // A line without its newline was cut off mid-write: it does not count as printed.
      const lines = out.split('\n');
      lines.pop();
      resolve({ printed: lines, signal, stderr });
    });
  });
}

function count(store: SqliteHandoverStore, sql: string): number {
  return store.db.prepare(sql).pluck().get() as number;
}

describe('crash safety (SIGKILL during writes)', () => {
  it('keeps every committed handover complete and never leaves a partial one', async () => {
    const everPrinted = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const delay = Math.floor(Math.random() * 400);
      const { printed, signal, stderr } = await runAndKill(delay);
      expect(signal, stderr).toBe('SIGKILL');
      for (const ref of printed) everPrinted.add(ref);

      const store = new SqliteHandoverStore({ dataDir: dir });
      try {
        expect(store.integrityCheck()).toEqual(['ok']);
        expect(store.db.pragma('foreign_key_check')).toEqual([]);

        // Everything the writer printed is stored completely.
        for (const ref of everPrinted) {
          const h = await store.getHandover(ref);
          expect(h, ref).not.toBeNull();
          expect(h!.contact?.detail, ref).toMatch(/^parent\d+@example\.org$/);
          expect(h!.triage?.primary, ref).toBe('ehcna');
          expect((await store.listEvents(ref)).map((e) => e.kind)[0], ref).toBe('created');
          expect(store.outboxFor(ref).length, ref).toBeGreaterThanOrEqual(1);
        }

        // No partial records anywhere, printed or not.
        expect(count(store, "SELECT count(*) FROM handovers h WHERE NOT EXISTS (SELECT 1 FROM handover_events e WHERE e.reference = h.reference AND e.kind = 'created')")).toBe(0);
        expect(count(store, "SELECT count(*) FROM handovers h WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.reference = h.reference AND o.kind = 'teams-card')")).toBe(0);
        expect(count(store, "SELECT count(*) FROM handovers WHERE status = 'with-officer' AND reference NOT IN (SELECT reference FROM handover_events WHERE kind = 'claimed')")).toBe(0);
        expect(count(store, "SELECT count(*) FROM handovers WHERE status = 'closed' AND reference NOT IN (SELECT reference FROM handover_events WHERE kind = 'resolved')")).toBe(0);
        expect(count(store, "SELECT count(*) FROM handover_events WHERE kind = 'resolved' AND reference NOT IN (SELECT reference FROM handovers WHERE status = 'closed')")).toBe(0);
        expect(count(store, "SELECT count(*) FROM outbox o WHERE delivered_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM handover_events e WHERE e.reference = o.reference AND e.kind = 'notified')")).toBe(0);
        expect(count(store, "SELECT count(*) FROM handover_events WHERE kind = 'created'")).toBe(count(store, 'SELECT count(*) FROM handovers'));
        expect(count(store, 'SELECT count(*) FROM handovers')).toBeGreaterThanOrEqual(everPrinted.size);
      } finally {
        await store.close();
      }
    }
    expect(everPrinted.size).toBeGreaterThan(ROUNDS);
  }, 180_000);
});
