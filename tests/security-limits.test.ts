/**
 * Issue 15, finding 4: limits that "start again", a new conversation or a forged
 * X-Forwarded-For do not get round, and that never lock out the right password.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backoff, WindowCounter } from '../handover/attempt-limiter.js';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { createHandoverPort, TooManyUrgentRequests } from '../conversation/handover-port.js';
import type { HandoverStore } from '../handover/store.js';
import { sampleDraft } from './fixtures/handover-draft.js';
import { say } from './helpers/bot-turns.js';
import { startService, type TestService } from './helpers/service.js';

describe('Backoff', () => {
  it('gives a few free failures, then a wait that doubles up to a cap, and forgets after a while', () => {
    let now = 0;
    const b = new Backoff({ free: 3, baseMs: 1_000, maxMs: 4_000, forgetAfterMs: 60_000, clock: () => now });
    expect([b.fail('k'), b.fail('k')]).toEqual([0, 0]);
    expect(b.fail('k')).toBe(1_000);
    expect(b.wait('k')).toBe(1_000);
    expect([b.fail('k'), b.fail('k'), b.fail('k')]).toEqual([2_000, 4_000, 4_000]);
    expect(b.wait('other')).toBe(0);
    now = 120_000;
    expect(b.wait('k')).toBe(0);
    expect(b.failures('k')).toBe(0);
  });
});

describe('"check my reference"', () => {
  let service: TestService;
  let reference: string;
  beforeAll(async () => {
    service = await startService();
    reference = (await service.store.createHandover(sampleDraft({}, 'routine', 'north'))).reference;
  });
  afterAll(async () => service?.stop());

  const attempt = async (conversation: string, ref: string, contact: string) => {
    await say(service.url, conversation, `check my reference ${ref}`);
    return (await say(service.url, conversation, contact)).text;
  };

  it('is limited per reference across new conversations and "start again", and a wait answers like a wrong guess', async () => {
    const contact = sampleDraft({}, 'routine', 'north').contact.detail;
    for (let i = 0; i < 5; i++) expect(await attempt(`guess-${i}`, reference, `0770090${1000 + i}`)).toMatch(/couldn't find/);
    await say(service.url, 'guess-4', 'start again');
    // The right contact detail, in a brand-new conversation, is not checked while the reference waits.
    expect(await attempt('guess-new', reference, contact)).not.toContain(reference + '**');
    expect(await attempt('guess-new-2', reference, contact)).toMatch(/couldn't find|can't check/);
  });

  it('is limited per address across references', async () => {
    const other = await startService();
    try {
      const ref = (await other.store.createHandover(sampleDraft({}, 'routine', 'south'))).reference;
      const contact = sampleDraft({}, 'routine', 'south').contact.detail;
      for (let i = 0; i < 10; i++) {
        await say(other.url, `addr-${i}`, `check my reference DEAL-${'ABCDEF'.slice(0, 5)}${'GHJKMNPQRT'[i]}`);
        await say(other.url, `addr-${i}`, '07700900999');
      }
      await say(other.url, 'addr-right', `check my reference ${ref}`);
      expect((await say(other.url, 'addr-right', contact)).text).not.toMatch(/We have received your request/);
    } finally {
      await other.stop();
    }
  });
});

describe('immediate (safeguarding) handovers per caller', () => {
  it('are capped: beyond the cap nothing is stored and the flow tells the family to phone', async () => {
    let stored = 0;
    const store = { createHandover: async () => ({ reference: `DEAL-00000${++stored}`, dueAt: new Date().toISOString(), localityId: null, urgency: 'immediate' }) } as unknown as HandoverStore;
    const port = createHandoverPort({ store, retentionDays: 90, logger: pino({ level: 'silent' }), immediateCap: new WindowCounter(3, 3_600_000) });
    const draft = sampleDraft({}, 'immediate', null);
    const request = {
      channel: 'webchat', requester: 'parent', contact: draft.contact, child: null, childAge: 7, setting: null,
      result: { ...draft.triage!, urgency: 'immediate' }, consentVersion: draft.consent.statementVersion, consentAt: draft.consent.agreedAt,
      asked: [], shown: [], transcript: null,
    } as unknown as Parameters<typeof port.submit>[0];
    for (let i = 0; i < 3; i++) await port.submit(request);
    await expect(port.submit(request)).rejects.toBeInstanceOf(TooManyUrgentRequests);
    expect(stored).toBe(3);
  });
});

describe('X-Forwarded-For and staff sign-in', () => {
  it('X-Forwarded-For is ignored unless TRUST_PROXY is set: it does not rotate the token limit', async () => {
    const service = await startService();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await fetch(`${service.url}/api/webchat/token`, { method: 'POST', headers: { 'x-forwarded-for': `10.1.2.${i}` } })).status);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await service.stop();
    }
  });

  it('failures from other addresses never lock out the right password from a new address; the attacking address waits', async () => {
    const service = await startService({ TRUST_PROXY: 'loopback' });
    const email = 'north.officer@example.org';
    const password = 'north officer passphrase';
    await new StaffAccounts(service.store).addStaff(email, { localityId: 'north', password });
    const attempt = async (address: string, pass: string) => {
      const page = await fetch(`${service.url}/staff/login`, { headers: { 'x-forwarded-for': address } });
      const token = (page.headers.getSetCookie().find((c) => c.startsWith('deal_staff_login=')) ?? '').split(';')[0]!;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const res = await fetch(`${service.url}/staff/login`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: token, 'x-forwarded-for': address },
        body: new URLSearchParams({ email, password: pass, _csrf: csrf }).toString(),
      });
      return res.status;
    };
    try {
      const attackers: number[] = [];
      for (let a = 0; a < 3; a++) for (let i = 0; i < 6; i++) attackers.push(await attempt(`203.0.113.${a}`, `wrong guess number ${i}`));
      expect(attackers.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(await attempt('203.0.113.0', password)).toBe(429); // the attacking address waits, even with the right password
      expect(await attempt('198.51.100.7', password)).toBe(303); // the officer, from a new address, signs in
    } finally {
      await service.stop();
    }
  });
});
