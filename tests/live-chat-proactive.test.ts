/**
 * Live chat for families who came through Azure Direct Line or Microsoft Teams: the officer's
 * messages go out with `continueConversationAsync` to the family's Bot Framework connector
 * (nock stands in for it), while the family's own turns arrive on /api/messages as usual and
 * get no answer from the bot while the officer is in.
 */
import nock from 'nock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { activity, contactSteps, REFERENCE, SEND, stepOf, TRIAGE_ANSWERS, type Turn } from './helpers/bot-turns.js';
import { StaffClient } from './helpers/insight-page.js';
import { PG_TEST_URL, testSchema } from './helpers/pg.js';
import { startService, type TestService } from './helpers/service.js';
import { fakeConnector, TEAMS_SERVICE_URL } from './helpers/teams.js';
import { handoverCard } from '../bot/teams.js';
import { loadRouteGuide } from '../triage/engine.js';

let service: TestService;
let staff: StaffClient;

beforeAll(async () => {
  service = await startService();
  const accounts = new StaffAccounts(service.store, { knownLocalities: ['north', 'south', 'east', 'west'] });
  await accounts.addStaff('sam.north@example.org', { localityId: 'north', password: 'correct horse battery staple' });
  staff = await StaffClient.signIn(`${service.url}/staff`, 'sam.north@example.org', 'correct horse battery staple');
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await service?.stop();
});

type Channel = { name: string; channelId: string; serviceUrl: string; conversationId: string };
const CHANNELS: Channel[] = [
  { name: 'Azure Direct Line', channelId: 'directline', serviceUrl: 'https://directline.botframework.com/', conversationId: 'DLfamily7Kx2' },
  { name: 'Microsoft Teams', channelId: 'msteams', serviceUrl: TEAMS_SERVICE_URL, conversationId: 'a:1FaMiLyPeRsOnAl' },
];

/** One turn on /api/messages from this channel; the replies (expectReplies). */
async function turn(channel: Channel, t: Turn): Promise<{ text: string; activities: { text?: string }[] }> {
  const body = activity(channel.conversationId, t, { channelId: channel.channelId, serviceUrl: channel.serviceUrl });
  const res = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  expect(res.status).toBe(200);
  return { text, activities: (JSON.parse(text) as { activities?: { text?: string }[] }).activities ?? [] };
}

/** The web chat answers, and Teams' one form (a professional in Blandford: the north team). */
const ANSWERS: Record<string, Turn> = {
  ...TRIAGE_ANSWERS,
  form: {
    value: {
      action: 'triage-form', requester: 'professional', childAge: '9', setting: 'mainstream-school', town: 'Blandford', postcode: '', needs: 'cognition-learning',
      concern: 'Finds reading and writing very hard and is falling behind.', senSupport: 'established', externalAdvice: 'true', ehcp: 'none', diagnosis: 'none', safetyConcern: 'false',
    },
  },
};

/** Triage (a professional in Blandford: the north team), consent and contact, Send: the reference. */
async function handover(channel: Channel): Promise<string> {
  let last = await turn(channel, { text: 'talk to a person' });
  for (let i = 0; i < 16; i++) {
    const step = stepOf(last.text);
    if (!step || step === 'consent') break;
    last = await turn(channel, ANSWERS[step] ?? { text: 'skip' });
    if (step === 'confirm') break;
  }
  for (const step of contactSteps({ name: 'Robin Family', email: 'robin.family@example.org' })) await turn(channel, step);
  const sent = await turn(channel, SEND);
  return REFERENCE.exec(sent.text)![0];
}

