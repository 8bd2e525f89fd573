/**
 * End to end: Microsoft's real web chat client, in headless Chromium, against the real
 * server and its embedded Direct Line, under the page's Content-Security-Policy.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, press, say } from './helpers/browser.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
let browser: Browser;
const pageErrors: string[] = [];
const sockets: string[] = [];

beforeAll(async () => {
  service = await startService();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function openChat(width = 1024): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
  });
  await page.goto(service.url);
  await page.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  return page;
}



describe('web chat', () => {
  it('answers "how long" with the passage that answers it, not the article summary', async () => {
    const page = await openChat();
    await say(page, 'how long does an ehcp take');
    const title = service.kb.byId.get('ehcna-process')!.title;
    const card = page.locator('.ac-adaptiveCard', { hasText: title });
    await card.waitFor({ timeout: 15_000 });
    const text = await card.innerText();
    expect(text).toMatch(/The steps and the time limits/);
    expect(text).toMatch(/week 6/i);
    expect(text).not.toContain(service.kb.byId.get('ehcna-process')!.summary.slice(0, 60));
    expect(await card.getByRole('button', { name: 'Read more' }).count()).toBe(1);
    await page.close();
  });

  it('answers a question with the right article card', async () => {
    const page = await openChat();
    await say(page, 'how do i aply for an ehcp');
    const title = service.kb.byId.get('ehcna-request')!.title;
    const card = page.locator('.ac-adaptiveCard', { hasText: title });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.innerText()).toMatch(/What you can do next/);
    expect(await card.getByRole('button', { name: 'Read more' }).count()).toBe(1);
    // Web chat streams (the embedded Direct Line's streamUrl), under the page's CSP.
    expect(sockets.some((u) => /^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/\w+\/stream\?t=/.test(u))).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('takes a parent from a rich first message to a result card in four turns on a phone-width screen', async () => {
    const page = await openChat(390);
    // 1: the family's story, in their own words; everything triage needs is in it.
    await say(page, 'My son is 8 and in Year 3 at a primary school in Weymouth. He is behind with reading, his spelling is poor and he gets upset about homework. The school has not put any SEN support in place and he has no EHCP.');
    await page.getByText(/Read more/).last().waitFor({ timeout: 15_000 });
    // 2: a request for help; nothing already said is asked again, only the safety question.
    await press(page, 'What should I do next?');
    await page.getByText(/is not safe, or might be harmed/).last().waitFor();
    expect(await page.getByText(/How old is your child/).count()).toBe(0);
    // 3: no safety worry; the summary shows what was understood.
    await press(page, /^No$/);
    const summary = page.locator('.ac-adaptiveCard', { hasText: 'Is that right?' }).last();
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/Weymouth/);
    // 4: confirm.
    await press(page, "Yes, that's right");
    const result = page.locator('.ac-adaptiveCard', { hasText: 'What I suggest' });
    await result.waitFor({ timeout: 15_000 });
    const text = await result.innerText();
    expect(text).toMatch(/Best next step: Support in school or nursery/);
    expect(text).toMatch(/You can always ask Dorset Council for an EHC needs assessment yourself/);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe('asking back in the web chat page', () => {
  it('shows the choices as buttons, and a press shows the chosen article', async () => {
    const page = await openChat();
    await say(page, 'can i appeal my own ehcp at 17');
    await page.getByText('Is your question about one of these?').last().waitFor({ timeout: 15_000 });
    const title = service.kb.byId.get('disagreements-and-appeals')!.title;
    await press(page, title);
    const card = page.locator('.ac-adaptiveCard', { hasText: title });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.getByRole('button', { name: 'Read more' }).count()).toBe(1);
    await page.close();
  });

  it('offers an unsure answer’s runner-up as an "Or:" button that shows that article', async () => {
    const page = await openChat();
    await say(page, 'how long does an ehcp take from asking');
    await page.locator('.ac-adaptiveCard', { hasText: service.kb.byId.get('ehcna-request')!.title }).waitFor({ timeout: 15_000 });
    const title = service.kb.byId.get('ehcna-process')!.title;
    await press(page, `Or: ${title}`);
    await page.locator('.ac-adaptiveCard', { hasText: title }).waitFor({ timeout: 15_000 });
    await page.close();
  });
});
