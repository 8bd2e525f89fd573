/**
 * Fuzzing the public endpoints with fast-check: random JSON, activities with wrong types,
 * huge and odd unicode strings, missing fields, and button values with the actions the bot
 * knows (so the flows are driven with junk in every field). Properties: never a 5xx, every
 * 4xx says what is wrong in JSON, no turn fails inside the bot, no unhandled rejection in the
 * process; afterwards the server still answers a normal question correctly.
 *
 * Replies to activities that do not ask for expectReplies go to a fake Bot Connector (nock),
 * so what is fuzzed is what a client sends, not a connector outage.
 */
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.js';

const CONNECTOR = 'https://connector.fuzz.test';
/** FUZZ_RUNS raises the number of runs for a longer local session; FUZZ_SEED replays one. */
const RUNS = {
  numRuns: Number(process.env.FUZZ_RUNS ?? 200),
  interruptAfterTimeLimit: process.env.FUZZ_RUNS ? 600_000 : 15_000,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
};

let service: TestService;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1/);
  nock(CONNECTOR).persist().post(/.*/).reply(200, { id: 'fuzz-reply' }).put(/.*/).reply(200, { id: 'fuzz-reply' });
  service = await startService({ TRUST_PROXY: 'loopback' }); // each simulated family has its own address
});
afterAll(async () => {
  await service?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
  process.off('unhandledRejection', onRejection);
});

const statuses = new Map<string, number>();
afterAll(() => {
  if (process.env.FUZZ_STATS) console.log([...statuses.entries()].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
});

type Result = { status: number; body: string; contentType: string };
async function post(path: string, body: string | undefined, headers: Record<string, string> = {}): Promise<Result> {
  const res = await fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  if (process.env.FUZZ_STATS) statuses.set(`${path.split('/')[1]} ${res.status}`, (statuses.get(`${path.split('/')[1]} ${res.status}`) ?? 0) + 1);
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** Turns that threw inside the bot (the family would see "something went wrong"). */
const failedTurns = () => service.logs.filter((l) => l.includes('"turn failed"'));

/** Never a 5xx; a 4xx answers in JSON with an error. */
function expectHandled(r: Result, input: unknown) {
  const shown = () => `${r.status} ${r.body.slice(0, 300)} for ${JSON.stringify(input)?.slice(0, 300)}`;
  expect(r.status, shown()).toBeLessThan(500);
  if (r.status >= 400) {
    expect(r.contentType, shown()).toMatch(/json/);
    expect(r.body, shown()).toMatch(/"(error|message)"/);
  }
}

// ---- arbitraries ---------------------------------------------------------------------------

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '\ud800', '👩‍👩‍👧‍👦', 'é'.normalize('NFD'), '<script>alert(1)</script>', '${{7*7}}', '__proto__', 'constructor'),
  fc.integer({ min: 2_000, max: 12_000 }).map((n) => 'a'.repeat(n)),
);
const junk = fc.oneof(fc.anything({ maxDepth: 3 }), oddString, fc.jsonValue({ maxDepth: 4 }));
const orJunk = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk });

const STEPS = ['requester', 'childAge', 'setting', 'place', 'needs', 'concern', 'senSupport', 'externalAdvice', 'ehcp', 'diagnosis', 'safetyConcern', 'confirm'];
const ACTIONS = [
  'say', 'show-article', 'talk-to-person', 'start-triage', 'check-reference', 'triage-form', 'help', 'triage-answer',
  'triage-confirm', 'consent', 'handover-answer', 'handover-send',
];
/** Button values: known actions with junk or plausible values in every field the flows read. */
const buttonValue = fc.record(
  {
    action: orJunk(fc.constantFrom(...ACTIONS)),
    step: orJunk(fc.constantFrom(...STEPS)),
    option: orJunk(fc.constantFrom('Parent', 'Professional', '5 to 10', 'Mainstream school', 'Yes', 'No', 'Not sure')),
    skip: junk, back: junk, done: junk, restart: junk, agree: junk, transcript: junk,
    method: orJunk(fc.constantFrom('phone', 'email')),
    time: junk, text: junk, id: orJunk(fc.constantFrom('ehcna-request', 'sendiass', 'nope')), reason: junk,
    requester: junk, childAge: junk, setting: junk, postcode: junk, town: junk, needs: junk, concern: junk,
    senSupport: junk, externalAdvice: junk, ehcp: junk, diagnosis: junk, safetyConcern: junk,
    msteams: junk,
  },
  { requiredKeys: [] },
);

