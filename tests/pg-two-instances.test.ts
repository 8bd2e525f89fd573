/**
 * Two instances (`app/main.ts` as `npm start` runs it, two processes, two ports, two data
 * directories) on one PostgreSQL database: one family's conversation alternates between them
 * turn by turn, through triage, consent and contact details; one instance is SIGKILLed
 * mid-handover and the other finishes it. The reference shown exists exactly once, and
 * `deal handovers list --json` lists it once. Skipped, with a message, when PG_TEST_URL is not set.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PgHandoverStore } from '../handover/pg-store.js';
import { contactSteps, REFERENCE, say, SEND, stepOf, TRIAGE_ANSWERS } from './helpers/bot-turns.js';
import { dropSchema, PG_TEST_URL, testSchema } from './helpers/pg.js';
import { freePort } from './helpers/service.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
type Instance = { process: ChildProcess; url: string; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

describe.skipIf(!PG_TEST_URL)('two instances on one PostgreSQL database', () => {
  const schema = testSchema('two');
  const dirs: string[] = [];
  const instances: Instance[] = [];
  const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema, SESSION_SECRET: 'the same secret on every instance, 32+ chars' };

  async function start(): Promise<Instance> {
    const dataDir = mkdtempSync(join(tmpdir(), 'deal-two-'));
    dirs.push(dataDir);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env, NODE_ENV: 'test', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const instance = { process: child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
    instances.push(instance);
    return instance;
  }

  async function untilReady(i: Instance): Promise<void> {
    for (let n = 0; ; n++) {
      if (i.process.exitCode !== null) throw new Error(`instance exited: ${i.output()}`);
      if (await fetch(`${i.url}/readyz`).then((r) => r.ok, () => false)) return;
      if (n > 900) throw new Error(`instance did not become ready: ${i.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  afterAll(async () => {
    for (const i of instances) {
      if (i.process.exitCode === null && i.process.signalCode === null) i.process.kill('SIGTERM');
      await i.exited;
    }
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    await dropSchema(schema);
  });

  it('alternates one conversation between them, survives a SIGKILL mid-handover, and stores it once', { timeout: 180_000 }, async () => {
    // Both started at the same moment against an empty schema.
    const [a, b] = [await start(), await start()];
    await Promise.all([untilReady(a), untilReady(b)]);
    const conversation = `two-instances-${schema}`;
    const email = `robin.${schema}@example.org`;
    const pick = (n: number) => (n % 2 === 0 ? a : b);
    let n = 0;

    // Triage, each turn on the other instance: the state one saved is what the next one reads.
    let last = await say(pick(n++).url, conversation, { text: 'what should I do next' });
    for (let i = 0; i < 16; i++) {
      const step = stepOf(last.text);
      if (!step) break;
      last = await say(pick(n++).url, conversation, TRIAGE_ANSWERS[step] ?? { text: 'skip' });
      expect(last.status).toBe(200);
      if (step === 'confirm') break;
    }
    expect(last.text).toMatch(/talk to|person|contact/i);
    // Consent and contact details, still alternating; then instance A dies before Send.
    for (const turn of [{ text: 'talk to a person' }, ...contactSteps({ name: 'Robin Example', email })]) {
      const r = await say(pick(n++).url, conversation, turn);
      expect(r.status).toBe(200);
    }
    a.process.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');

    const sent = await say(b.url, conversation, SEND);
    const reference = REFERENCE.exec(sent.text)?.[0];
    expect(reference, sent.text.slice(0, 500)).toBeDefined();
    // A second press (a retry after the kill, say) stores nothing more.
    expect((await say(b.url, conversation, SEND)).text).not.toContain(reference!);

    const store = await PgHandoverStore.open({ connectionString: PG_TEST_URL!, schema });
    try {
      const all = await store.listHandovers({ scope: { localities: 'all' }, includePurged: true });
      expect(all.filter((h) => h.contact?.detail === email)).toHaveLength(1);
      expect((await store.getHandover(reference!))?.contact).toMatchObject({ name: 'Robin Example', detail: email });
      expect((await store.listEvents(reference!)).map((e) => e.kind)).toEqual(['created']);
    } finally {
      await store.close();
    }
    const listed = spawnSync(process.execPath, ['bin/deal.js', 'handovers', 'list', '--json'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { reference: string }[]).filter((r) => r.reference === reference)).toHaveLength(1);
  });
});
