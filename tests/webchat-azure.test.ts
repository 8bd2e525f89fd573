/** With DIRECTLINE_SECRET set, the page gets an Azure Direct Line token and never sees the secret. */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.js';

const SECRET = 'test-directline-secret-value';
let service: TestService;

beforeAll(async () => {
  service = await startService({ DIRECTLINE_SECRET: SECRET, DIRECTLINE_ENDPOINT: 'https://directline.example.test/v3/directline' });
});
afterAll(async () => {
  nock.cleanAll();
  await service.stop();
});

describe('web chat through Azure Direct Line', () => {
  it('exchanges the secret for a conversation token on the server', async () => {
    let sentAuth = '';
    let sentUser = '';
    nock('https://directline.example.test')
      .post('/v3/directline/tokens/generate')
      .reply(200, function (_uri, body) {
        sentAuth = String(this.req.headers.authorization);
        sentUser = (body as { user: { id: string } }).user.id;
        return { conversationId: 'abc', token: 'azure-token', expires_in: 3600 };
      });
    const res = await fetch(`${service.url}/api/webchat/token`, { method: 'POST' });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(sentAuth).toBe(`Bearer ${SECRET}`);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ token: 'azure-token', domain: 'https://directline.example.test/v3/directline', userId: sentUser });
    expect(sentUser).toMatch(/^dl_/);
    expect(text).not.toContain(SECRET);
  });

  it('answers 502, without the secret, when Azure fails', async () => {
    nock('https://directline.example.test').post('/v3/directline/tokens/generate').reply(500, 'boom');
    const res = await fetch(`${service.url}/api/webchat/token`, { method: 'POST' });
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain(SECRET);
  });

  it('allows the Azure origin in the page Content-Security-Policy', async () => {
    const res = await fetch(`${service.url}/`);
    expect(res.headers.get('content-security-policy')).toContain('https://directline.example.test');
  });
});