/** A few dozen shared ids, so that sequences build on earlier state (and stay under the per-conversation limit), or any string. */
const conversationId = fc.oneof(fc.nat({ max: 40 }).map((n) => `fuzz-${n}`), fc.string({ minLength: 1, maxLength: 40 }));
/** Rarely junk: for the fields validation checks, so most activities get past it and reach the bot. */
const rarelyJunk = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: junk });
const entity = fc.oneof(
  fc.record({ type: fc.constant('mention'), text: fc.string({ maxLength: 20 }), mentioned: fc.record({ id: fc.string({ maxLength: 10 }), name: fc.string() }) }),
  fc.record({ type: fc.constantFrom('clientInfo', 'ClientCapabilities'), locale: fc.string({ maxLength: 10 }) }),
);
/** The fields validation checks: plausible but odd values, rarely of the wrong type. */
const coreFields = {
  type: rarelyJunk(fc.constantFrom('message', 'message', 'message', 'message', 'conversationUpdate', 'invoke', 'event', 'typing', 'messageReaction', 'installationUpdate')),
  id: rarelyJunk(fc.string({ maxLength: 20 })),
  channelId: rarelyJunk(fc.constantFrom('webchat', 'webchat', 'msteams', 'directline', 'emulator')),
  serviceUrl: rarelyJunk(fc.constant(`${CONNECTOR}/`)),
  conversation: rarelyJunk(
    fc.record(
      { id: conversationId, conversationType: rarelyJunk(fc.constantFrom('personal', 'channel', 'groupChat')), isGroup: rarelyJunk(fc.boolean()), tenantId: rarelyJunk(fc.string()) },
      { requiredKeys: ['id'] },
    ),
  ),
  from: rarelyJunk(fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }), name: rarelyJunk(oddString), aadObjectId: rarelyJunk(fc.uuid()), role: rarelyJunk(fc.constantFrom('user', 'bot')) }, { requiredKeys: ['id'] })),
  recipient: rarelyJunk(fc.record({ id: fc.constant('bot'), name: rarelyJunk(fc.string()) }, { requiredKeys: ['id'] })),
  text: rarelyJunk(oddString),
  locale: rarelyJunk(fc.constantFrom('en-GB', 'cy-GB', 'pl')),
  entities: rarelyJunk(fc.array(entity, { maxLength: 3 })),
};
/** Everything else is free: junk or plausible, present or not. */
const freeFields = {
  value: fc.oneof(buttonValue, buttonValue, junk, fc.record({ action: fc.record({ type: fc.constant('Action.Execute'), verb: orJunk(fc.constantFrom('handover.claim', 'handover.resolve')), data: junk }) })),
  name: orJunk(fc.constantFrom('adaptiveCard/action', 'task/fetch', 'composeExtension/query', 'signin/verifyState')),
  deliveryMode: fc.oneof({ weight: 5, arbitrary: fc.constant('expectReplies') }, { weight: 1, arbitrary: orJunk(fc.constantFrom('normal', 'notification')) }),
  membersAdded: orJunk(fc.array(fc.record({ id: fc.string({ maxLength: 10 }), name: fc.string() }), { maxLength: 3 })),
  channelData: junk, attachments: junk, replyToId: junk, timestamp: junk,
};
const botActivity = fc.oneof(
  { weight: 4, arbitrary: fc.record({ ...coreFields, ...freeFields }, { requiredKeys: ['type', 'channelId', 'serviceUrl', 'conversation', 'from', 'recipient'] }) },
  { weight: 1, arbitrary: fc.record({ ...coreFields, ...freeFields }, { requiredKeys: [] }) },
);

describe('/api/messages under fuzzing', () => {
  it('never answers random JSON or malformed bodies with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 300 })), async (body) => {
        expectHandled(await post('/api/messages', body), body);
      }),
      RUNS,
    );
  });

  it('never fails on activities with wrong types, odd strings, missing fields or junk button values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(botActivity, { minLength: 1, maxLength: 5 }), async (activities) => {
        for (const a of activities) {
          const before = failedTurns().length;
          const r = await post('/api/messages', JSON.stringify(a));
          // An invoke no handler claims gets 501 by the Bot Framework protocol (the invoke response
          // status tells the channel the action is not supported); it is not a server failure.
          if (!(r.status === 501 && (a as { type?: unknown }).type === 'invoke')) expectHandled(r, a);
          expect(failedTurns().slice(before), `turn failed for ${JSON.stringify(a).slice(0, 500)}`).toEqual([]);
        }
      }),
      RUNS,
    );
  });
});

