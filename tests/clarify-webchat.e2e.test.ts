/**
 * Asking back in Microsoft's real web chat client (headless Chromium, the real server and its
 * embedded Direct Line): the choices are buttons, and pressing one shows that article's card;
 * an unsure answer's "Or:" button does the same.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, press, say } from './helpers/browser.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  service = await startService();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function openChat(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
  await page.goto(service.url);
  await page.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  return page;
}

describe('asking back in the web chat page', () => {
  it('shows the choices as buttons, and a press shows the chosen article', async () => {
    const page = await openChat();
    await say(page, 'ehcp assessment refused what now');
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
