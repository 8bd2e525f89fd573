/**
 * The service and the `deal` command on PostgreSQL (DATABASE_URL): two instances share one
 * database (a staff session made on one works on the other; a handover stored through one is
 * listed by the CLI once), the CLI exits promptly, and /readyz fails when the database is
 * unreachable. Skipped, with a message, when PG_TEST_URL is not set.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStorage } from '../bot/pg-state-storage.js';
import { sampleDraft } from './fixtures/handover-draft.js';
import { dropSchema, PG_TEST_URL, rawPool, testSchema } from './helpers/pg.js';
import { startService, type TestService } from './helpers/service.js';

const PASSWORD = 'a long enough passphrase';

/** Runs `deal …` against the test schema; resolves with its exit code, output and how long it took. */
function deal(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/deal.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000); // a pool left open would hang here
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function setCookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const i = pair!.indexOf('=');
    out.set(pair!.slice(0, i), decodeURIComponent(pair!.slice(i + 1)));
  }
  return out;
}

describe.skipIf(!PG_TEST_URL)('two instances and the CLI on PostgreSQL', () => {
  const schema = testSchema('svc');
  const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema };
  let a: TestService;
  let b: TestService;

  beforeAll(async () => {
    [a, b] = await Promise.all([startService(env), startService(env)]); // both against an empty schema
    await Promise.all([a.ready, b.ready]);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await dropSchema(schema);
  });

  it('both instances are ready', async () => {
    for (const s of [a, b]) {
      const res = await fetch(`${s.url}/readyz`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { checks: Record<string, string> }).checks.handovers).toBe('ok');
    }
  });

  it('`deal staff add` writes to the database and exits promptly; a session made on one instance works on the other', async () => {
    const added = await deal(['staff', 'add', 'officer.pg@example.org', '--locality', 'north'], { ...env, DEAL_STAFF_PASSWORD: PASSWORD });
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/officer for north/);
    expect(added.ms).toBeLessThan(15_000);
    expect((await b.store.getStaff('officer.pg@example.org'))?.localityId).toBe('north');

    const page = await fetch(`${a.url}/staff/login`);
    const login = setCookies(page).get('deal_staff_login')!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const signedIn = await fetch(`${a.url}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `deal_staff_login=${login}` },
      body: new URLSearchParams({ email: 'officer.pg@example.org', password: PASSWORD, _csrf: csrf }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const session = setCookies(signedIn).get('deal_staff_session')!;
    const onB = await fetch(`${b.url}/staff/api/session`, { headers: { cookie: `deal_staff_session=${session}` } });
    expect(onB.status).toBe(200);
    expect(await onB.json()).toMatchObject({ csrfToken: expect.any(String) });
  });

  it('a handover stored through one instance is listed once by `deal handovers list --json`, which exits promptly', async () => {
    const h = await a.store.createHandover(sampleDraft({}, 'priority', 'north'));
    expect((await b.store.getHandover(h.reference))?.contact?.name).toBe('Sam Parent');
    const listed = await deal(['handovers', 'list', '--json'], env);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.ms).toBeLessThan(15_000);
    const rows = JSON.parse(listed.stdout) as { reference: string }[];
    expect(rows.filter((r) => r.reference === h.reference)).toHaveLength(1);
    expect(listed.stdout).not.toMatch(/Sam Parent|07700/);
  });

  it('conversation state is shared, and `deal handovers erase` deletes the state that mentions the reference', async () => {
    const h = await b.store.createHandover(sampleDraft({}, 'routine', 'north'));
    const state = new PgStorage({ connectionString: PG_TEST_URL!, schema });
    try {
      await state.write({ 'webchat/conversations/x/': { deal: { lastReference: h.reference } }, 'webchat/conversations/y/': { deal: {} } });
      const erased = await deal(['handovers', 'erase', h.reference, '--reason', 'asked by phone'], env);
      expect(erased.status, erased.stderr).toBe(0);
      expect(erased.stdout).toMatch(/1 conversation mentioning it deleted/);
      expect(Object.keys(await state.read(['webchat/conversations/x/', 'webchat/conversations/y/']))).toEqual(['webchat/conversations/y/']);
      expect((await a.store.getHandover(h.reference))?.contact).toBeNull();
    } finally {
      await state.close();
    }
  });

  it('`deal handovers erase` also deletes the web chat transcript and the live chat lines that mention the reference', async () => {
    const h = await b.store.createHandover(sampleDraft({}, 'routine', 'north'));
    const raw = rawPool(schema);
    try {
      const now = new Date();
      await raw.query('INSERT INTO directline_conversations (id, user_id, created_at, last_active) VALUES ($1, $2, $3, $3), ($4, $2, $3, $3)', ['dl-mentions', 'u1', now, 'dl-other']);
      await raw.query('INSERT INTO directline_activities (conversation_id, seq, bytes, body) VALUES ($1, 1, 10, $2), ($3, 1, 10, $4)', ['dl-mentions', `Your reference is ${h.reference}`, 'dl-other', 'hello']);
      await raw.query('INSERT INTO live_counters (reference, n) VALUES ($1, 1)', [h.reference]);
      await raw.query('INSERT INTO live_events (reference, n, body) VALUES ($1, 1, $2)', [h.reference, '{"from":"family","text":"he is 9"}']);
      const erased = await deal(['handovers', 'erase', h.reference, '--reason', 'asked by phone'], env);
      expect(erased.status, erased.stderr).toBe(0);
      expect(erased.stdout).toMatch(/1 conversation mentioning it deleted/);
      const left = async (sql: string, params: unknown[]) => Number((await raw.query<{ n: string }>(sql, params)).rows[0]!.n);
      expect(await left('SELECT count(*) AS n FROM directline_activities WHERE strpos(body, $1) > 0', [h.reference])).toBe(0);
      expect(await left('SELECT count(*) AS n FROM directline_conversations WHERE id = $1', ['dl-other'])).toBe(1);
      expect(await left('SELECT count(*) AS n FROM live_events WHERE reference = $1', [h.reference])).toBe(0);
    } finally {
      await raw.end();
    }
  });

  it('`deal handovers backup` points to pg_dump', async () => {
    const backup = await deal(['handovers', 'backup', `/tmp/${schema}.sqlite`], env);
    expect(backup.status).not.toBe(0);
    expect(backup.stderr).toMatch(/pg_dump/);
  });
});

describe.skipIf(!PG_TEST_URL)('an unreachable database', () => {
  it('makes /readyz fail (503, naming the handovers check) and `ready` reject', async () => {
    const service = await startService({ DATABASE_URL: 'postgres://deal:secret@127.0.0.1:1/deal' });
    try {
      await expect(service.ready).rejects.toThrow();
      const res = await fetch(`${service.url}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { checks: Record<string, string> }).checks).toMatchObject({ handovers: 'failed', knowledge: 'ok' });
    } finally {
      await service.stop();
    }
  });

  it('rejects a DATABASE_URL that is not postgres://', async () => {
    await expect(startService({ DATABASE_URL: 'mysql://x@y/z' })).rejects.toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
  });
});
