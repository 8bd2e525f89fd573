/**
 * The Bot Framework Activity protocol over real HTTP: /api/messages (expectReplies and
 * replies through a nock-ed connector) and the embedded Direct Line.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.stop();
});
afterEach(() => {
  nock.cleanAll();
});

let counter = 0;
function activity(text: string | undefined, extra: Record<string, unknown> = {}) {
  counter += 1;
  return {
    type: 'message',
    id: `act-${counter}`,
    channelId: 'webchat',
    serviceUrl: 'https://connector.example.test/',
    conversation: { id: `conv-http-${counter}` },
    from: { id: 'user-1', role: 'user' },
    recipient: { id: 'bot', role: 'bot' },
    ...(text === undefined ? {} : { text }),
    ...extra,
  };
}

async function postActivity(body: unknown) {
  const res = await fetch(`${service.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  // Web chat turns start with a typing activity (checked here); the tests read the answers.
  if (Array.isArray(json?.activities)) {
    expect(json.activities[0]?.type).toBe('typing');
    json.activities = json.activities.filter((a: { type?: string }) => a.type !== 'typing');
  }
  return { status: res.status, body: json };
}

type Act = { type: string; text?: string; attachments?: { content: { body: { text?: string; items?: { text?: string }[] }[] } }[] };
const cardTitle = (a: Act) => a.attachments?.[0]?.content.body[0]?.text ?? a.attachments?.[0]?.content.body[0]?.items?.[0]?.text;

describe('/api/messages', () => {
  it('answers a question with the right article card (expectReplies)', async () => {
    const { status, body } = await postActivity(activity('how do i apply for an ehcp', { deliveryMode: 'expectReplies' }));
    expect(status).toBe(200);
    const replies = body.activities as Act[];
    const article = service.kb.byId.get('ehcna-request')!;
    expect(replies.map(cardTitle)).toContain(article.title);
  });

  it('sends replies to the connector at serviceUrl when not expecting replies', async () => {
    const posted: Act[] = [];
    const scope = nock('https://connector.example.test')
      .persist() // a typing activity, then the answer
      .post(/\/v3\/conversations\/.+\/activities\/.+/)
      .reply(200, (_uri, body) => {
        posted.push(body as Act);
        return { id: 'reply-1' };
      });
    const { status } = await postActivity(activity('SENDIASS'));
    expect(status).toBe(200);
    expect(scope.isDone()).toBe(true);
    expect(posted[0]!.type).toBe('typing');
    expect(posted.map(cardTitle)).toContain(service.kb.byId.get('sendiass')!.title);
  });

  it('puts safety first on any message', async () => {
    const { body } = await postActivity(activity('what is an ehcp? also my son says he wants to kill himself', { deliveryMode: 'expectReplies' }));
    const replies = body.activities as Act[];
    expect(cardTitle(replies[0]!)).toMatch(/may not be safe/);
    expect(JSON.stringify(replies[0])).toContain('999');
  });

  it('says politely when something is out of scope, with where to go', async () => {
    const { body } = await postActivity(activity('when is my bin collection day', { deliveryMode: 'expectReplies' }));
    const reply = (body.activities as Act[])[0]!;
    expect(reply.text).toMatch(/not something I can help with/);
    expect(reply.text).toMatch(/01305 221000/);
  });

  it('answers "not sure" with the 999 line, so a risk the patterns miss still gets it', async () => {
    const text = 'the lighthouse keeper painted the sea purple';
    const { body } = await postActivity(activity(text, { deliveryMode: 'expectReplies' }));
    // (The second net may check in first; the "not sure" reply still carries the line.)
    const reply = (body.activities as (Act & { channelData?: { deal?: { kind?: string } } })[]).find((a) => a.channelData?.deal?.kind === 'not-sure')!;
    expect(reply.text).toMatch(/not sure I can help/);
    expect(reply.text).toMatch(/not safe right now, call \[?999/); // a tel: link on web chat
  });

  it('checks in first when only the second safety net is worried, then still answers', async () => {
    const text = 'the little ones next door are on their own a lot and the baby will not stop crying, who deals with education transport';
    const { body } = await postActivity(activity(text, { deliveryMode: 'expectReplies' }));
    const replies = body.activities as Act[];
    expect(JSON.stringify(replies[0])).toContain('Is everyone safe?');
    expect(JSON.stringify(replies[0])).toContain('999');
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(replies.slice(1))).not.toContain('Is everyone safe?');
  });

  it.each([
    ['malformed JSON', '{"type": "message",'],
    ['an empty object', {}],
    ['a missing conversation', { ...activity('hi'), conversation: undefined }],
    ['a bad serviceUrl', { ...activity('hi'), serviceUrl: 'not a url' }],
    ['an oversized text', activity('x'.repeat(20_000))],
  ])('rejects %s with a 4xx and a clear message', async (_label, body) => {
    const { status, body: json } = await postActivity(body);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(JSON.stringify(json)).toMatch(/invalid|JSON|too large|must|Required|Invalid/i);
  });

  it('rejects a body over the size limit with 413', async () => {
    const { status } = await postActivity({ ...activity('hi'), channelData: { filler: 'x'.repeat(100_000) } });
    expect(status).toBe(413);
  });
});

describe('article pages', () => {
  it('renders an article when it is first asked for, the same the second time, and 404s an unknown one', async () => {
    const first = await fetch(`${service.url}/articles/ehcna-request`);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toMatch(/<h1>[^<]*assessment/i);
    expect(await (await fetch(`${service.url}/articles/ehcna-request`)).text()).toBe(html);
    const missing = await fetch(`${service.url}/articles/no-such-article`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/Article not found/);
  });
});

describe('embedded Direct Line', () => {
  async function startConversation() {
    const session = await (await fetch(`${service.url}/api/webchat/token`, { method: 'POST' })).json();
    const auth = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
    const started = await fetch(`${session.domain}/conversations`, { method: 'POST', headers: auth });
    expect(started.status).toBe(201);
    const { conversationId } = await started.json();
    return { session, auth, conversationId };
  }

  async function activities(domain: string, conversationId: string, auth: Record<string, string>, watermark = '') {
    const res = await fetch(`${domain}/conversations/${conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, { headers: auth });
    return { status: res.status, body: res.status === 200 ? await res.json() : null };
  }

  it('welcomes, answers in order, and uses watermarks', async () => {
    const { session, auth, conversationId } = await startConversation();
    let list = await activities(session.domain, conversationId, auth);
    for (let i = 0; i < 20 && list.body.activities.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      list = await activities(session.domain, conversationId, auth);
    }
    expect(list.body.activities[0].text).toMatch(/DEAL assistant/);
    const posted = await fetch(`${session.domain}/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'message', text: 'CAMHS', from: { id: 'someone-else' } }),
    });
    expect(posted.status).toBe(200);
    const after = await activities(session.domain, conversationId, auth, list.body.watermark);
    const [echo, reply] = after.body.activities;
    expect(echo.text).toBe('CAMHS');
    expect(echo.from.id).toBe(session.userId); // the token decides who is speaking, not the client
    expect(cardTitle(reply)).toBe(service.kb.byId.get('emotional-wellbeing')!.title);
  });

  it("never lets one conversation's token read or write another", async () => {
    const a = await startConversation();
    const b = await startConversation();
    expect((await activities(a.session.domain, b.conversationId, a.auth)).status).toBe(404);
    const write = await fetch(`${a.session.domain}/conversations/${b.conversationId}/activities`, {
      method: 'POST',
      headers: a.auth,
      body: JSON.stringify({ type: 'message', text: 'hello' }),
    });
    expect(write.status).toBe(404);
    const forged = { ...a.auth, authorization: `${a.auth.authorization.slice(0, -3)}abc` };
    expect((await activities(a.session.domain, a.conversationId, forged)).status).toBe(403);
    expect((await activities(a.session.domain, a.conversationId, {})).status).toBe(403);
  });

  it('rejects malformed activities with 400 naming the field', async () => {
    const { session, auth, conversationId } = await startConversation();
    const res = await fetch(`${session.domain}/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'message', text: 'x'.repeat(5000) }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/text: must be at most/);
  });
});
