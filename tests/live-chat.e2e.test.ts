/**
 * Live chat end to end, in headless Chromium with two browser contexts: a family on the real
 * web chat page (embedded Direct Line, streaming) and an officer on the real staff page.
 * The family asks for a person and consents; the officer claims, joins and types; each side
 * sees the other within a second; the bot says nothing meanwhile except the safety check,
 * which alerts the officer; leaving hands back to the bot; the family going is noticed; the
 * audit log has every step.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { launchBrowser, press, say } from './helpers/browser.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  service = await startService();
  browser = await launchBrowser();
  const accounts = new StaffAccounts(service.store, { knownLocalities: ['north', 'south', 'east', 'west'] });
  await accounts.addStaff('sam.officer@example.org', { localityId: 'south', password: 'correct horse battery staple' });
  await accounts.addStaff('north.officer@example.org', { localityId: 'north', password: 'another long passphrase' });
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await service?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext(); // separate cookies and storage: two people
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${service.url}/staff`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor();
}

/** Activities the family's page received on its Direct Line stream. */
function streamedActivities(page: Page): { type?: string; text?: string; channelData?: { deal?: { kind?: string } }; from?: { role?: string } }[] {
  const activities: ReturnType<typeof streamedActivities> = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', (frame) => {
      if (typeof frame.payload !== 'string' || !frame.payload) return;
      for (const a of (JSON.parse(frame.payload) as { activities?: typeof activities }).activities ?? []) activities.push(a);
    }),
  );
  return activities;
}

/** The family asks for a person, goes through the questions and consents (with the chat shared). */
async function familyHandover(chat: Page): Promise<string> {
  await chat.goto(service.url);
  await chat.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  await press(chat, 'Talk to a person');
  await chat.getByText(/what is happening/).last().waitFor();
  await say(chat, 'My daughter is 8 and goes to a special school in Dorchester. I have questions about her annual review');
  await chat.getByText(/is not safe, or might be harmed/).last().waitFor();
  await press(chat, /^No$/);
  await press(chat, "Yes, that's right");
  await chat.getByText(/we need to keep a few details/).last().waitFor({ timeout: 15_000 });
  await press(chat, 'Yes, I agree');
  await chat.getByText(/What name should we use/).last().waitFor();
  await say(chat, 'Alex Parent');
  await press(chat, 'Phone');
  await chat.getByText(/What is your phone number/).last().waitFor();
  await say(chat, '07700 900123');
  await press(chat, 'Morning');
  await press(chat, 'Skip');
  await press(chat, 'Yes, include the chat');
  await press(chat, 'Send my request');
  const confirmation = chat.locator('.ac-adaptiveCard', { hasText: 'Your reference is' });
  await confirmation.waitFor({ timeout: 15_000 });
  return /DEAL-[0-9A-Z]{6}/.exec(await confirmation.innerText())![0];
}

/** Waits until the family's transcript shows a message containing `text`. */
const sees = (chat: Page, text: string | RegExp, timeout = 1000) => chat.locator('.webchat__bubble', { hasText: text }).last().waitFor({ timeout });

const botBubbles = (chat: Page) => chat.locator('.webchat__bubble:not(.webchat__bubble--from-user)').count();

