/**
 * Family text on the staff page can never run script. A handover whose contact name, best
 * time, child details, questions, triage reasons and transcript hold script and event-handler
 * payloads is opened in headless Chromium after signing in through the real form; the
 * payloads must show as plain visible text, no element may be created from them, and
 * `window.__xss` must stay undefined. The app here has the service's helmet headers but
 * deliberately no CSP, so it is the escaping that is tested, not the browser's policy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handover } from '../handover/schema.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { launchBrowser } from './helpers/browser.js';
import { startStaffApp, type StaffApp } from './helpers/staff-app.js';
import { sampleDraft, sampleTriage } from './fixtures/handover-draft.js';

const PASSWORD = 'correct horse battery staple';
const OFFICER = 'north.officer@dorsetcouncil.gov.uk';
const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
/** The child's name holds at most 30 characters, so it gets a shorter payload. */
const SVG = '<svg onload=window.__xss=1>';

let dir: string;
let store: SqliteHandoverStore;
let staffApp: StaffApp;
let base: string;
let browser: Browser;
let handover: Handover;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deal-staff-xss-'));
  store = new SqliteHandoverStore({ dataDir: dir });
  const accounts = new StaffAccounts(store, { scrypt: { N: 2 ** 10, r: 8, p: 1 } });
  await accounts.addStaff(OFFICER, { localityId: 'north', password: PASSWORD });
  const triage = sampleTriage('priority', 'north');
  triage.routes[0]!.reasons.push(`You said: ${IMG} ${SCRIPT}`);
  handover = await store.createHandover(
    sampleDraft({
      contact: { name: IMG, method: 'phone', detail: '07700 900123', bestTime: SCRIPT },
      child: { name: SVG, age: 7, setting: `${IMG}${SCRIPT}` },
      triage,
      questionsAsked: [IMG, SCRIPT],
      transcript: [`You: ${IMG}`, `You: ${SCRIPT}`, `Bot: ${SVG}`],
    }),
  );
  // The service's headers (e.g. Referrer-Policy: no-referrer) but no CSP: see the top of this file.
  staffApp = await startStaffApp(
    { store, accounts, logger: pino({ level: 'silent' }), publicUrl: 'http://127.0.0.1', secureCookies: false },
    { helmetWithoutCsp: true },
  );
  base = staffApp.base;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await staffApp.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Nothing from the payloads ran or became an element. */
async function expectNoInjection(page: Page, dialogs: string[]): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('svg').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(0);
  expect(await page.locator('[onerror], [onload]').count()).toBe(0);
  expect(dialogs).toEqual([]);
}

describe('family text on the staff page', () => {
  it('is shown as text and never runs', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    await page.goto(`${base}/staff/handovers/${handover.reference}`);
    // Signed out: sent to the sign-in page, and back here afterwards.
    expect(new URL(page.url()).pathname).toBe('/staff/login');
    await page.getByLabel('Email address').fill(OFFICER);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(`**/staff/handovers/${handover.reference}`), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.waitForLoadState('load');

    const body = await page.locator('main').innerText();
    expect(body).toContain(`Request ${handover.reference}`);
    for (const payload of [IMG, SCRIPT, SVG, `${IMG}${SCRIPT}`, `You: ${IMG}`, `You: ${SCRIPT}`, `Bot: ${SVG}`, `You said: ${IMG} ${SCRIPT}`]) {
      expect(body, payload).toContain(payload);
    }
    await expect(page.getByText(IMG, { exact: true }).first().isVisible()).resolves.toBe(true);
    await expectNoInjection(page, dialogs);

    // A note typed by a member of staff is escaped the same way (form works without JS).
    await page.getByLabel('Add a note').fill(`Parent wrote ${IMG} and ${SCRIPT}`);
    await Promise.all([page.waitForURL(/done=note-added/), page.getByRole('button', { name: 'Add note' }).click()]);
    await page.waitForLoadState('load');
    expect(await page.locator('main').innerText()).toContain(`Parent wrote ${IMG} and ${SCRIPT}`);
    await expectNoInjection(page, dialogs);

    // The queue is safe too.
    await page.goto(`${base}/staff/`);
    await page.waitForLoadState('load');
    expect(await page.locator('main').innerText()).toContain(handover.reference);
    await expectNoInjection(page, dialogs);
    await context.close();
  });
});
