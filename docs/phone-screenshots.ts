/**
 * `npm run screenshots` (second part): the web chat page on a phone-sized screen (390 x 844),
 * in headless Chromium against the real server, as a parent would use it.
 *  - docs/phone-start.png: before the chat starts (the full header and notice);
 *  - docs/phone-answer.png: an answer card, opened at its top, under the one-line header;
 *  - docs/phone-safety.png: the safety card, its phone numbers as tap-to-call links;
 *  - docs/phone-summary.png: the summary card's facts wrapped between words, and the
 *    choices made with buttons shown as the parent's own messages;
 *  - docs/phone-focus.png: the send box with keyboard focus.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, press, say } from '../tests/helpers/browser.js';
import { startService } from '../tests/helpers/service.js';

const here = dirname(fileURLToPath(import.meta.url));
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true };
const settle = (ms = 700) => new Promise((r) => setTimeout(r, ms));

const service = await startService();
const browser = await launchBrowser();
try {
  const page = await browser.newPage(PHONE);
  await page.goto(service.url);
  await page.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  await settle();
  await page.screenshot({ path: join(here, 'phone-start.png') });

  await say(page, 'how do i aply for an ehcp');
  await page.locator('.ac-adaptiveCard', { hasText: 'What you can do next' }).last().waitFor({ timeout: 15_000 });
  await settle();
  await page.screenshot({ path: join(here, 'phone-answer.png') });

  const safety = await browser.newPage(PHONE);
  await safety.goto(service.url);
  await safety.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  await say(safety, 'my son says he wants to kill himself');
  await safety.locator('.ac-adaptiveCard a[href^="tel:"]').first().waitFor({ timeout: 15_000 });
  await settle();
  await safety.screenshot({ path: join(here, 'phone-safety.png') });

  const summary = await browser.newPage(PHONE);
  await summary.goto(service.url);
  await summary.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  await say(summary, 'My son is 8 and in Year 3 at a primary school in Weymouth. He is behind with reading and the school has not put any SEN support in place. He has no EHCP and is waiting for an autism assessment.');
  await summary.getByText(/Read more/).last().waitFor({ timeout: 15_000 });
  await press(summary, 'What should I do next?');
  await summary.getByText(/is not safe, or might be harmed/).last().waitFor();
  await press(summary, /^No$/);
  await summary.locator('.ac-adaptiveCard', { hasText: 'Is that right?' }).last().waitFor();
  await settle();
  await summary.screenshot({ path: join(here, 'phone-summary.png') });

  const box = summary.locator('[data-id="webchat-sendbox-input"]');
  await summary.keyboard.press('Tab');
  await box.focus();
  await summary.keyboard.type('is there');
  await settle(300);
  await summary.screenshot({ path: join(here, 'phone-focus.png') });
} finally {
  await browser.close();
  await service.stop();
}
