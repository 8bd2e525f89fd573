/**
 * Kills the real server (SIGKILL) at random points while families are sending handovers
 * through /api/messages. After a restart, every handover whose reference a family was shown
 * is there in full, and no partial record exists.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { freePort } from './helpers/service.js';

const ROOT = new URL('..', import.meta.url);
const dataDir = mkdtempSync(join(tmpdir(), 'deal-kill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 1200; i++) { // up to 60 s: a loaded CI machine starts slowly
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

/** One family's whole handover, the quickest way (a safety worry skips the triage questions). */
async function sendHandover(port: number, n: number, shown: string[]): Promise<void> {
  const conversation = `kill-test-${n}`;
  const post = async (text: string, value?: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `${conversation}-${Math.random()}`,
        channelId: 'webchat',
        serviceUrl: 'https://connector.example.test/',
        conversation: { id: conversation },
        from: { id: `user-${n}` },
        recipient: { id: 'bot' },
        deliveryMode: 'expectReplies',
        text,
        ...(value ? { value } : {}),
      }),
    });
    return JSON.stringify(await res.json());
  };
  await post('my dad hits me');
  await post('', { action: 'talk-to-person', reason: 'safety' });
  await post('', { action: 'consent', agree: true });
  for (const answer of [`Parent ${n}`, 'phone', `07700 9${String(n % 100000).padStart(5, '0')}`, 'Any time', 'skip', 'no']) await post(answer);
  const reply = await post('', { action: 'handover-send' });
  const reference = /DEAL-[0-9A-Z]{6}/.exec(reply)?.[0];
  if (reference) shown.push(reference);
}

describe('killing the server mid-handover', () => {
  it('keeps every handover whose reference was shown, and never a partial one', { timeout: 240_000 }, async () => {
    const shown: string[] = [];
    let n = 0;
    for (let round = 0; round < 3; round++) {
      const port = await freePort();
      const server = await startServer(port);
      let stop = false;
      const families = Array.from({ length: 4 }, async () => {
        while (!stop) await sendHandover(port, n++, shown).catch(() => undefined);
      });
      // Kill once this round has shown at least two references (a loaded machine is slower), at a random moment after.
      const target = shown.length + 2;
      for (let waited = 0; shown.length < target && waited < 40_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGKILL');
      stop = true;
      await Promise.all([exited, ...families]);
    }
    expect(shown.length).toBeGreaterThan(3);

    // Restart once more, as the service would, then check the store on disk.
    const port = await freePort();
    const server = await startServer(port);
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
    const store = new SqliteHandoverStore({ dataDir });
    try {
      expect(store.integrityCheck()).toEqual(['ok']);
      for (const reference of shown) {
        const handover = await store.getHandover(reference);
        expect(handover, reference).not.toBeNull();
        expect(handover?.contact?.method).toBe('phone');
        expect(handover?.triage?.primary).toBe('urgent-safeguarding');
        const events = await store.listEvents(reference);
        expect(events.map((e) => e.kind)).toContain('created');
      }
      // No partial record: every stored handover has its contact, triage and created event.
      for (const handover of await store.listHandovers({ scope: { localities: 'all' }, limit: 10_000 })) {
        expect(handover.contact).not.toBeNull();
        expect(handover.triage).not.toBeNull();
        expect((await store.listEvents(handover.reference)).some((e) => e.kind === 'created')).toBe(true);
      }
    } finally {
      await store.close();
    }
  });
});
