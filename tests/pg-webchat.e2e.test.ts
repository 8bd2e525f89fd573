/**
 * End to end on PostgreSQL: Microsoft's real web chat client, in headless Chromium, talks to
 * two instances through a load balancer without sticky sessions (bench/round-robin.ts): the
 * page, the token, every Direct Line request and the stream each go to the next instance. One
 * family's conversation carries on across both, with the answers streamed, under the page's
 * CSP. Skipped, with a message, when PG_TEST_URL is not set.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundRobin, type RoundRobin } from '../bench/round-robin.js';
import { launchBrowser, press, say } from './helpers/browser.js';
import { dropSchema, PG_TEST_URL, testSchema } from './helpers/pg.js';
import { startService, type TestService } from './helpers/service.js';

describe.skipIf(!PG_TEST_URL)('web chat across two instances on one PostgreSQL database', () => {
  const schema = testSchema('wc');
  const env = { DATABASE_URL: PG_TEST_URL!, DATABASE_SCHEMA: schema, SESSION_SECRET: 'the same secret on every instance, 32+ chars' };
  let instances: TestService[] = [];
  let balancer: RoundRobin;
  let browser: Browser;
  const pageErrors: string[] = [];
  const sockets: string[] = [];

  beforeAll(async () => {
    instances = await Promise.all([startService(env), startService(env)]);
    await Promise.all(instances.map((i) => i.ready));
    balancer = await roundRobin(instances.map((i) => i.url));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await balancer?.close();
    await Promise.all(instances.map((i) => i.stop()));
    await dropSchema(schema);
  });

  async function openChat(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('websocket', (ws) => sockets.push(ws.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });
    await page.goto(balancer.url);
    await page.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
    return page;
  }

  it('carries one conversation on across both instances, streamed, to a result card', { timeout: 90_000 }, async () => {
    const page = await openChat();
    await say(page, 'how do i aply for an ehcp');
    await page.locator('.ac-adaptiveCard', { hasText: instances[0]!.kb.byId.get('ehcna-request')!.title }).waitFor({ timeout: 15_000 });
    await say(page, 'My son is 8 and in Year 3 at a primary school in Weymouth. He is behind with reading and the school has not put any SEN support in place. He has no EHCP.');
    await page.getByText(/Read more/).last().waitFor({ timeout: 15_000 });
    await press(page, 'What should I do next?');
    await page.getByText(/is not safe, or might be harmed/).last().waitFor({ timeout: 15_000 });
    await press(page, /^No$/);
    await page.locator('.ac-adaptiveCard', { hasText: 'Is that right?' }).last().waitFor({ timeout: 15_000 });
    await press(page, "Yes, that's right");
    const result = page.locator('.ac-adaptiveCard', { hasText: 'What I suggest' });
    await result.waitFor({ timeout: 15_000 });
    expect(await result.innerText()).toMatch(/Best next step/);

    // Both instances served the Direct Line (token, posts, polls, the stream), and web chat streamed through the balancer.
    expect(balancer.served.directLine.every((n) => n >= 2)).toBe(true);
    expect(sockets.some((u) => u.startsWith(`${balancer.url.replace('http', 'ws')}/v3/directline/conversations/`))).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
