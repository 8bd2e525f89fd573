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

describe('server limits (finding 8)', () => {
  it('headers within 10 s and the request within 30 s, not Node\'s 300 s', async () => {
    const { createServer } = await import('node:http');
    const { hardenServer } = await import('../app/server.js');
    const s = createServer();
    hardenServer(s, 0);
    expect([s.headersTimeout, s.requestTimeout]).toEqual([10_000, 30_000]);
  });

  it('caps open connections per address', async () => {
    const { connect } = await import('node:net');
    const capped = await startService({ MAX_CONNECTIONS_PER_ADDRESS: '3' });
    const port = Number(new URL(capped.url).port);
    const sockets = Array.from({ length: 4 }, () => connect(port, '127.0.0.1'));
    try {
      const closed = await Promise.all(
        sockets.map((s) => new Promise<boolean>((resolve) => {
          s.once('close', () => resolve(true));
          setTimeout(() => resolve(false), 1_000);
        })),
      );
      expect(closed.filter(Boolean)).toHaveLength(1);
    } finally {
      sockets.forEach((s) => s.destroy());
      await capped.stop();
    }
  });

  it('the embedded Direct Line caps a transcript by bytes, not only by count', async () => {
    const express = (await import('express')).default;
    const { DirectLine } = await import('../bot/directline.js');
    const big = 'x'.repeat(40_000);
    const dl = new DirectLine({ secret: Buffer.alloc(32, 1), serviceUrl: 'http://localhost', maxTranscriptBytes: 200_000, runTurn: async () => [{ type: 'message', text: big }] });
    const app = express();
    app.use(express.json({ limit: '64kb' }));
    app.use(dl.router);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const { conversationId, token } = dl.createConversation();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      for (let i = 0; i < 10; i++) {
        const r = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers, body: JSON.stringify({ type: 'message', from: { id: 'u' }, text: `hello ${i}` }) });
        expect(r.status).toBeLessThan(300);
      }
      const polled = await (await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { headers })).text();
      expect(Buffer.byteLength(polled)).toBeLessThan(220_000);
      expect(polled).toContain('hello 9');
    } finally {
      server.close();
    }
  });
});

describe('staff actions (finding 8)', () => {
  it('only a lead can take over a colleague\'s case, and viewing a handover is audited', async () => {
    const { sampleDraft } = await import('./fixtures/handover-draft.js');
    const h = await service.store.createHandover(sampleDraft({}, 'routine', 'north'));
    const alex = { email: 'alex@example.org', role: 'officer' as const, localityId: 'north' };
    const bo = { email: 'bo@example.org', role: 'officer' as const, localityId: 'north' };
    const lead = { email: 'lead@example.org', role: 'lead' as const, localityId: null };
    await service.store.claimHandover(h.reference, alex);
    await expect(service.store.claimHandover(h.reference, bo, { takeOver: true })).rejects.toThrow(/only a lead can take over/);
    expect((await service.store.claimHandover(h.reference, lead, { takeOver: true })).claimedBy).toBe('lead@example.org');

    const { StaffAccounts } = await import('../handover/staff-accounts.js');
    const accounts = new StaffAccounts(service.store);
    await accounts.addStaff('viewer@example.org', { localityId: 'north', password: 'viewer long passphrase' });
    const session = await accounts.createSession((await accounts.verifyPassword('viewer@example.org', 'viewer long passphrase'))!);
    const page = await fetch(`${service.url}/staff/handovers/${h.reference}`, { headers: { cookie: `deal_staff_session=${session.token}` } });
    expect(page.status).toBe(200);
    expect(await service.store.listAudit(h.reference)).toEqual([expect.objectContaining({ action: 'handover-viewed', actor: 'viewer@example.org', detail: { via: 'page' } })]);
  });
});
