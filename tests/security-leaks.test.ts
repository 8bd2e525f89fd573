/**
 * Issue 15, finding 7: no internal error text in 5xx bodies or logs, botbuilder's console
 * dumps captured as redacted JSON, strict emails and clean names (the one validator per fact).
 */
import nock from 'nock';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureConsole, createLogger, redactText } from '../app/logger.js';
import { cleanPersonName, HandoverDraft, normaliseEmail, validate } from '../handover/schema.js';
import { sampleDraft } from './fixtures/handover-draft.js';
import { startService, type TestService } from './helpers/service.js';

const ECHO = 'https://connector.echo.test';
let service: TestService;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1/);
  // A connector that fails and echoes what it was sent, as the penetration test's did.
  nock(ECHO).persist().post(/.*/).reply(500, (_path, body) => `upstream failed for ${JSON.stringify(body)} sam.parent@example.org`);
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('errors', () => {
  it('a failed turn answers a generic JSON 5xx with the correlation id, and logs no family text or email', async () => {
    const res = await fetch(`${service.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', id: 'x1', channelId: 'webchat', serviceUrl: `${ECHO}/`, conversation: { id: 'leak-1' }, from: { id: 'u', name: 'Sam Parent' }, recipient: { id: 'bot' }, text: 'my name is Sam Parent sam.parent@example.org' }),
    });
    const body = await res.text();
    if (res.status >= 500) {
      expect(JSON.parse(body)).toEqual({ error: 'Something went wrong on our side.', correlationId: res.headers.get('x-correlation-id') });
    }
    expect(body).not.toMatch(/upstream failed|sam\.parent|Sam Parent/);
    const logs = service.logs.join('\n');
    expect(logs).toMatch(/turn failed/);
    expect(logs).not.toMatch(/sam\.parent@example\.org|Sam Parent/);
  });

  it('redactText keeps the gist and drops echoed bodies, emails, numbers, ids and URL paths', () => {
    expect(redactText('request to https://login.botframework.com/v1/abc?x=1 failed, reason: connect ECONNREFUSED')).toBe('request to https://login.botframework.com/… failed, reason: connect ECONNREFUSED');
    expect(redactText('bad {"text":"Sam Parent"}')).toBe('bad');
    expect(redactText('mail sam@example.org or 07700 900123')).toBe('mail [email] or [number]');
  });

  it("botbuilder's console dumps become one redacted JSON line each", () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    const restore = captureConsole(logger);
    try {
      console.error(Object.assign(new Error('Unauthorized {"conversation":{"id":"secret-conversation"}}\n  at stack'), { name: 'AuthenticationError' }));
      console.warn('BadRequest: Missing activity\nfor conversation a:1xyz sam@example.org');
    } finally {
      restore();
    }
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ source: 'console', err: { type: 'AuthenticationError', message: 'Unauthorized' } });
    expect(second).toMatchObject({ source: 'console', summary: 'BadRequest: Missing activity' });
    expect(lines.join('')).not.toMatch(/secret-conversation|sam@example|at stack/);
  });
});

describe('one validator per fact (handover/schema.ts)', () => {
  it('emails: no ? & = # or other mailto tricks, no odd dots', () => {
    for (const bad of ['a?bcc=x@evil.test@example.org', 'a&b@example.org', 'a=b@example.org', 'a#b@example.org', '.a@example.org', 'a..b@example.org', 'a.@example.org', 'a!b@example.org'])
      expect(normaliseEmail(bad), bad).toBeNull();
    for (const ok of ['Sam.Parent+deal@Example.org', 'o\'brien@example.org'.replace("'", ''), 'a_b-c%d@mail.example.co.uk']) expect(normaliseEmail(ok), ok).toBe(ok.toLowerCase());
    expect(validate.email('x?y@example.org')).toBeNull();
  });

  it('names: control, bidi and zero-width characters are removed', () => {
    expect(cleanPersonName('Sam \u202eexe.png')).toBe('Sam exe.png');
    expect(cleanPersonName('A\u200bli\u0007 \u2067Khan\u2069')).toBe('Ali Khan');
    expect(cleanPersonName('\u202e\u200f')).toBeNull();
    const draft = sampleDraft({}, 'routine', 'north');
    const parsed = HandoverDraft.parse({ ...draft, contact: { ...draft.contact, name: 'Sam \u202egnp.exe' }, child: { ...draft.child, name: 'J\u202eo' } });
    expect(parsed.contact.name).toBe('Sam gnp.exe');
    expect(parsed.child.name).toBe('Jo');
  });

  it('phones and references have one validator each too', () => {
    expect(validate.phone('+44 (0)1305 221000')).toBe('01305221000');
    expect(validate.reference('deal 7k3f9q')).toBe('DEAL-7K3F9Q');
    expect(validate.name('  Sam   Parent ')).toBe('Sam Parent');
  });
});
