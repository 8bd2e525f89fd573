/**
 * Handover to locality staff, the Teams part: with the bot's credentials configured, the
 * server's outbox worker posts a card for each new handover to its locality's linked channel.
 * nock stands in for the Bot Framework connector and for Microsoft Entra ID (MSAL's
 * client-credentials token). Failures are retried with backoff, a hung connector times out,
 * and a restart on the same data directory carries on without sending twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HandoverDraftInput } from '../handover/schema.js';
import { loadRouteGuide } from '../triage/engine.js';
import { sampleDraft } from './fixtures/handover-draft.js';
import { startService, type TestService } from './helpers/service.js';
import { type AdaptiveCardJson, BOT_ID, cardElements, TEAMS_SERVICE_URL, teamsCardProblems, teamsChannel, TENANT_ID } from './helpers/teams.js';

const APP_ID = '7e6d5c4b-3a29-4817-9f6e-5d4c3b2a1908';
const APP_PASSWORD = 'test-secret';
const ACCESS_TOKEN = 'fake-bot-framework-access-token';
const SEND_TIMEOUT_MS = 600;
const BACKOFF_BASE_MS = 100;
const ENV = {
  MicrosoftAppId: APP_ID,
  MicrosoftAppPassword: APP_PASSWORD,
  OUTBOX_POLL_MS: '25',
  OUTBOX_BACKOFF_BASE_MS: String(BACKOFF_BASE_MS),
  OUTBOX_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
};

const south = teamsChannel('South SEND handovers');
const southConversation = south.id;
const routes = loadRouteGuide();

/** A conversation reference as botbuilder stores it for a team channel. */
function channelReference(conversationId = southConversation) {
  return {
    channelId: 'msteams',
    serviceUrl: TEAMS_SERVICE_URL,
    bot: { id: BOT_ID, name: 'DEAL' },
    conversation: { id: conversationId, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
    locale: 'en-GB',
  };
}

const familyContact = (n: number) =>
  ({ name: `Robin Family${n}`, method: 'email', detail: `robin.family${n}@example.org`, bestTime: 'After 3pm' }) as const;

// ---- Microsoft Entra ID (MSAL, client credentials for the botframework.com tenant) ----------

type TokenRequest = Record<string, string>;
let tokenRequests: TokenRequest[];
let msalCalls: string[];

function fakeEntraId() {
  tokenRequests = [];
  msalCalls = [];
  const host = 'https://login.microsoftonline.com';
  const tenant = `${host}/botframework.com`;
  nock(host)
    .persist()
    .get((path) => path.startsWith('/common/discovery/instance'))
    .reply((uri) => {
      msalCalls.push(`GET ${uri.split('?')[0]}`);
      return [
        200,
        {
          tenant_discovery_endpoint: `${tenant}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net'] }],
        },
      ];
    })
    .get((path) => path.startsWith('/botframework.com/') && path.includes('openid-configuration'))
    .reply((uri) => {
      msalCalls.push(`GET ${uri.split('?')[0]}`);
      return [
        200,
        {
          token_endpoint: `${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${tenant}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${tenant}/oauth2/v2.0/logout`,
          issuer: 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0',
          jwks_uri: `${tenant}/discovery/v2.0/keys`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        },
      ];
    })
    .post((path) => path.split('?')[0] === '/botframework.com/oauth2/v2.0/token')
    .reply((uri, body) => {
      msalCalls.push(`POST ${uri.split('?')[0]}`);
      tokenRequests.push(Object.fromEntries(new URLSearchParams(String(body))));
      return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: ACCESS_TOKEN }];
    });
}

// ---- the Bot Framework connector ------------------------------------------------------------

type Call = { at: number; conversationId: string; path: string; body: { attachments?: { content: AdaptiveCardJson }[]; summary?: string }; authorization?: string; status: number };

/**
 * A connector at TEAMS_SERVICE_URL whose answers follow `script` (one entry per request, the
 * last repeating): a status code, or `{ delayMs, status }` for a connector that hangs first.
 */
function fakeConnector(script: (number | { delayMs: number; status: number })[]) {
  const calls: Call[] = [];
  const pattern = /^\/uk\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/;
  let n = 0;
  nock('https://smba.trafficmanager.net')
    .persist()
    .post((path) => pattern.test(path))
    .reply(function (path, body, callback) {
      const step = script[Math.min(n++, script.length - 1)]!;
      const { delayMs, status } = typeof step === 'number' ? { delayMs: 0, status: step } : step;
      const auth = this.req.headers.authorization;
      const call: Call = {
        at: Date.now(),
        conversationId: decodeURIComponent(pattern.exec(path)![1]!),
        path,
        body: body as Call['body'],
        authorization: Array.isArray(auth) ? auth[0] : auth,
        status,
      };
      calls.push(call);
      const answer = status < 300 ? { id: `card-${calls.length}` } : { error: { code: 'ServiceError', message: 'Unknown' } };
      setTimeout(() => callback(null, [status, answer]), delayMs);
    });
  return {
    calls,
    delivered: () => calls.filter((c) => c.status >= 200 && c.status < 300),
  };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function notifiedEvents(service: TestService, reference: string) {
  return (await service.store.listEvents(reference)).filter((e) => e.kind === 'notified');
}

function failedSendLogs(service: TestService, reference: string) {
  return service.logs
    .flatMap((line) => line.trim().split('\n'))
    .map((line) => JSON.parse(line) as { msg: string; time: number; reference?: string; attempts: number; nextAttemptAt: string; error: string })
    .filter((l) => l.msg === 'outbox: send failed' && l.reference === reference);
}

function expectNoContactDetails(json: string, draft: HandoverDraftInput) {
  const contact = draft.contact as { name: string; detail: string; bestTime?: string };
  expect(json).not.toContain(contact.name);
  expect(json).not.toContain(contact.name.split(' ')[1]!);
  expect(json).not.toContain(contact.detail);
  expect(json).not.toContain(contact.detail.replace(/\s+/g, ''));
  if (contact.bestTime) expect(json).not.toContain(contact.bestTime);
  for (const line of draft.transcript ?? []) expect(json).not.toContain(line);
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(() => {
  fakeEntraId();
});
afterEach(() => {
  nock.cleanAll();
});

describe('Teams cards for new handovers', () => {
  let service: TestService;
  afterEach(async () => {
    await service?.stop();
  });

  it("posts the card to the locality's linked channel, with the summary and no contact details", async () => {
    const connector = fakeConnector([201]);
    service = await startService(ENV);
    await service.store.saveChannelReference('south', channelReference(), new Date());
    const draft = sampleDraft({}, 'priority', 'south'); // phone contact
    const handover = await service.store.createHandover(draft);

    await waitFor('the notified event', async () => (await notifiedEvents(service, handover.reference)).length > 0);
    expect(connector.calls).toHaveLength(1);
    const [call] = connector.calls;
    expect(call!.conversationId).toBe(southConversation);
    // botbuilder sends proactive messages as replies to the continuation activity's (random) id.
    expect(decodeURIComponent(call!.path)).toMatch(new RegExp(`^/uk/v3/conversations/${southConversation.replace(/[.]/g, '\\.')}/activities(/[0-9a-f-]{36})?$`));
    // Sent as the bot, with a token from the client-credentials flow.
    expect(call!.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(tokenRequests.length).toBeLessThanOrEqual(1); // botbuilder caches the token per process
    for (const form of tokenRequests) {
      expect(form).toMatchObject({ grant_type: 'client_credentials', client_id: APP_ID, client_secret: APP_PASSWORD, scope: 'https://api.botframework.com/.default' });
    }

    expect(call!.body.summary).toBe(`New DEAL handover ${handover.reference}`);
    const card = call!.body.attachments![0]!.content;
    expect(teamsCardProblems(card)).toEqual([]);
    const facts = cardElements(card).find((e) => e.type === 'FactSet')!.facts as { title: string; value: string }[];
    expect(facts).toContainEqual({ title: 'Urgency', value: 'Priority' });
    expect(facts).toContainEqual({ title: 'Route', value: routes.ehcna.title });
    expect(facts).toContainEqual({ title: 'Status', value: 'Waiting to be claimed' });
    const json = JSON.stringify(call!.body);
    expect(json).toContain(handover.reference);
    expect(json).toContain(`/staff/handovers/${handover.reference}`);
    expectNoContactDetails(json, draft);
    expect(json).not.toContain('07700900123');
    expect(json).not.toContain('+447700900123');
    expect(json).not.toMatch(/robin|family/i);

    const events = await service.store.listEvents(handover.reference);
    expect(events.map((e) => e.kind)).toEqual(['created', 'notified']);
    expect(events[1]!.detail).toMatchObject({ target: 'south', kind: 'teams-card' });
  });

  it('retries a failing connector with backoff, past a hang longer than the send timeout, and delivers once', async () => {
    const connector = fakeConnector([500, 500, { delayMs: SEND_TIMEOUT_MS * 3, status: 504 }, 502, 201]);
    service = await startService(ENV);
    await service.store.saveChannelReference('south', channelReference(), new Date());
    const draft = sampleDraft({ contact: familyContact(1) }, 'immediate', 'south');
    const handover = await service.store.createHandover(draft);

    await waitFor('the notified event', async () => (await notifiedEvents(service, handover.reference)).length > 0, 20_000);
    // Let any request still in flight (the hung one) finish, then count.
    await sleep(SEND_TIMEOUT_MS * 3);
    expect(connector.delivered()).toHaveLength(1);
    expect((await notifiedEvents(service, handover.reference)).length).toBe(1);
    for (const call of connector.calls) {
      expect(call.conversationId).toBe(southConversation);
      expectNoContactDetails(JSON.stringify(call.body), draft);
    }

    const failures = failedSendLogs(service, handover.reference);
    expect(failures.map((f) => f.attempts)).toEqual(failures.map((_, i) => i + 1));
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.some((f) => /timed out after/.test(f.error))).toBe(true);
    for (const f of failures) {
      // Equal jitter: between half and all of base × 2^(attempts − 1).
      const delay = Date.parse(f.nextAttemptAt) - f.time;
      const full = BACKOFF_BASE_MS * 2 ** (f.attempts - 1);
      expect(delay).toBeGreaterThanOrEqual(full / 2 - 5);
      expect(delay).toBeLessThanOrEqual(full + 5);
    }
    // Each attempt waited for its backoff.
    const attempts = connector.calls.map((c) => c.at);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThanOrEqual(BACKOFF_BASE_MS / 2 - 5);
    expect(await service.store.outboxStats()).toMatchObject({ pending: 0, delivered: 1 });
  });

  it('does not post anything while no channel is linked, then posts once one is', async () => {
    const connector = fakeConnector([201]);
    service = await startService(ENV);
    const handover = await service.store.createHandover(sampleDraft({ contact: familyContact(2) }, 'routine', 'south'));
    await waitFor('a failed attempt', () => failedSendLogs(service, handover.reference).length > 0);
    expect(failedSendLogs(service, handover.reference)[0]!.error).toMatch(/no Teams channel is linked for south/);
    expect(connector.calls).toHaveLength(0);

    await service.store.saveChannelReference('south', channelReference(), new Date());
    await waitFor('the notified event', async () => (await notifiedEvents(service, handover.reference)).length > 0);
    expect(connector.delivered()).toHaveLength(1);
  });
});

describe('across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deal-outbox-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a card still failing when the server stops is delivered once by the next server on the same data', async () => {
    const failing = fakeConnector([503]);
    const first = await startService(ENV, dataDir);
    let stopped = false;
    try {
      await first.store.saveChannelReference('south', channelReference(), new Date());
      const draft = sampleDraft({ contact: familyContact(3) }, 'priority', 'south');
      const handover = await first.store.createHandover(draft);
      await waitFor('two failed attempts', () => failedSendLogs(first, handover.reference).length >= 2);
      await first.stop();
      stopped = true;
      const callsWhenStopped = failing.calls.length;
      await sleep(300);
      expect(failing.calls.length).toBe(callsWhenStopped); // the stopped worker sends nothing more
      expect(failing.delivered()).toHaveLength(0);
      nock.cleanAll();
      fakeEntraId();

      const connector = fakeConnector([201]);
      const second = await startService(ENV, dataDir);
      try {
        await waitFor('the notified event', async () => (await notifiedEvents(second, handover.reference)).length > 0);
        await sleep(200);
        expect(connector.delivered()).toHaveLength(1);
        expect(connector.calls[0]!.conversationId).toBe(southConversation);
        const json = JSON.stringify(connector.calls[0]!.body);
        expect(json).toContain(handover.reference);
        expectNoContactDetails(json, draft);
        const events = await second.store.listEvents(handover.reference);
        expect(events.filter((e) => e.kind === 'notified')).toHaveLength(1);
        expect(events.map((e) => e.kind)).toEqual(['created', 'notified']);
        expect(await second.store.outboxStats()).toMatchObject({ pending: 0, delivered: 1 });
      } finally {
        await second.stop();
      }
    } finally {
      if (!stopped) await first.stop();
    }
  });
});