describe('live chat with an officer', () => {
  it('puts an officer in the family’s web chat and hands back to the bot', { timeout: 180_000 }, async () => {
    const chat = await newPage();
    const streamed = streamedActivities(chat);
    const reference = await familyHandover(chat);

    // "Is someone there?": an honest answer, whatever the hour.
    await say(chat, 'is someone there?');
    await chat.getByText(/I.m the DEAL assistant, not a person/).last().waitFor();

    // Another locality's officer cannot open the live chat.
    const north = await newPage();
    await signIn(north, 'north.officer@example.org', 'another long passphrase');
    expect((await north.goto(`${service.url}/staff/live/${reference}`))?.status()).toBe(404);

    // The officer claims the request and joins.
    const staff = await newPage();
    await signIn(staff, 'sam.officer@example.org', 'correct horse battery staple');
    await staff.goto(`${service.url}/staff/handovers/${reference}`);
    await staff.getByRole('button', { name: 'Claim this request' }).click();
    await staff.getByRole('link', { name: 'Chat with the family now' }).click();
    await staff.getByText("The family's chat is open now.").waitFor();
    await staff.getByLabel('Your first name, as the family will see it').fill('Sam');
    await staff.getByRole('button', { name: "Join the family's chat" }).click();
    await sees(chat, 'Sam from the DEAL team has joined this chat');
    const joinedAt = streamed.length;

    // The officer types; the family sees it within a second.
    await staff.getByLabel('Message to the family').fill('Hello Alex, I have your request in front of me.');
    let started = Date.now();
    await staff.getByRole('button', { name: 'Send' }).click();
    await sees(chat, 'Sam (DEAL team): Hello Alex, I have your request in front of me.');
    const officerToFamily = Date.now() - started;
    const staffMessage = streamed.find((a) => a.text?.startsWith('Sam (DEAL team): Hello Alex'));
    expect(staffMessage?.channelData?.deal?.kind).toBe('staff-message');

    // The family replies; the officer sees it within a second, and the bot says nothing.
    const before = await botBubbles(chat);
    started = Date.now();
    await say(chat, 'Thank you. Her annual review is next week and I am worried about it');
    await staff.locator('#live-log li.live-family', { hasText: 'Her annual review is next week' }).waitFor({ timeout: 1000 });
    const familyToOfficer = Date.now() - started;
    console.log(`live chat in Chromium: officer to family ${officerToFamily} ms, family to officer ${familyToOfficer} ms (each includes typing into the page)`);
    await say(chat, 'what is an ehcp');
    await staff.locator('#live-log li.live-family', { hasText: 'what is an ehcp' }).waitFor({ timeout: 1000 });
    await chat.waitForTimeout(1000);
    expect(await botBubbles(chat)).toBe(before);

    // A risk message: the family gets the safety card, the officer an alert.
    await say(chat, 'her dad hits her and she is scared to go home');
    await staff.locator('#live-log li.live-alert').waitFor({ timeout: 1000 });
    expect(await staff.locator('#live-log li.live-alert').innerText()).toMatch(/at risk of harm/);
    await chat.getByText(/call 999/i).last().waitFor();

    // While the officer was in, the bot sent only the safety card: no answers, not even "typing".
    const whileIn = streamed.slice(joinedAt).filter((a) => a.from?.role === 'bot');
    expect(whileIn.filter((a) => a.type === 'typing')).toEqual([]);
    expect(new Set(whileIn.map((a) => a.channelData?.deal?.kind))).toEqual(new Set(['staff-message', 'safety']));

    // The officer leaves: the bot says so and answers again.
    await staff.getByRole('button', { name: 'Leave the chat' }).click();
    await sees(chat, /Sam has left the chat. I.m the DEAL assistant again/);
    await say(chat, 'what is a senco');
    await chat.locator('.ac-adaptiveCard', { hasText: service.kb.byId.get('graduated-approach')!.title }).last().waitFor({ timeout: 10_000 });

    // The audit log has every step, in order; ids and lengths only.
    const audit = (await service.store.listAudit(reference)).map((e) => e.action);
    const steps = ['live-joined', 'live-message', 'live-family-message', 'live-alert', 'live-left'] as const;
    for (const step of steps) expect(audit).toContain(step);
    expect(audit.filter((a) => a === 'live-family-message')).toHaveLength(3);
    const order = steps.map((s) => audit.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(JSON.stringify(await service.store.listAudit(reference))).not.toMatch(/annual review|hits her/);
    expect((await service.store.listEvents(reference)).map((e) => e.kind)).toContain('claimed');
    // The family agreed to share the chat: it is on the request as a note.
    const notes = await service.store.listNotes(reference, { email: 'sam.officer@example.org', role: 'officer', localityId: 'south' });
    expect(notes.at(-1)?.text).toMatch(/^Live chat:\nDEAL: Hello Alex[\s\S]*Family: Thank you/);

    // The officer joins again and the family closes the chat: the officer is told, with the fallback.
    await staff.getByRole('button', { name: "Join the family's chat" }).click();
    await sees(chat, 'Sam from the DEAL team has joined this chat');
    await chat.context().close();
    await staff.locator('#live-log li.live-family-left').waitFor({ timeout: 10_000 });
    await staff.reload();
    expect(await staff.locator('#live-status').innerText()).toMatch(/The family has left the chat[\s\S]*phone Alex Parent instead: 07700900123/);
    expect(await staff.getByRole('button', { name: "Join the family's chat" }).count()).toBe(0);
    expect((await service.store.listAudit(reference)).map((e) => e.action)).toContain('live-family-left');
  });
});