describe.each(CHANNELS)('live chat through $name', (channel) => {
  it('sends the officer’s messages with continueConversationAsync and keeps the bot quiet', async () => {
    const reference = await handover(channel);
    const connector = fakeConnector(channel.serviceUrl);
    // The locality's Teams card links to the live chat page.
    const card = handoverCard((await service.store.getHandover(reference))!, { publicUrl: service.url, routes: loadRouteGuide() }) as unknown as { actions: { title: string; url?: string }[] };
    expect(card.actions.find((a) => a.title === 'Join the live chat')?.url).toBe(`${service.url}/staff/live/${reference}`);

    expect((await staff.post(`/handovers/${reference}/claim`, {})).status).toBe(303);
    const page = await (await staff.get(`/live/${reference}`)).text();
    expect(page).toContain(`came through ${channel.name === 'Microsoft Teams' ? 'Teams' : 'Direct Line'}`);
    expect((await staff.post(`/live/${reference}/join`, { name: 'Sam' })).status).toBe(303);
    expect((await staff.post(`/live/${reference}/messages`, { text: 'Hello Robin, I can help with the assessment.' })).status).toBe(303);

    // The family's reply reaches the officer, and the bot says nothing.
    const reply = await turn(channel, { text: 'Thank you, that would be great' });
    expect(reply.activities.filter((a) => (a as { type?: string }).type === 'message')).toEqual([]);

    expect((await staff.post(`/live/${reference}/leave`, {})).status).toBe(303);
    const posted = connector.posted.filter((p) => p.conversationId === channel.conversationId).map((p) => p.body as { text?: string; channelData?: { deal?: { kind?: string } } });
    expect(posted.map((p) => p.text)).toEqual([
      expect.stringMatching(/^Sam from the DEAL team has joined this chat/),
      'Sam (DEAL team): Hello Robin, I can help with the assessment.',
      expect.stringMatching(/^Sam has left the chat/),
    ]);
    expect(posted.every((p) => p.channelData?.deal?.kind === 'staff-message')).toBe(true);

    // The bot answers again.
    const after = await turn(channel, { text: 'what is a senco' });
    expect(after.text).toMatch(/"kind":"answer"/);
    // The family did not agree to share the chat: it is not kept on the request.
    expect(await service.store.listNotes(reference, { email: 'sam.north@example.org', role: 'officer', localityId: 'north' })).toEqual([]);
    expect(await (await staff.get(`/live/${reference}`)).text()).not.toContain('I can help with the assessment');
    const audit = (await service.store.listAudit(reference)).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['live-joined', 'live-message', 'live-family-message', 'live-left']));
  });
});

describe('live chat when the connector refuses', () => {
  it('tells the officer the family cannot be reached, and sends nothing', async () => {
    const channel = { ...CHANNELS[0]!, conversationId: 'DLgoneFamily9' };
    const reference = await handover(channel);
    nock(new URL(channel.serviceUrl).origin).persist().post(/\/v3\/conversations\//).reply(404, { error: { code: 'ConversationNotFound' } });
    await staff.post(`/handovers/${reference}/claim`, {});
    const join = await staff.post(`/live/${reference}/join`, { name: 'Sam' });
    expect(join.status).toBe(409);
    expect(await join.text()).toMatch(/The family has left the chat. Please phone or email them instead/);
    const still = await turn(channel, { text: 'what is a senco' });
    expect(still.text).toMatch(/"kind":"answer"/); // no one joined: the bot answers
  });
});

/** SQLite always; PostgreSQL (conversation state and handovers) when PG_TEST_URL is set. */
const BACKENDS = [
  { name: 'SQLite', env: {} as Record<string, string> },
  ...(PG_TEST_URL ? [{ name: 'PostgreSQL', env: { DATABASE_URL: PG_TEST_URL, DATABASE_SCHEMA: testSchema('live') } }] : []),
];

describe.each(BACKENDS)('live chat across a restart ($name)', ({ env }) => {
  it('keeps the officer in the chat (the state is stored with the conversation) and lets them leave', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deal-live-restart-'));
    const first = service;
    try {
      service = await startService(env, dir);
      await service.ready;
      const accounts = new StaffAccounts(service.store, { knownLocalities: ['north', 'south', 'east', 'west'] });
      await accounts.addStaff('sam.north@example.org', { localityId: 'north', password: 'correct horse battery staple' });
      const officer = await StaffClient.signIn(`${service.url}/staff`, 'sam.north@example.org', 'correct horse battery staple');
      const channel = { ...CHANNELS[0]!, conversationId: 'DLrestartFamily3' };
      const reference = await handover(channel);
      const connector = fakeConnector(channel.serviceUrl);
      await officer.post(`/handovers/${reference}/claim`, {});
      expect((await officer.post(`/live/${reference}/join`, { name: 'Sam' })).status).toBe(303);

      await service.stop();
      service = await startService(env, dir);
      await service.ready;
      const again = await StaffClient.signIn(`${service.url}/staff`, 'sam.north@example.org', 'correct horse battery staple');
      const quiet = await turn(channel, { text: 'what is a senco' });
      expect(quiet.activities.filter((a) => (a as { type?: string }).type === 'message')).toEqual([]);
      expect(await (await again.get(`/live/${reference}`)).text()).toContain('Message to the family');
      expect((await again.post(`/live/${reference}/leave`, {})).status).toBe(303);
      expect(connector.posted.map((p) => (p.body as { text?: string }).text)).toEqual([
        expect.stringMatching(/^Sam from the DEAL team has joined/),
        expect.stringMatching(/^Sam has left the chat/),
      ]);
      expect((await turn(channel, { text: 'what is a senco' })).text).toMatch(/"kind":"answer"/);
    } finally {
      await service.stop();
      service = first;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
