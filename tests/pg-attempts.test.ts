/**
 * The sign-in and reference-check back-off and the immediate-handover cap, shared in
 * PostgreSQL (handover/pg/attempts.ts): two instances count the same failures, failures
 * counted at once on both all count, the table keeps only hashes of what was guessed, and
 * wrong passwords spread over two services behind one address still end in 429.
 * Skipped, with a message, when PG_TEST_URL is not set.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { PgAttempts } from '../handover/pg/attempts.js';
import { dropSchema, PG_TEST_URL, rawPool, testSchema } from './helpers/pg.js';
import { startService } from './helpers/service.js';

describe.skipIf(!PG_TEST_URL)('attempt limits shared through PostgreSQL', () => {
  const schema = testSchema('att');
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('counts failures on one instance against the other, all of them when at once, and forgets on success', async () => {
    const [one, two] = [new PgAttempts({ connectionString: PG_TEST_URL!, schema }), new PgAttempts({ connectionString: PG_TEST_URL!, schema })];
    try {
      let now = Date.parse('2026-03-02T10:00:00Z');
      const options = { free: 3, baseMs: 1_000, maxMs: 60_000, forgetAfterMs: 600_000, clock: () => now };
      const [a, b] = [one.backoff('login-pair', options), two.backoff('login-pair', options)];
      const email = 'email:someone@example.org|192.0.2.1';
      expect(await a.fail(email)).toBe(0);
      expect(await b.fail(email)).toBe(0);
      expect(await a.fail(email)).toBe(1_000); // the third failure, counted on either, starts the wait
      expect(await b.wait(email)).toBe(1_000);
      expect(await b.fail(email)).toBe(2_000);
      // Another use of the same key is counted apart.
      expect(await two.backoff('login-account', options).failures(email)).toBe(0);
      await a.succeed(email);
      expect(await b.wait(email)).toBe(0);
      expect(await b.failures(email)).toBe(0);

      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).fail('burst')));
      expect(await a.failures('burst')).toBe(20);
      expect(await b.wait('burst')).toBe(60_000); // capped
      now += 600_001 + 60_000; // no failure for longer than forgetAfterMs, and the wait is over
      expect(await a.failures('burst')).toBe(0);
      expect(await b.fail('burst')).toBe(0); // counting starts again

      const raw = rawPool(schema);
      try {
        const keys = (await raw.query<{ key: string }>('SELECT key FROM attempt_backoff')).rows.map((r) => r.key);
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true); // hashes, never the email or the address
      } finally {
        await raw.end();
      }
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('caps hits per key across instances, exactly, even when they come at once', async () => {
    const [one, two] = [new PgAttempts({ connectionString: PG_TEST_URL!, schema }), new PgAttempts({ connectionString: PG_TEST_URL!, schema })];
    try {
      let now = Date.parse('2026-03-02T10:00:00Z');
      const counters = [one, two].map((p) => p.windowCounter('immediate-handovers', 3, 3_600_000, () => now));
      const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => counters[i % 2]!.take('caller:192.0.2.9')));
      expect(taken.filter(Boolean)).toHaveLength(3);
      expect(await counters[0]!.take('caller:192.0.2.10')).toBe(true); // another caller is not held back
      now += 3_600_000;
      expect(await counters[1]!.take('caller:192.0.2.9')).toBe(true); // a window later, one more
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('answers 429 to wrong passwords spread over two instances from one address', { timeout: 60_000 }, async () => {
    const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema, SESSION_SECRET: 'the same secret on every instance, 32+ chars', TRUST_PROXY: 'loopback' };
    const services = await Promise.all([startService(env), startService(env)]);
    const email = 'south.officer@example.org';
    try {
      await Promise.all(services.map((s) => s.ready));
      await new StaffAccounts(services[0]!.store).addStaff(email, { localityId: 'south', password: 'south officer passphrase' });
      const attempt = async (n: number, pass: string) => {
        const url = services[n % 2]!.url;
        const headers = { 'x-forwarded-for': '203.0.113.50' };
        const page = await fetch(`${url}/staff/login`, { headers });
        const cookie = (page.headers.getSetCookie().find((c) => c.startsWith('deal_staff_login=')) ?? '').split(';')[0]!;
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
        const res = await fetch(`${url}/staff/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: new URLSearchParams({ email, password: pass, _csrf: csrf }).toString(),
        });
        return res.status;
      };
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await attempt(i, `wrong guess ${i}`));
      // Five free failures per account at an address (three on one instance, two on the other), then a wait on both.
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
      expect(await attempt(6, 'south officer passphrase')).toBe(429);
      expect(await attempt(7, 'south officer passphrase')).toBe(429);
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  });

  it('counts new chats and Direct Line posts from one address across two instances (30 new chats a minute in all, not per instance)', { timeout: 60_000 }, async () => {
    const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema, SESSION_SECRET: 'the same secret on every instance, 32+ chars', TRUST_PROXY: 'loopback' };
    const services = await Promise.all([startService(env), startService(env)]);
    try {
      await Promise.all(services.map((s) => s.ready));
      const token = (n: number, address: string) =>
        fetch(`${services[n % 2]!.url}/api/webchat/token`, { method: 'POST', headers: { 'x-forwarded-for': address } }).then((r) => r.status);
      const statuses: number[] = [];
      for (let i = 0; i < 32; i++) statuses.push(await token(i, '203.0.113.77'));
      // Alternating, each instance saw 16: per-instance counts would allow all 32.
      expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(30)).toEqual([429, 429]);
      expect(await token(0, '203.0.113.78')).toBe(200); // another address is not held back

      const raw = rawPool(schema);
      try {
        const keys = (await raw.query<{ key: string }>('SELECT key FROM rate_windows')).rows.map((r) => r.key);
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true); // hashes, never the address
      } finally {
        await raw.end();
      }
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  });
});
