/**
 * Issue 15, finding 8 (robustness): odd ids and odd field types are refused at the activity
 * boundary with a 4xx in JSON, instead of a 500 when botbuilder replies through the connector.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.js';

const CONNECTOR = 'https://connector.ids.test';
let service: TestService;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1/);
  nock(CONNECTOR).persist().post(/.*/).reply(200, { id: 'reply' });
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** An activity whose replies go through the (fake) connector, as on Teams and Azure. */
const viaConnector = (over: Record<string, unknown>) => ({
  type: 'message',
  id: 'a1',
  channelId: 'webchat',
  serviceUrl: `${CONNECTOR}/`,
  conversation: { id: 'ids-1' },
  from: { id: 'user' },
  recipient: { id: 'bot' },
  text: 'hello',
  ...over,
});

async function post(body: unknown) {
  const res = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

describe('odd ids at the activity boundary', () => {
  it.each([
    ['a lone surrogate in the activity id', { id: '\ud800' }],
    ['a lone surrogate in the conversation id', { conversation: { id: 'x\udc00' } }],
    ['a control character in the conversation id', { conversation: { id: 'x\u0001y' } }],
    ['a non-ASCII conversation id', { conversation: { id: 'café' } }],
    ['a lone surrogate in replyToId', { replyToId: '\ud800' }],
  ])('%s is a 400 in JSON', async (_name, over) => {
    const r = await post(viaConnector(over));
    expect(r.status, r.body).toBe(400);
    expect(r.type).toMatch(/json/);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'invalid activity' });
  });

  it('an ordinary Teams-style conversation id still works', async () => {
    const r = await post(viaConnector({ conversation: { id: '19:abc@thread.tacv2;messageid=1700000000000' } }));
    expect(r.status, r.body).toBeLessThan(300);
  });
});

describe('odd field types in button values', () => {
  it('{"action":"say","text":{"toString":1}} does not fail the turn', async () => {
    const before = service.logs.filter((l) => l.includes('"turn failed"')).length;
    const r = await post(viaConnector({ deliveryMode: 'expectReplies', value: { action: 'say', text: { toString: 1 } } }));
    expect(r.status, r.body).toBe(200);
    expect(service.logs.filter((l) => l.includes('"turn failed"')).length).toBe(before);
  });
});
