/**
 * Streaming on the embedded Direct Line, tested with Microsoft's own client
 * (`botframework-directlinejs`, `webSocket: true`) and with raw WebSockets: a streamUrl,
 * typing before each answer, reconnect with the watermark losing and repeating nothing, one
 * socket per conversation, the stream's token, keep-alives, and polling still working.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLine as EmbeddedDirectLine } from '../bot/directline.js';
import { connect, post, webchatSession, type Activity, type Client } from '../bench/directline-client.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
const clients: Client[] = [];
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  for (const c of clients) c.end();
  await service?.stop();
});

const fromBot = (a: Activity) => a.from?.role === 'bot' || a.from?.id === 'deal-front-door';
const isAnswer = (a: Activity) => fromBot(a) && a.type === 'message';

async function streamingClient(): Promise<{ client: Client; userId: string }> {
  const session = await webchatSession(service.url);
  expect(session.webSocket).toBe(true);
  const client = connect(session, { webSocket: true });
  clients.push(client);
  await client.next((a) => isAnswer(a) && /DEAL assistant/.test(a.text ?? ''));
  return { client, userId: session.userId };
}

/** Every stored activity, by polling, as a second client would see it. */
async function transcript(client: Client): Promise<Activity[]> {
  const dl = client.directLine as unknown as { domain: string; conversationId: string; token: string };
  const res = await fetch(`${dl.domain}/conversations/${dl.conversationId}/activities`, { headers: { authorization: `Bearer ${dl.token}` } });
  return ((await res.json()) as { activities: Activity[] }).activities;
}

/**
 * The token with its signature's first character changed. Not "the last two characters replaced by xx": one token in
 * 4,096 already ends in "xx" (CI met one), and the last character of a base64url signature carries padding bits.
 */
