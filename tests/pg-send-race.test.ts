/**
 * The same handover Send racing on two instances (one PostgreSQL database): a family's Send
 * reaches instance A and, at the same moment, instance B (a double press through a load
 * balancer, a client's retry). Both turns read the conversation at the confirm step and both
 * submit; one state write loses its eTag race and that turn runs again. Whatever the order,
 * exactly one handover is stored for the request (its key, ConversationData.sendKey, is
 * unique in the handovers table), every reference shown is that one, and one Teams card waits.
 * Skipped, with a message, when PG_TEST_URL is not set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSteps, REFERENCE, say, SEND, stepOf, TRIAGE_ANSWERS } from './helpers/bot-turns.js';
import { dropSchema, PG_TEST_URL, rawPool, testSchema } from './helpers/pg.js';
import { startService, type TestService } from './helpers/service.js';

describe.skipIf(!PG_TEST_URL)('one Send on two instances at once', () => {
  const schema = testSchema('send');
  const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema, SESSION_SECRET: 'the same secret on every instance, 32+ chars' };
  let a: TestService;
  let b: TestService;

  beforeAll(async () => {
    [a, b] = await Promise.all([startService(env), startService(env)]);
    await Promise.all([a.ready, b.ready]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(schema);
  });

  /** Triage, consent and contact details through alternating instances, up to (not including) Send. */
  async function upToSend(id: string): Promise<void> {
    let n = 0;
    const next = () => [a, b][n++ % 2]!.url;
    let last = await say(next(), id, 'talk to a person');
    for (let i = 0; i < 16; i++) {
      const step = stepOf(last.text);
      if (!step || step === 'consent') break;
      last = await say(next(), id, TRIAGE_ANSWERS[step] ?? { text: 'skip' });
      if (step === 'confirm') break;
    }
    for (const step of contactSteps({ name: 'Robin Family', email: 'robin.family@example.org' })) expect((await say(next(), id, step)).status).toBe(200);
  }

  it('stores one handover, and every reference shown is that one', { timeout: 60_000 }, async () => {
    const pool = rawPool(schema);
    try {
      for (const id of ['race-send-1', 'race-send-2', 'race-send-3']) {
        await upToSend(id);
        const replies = await Promise.all([say(a.url, id, SEND), say(b.url, id, SEND)]);
        expect(replies.map((r) => r.status)).toEqual([200, 200]);
        const shown = new Set(replies.flatMap((r) => r.text.match(new RegExp(REFERENCE.source, 'g')) ?? []));
        expect(shown.size).toBe(1);
        const [reference] = [...shown];
        const rows = (await pool.query<{ reference: string }>("SELECT reference FROM handovers WHERE contact_detail = 'robin.family@example.org' ORDER BY created_at")).rows;
        expect(rows.at(-1)?.reference).toBe(reference);
        expect((await pool.query('SELECT reference FROM outbox WHERE reference = $1', [reference])).rowCount).toBe(1);
      }
      // Three requests, three handovers: none stored twice.
      expect((await pool.query("SELECT reference FROM handovers WHERE contact_detail = 'robin.family@example.org'")).rowCount).toBe(3);
    } finally {
      await pool.end();
    }
  });
});
