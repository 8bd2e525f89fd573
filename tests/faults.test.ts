/**
 * Faults: a process killed mid-conversation carries on where the family was; a handover
 * store that is locked or full gives the family a clear "nothing was sent yet" and never a
 * reference, and a retry after the fault stores the handover once; SIGTERM lets turns in
 * flight finish and exits 0. (A slow or failing Teams connector is covered by the outbox tests.)
 */
import { Database, type SqliteDatabase } from '../handover/sqlite-driver.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { activity, contactSteps, REFERENCE, say, SEND, stepOf, triageToResult } from './helpers/bot-turns.js';
import { freePort, startService } from './helpers/service.js';
import type { SqliteHandoverStore } from '../handover/sqlite-store.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'deal-faults-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Child = { process: ChildProcess; url: string; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

/** Starts `app/main.ts` as its own process, as `npm start` does, and waits until it answers. */
async function startServer(dataDir: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 200) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { process: child, url, output: () => output, exited };
}

describe('process killed mid-conversation', () => {
  it('carries on at the same triage step after SIGKILL and a restart on the same data', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const conversation = 'fault-kill-conversation';
    const first = await startServer(dataDir);
    try {
      expect(stepOf((await say(first.url, conversation, 'what should I do next')).text)).toBe('concern');
      await say(first.url, conversation, 'my son is 8, he is at a mainstream primary school and he is really struggling with maths and nothing is in place yet');
      const beforeKill = await say(first.url, conversation, { value: { action: 'triage-answer', step: 'requester', option: 'Parent' } });
      expect(stepOf(beforeKill.text)).toBe('place');
    } finally {
      first.process.kill('SIGKILL');
    }
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startServer(dataDir);
    try {
      // The next answer is read as the answer to the question asked before the kill.
      const afterRestart = await say(second.url, conversation, 'Weymouth');
      expect(stepOf(afterRestart.text)).not.toBe('place');
      const answers = { senSupport: { text: 'no, not yet' }, externalAdvice: { text: 'no' }, ehcp: { text: 'no' }, diagnosis: { text: 'no' }, safety: { text: 'no' } };
      let last = afterRestart;
      for (let i = 0; i < 8 && stepOf(last.text) !== 'confirm'; i++) last = await say(second.url, conversation, answers[stepOf(last.text) as keyof typeof answers] ?? { text: 'skip' });
      const summary = last.text;
      // Answers from before the kill are still there.
      expect(stepOf(summary)).toBe('confirm');
      for (const fact of ['Parent', '"8"', 'Mainstream school', 'Weymouth']) expect(summary).toContain(fact);
    } finally {
      second.process.kill('SIGTERM');
      await second.exited;
    }
  });
});