describe('web chat endpoints under fuzzing', () => {
  let n = 0;
  /** Each simulated client has its own address (through the trusted local proxy), as families do. */
  const address = () => ({ 'x-forwarded-for': `10.9.${(++n >> 8) & 255}.${n & 255}` });

  async function session() {
    const headers = address();
    const token = JSON.parse((await post('/api/webchat/token', undefined, headers)).body) as { token: string; domain: string };
    const auth = { ...headers, authorization: `Bearer ${token.token}` };
    const started = JSON.parse((await post('/v3/directline/conversations', undefined, auth)).body) as { conversationId: string };
    return { auth, conversationId: started.conversationId };
  }

  it('never answers arbitrary token requests with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(junk, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (body, type) => {
        expectHandled(await post('/api/webchat/token', JSON.stringify(body) ?? '', { ...address(), 'content-type': type }), body);
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('never answers arbitrary Direct Line posts with a 5xx, and no turn fails', async () => {
    const sessions = await Promise.all(Array.from({ length: 12 }, session));
    const dlActivity = fc.record(
      {
        type: orJunk(fc.constantFrom('message', 'event', 'typing', 'conversationUpdate')),
        text: orJunk(oddString),
        value: fc.oneof(buttonValue, junk),
        name: junk, from: junk, channelData: junk, attachments: junk, entities: junk, locale: junk, textFormat: junk,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: sessions.length - 1 }),
        fc.oneof({ weight: 4, arbitrary: dlActivity }, { weight: 1, arbitrary: junk }),
        fc.constantFrom('own', 'own', 'own', 'other-conversation', 'bad-token', 'none'),
        async (i, body, auth) => {
          const s = sessions[i]!;
          const other = sessions[(i + 1) % sessions.length]!;
          const headers: Record<string, string> =
            auth === 'own' || auth === 'other-conversation' ? s.auth : auth === 'bad-token' ? { authorization: `Bearer ${s.auth.authorization.slice(7, -4)}AAAA` } : {};
          const target = auth === 'other-conversation' ? other.conversationId : s.conversationId;
          const before = failedTurns().length;
          const r = await post(`/v3/directline/conversations/${encodeURIComponent(target)}/activities`, JSON.stringify(body) ?? '', headers);
          expectHandled(r, body);
          expect(failedTurns().slice(before), `turn failed for ${JSON.stringify(body)?.slice(0, 500)}`).toEqual([]);
          if (auth !== 'own') expect(r.status).toBeGreaterThanOrEqual(400); // never accepted without its own token
        },
      ),
      RUNS,
    );
    // Junk in the other Direct Line endpoints.
    await fc.assert(
      fc.asyncProperty(junk, fc.constantFrom('/v3/directline/conversations', '/v3/directline/tokens/refresh'), fc.string({ maxLength: 30 }), async (body, path, watermark) => {
        const s = sessions[0]!;
        expectHandled(await post(path, JSON.stringify(body) ?? '', s.auth), body);
        const polled = await fetch(`${service.url}/v3/directline/conversations/${s.conversationId}/activities?watermark=${encodeURIComponent(watermark)}`, { headers: s.auth });
        expect(polled.status).toBeLessThan(500);
      }),
      { ...RUNS, numRuns: 60 },
    );
  });
});

describe('after fuzzing', () => {
  it('had no unhandled rejection, and still answers a normal question correctly', async () => {
    await new Promise((r) => setTimeout(r, 50));
    expect(rejections).toEqual([]);
    const r = await post(
      '/api/messages',
      JSON.stringify({
        type: 'message',
        id: 'after-fuzz',
        channelId: 'webchat',
        serviceUrl: `${CONNECTOR}/`,
        conversation: { id: 'after-fuzz-conversation' },
        from: { id: 'user' },
        recipient: { id: 'bot' },
        text: 'how do i apply for an ehcp',
        deliveryMode: 'expectReplies',
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toContain(service.kb.byId.get('ehcna-request')!.title);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });
});
