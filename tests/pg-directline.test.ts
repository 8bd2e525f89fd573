/**
 * The embedded Direct Line on PostgreSQL (bot/directline-pg-store.ts): two services on one
 * database, as two instances behind a load balancer. A token from one instance's
 * `POST /api/webchat/token` works on the other for reading and posting, with the same
 * watermarks; an activity posted through one reaches a WebSocket held by the other (NOTIFY);
 * a stream opened on one closes the conversation's stream on the other; Microsoft's own client
 * keeps one conversation going while its requests alternate between the instances.
 * Skipped, with a message, when PG_TEST_URL is not set.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, post, webchatSession, type Activity } from '../bench/directline-client.js';
import { PgDirectLineStore } from '../bot/directline-pg-store.js';
import { dropSchema, PG_TEST_URL, testSchema } from './helpers/pg.js';
import { startService, type TestService } from './helpers/service.js';

type ActivitySet = { activities: Activity[]; watermark: string };
const isAnswer = (a: Activity) => a.from?.role === 'bot' && a.type === 'message';

describe.skipIf(!PG_TEST_URL)('embedded Direct Line shared through PostgreSQL', () => {
  const schema = testSchema('dl');
  const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema, SESSION_SECRET: 'the same secret on every instance, 32+ chars' };
  let a: TestService;
  let b: TestService;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([startService(env), startService(env)]); // both migrate an empty schema at once
    await Promise.all([a.ready, b.ready]);
  }, 60_000);
  afterAll(async () => {
    sockets.forEach((s) => s.terminate());
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(schema);
  });

  const dl = (s: TestService, path: string, token: string, init: RequestInit = {}) =>
    fetch(`${s.url}/v3/directline${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const activities = async (s: TestService, id: string, token: string, watermark?: string) =>
    (await (await dl(s, `/conversations/${id}/activities${watermark ? `?watermark=${watermark}` : ''}`, token)).json()) as ActivitySet;
  async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; ; i++) {
      const v = await get();
      if (ok(v) || i > 100) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const open = (url: string) =>
    new Promise<{ ws: WebSocket; sets: ActivitySet[] }>((resolve, reject) => {
      const ws = new WebSocket(url);
      sockets.push(ws);
      const sets: ActivitySet[] = [];
      ws.on('message', (data) => String(data) && sets.push(JSON.parse(String(data)) as ActivitySet));
      ws.once('open', () => resolve({ ws, sets }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });

  it('takes a token from one instance on the other, with the same activities and watermarks', async () => {
    const session = await webchatSession(a.url);
    const start = (await (await dl(b, '/conversations', session.token, { method: 'POST' })).json()) as { conversationId: string; streamUrl: string };
    expect(start.conversationId).toMatch(/^[A-Za-z0-9]+$/);
    const id = start.conversationId;
    const welcome = await until(() => activities(a, id, session.token), (s) => s.activities.some(isAnswer));
    expect(welcome.activities.find(isAnswer)?.text).toMatch(/DEAL assistant/);

    const posted = await dl(a, `/conversations/${id}/activities`, session.token, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'what is a SENCO' }) });
    expect(posted.status).toBe(200);
    const { id: activityId } = (await posted.json()) as { id: string };
    const [onA, onB] = [await activities(a, id, session.token), await activities(b, id, session.token)];
    expect(onB).toEqual(onA);
    expect(onB.activities.some((x) => x.replyToId === activityId && isAnswer(x))).toBe(true);
    // After a watermark, each instance returns only what came later, and the same thing.
    const later = await dl(b, `/conversations/${id}/activities`, session.token, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'CAMHS' }) });
    expect(later.status).toBe(200);
    const [newOnA, newOnB] = [await activities(a, id, session.token, onA.watermark), await activities(b, id, session.token, onA.watermark)];
    expect(newOnA).toEqual(newOnB);
    expect(newOnA.activities[0]?.text).toBe('CAMHS');
    expect(Number(newOnA.watermark)).toBe(Number(onA.watermark) + newOnA.activities.length);
    // Someone else's token is no key to it, on either instance.
    const other = await webchatSession(b.url);
    expect((await dl(a, `/conversations/${id}/activities`, other.token)).status).toBe(404);
  });

  it('streams to a socket on one instance what is posted through the other, and keeps one socket per conversation', async () => {
    const session = await webchatSession(a.url);
    const start = (await (await dl(a, '/conversations', session.token, { method: 'POST' })).json()) as { conversationId: string; streamUrl: string };
    const id = start.conversationId;
    await until(() => activities(a, id, session.token), (s) => s.activities.some(isAnswer));
    const reconnect = (await (await dl(b, `/conversations/${id}?watermark=1`, session.token)).json()) as { streamUrl: string };
    const onB = await open(reconnect.streamUrl);
    const posted = (await (await dl(a, `/conversations/${id}/activities`, session.token, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'SENDIASS' }) })).json()) as { id: string };
    const streamed = await until(async () => onB.sets.flatMap((s) => s.activities), (all) => all.some((x) => x.replyToId === posted.id && isAnswer(x)));
    expect(streamed.find((x) => x.replyToId === posted.id && isAnswer(x))).toBeDefined();
    expect(streamed.some((x) => x.type === 'typing' && x.replyToId === posted.id)).toBe(true); // typing crosses too, though never stored
    // What the stream carried is exactly what is stored after watermark 1, each once, in order.
    const stored = await activities(a, id, session.token, '1');
    expect(streamed.filter((x) => x.type !== 'typing').map((x) => x.id)).toEqual(stored.activities.map((x) => x.id));
    expect(onB.sets.at(-1)?.watermark).toBe(stored.watermark);

    const closed = new Promise<number>((resolve) => onB.ws.once('close', (code) => resolve(code)));
    const onA = await open(start.streamUrl);
    expect(await closed).toBe(1000);
    expect(onA.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("keeps Microsoft's client in one conversation while its requests alternate between instances", { timeout: 40_000 }, async () => {
    const session = await webchatSession(b.url);
    let n = 0;
    // A load balancer without sticky sessions: every request the client makes goes to the next instance.
    const domains = [a, b].map((s) => `${s.url}/v3/directline`);
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      const next = domains[n++ % 2]!;
      return realFetch(domains.reduce((u, d) => u.replace(d, next), url), init);
    }) as typeof fetch;
    const client = connect({ ...session, domain: domains[0]! }, { webSocket: true });
    try {
      await client.next((x) => isAnswer(x) && /DEAL assistant/.test(x.text ?? ''));
      for (const text of ['CAMHS', 'what is a SENCO', 'how do i apply for an ehcp']) {
        const id = await post(client, text, session.userId);
        await client.next((x) => isAnswer(x) && x.replyToId === id, { timeoutMs: 15_000 });
      }
    } finally {
      globalThis.fetch = realFetch;
      client.end();
    }
    expect(n).toBeGreaterThanOrEqual(4);
    const ids = client.seen.map((s) => s.activity).filter((x) => x.type !== 'typing').map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
  });

  it('gives two instances appending at once consecutive sequence numbers, and cuts a transcript by size', async () => {
    const stores = [0, 1].map(() => new PgDirectLineStore({ connectionString: PG_TEST_URL!, schema, maxConnections: 4 }));
    try {
      await stores[0]!.create('race', 'web_someone', Date.now());
      const limits = { maxActivities: 500, maxBytes: 3_000 };
      const appended = await Promise.all(
        Array.from({ length: 40 }, (_, i) => stores[i % 2]!.append('race', (seq) => ({ type: 'message', id: `race|${seq}`, text: `m${i} ${'x'.repeat(100)}` }), Date.now(), limits)),
      );
      expect(appended.map((r) => r!.watermark).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const left = (await stores[1]!.after('race', 0))!;
      expect(left.watermark).toBe('40');
      expect(Buffer.byteLength(JSON.stringify(left.activities))).toBeLessThanOrEqual(3_000 + left.activities.length);
      expect(left.activities.at(-1)?.id).toBe('race|39');
      expect(left.activities.length).toBeLessThan(40);
      // The conversation and the in-process Direct Line agree on the newest when the cap is one activity.
      const one = await stores[0]!.append('race', (seq) => ({ type: 'message', id: `race|${seq}`, text: 'y'.repeat(5_000) }), Date.now(), limits);
      expect(one?.watermark).toBe(41);
      expect((await stores[0]!.after('race', 0))!.activities.map((x) => x.id)).toEqual(['race|40']);
      expect(await stores[0]!.append('gone', (seq) => ({ id: String(seq) }), Date.now(), limits)).toBeNull();
      // Idle conversations go, with their activities, except one whose stream is open here (or was touched by another instance).
      const now = Date.now();
      for (const id of ['idle', 'held', 'touched']) await stores[0]!.create(id, 'web_someone', now - 2 * 3_600_000);
      await stores[1]!.touch(['touched'], now);
      expect(await stores[0]!.evict(now - 3_600_000, 20_000, new Set(['held']))).toEqual(['idle']);
      expect(await stores[1]!.get('idle', now)).toBeNull();
      expect(await stores[1]!.after('race', 0)).not.toBeNull();
      expect((await stores[1]!.get('held', now))?.userId).toBe('web_someone');
      expect(await stores[1]!.get('touched', now)).not.toBeNull();
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
