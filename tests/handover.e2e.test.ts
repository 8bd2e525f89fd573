/**
 * End to end, in headless Chromium: a parent in the real web chat goes through triage,
 * consents, leaves contact details and gets a reference; a locality officer signs in to
 * /staff, sees it in the right queue, claims and resolves it; the event log shows each step.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { launchBrowser, press, say } from './helpers/browser.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  service = await startService();
  browser = await launchBrowser();
  const accounts = new StaffAccounts(service.store, { knownLocalities: ['north', 'south', 'east', 'west'] });
  await accounts.addStaff('south.officer@example.org', { localityId: 'south', password: 'correct horse battery staple' });
  await accounts.addStaff('north.officer@example.org', { localityId: 'north', password: 'another long passphrase' });
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});



async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${service.url}/staff`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('handover from web chat to the staff page', () => {
  it('stores the consented handover, shows the reference, and staff claim and resolve it', { timeout: 120_000 }, async () => {
    const chat = await browser.newPage();
    await chat.goto(service.url);
    await chat.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });

    await press(chat, 'Talk to a person');
    await chat.getByText(/what is happening/).last().waitFor();
    await say(chat, 'My daughter is 8 and goes to a special school in Dorchester. I have questions about her annual review <b>bold</b>');
    await chat.getByText(/is not safe, or might be harmed/).last().waitFor();
    await press(chat, /^No$/);
    await press(chat, "Yes, that's right");

    await chat.getByText(/What I suggest/).last().waitFor({ timeout: 15_000 });
    await chat.getByText(/we need to keep a few details/).last().waitFor();
    await press(chat, 'Yes, I agree');
    await chat.getByText(/What name should we use/).last().waitFor();
    await say(chat, 'Sam Parent');
    await press(chat, 'Phone');
    await chat.getByText(/What is your phone number/).last().waitFor();
    await say(chat, '07700 900123');
    await press(chat, 'Morning');
    await press(chat, 'Skip');
    await press(chat, 'No, just the summary');
    await press(chat, 'Send my request');

    const confirmation = chat.locator('.ac-adaptiveCard', { hasText: 'Your reference is' });
    await confirmation.waitFor({ timeout: 15_000 });
    const reference = /DEAL-[0-9A-Z]{6}/.exec(await confirmation.innerText())?.[0];
    expect(reference).toBeDefined();
    expect(await confirmation.innerText()).toMatch(/South Dorset SEND team/);

    // Stored before the family saw the reference, routed to the right locality.
    const stored = await service.store.getHandover(reference!);
    expect(stored?.localityId).toBe('south');
    expect(stored?.triage?.primary).toBe('existing-ehcp');
    expect(stored?.contact).toMatchObject({ name: 'Sam Parent', method: 'phone', detail: '07700900123' });
    expect(stored?.transcript).toBeNull();

    // An officer of another locality cannot see it.
    const north = await browser.newPage();
    await signIn(north, 'north.officer@example.org', 'another long passphrase');
    expect(await north.locator('body').innerText()).not.toContain(reference!);
    const denied = await north.goto(`${service.url}/staff/handovers/${reference}`);
    expect(denied?.status()).toBe(404);

    // The south officer sees it, claims it and resolves it.
    const staff = await browser.newPage();
    await signIn(staff, 'south.officer@example.org', 'correct horse battery staple');
    await staff.getByRole('link', { name: reference! }).click();
    expect(await staff.locator('body').innerText()).toContain('Sam Parent');
    await staff.getByRole('button', { name: 'Claim this request' }).click();
    await staff.getByLabel('Outcome').selectOption('advice-given');
    await staff.getByRole('button', { name: 'Resolve this request' }).click();
    await staff.getByRole('heading', { name: 'History' }).waitFor();
    const history = await staff.locator('table.history').innerText();
    expect(history).toMatch(/claimed/i);
    expect(history).toMatch(/resolved/i);

    const events = (await service.store.listEvents(reference!)).map((e) => e.kind);
    expect(events).toEqual(expect.arrayContaining(['created', 'claimed', 'resolved']));
    expect(events.indexOf('created')).toBeLessThan(events.indexOf('claimed'));
    expect(events.indexOf('claimed')).toBeLessThan(events.indexOf('resolved'));
    expect((await service.store.getHandover(reference!))?.status).toBe('closed');

    // The family can check the status with the reference and the phone number, and not without it.
    await say(chat, `check my reference ${reference}`);
    await chat.getByText(/phone number or email address you gave/).last().waitFor();
    await say(chat, '07700 900123');
    await chat.getByText(/has been closed/).last().waitFor();
    await say(chat, `check my reference ${reference}`);
    await say(chat, '07700 900999');
    await chat.getByText(/couldn.t find a request/).last().waitFor();
  });
});
