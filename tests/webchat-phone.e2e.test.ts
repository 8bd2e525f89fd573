/**
 * The web chat page on a phone-sized screen (390 x 844) in headless Chromium, as a parent
 * uses it: the header collapses to one line once the chat starts, a new answer opens at its
 * top, phone numbers are tel: links (cards and article pages), button choices show as the
 * parent's own messages, focus is visible, facts wrap between words, card text is 16 px+.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, press, say } from './helpers/browser.js';
import { startService, type TestService } from './helpers/service.js';

let service: TestService;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  service = await startService();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function openPhone(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(service.url);
  await page.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  return page;
}

const height = (page: Page, selector: string) => page.locator(selector).evaluate((e) => e.getBoundingClientRect().height);

describe('web chat on a phone (390 x 844)', () => {
  it('collapses the header, opens the answer at its top, links phone numbers, card text 16 px', async () => {
    const page = await openPhone();
    expect(await page.locator('.site-header .intro').isVisible()).toBe(true);
    const before = (await height(page, '.site-header')) + (await height(page, '#notice'));

    await say(page, 'how do i aply for an ehcp');
    const title = service.kb.byId.get('ehcna-request')!.title;
    const card = page.locator('.ac-adaptiveCard', { hasText: title }).last();
    await card.waitFor({ timeout: 15_000 });
    // The header and the notice are one line each; 999 stays in sight, as a link.
    expect(await page.locator('.site-header .intro').isVisible()).toBe(false);
    const lineHeight = await page.locator('.site-header h1').evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
    expect(await height(page, '.site-header h1')).toBeLessThanOrEqual(lineHeight + 1);
    expect(await height(page, '#notice strong')).toBeLessThanOrEqual(30);
    const after = (await height(page, '.site-header')) + (await height(page, '#notice'));
    expect(after).toBeLessThan(before / 2);
    expect(await page.locator('#notice a[href="tel:999"]').count()).toBe(1);

    // The new answer is scrolled to its top, with its title in view (web chat's own scroll goes to the bottom).
    await expect
      .poll(async () => {
        const [c, s] = await Promise.all([
          card.evaluate((e) => e.getBoundingClientRect().top),
          page.locator('.webchat__basic-transcript__scrollable').evaluate((e) => e.getBoundingClientRect().top),
        ]);
        return c >= s - 1 && c < s + 60;
      }, { timeout: 5_000 })
      .toBe(true);
    // The card's contacts: phone numbers are tel: links.
    expect(await card.locator('a[href="tel:01305221000"]').count()).toBeGreaterThan(0);
    // Card text is at least 16 px.
    const sizes = await card.locator('.ac-textBlock').evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(16);

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("echoes button choices as the parent's own messages, and wraps facts between words", async () => {
    const page = await openPhone();
    await say(page, 'My son is 8 and in Year 3 at a primary school in Weymouth. He is behind with reading, his spelling is poor and he gets upset about homework. The school has not put any SEN support in place and he has no EHCP.');
    await page.getByText(/Read more/).last().waitFor({ timeout: 15_000 });
    // A choice made with a button shows as the parent's own message.
    await press(page, 'What should I do next?');
    await page.locator('.webchat__stacked-layout--from-user', { hasText: 'What should I do next?' }).last().waitFor({ timeout: 10_000 });
    await page.getByText(/is not safe, or might be harmed/).last().waitFor();
    await press(page, /^No$/);
    await expect.poll(() => page.locator('.webchat__stacked-layout--from-user .webchat__bubble__content').allInnerTexts(), { timeout: 10_000 }).toContain('No');
    const summary = page.locator('.ac-adaptiveCard', { hasText: 'Is that right?' }).last();
    await summary.waitFor();
    // Facts wrap between words: title above value, nothing overflowing, no break inside a word.
    const facts = await summary.locator('.ac-factset td').evaluateAll((tds) =>
      tds.map((td) => ({ display: getComputedStyle(td).display, overflow: td.scrollWidth > td.clientWidth + 1, wordBreak: getComputedStyle(td.querySelector('.ac-textBlock') ?? td).wordBreak })),
    );
    expect(facts.length).toBeGreaterThan(4);
    for (const f of facts) expect(f).toEqual({ display: 'block', overflow: false, wordBreak: 'normal' });
    // A card button answered by press shows too.
    await summary.getByRole('button', { name: "Yes, that's right" }).click();
    await page.locator('.ac-adaptiveCard', { hasText: 'What I suggest' }).waitFor({ timeout: 15_000 });
    // (web chat's markdown turns the apostrophe into a typographic one)
    await expect.poll(async () => (await page.locator('.webchat__stacked-layout--from-user .webchat__bubble__content').allInnerTexts()).some((t) => /^Yes, that.s right$/.test(t.trim())), { timeout: 10_000 }).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('shows the safety numbers as tap-to-call links, and keyboard focus on the send box and buttons', async () => {
    const page = await openPhone();
    await say(page, 'my son says he wants to kill himself');
    const card = page.locator('.ac-adaptiveCard', { hasText: 'may not be safe' }).last();
    await card.waitFor({ timeout: 15_000 });
    const tels = await card.locator('a[href^="tel:"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(tels).toEqual(expect.arrayContaining(['tel:999', 'tel:111', 'tel:08001111', 'tel:08088005000']));

    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await page.keyboard.press('Tab');
    await box.focus();
    const ring = await box.evaluate((e) => {
      const s = getComputedStyle(e);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(ring.style).toBe('solid');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    const button = card.locator('.ac-pushButton').first();
    await button.focus();
    expect(await button.evaluate((e) => e.matches(':focus-visible') && parseFloat(getComputedStyle(e).outlineWidth) >= 2)).toBe(true);
    await page.close();
  });

  it('links phone numbers on the article pages', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${service.url}/articles/ehcna-request`);
    expect(await page.locator('a[href="tel:01305221000"]').count()).toBeGreaterThan(0);
    await page.close();
  });
});