function tampered(token: string): string {
  const at = token.lastIndexOf('.') + 1;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

describe('streaming Direct Line with botframework-directlinejs', () => {
  it('starts with a streamUrl and streams over a WebSocket', async () => {
    const { client } = await streamingClient();
    const streamUrl = (client.directLine as unknown as { streamUrl?: string }).streamUrl;
    expect(streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/[A-Za-z0-9]+\/stream\?t=/);
    expect(client.sockets.length).toBe(1);
    expect(client.sockets[0]!.readyState).toBe(WebSocket.OPEN);
  });

  it('sends a typing activity before each answer', async () => {
    const { client, userId } = await streamingClient();
    for (const text of ['CAMHS', 'what is a SENCO', 'how do i aply for an ehcp']) {
      const from = client.seen.length;
      const id = await post(client, text, userId);
      const answer = await client.next((a) => isAnswer(a) && a.replyToId === id, { from });
      const typing = client.seen.slice(from).findIndex((s) => s.activity.type === 'typing' && fromBot(s.activity) && s.activity.replyToId === id);
      expect(typing, `typing for "${text}"`).toBeGreaterThanOrEqual(0);
      expect(from + typing).toBeLessThan(client.seen.indexOf(answer));
    }
    // Typing is live only: never stored, so polling and reconnects do not repeat it.
    expect((await transcript(client)).some((a) => a.type === 'typing')).toBe(false);
  });

  it('reconnects with the watermark after the socket is cut: nothing lost, nothing repeated', async () => {
    const { client, userId } = await streamingClient();
    const first = await post(client, 'CAMHS', userId);
    await client.next((a) => isAnswer(a) && a.replyToId === first);
    // The network drops the socket; the family keeps typing (posts go over REST), the bot answers meanwhile.
    client.sockets[0]!.terminate();
    const second = await post(client, 'what is a SENCO', userId);
    const third = await post(client, 'SENDIASS', userId);
    await client.next((a) => isAnswer(a) && a.replyToId === third, { timeoutMs: 20_000 });
    expect(client.sockets.length).toBe(2); // a fresh streamUrl from GET /conversations/{id}?watermark=
    const stored = (await transcript(client)).map((a) => a.id);
    const streamed = client.seen.map((s) => s.activity).filter((a) => a.type !== 'typing').map((a) => a.id);
    expect(streamed).toEqual(stored); // same activities, same order, each once
    expect(new Set(streamed).size).toBe(streamed.length);
    expect(stored.length).toBeGreaterThanOrEqual(7); // welcome, then three messages and their answers
    expect(client.seen.some((s) => s.activity.replyToId === second && isAnswer(s.activity))).toBe(true);
  }, 40_000);

  it('keeps polling working for clients that ask for it', async () => {
    const session = await webchatSession(service.url);
    const client = connect(session, { webSocket: false, pollingInterval: 200 });
    clients.push(client);
    await client.next((a) => isAnswer(a) && /DEAL assistant/.test(a.text ?? ''));
    const id = await post(client, 'CAMHS', session.userId);
    await client.next((a) => isAnswer(a) && a.replyToId === id);
    expect(client.sockets.length).toBe(0);
  });
});

describe('streams, raw', () => {
  async function start() {
    const session = await webchatSession(service.url);
    const res = await fetch(`${session.domain}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    const body = (await res.json()) as { conversationId: string; streamUrl: string };
    return { session, ...body };
  }
  /** Opens a socket; what it receives is collected from the first frame on, in `received`. */
  const received = new WeakMap<WebSocket, string[]>();
  const open = (url: string, headers: Record<string, string> = {}) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const messages: string[] = [];
      received.set(ws, messages);
      ws.on('message', (data) => messages.push(String(data)));
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });

  it('allows one socket per conversation: a new one replaces the old', async () => {
    const { streamUrl, session, conversationId } = await start();
    const a = await open(streamUrl);
    const closed = new Promise<number>((resolve) => a.once('close', (code) => resolve(code)));
    const again = (await (await fetch(`${session.domain}/conversations/${conversationId}?watermark=0`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as { streamUrl: string };
    expect(again.streamUrl).toMatch(/watermark=0/);
    const b = await open(again.streamUrl);
    expect(await closed).toBe(1000);
    expect(b.readyState).toBe(WebSocket.OPEN);
    b.close();
  });

  it("refuses a stream without a valid token, or for another conversation", async () => {
    const one = await start();
    const two = await start();
    const path = `/v3/directline/conversations/${one.conversationId}/stream`;
    const base = service.url.replace(/^http/, 'ws');
    await expect(open(`${base}${path}`)).rejects.toThrow(/403/);
    await expect(open(`${base}${path}?t=${tampered(one.session.token)}`)).rejects.toThrow(/403/);
    const otherToken = new URL(two.streamUrl).searchParams.get('t')!;
    await expect(open(`${base}${path}?t=${encodeURIComponent(otherToken)}`)).rejects.toThrow(/404/);
    await expect(open(`${base}/v3/directline/elsewhere`)).rejects.toThrow(/404/);
    // A Direct Line token in the Authorization header opens it too (Node clients can send headers).
    (await open(`${base}${path}`, { authorization: `Bearer ${one.session.token}` })).close();
    // The stream's own token travels in a URL, so it is good for nothing else.
    const rest = await fetch(`${one.session.domain}/conversations/${one.conversationId}/activities`, { headers: { authorization: `Bearer ${new URL(one.streamUrl).searchParams.get('t')}` } });
    expect(rest.status).toBe(403);
  });

  it('sends keep-alives, resumes after a watermark, and closes its streams on shutdown', async () => {
    let n = 0;
    const dl = new EmbeddedDirectLine({
      secret: Buffer.alloc(32, 7),
      serviceUrl: 'http://localhost',
      keepAliveMs: 50,
      runTurn: async (activity, send) => {
        if (activity.type !== 'message') return;
        send({ type: 'typing' });
        send({ type: 'message', text: `answer ${++n} to ${activity.text}` });
      },
    });
    const { default: express } = await import('express');
    const app = express();
    app.use(express.json());
    app.use(dl.router);
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dl.attach(server);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { conversationId, token } = dl.createConversation();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const { streamUrl } = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: auth })).json()) as { streamUrl: string };
    await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', text: 'one' }) });

    const ws = await open(streamUrl.replace(/^ws:\/\/[^/]+/, base.replace('http', 'ws')));
    const messages = received.get(ws)!;
    await new Promise((r) => setTimeout(r, 200));
    const sets = messages.filter((m) => m !== '').map((m) => JSON.parse(m) as { activities: Activity[]; watermark: string });
    expect(messages.filter((m) => m === '').length).toBeGreaterThanOrEqual(2); // keep-alives
    // The backlog first: the family's message and the answer (the welcome is the page's; this runner has none).
    expect(sets[0]!.activities.map((a) => a.text)).toEqual(['one', 'answer 1 to one']);
    expect(sets[0]!.watermark).toBe('2');
    ws.close();

    // Reconnecting after watermark 1 sends only what came after it.
    const again = (await (await fetch(`${base}/v3/directline/conversations/${conversationId}?watermark=1`, { headers: auth })).json()) as { streamUrl: string };
    const ws2 = await open(again.streamUrl.replace(/^ws:\/\/[^/]+/, base.replace('http', 'ws')));
    await new Promise((r) => setTimeout(r, 50));
    const first = received.get(ws2)!.find((m) => m !== '')!;
    expect((JSON.parse(first) as { activities: Activity[] }).activities.map((a) => a.text)).toEqual(['answer 1 to one']);
    const closed = new Promise<void>((resolve) => ws2.once('close', () => resolve()));
    dl.closeStreams();
    await closed;
    for (let i = 0; i < 50 && dl.streams > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(dl.streams).toBe(0);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
