/**
 * Live chat in the conversation layer: the honest answer to "is someone there?" from the
 * office hours data (in hours, out of hours, weekends, bank holidays; a bad file is refused),
 * and the front door while an officer is in: quiet, except the safety check, which alerts
 * the officer. The browser and connector tests (live-chat.e2e, live-chat-proactive) drive the
 * real channels; here the channel is an in-memory one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlows } from '../conversation/flows.js';
import { FrontDoor, type Turn } from '../conversation/front-door.js';
import { createHandoverPort } from '../conversation/handover-port.js';
import { LiveChat, type LiveChannel, type LiveEvent } from '../conversation/live-chat.js';
import { OfficeHours } from '../conversation/office-hours.js';
import { outcomeOf } from '../conversation/replies.js';
import type { Reply } from '../conversation/replies.js';
import { freshConversation, readConversation, type ConversationData } from '../conversation/state.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkWithNet, defaultSafetyNet } from '../safety/safety-net.js';

const kb = loadKnowledgeBase();
const check = checkWithNet(defaultSafetyNet(kb.articles.flatMap((a) => [a.title, ...a.questions])));
const hours = OfficeHours.load();
let dir: string;
let store: SqliteHandoverStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deal-live-chat-'));
  store = new SqliteHandoverStore({ dataDir: dir });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function frontDoor(now: Date) {
  const live = new LiveChat({ kb, hours, now: () => now });
  const flows = createFlows({ kb, publicUrl: 'https://deal.example.org', handovers: createHandoverPort({ store, retentionDays: 90, logger: pino({ level: 'silent' }) }) });
  const door = new FrontDoor({ kb, search: new KnowledgeSearch(kb), glossary: new Glossary(kb.glossary), checkSafety: check, publicUrl: 'https://deal.example.org', ...flows, live });
  return { live, door };
}

const turn = (text: string): Turn => ({ text, channel: 'webchat', audience: 'family' });
const textOf = (replies: Reply[]) => replies.map((r) => (r.kind === 'text' ? r.text : r.kind === 'safety' ? r.title : '')).join('\n');
// Mondays to Fridays in December 2026, London time (UTC in winter); 25 December is a Friday and a bank holiday.
const MONDAY_10AM = new Date('2026-11-30T10:00:00Z');

describe('office hours', () => {
  it('are open on a working day in hours and closed after, at weekends and on bank holidays', () => {
    expect(hours.at(MONDAY_10AM)).toEqual({ open: true, until: '5pm' });
    expect(hours.at(new Date('2026-11-30T08:59:00Z'))).toEqual({ open: false });
    expect(hours.at(new Date('2026-11-30T17:00:00Z'))).toEqual({ open: false });
    expect(hours.at(new Date('2026-12-05T10:00:00Z'))).toEqual({ open: false }); // Saturday
    expect(hours.at(new Date('2026-12-25T10:00:00Z'))).toEqual({ open: false }); // Christmas Day
    expect(hours.at(new Date('2026-06-01T08:30:00Z'))).toEqual({ open: true, until: '5pm' }); // 9:30 British Summer Time
    expect(hours.describe()).toBe('Monday to Friday, 9am to 5pm');
  });

  it('refuse a file that does not make sense, naming the field', () => {
    const file = join(dir, 'hours.yaml');
    writeFileSync(file, 'timeZone: Europe/London\nconfirmed: false\ndays:\n  monday: { open: "17:00", close: "09:00" }\n');
    expect(() => OfficeHours.load(file)).toThrow(/days\.monday: close must be after open/);
    writeFileSync(file, 'timeZone: Mars/Olympus\nconfirmed: false\ndays: {}\n');
    expect(() => OfficeHours.load(file)).toThrow(/timeZone: must be an IANA time zone/);
    writeFileSync(file, 'timeZone: Europe/London\nconfirmed: false\ndays:\n  funday: { open: "09:00", close: "17:00" }\n');
    expect(() => OfficeHours.load(file)).toThrow(/funday/);
  });
});

describe('"is someone there?"', () => {
  const phones = [...kb.contacts.values()].map((c) => c.phone).filter(Boolean);

  it('in hours: says it is an assistant, that the team is in, and offers a person', async () => {
    const { door } = frontDoor(MONDAY_10AM);
    for (const asked of ['is someone there?', 'Is anyone there', 'am I talking to a real person?', 'are you a bot']) {
      const replies = await door.handle(turn(asked), freshConversation());
      expect(textOf(replies), asked).toMatch(/I'm the DEAL assistant, not a person. The DEAL team is working now, until 5pm/);
      expect(replies[0]!.kind === 'text' && replies[0]!.choices?.map((c) => c.title)).toEqual(['Talk to a person']);
    }
  });

  it('out of hours: no one is in; the request and the phone line from contacts.yaml, no other number', async () => {
    const { door } = frontDoor(new Date('2026-12-05T10:00:00Z'));
    const text = textOf(await door.handle(turn('is someone there?'), freshConversation()));
    expect(text).toMatch(/no one from the DEAL team is working right now \(they work Monday to Friday, 9am to 5pm\)/);
    expect(text).toContain(`phone ${kb.contacts.get('deal')!.name} on ${kb.contacts.get('deal')!.phone}`);
    for (const number of text.match(/\d[\d ]{2,}\d/g) ?? []) expect(phones).toContain(number);
  });

  it('is not mistaken for other questions', async () => {
    const { door } = frontDoor(MONDAY_10AM);
    const replies = await door.handle(turn('is there someone who can help with transport'), freshConversation());
    expect(textOf(replies)).not.toMatch(/not a person/);
  });
});

/** An in-memory family chat: one conversation state, always online, recording what is sent. */
function memoryChannel(state: { data: ConversationData }) {
  const sent: Reply[] = [];
  const link = { reference: 'DEAL-7K3F9Q', where: 'web chat' as const, address: {} };
  const channel: LiveChannel = {
    find: async (reference) => (reference === link.reference ? link : null),
    read: async () => readConversation(JSON.parse(JSON.stringify(state.data))),
    update: async (_link, change) => (change(state.data), state.data),
    send: async (_link, replies) => (sent.push(...replies), true),
    online: async () => true,
  };
  return { channel, sent };
}

