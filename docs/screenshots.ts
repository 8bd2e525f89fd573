/**
 * `npm run screenshots`: pictures for the README of what people actually see.
 *  - docs/webchat.png: the real web chat page answering a question, at phone width;
 *  - docs/result-card.png: a triage result card for Teams, drawn by Microsoft's Adaptive
 *    Cards renderer (the `adaptivecards` package) in headless Chromium.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cardFor } from '../bot/render.js';
import { TriageFlow } from '../conversation/triage-flow.js';
import { loadKnowledgeBase } from '../knowledge/load.js';
import { loadRouteGuide, triage } from '../triage/engine.js';
import { launchBrowser } from '../tests/helpers/browser.js';
import { startService } from '../tests/helpers/service.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const service = await startService();
const browser = await launchBrowser();
try {
  const chat = await browser.newPage({ viewport: { width: 420, height: 1300 }, deviceScaleFactor: 1 });
  await chat.goto(service.url);
  await chat.getByText(/I.m the DEAL assistant/).first().waitFor({ timeout: 20_000 });
  const box = chat.locator('[data-id="webchat-sendbox-input"]');
  await box.fill('my 2 year old isnt talking yet');
  await box.press('Enter');
  await chat.locator('.ac-adaptiveCard').last().waitFor({ timeout: 15_000 });
  await new Promise((r) => setTimeout(r, 800));
  await chat.screenshot({ path: join(here, 'webchat.png') });

  const kb = loadKnowledgeBase();
  const routes = loadRouteGuide();
  const flow = new TriageFlow({
    kb,
    publicUrl: 'https://deal.example.org',
    runTriage: triage,
    routeGuide: (id) => routes[id],
    checkPlace: () => ({ status: 'dorset', name: 'North Dorset' }),
    safeguardingQueue: 'safeguarding',
    continueToHandover: () => [],
  });
  const result = triage({
    requester: 'professional',
    childAge: 7,
    setting: 'mainstream-school',
    town: 'Blandford',
    needs: ['communication-interaction'],
    concern: 'Several cycles of SEN support with speech and language therapy advice; needs exceed what school can provide',
    senSupport: 'established',
    externalAdvice: true,
    ehcp: 'none',
    diagnosis: 'diagnosed',
    safetyConcern: false,
  });
  const card = cardFor(flow.resultReply(result), 'teams')!.content;
  const page = await browser.newPage({ viewport: { width: 520, height: 400 }, deviceScaleFactor: 1 });
  await page.setContent('<!doctype html><html><body style="margin:0;padding:16px;background:#f5f5f5;font-family:Segoe UI,Arial,sans-serif"><div id="card" style="background:#fff;border-radius:4px;box-shadow:0 1px 3px #0003;max-width:480px"></div></body></html>');
  await page.addStyleTag({ path: join(dirname(dirname(require.resolve('adaptivecards'))), 'dist', 'adaptivecards.css') });
  await page.addScriptTag({ path: join(dirname(dirname(require.resolve('adaptivecards'))), 'dist', 'adaptivecards.js') });
  // Teams renders the markdown subset (lists, links, bold) in TextBlocks; the bare renderer needs a processor.
  await page.addScriptTag({ path: join(dirname(dirname(require.resolve('marked'))), 'lib', 'marked.umd.js') });
  await page.evaluate((json) => {
    type Processed = { outputHtml?: string; didProcess: boolean };
    const w = window as unknown as {
      marked: { parse(md: string): string };
      AdaptiveCards: {
        AdaptiveCard: (new () => { parse(j: unknown): void; render(): HTMLElement }) & { onProcessMarkdown?: (text: string, result: Processed) => void };
      };
    };
    const AC = w.AdaptiveCards;
    AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
      result.outputHtml = w.marked.parse(text);
      result.didProcess = true;
    };
    const adaptive = new AC.AdaptiveCard();
    adaptive.parse(json);
    document.getElementById('card')!.appendChild(adaptive.render());
  }, card);
  const element = page.locator('#card');
  await element.screenshot({ path: join(here, 'result-card.png') });
  console.log('wrote docs/webchat.png and docs/result-card.png');
} finally {
  await browser.close();
  await service.stop();
}
