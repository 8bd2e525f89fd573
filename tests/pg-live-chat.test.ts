/**
 * Live chat across two instances on one PostgreSQL database (DATABASE_URL): the family's web
 * chat runs on instance A (embedded Direct Line, its stream open on A), the officer's staff
 * page is served by instance B. Through the real surfaces (Direct Line REST and WebSocket,
 * the staff pages and their server-sent events): B sees the family online, joins, and its
 * messages reach the stream on A; the family's messages on A reach the page on B (each
 * audited once); when the family's stream closes, B notices they left, and the chat's lines
 * (not shared by the family) leave the database.
 * Skipped, with a message, when PG_TEST_URL is not set.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webchatSession, type Activity } from '../bench/directline-client.js';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { contactSteps, REFERENCE, SEND, TRIAGE_ANSWERS, type Turn } from './helpers/bot-turns.js';
import { StaffClient } from './helpers/insight-page.js';
import { dropSchema, PG_TEST_URL, rawPool, testSchema } from './helpers/pg.js';
import { startService, type TestService } from './helpers/service.js';

type Streamed = Activity & { channelData?: { deal?: { kind?: string; step?: string } } };
const PASSWORD = 'correct horse battery staple';

async function until<T>(get: () => T | Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await get();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The events a staff page's stream (server-sent events) has carried, as they come. */
function eventStream(staff: StaffClient, path: string): { events: { kind: string; text: string; n: number }[]; stop: () => void } {
  const controller = new AbortController();
  const events: { kind: string; text: string; n: number }[] = [];
  void (async () => {
    const res = await fetch(`${staff.base}${path}`, { headers: { cookie: staff.cookie }, signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(0, end).split('\n').find((l) => l.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) events.push(JSON.parse(data.slice(6)) as (typeof events)[number]);
      }
    }
  })().catch(() => undefined);
  return { events, stop: () => controller.abort() };
}

describe.skipIf(!PG_TEST_URL)('live chat across two instances on PostgreSQL', () => {
  const schema = testSchema('live2');
  const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema, SESSION_SECRET: 'the same secret on every instance, 32+ chars' };
  let a: TestService;
  let b: TestService;

  beforeAll(async () => {
    [a, b] = await Promise.all([startService(env), startService(env)]);
    await Promise.all([a.ready, b.ready]);
    await new StaffAccounts(a.store, { knownLocalities: ['north', 'south', 'east', 'west'] }).addStaff('sam.north@example.org', { localityId: 'north', password: PASSWORD });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(schema);
  });

  it('lets an officer on one instance talk with a family whose chat is on the other', { timeout: 90_000 }, async () => {
    // The family: a web chat conversation on A, its stream open on A.
    const session = await webchatSession(a.url);
    const dl = (path: string, init: RequestInit = {}) =>
      fetch(`${a.url}/v3/directline${path}`, { ...init, headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' } });
    const { conversationId: id, streamUrl } = (await (await dl('/conversations', { method: 'POST' })).json()) as { conversationId: string; streamUrl: string };
    const streamed: Streamed[] = [];
    const ws = new WebSocket(streamUrl);
    ws.on('message', (data) => String(data) && streamed.push(...(JSON.parse(String(data)) as { activities: Streamed[] }).activities));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    await until(() => streamed, (s) => s.some((x) => /DEAL assistant/.test(x.text ?? '')), 'the welcome');
    let watermark = '0';
    /** One family turn on A: the bot's replies to it. */
    const say = async (turn: Turn): Promise<Streamed[]> => {
      const posted = await dl(`/conversations/${id}/activities`, { method: 'POST', body: JSON.stringify({ type: 'message', text: turn.text ?? '', ...(turn.value ? { value: turn.value } : {}) }) });
      expect(posted.status).toBe(200);
      const { id: activityId } = (await posted.json()) as { id: string };
      const set = (await (await dl(`/conversations/${id}/activities?watermark=${watermark}`)).json()) as { activities: Streamed[]; watermark: string };
      watermark = set.watermark;
      return set.activities.filter((x) => x.replyToId === activityId && x.type === 'message');
    };
    let replies = await say({ text: 'talk to a person' });
    for (let i = 0; i < 16; i++) {
      const step = [...replies].reverse().map((r) => r.channelData?.deal?.step).find(Boolean);
      if (!step || step === 'consent') break;
      replies = await say(TRIAGE_ANSWERS[step] ?? { text: 'skip' });
      if (step === 'confirm') break;
    }
    for (const step of contactSteps({ name: 'Robin Family', email: 'robin.family@example.org' })) await say(step);
    const reference = REFERENCE.exec(JSON.stringify(await say(SEND)))![0];

    // The officer, on B.
    const staff = await StaffClient.signIn(`${b.url}/staff`, 'sam.north@example.org', PASSWORD);
    expect((await staff.post(`/handovers/${reference}/claim`, {})).status).toBe(303);
    expect(await (await staff.get(`/live/${reference}`)).text()).toContain("The family's chat is open now.");
    const page = eventStream(staff, `/live/${reference}/events`);
    try {
      expect((await staff.post(`/live/${reference}/join`, { name: 'Sam' })).status).toBe(303);
      await until(() => streamed, (s) => s.some((x) => /^Sam from the DEAL team has joined this chat/.test(x.text ?? '')), 'the join on the family\'s stream');

      // The family's message, on A, reaches the page on B; the bot says nothing.
      expect(await say({ text: 'Thank you, that would be great' })).toEqual([]);
      await until(() => page.events, (e) => e.some((x) => x.kind === 'family' && x.text === 'Thank you, that would be great'), 'the family message on the page');

      // The officer's message, through B, reaches the family's stream on A.
      expect((await staff.post(`/live/${reference}/messages`, { text: 'Hello Robin, I can help.' })).status).toBe(303);
      await until(() => streamed, (s) => s.some((x) => x.text === 'Sam (DEAL team): Hello Robin, I can help.'), 'the officer message on the family\'s stream');

      // A page that reconnects (here, to A) resumes after the last event it had, with the same numbers.
      const numbers = page.events.map((e) => e.n);
      expect(new Set(numbers).size).toBe(numbers.length);
      const onA = await StaffClient.signIn(`${a.url}/staff`, 'sam.north@example.org', PASSWORD);
      const resumed = eventStream(onA, `/live/${reference}/events?after=${numbers[0]}`);
      try {
        await until(() => resumed.events, (e) => e.length >= numbers.length - 1, 'the history on the other instance');
        expect(resumed.events.map((e) => e.n)).toEqual(numbers.slice(1));
      } finally {
        resumed.stop();
      }

      // The family closes their chat on A: B notices they have gone.
      ws.close();
      await until(async () => (await staff.get(`/live/${reference}`)).text(), (t) => t.includes('The family has left the chat.'), 'the page saying the family left');
      await until(() => page.events, (e) => e.some((x) => x.kind === 'family-left'), 'the family-left event');
    } finally {
      page.stop();
      ws.terminate();
    }
    // The family did not agree to share the chat: once the session ended, its lines are gone from the database too.
    const pool = rawPool(schema);
    try {
      await until(async () => (await pool.query('SELECT n FROM live_events WHERE reference = $1', [reference])).rowCount, (n) => n === 0, 'the lines forgotten');
    } finally {
      await pool.end();
    }
    const audit = (await b.store.listAudit(reference)).map((e) => e.action);
    expect(audit.filter((x) => x === 'live-family-message')).toHaveLength(1); // heard on both instances, audited once
    expect(audit).toEqual(expect.arrayContaining(['live-joined', 'live-message', 'live-family-left']));
  });
});
