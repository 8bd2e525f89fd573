/**
 * Observability: /metrics counts what the front door did, /readyz really checks the stores,
 * and request logs carry a correlation id but none of what families type (names, phone
 * numbers, emails), nor tokens, query strings or raw conversation ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlationIdFor } from '../app/observability.js';
import { contactSteps, REFERENCE, say, SEND, triageToResult } from './helpers/bot-turns.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.stop();
});

const metricsText = async (s: TestService, headers: Record<string, string> = {}) => (await fetch(`${s.url}/metrics`, { headers })).text();
/** The value of one sample line, e.g. `deal_turns_total{channel="webchat"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? wanted.every((w) => l.includes(w)) : false);
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}

describe('/metrics', () => {
  it('counts turns, answers, abstentions, safety flags, triage routes, handovers and the outbox backlog', async () => {
    const conv = 'metrics-1';
    expect((await say(service.url, conv, 'how do i apply for an ehcp')).status).toBe(200);
    await say(service.url, conv, 'when is my bin collection day');
    await say(service.url, conv, 'what is the best recipe for banana bread with walnuts');
    await say(service.url, 'metrics-2', 'my son says he wants to kill himself');
    const triageTurns = await triageToResult(service.url, 'metrics-3', undefined, { text: 'talk to a person' });
    for (const posted of triageTurns) expect(posted.status).toBe(200);
    for (const turn of contactSteps({ name: 'Alex Example', email: 'alex@example.org' })) await say(service.url, 'metrics-3', turn);
    expect((await say(service.url, 'metrics-3', SEND)).text).toMatch(REFERENCE);

    const text = await metricsText(service);
    expect(sample(text, 'deal_turns_total', { channel: 'webchat' })).toBeGreaterThanOrEqual(4 + triageTurns.length + 8);
    expect(sample(text, 'deal_answers_total', { channel: 'webchat' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'deal_abstentions_total', { reason: 'out-of-scope' })).toBe(1);
    expect(sample(text, 'deal_abstentions_total', { reason: 'not-sure' })).toBe(1);
    expect(sample(text, 'deal_safety_flags_total', { kind: 'risk-of-harm' })).toBe(1);
    expect(sample(text, 'deal_triage_results_total', { primary: 'ehcna' })).toBe(1);
    expect(sample(text, 'deal_handovers_created_total', { locality: 'north', urgency: 'routine' })).toBe(1);
    // No Teams credentials in tests: the card waits in the outbox.
    expect(sample(text, 'deal_outbox_pending')).toBe(1);
    expect(sample(text, 'deal_outbox_failing')).toBe(0);
    expect(sample(text, 'deal_http_request_duration_seconds_count', { route: '/api/messages', status: '200', method: 'POST' })).toBeGreaterThanOrEqual(10);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    // Nothing personal: no names, contact details or conversation ids in any label.
    for (const secret of ['Alex', 'alex@example.org', 'metrics-3', 'banana']) expect(text).not.toContain(secret);
  });

  it('requires a bearer token when METRICS_TOKEN is set', async () => {
    let guarded: TestService | undefined;
    try {
      guarded = await startService({ METRICS_TOKEN: 'metrics-secret-123' });
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-secret-123' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/text\/plain/);
    } finally {
      await guarded?.stop();
    }
  });
});

describe('/readyz', () => {
  it('is ready when the knowledge base is loaded and both stores answer', async () => {
    const res = await fetch(`${service.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', checks: { knowledge: 'ok', conversations: 'ok', handovers: 'ok' } });
  });

  it('is not ready (503, naming the check) when a store does not answer', async () => {
    const broken = await startService();
    try {
      await broken.store.close();
      const res = await fetch(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not ready', checks: { handovers: 'failed', conversations: 'ok' } });
      expect((await fetch(`${broken.url}/healthz`)).status).toBe(200); // the process is up
    } finally {
      await broken.stop();
    }
  });
});

describe('request logs', () => {
  const NAME = 'Jane Smithson';
  const PHONE = '07700 900123';
  const EMAIL = 'jane.smithson@example.org';
  const personal = `My name is ${NAME}, please call me on ${PHONE} or email ${EMAIL}`;

  it('carry a correlation id per conversation and no personal data, on /api/messages and Direct Line', async () => {
    const before = service.logs.length;
    const conversationId = 'log-conversation-42';
    const first = await say(service.url, conversationId, personal);
    const second = await say(service.url, conversationId, 'talk to a person');
    expect(first.status).toBe(200);
    const correlation = correlationIdFor(conversationId);
    expect(first.headers.get('x-correlation-id')).toBe(correlation);
    expect(second.headers.get('x-correlation-id')).toBe(correlation);

    // Web chat through the embedded Direct Line.
    const token = await fetch(`${service.url}/api/webchat/token`, { method: 'POST' });
    const tokenCorrelation = token.headers.get('x-correlation-id');
    const session = (await token.json()) as { token: string; domain: string };
    const auth = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
    const { conversationId: dlConversation } = (await (await fetch(`${session.domain}/conversations`, { method: 'POST', headers: auth })).json()) as {
      conversationId: string;
    };
    const posted = await fetch(`${session.domain}/conversations/${dlConversation}/activities`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'message', text: personal, from: { id: 'x', name: NAME } }),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-correlation-id')).toBe(correlationIdFor(dlConversation));
    const polled = await fetch(`${session.domain}/conversations/${dlConversation}/activities?watermark=0&secret=${encodeURIComponent(EMAIL)}`, { headers: auth });
    expect(polled.status).toBe(200);
    // Query strings never reach the log, whatever the route.
    expect((await fetch(`${service.url}/privacy?email=${encodeURIComponent(EMAIL)}&secret=1`)).status).toBe(200);
    expect((await fetch(`${service.url}/no-such-page/${encodeURIComponent(NAME)}?secret=1`)).status).toBe(404);

    await new Promise((r) => setTimeout(r, 50)); // log lines are written when each response closes
    const lines = service.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const line of requests) {
      expect(typeof line.correlationId, JSON.stringify(line)).toBe('string');
      expect(line).toHaveProperty('status');
      expect(line).toHaveProperty('ms');
    }
    const bot = requests.filter((l) => l.path === '/api/messages');
    expect(bot.map((l) => l.correlationId)).toEqual([correlation, correlation]);
    expect(requests.filter((l) => l.path === '/privacy' || l.path === 'other')).toHaveLength(2);
    expect(requests.find((l) => l.path === '/api/webchat/token')?.correlationId).toBe(tokenCorrelation);
    expect(requests.find((l) => l.path === '/v3/directline/conversations/:conversation/activities' && l.method === 'POST')?.correlationId).toBe(
      correlationIdFor(dlConversation),
    );

    const all = service.logs.slice(before).join('\n');
    for (const secret of [NAME, 'Smithson', PHONE, '07700900123', '900123', EMAIL, 'jane.smithson', session.token, conversationId, dlConversation, 'watermark', 'secret=']) {
      expect(all, `logs must not contain ${secret}`).not.toContain(secret);
    }
  });
});