describe('handover store faults', () => {
  const countFor = (db: SqliteDatabase, email: string) =>
    db.prepare('SELECT count(*) FROM handovers WHERE contact_detail = ?').pluck().get(email) as number;

  async function toConfirmStep(url: string, conversation: string, email: string) {
    await triageToResult(url, conversation, undefined, { text: 'talk to a person' });
    for (const turn of contactSteps({ name: 'Robin Example', email })) await say(url, conversation, turn);
  }

  function expectCouldNotSend(text: string) {
    expect(text).toMatch(/couldn't send your request just now, so nothing has been sent yet/);
    expect(text).toMatch(/try again/);
    expect(text).toMatch(/call .+ on \[?\d/); // the number is a tel: link on web chat
    expect(text).not.toMatch(REFERENCE);
  }

  it('busy (locked by another connection beyond busy_timeout): clear message, no reference, then a retry stores it once', async () => {
    const service = await startService();
    const other = new Database(join(service.dataDir, 'handovers.sqlite'));
    try {
      const email = 'robin.busy@example.org';
      await toConfirmStep(service.url, 'fault-busy', email);
      (service.store as SqliteHandoverStore).db.pragma('busy_timeout = 200'); // the real 5 s would only make the test slower
      other.exec('BEGIN IMMEDIATE'); // holds the write lock
      const failed = await say(service.url, 'fault-busy', SEND);
      expect(failed.status).toBe(200);
      expectCouldNotSend(failed.text);
      other.exec('ROLLBACK');
      expect(countFor(other, email)).toBe(0);

      const retried = await say(service.url, 'fault-busy', SEND);
      expect(retried.text).toMatch(REFERENCE);
      // A second press of the same button does not store it again.
      expect((await say(service.url, 'fault-busy', SEND)).text).not.toMatch(REFERENCE);
      expect(countFor(other, email)).toBe(1);
    } finally {
      other.close();
      await service.stop();
    }
  });

  it('disk full (every insert fails): clear message, no reference, then a retry stores it once', async () => {
    const service = await startService();
    const other = new Database(join(service.dataDir, 'handovers.sqlite'));
    try {
      const email = 'robin.full@example.org';
      await toConfirmStep(service.url, 'fault-full', email);
      other.exec("CREATE TRIGGER simulated_disk_full BEFORE INSERT ON handovers BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
      expectCouldNotSend((await say(service.url, 'fault-full', SEND)).text);
      expectCouldNotSend((await say(service.url, 'fault-full', SEND)).text); // still full: still nothing sent
      expect(countFor(other, email)).toBe(0);
      expect(other.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0); // no notification for a handover that does not exist

      other.exec('DROP TRIGGER simulated_disk_full');
      const retried = await say(service.url, 'fault-full', SEND);
      expect(retried.text).toMatch(REFERENCE);
      expect(countFor(other, email)).toBe(1);
      expect(service.logs.join('\n')).not.toContain(email);
    } finally {
      other.close();
      await service.stop();
    }
  });
});

describe('graceful shutdown', () => {
  /** A Bot Connector that holds every reply until released, so turns stay in flight. */
  async function slowConnector() {
    const held: ServerResponse[] = [];
    let release = false;
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        if (release) res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
        else held.push(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      held: () => held.length,
      release() {
        release = true;
        for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
      },
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  it('finishes turns in flight on SIGTERM, refuses new ones, and exits 0', { timeout: 60_000 }, async () => {
    const connector = await slowConnector();
    const server = await startServer(tempDir());
    try {
      const N = 6;
      const inFlight = Array.from({ length: N }, (_, i) =>
        fetch(`${server.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // Normal delivery: the reply goes to the connector, which holds it.
          body: JSON.stringify({ ...activity(`shutdown-${i}`, { text: 'what is an ehcp' }), deliveryMode: undefined, serviceUrl: connector.url }),
        }).then((r) => r.status),
      );
      for (let i = 0; connector.held() < N; i++) {
        if (i > 300) throw new Error(`only ${connector.held()} turns reached the connector: ${server.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      server.process.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      expect(server.process.exitCode).toBeNull(); // still finishing the turns
      expect(await fetch(`${server.url}/healthz`).then(() => 'accepted', () => 'refused')).toBe('refused');
      connector.release();
      expect(await Promise.all(inFlight)).toEqual(Array(N).fill(200));
      const released = Date.now();
      const exit = await server.exited;
      // Promptly: idle keep-alive connections do not hold the shutdown open until they time out
      // (Node's keep-alive timeout is 5 s; the bound leaves room for a busy machine).
      expect(Date.now() - released).toBeLessThan(4_500);
      expect(exit, server.output()).toEqual({ code: 0, signal: null });
      expect(server.output()).toMatch(/"msg":"stopped"/);
    } finally {
      if (server.process.exitCode === null) server.process.kill('SIGKILL');
      await connector.close();
    }
  });

  it('stops the outbox worker when the service closes', async () => {
    const service = await startService({ MicrosoftAppId: 'test-app-id', MicrosoftAppPassword: 'test-password', MicrosoftAppType: 'MultiTenant', OUTBOX_POLL_MS: '50' });
    expect(service.outbox?.isRunning).toBe(true);
    await service.stop();
    expect(service.outbox?.isRunning).toBe(false);
  });
});
