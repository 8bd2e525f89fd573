/**
 * The one LISTENing connection per instance (handover/pg/listener.ts), shared by the Direct
 * Line's streams and live chat: notifications on each channel reach that channel's handler
 * only; when the connection is killed (a database restart, a failover) it is opened again,
 * every channel's resync runs (what was sent meanwhile is gone), and notifications flow again.
 * Skipped, with a message, when PG_TEST_URL is not set.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { PgListener } from '../handover/pg/listener.js';
import { PG_TEST_URL, rawPool } from './helpers/pg.js';

async function until(ok: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!PG_TEST_URL)('the shared LISTEN connection', () => {
  const pool = PG_TEST_URL ? rawPool('public') : null;
  afterAll(async () => pool?.end());

  it('delivers each channel to its handler, and after a lost connection listens again and resyncs', async () => {
    const tag = randomBytes(4).toString('hex');
    const [one, two] = [`test_one_${tag}`, `test_two_${tag}`];
    const heard: string[] = [];
    let resyncs = 0;
    const listener = new PgListener({ connectionString: PG_TEST_URL! });
    try {
      listener.on(one, (p) => heard.push(`one:${p}`), () => resyncs++);
      listener.on(two, (p) => heard.push(`two:${p}`));
      const listening = async () => (await pool!.query('SELECT pid FROM pg_stat_activity WHERE query = $1', [`LISTEN ${two}`])).rowCount === 1;
      await until(listening, 'the listener to connect');
      await pool!.query('SELECT pg_notify($1, $2), pg_notify($3, $4)', [one, 'a', two, 'b']);
      await until(() => heard.length === 2, 'both notifications');
      expect(heard).toEqual(['one:a', 'two:b']);
      expect(resyncs).toBe(0);

      // The database drops the connection: the listener comes back, and says so.
      await pool!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [`LISTEN ${two}`]);
      await until(() => resyncs === 1, 'the resync after reconnecting');
      await pool!.query('SELECT pg_notify($1, $2)', [one, 'c']);
      await until(() => heard.length === 3, 'a notification after reconnecting');
      expect(heard.at(-1)).toBe('one:c');
    } finally {
      await listener.close();
    }
  }, 30_000);
});