describe('while an officer is in the chat', () => {
  it('the bot is quiet, every family message reaches the officer, a risk message alerts them, and leaving hands back', async () => {
    const { door, live } = frontDoor(MONDAY_10AM);
    const state = { data: freshConversation() };
    const { channel, sent } = memoryChannel(state);
    live.connect(channel);
    const events: LiveEvent[] = [];
    live.notifier.subscribe('DEAL-7K3F9Q', (e) => events.push(e));

    expect(await live.join('DEAL-7K3F9Q', { email: 'sam@example.org', name: 'Sam' })).toEqual({ ok: true, where: 'web chat', online: true });
    expect(state.data.live).toMatchObject({ reference: 'DEAL-7K3F9Q', name: 'Sam', email: 'sam@example.org' });
    expect(await live.join('DEAL-7K3F9Q', { email: 'other@example.org', name: 'Kim' })).toEqual({ ok: false, reason: 'busy' });

    expect(await door.handle(turn('what is an ehcp'), state.data)).toEqual([]);
    expect(await door.handle(turn('is someone there?'), state.data)).toEqual([]); // the officer answers that
    const risk = await door.handle(turn('her dad hits her and she is scared to go home'), state.data);
    expect(risk.map((r) => outcomeOf(r).kind)).toEqual(['safety']);
    expect(state.data.alarm?.kind).toBe('risk-of-harm');
    expect(events.map((e) => e.kind)).toEqual(['joined', 'family', 'family', 'family', 'alert']);
    expect(events[1]!.text).toBe('what is an ehcp');

    expect(await live.say('DEAL-7K3F9Q', { email: 'other@example.org' }, 'hello')).toBe('not-joined');
    expect(await live.say('DEAL-7K3F9Q', { email: 'sam@example.org' }, 'I am here')).toBe('sent');
    expect(await live.leave('DEAL-7K3F9Q', { email: 'sam@example.org' })).toBe(true);
    expect(sent.map((r) => [outcomeOf(r).kind, r.kind === 'text' ? r.text.slice(0, 40) : r.kind])).toEqual([
      ['staff-message', 'Sam from the DEAL team has joined this c'],
      ['staff-message', 'Sam (DEAL team): I am here'],
      ['staff-message', "Sam has left the chat. I'm the DEAL assi"],
    ]);
    expect(state.data.live).toBeNull();
    expect((await door.handle(turn('what is an ehcp'), state.data)).length).toBeGreaterThan(0);
    live.close();
  });
});
