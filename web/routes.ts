/**
 * The public web pages: the chat page, Microsoft's web chat bundle (served from
 * node_modules, never a CDN), knowledge articles as readable pages ("read more"), and the
 * privacy notice.
 */
import { escapeHtml } from '../text/html.js';
import express, { Router } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';
import type { KnowledgeBase } from '../knowledge/load.js';
import { contactLine } from '../conversation/answers.js';
import { telLinks, telLinksHtml } from '../bot/phone-links.js';

const require = createRequire(import.meta.url);
const WEB_DIR = fileURLToPath(new URL('.//', import.meta.url));
/**
 * The UMD bundle (includes React). The package's exports hide `dist/webchat.js`, so we find
 * the package folder from its CommonJS entry (`<package>/lib/index.js`).
 */
const WEBCHAT_BUNDLE = join(dirname(dirname(require.resolve('botframework-webchat'))), 'dist', 'webchat.js');


function page(title: string, body: string): string {
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/static/styles.css"></head>
<body><header class="site-header"><p><a href="/" style="color:#fff">Ask DEAL</a></p></header><main><article class="kb">${body}</article></main></body></html>`;
}

export function webRoutes(kb: KnowledgeBase, opts: { retentionDays: number }): Router {
  const router = Router();
  router.get('/static/webchat.js', (_req, res) => {
    res.sendFile(WEBCHAT_BUNDLE, { maxAge: '1d' });
  });
  router.use('/static', express.static(WEB_DIR, { index: false, maxAge: '1h' }));
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  router.get('/', (_req, res) => {
    res.sendFile(join(WEB_DIR, 'index.html'));
  });

  // Articles are our own curated markdown, each rendered once, when it is first asked for (not at
  // start-up: most of a process's articles are never opened, and start-up is what a new instance waits for).
  const rendered = new Map<string, string>();
  const render = (article: (typeof kb.articles)[number]): string => {
    const contacts = article.contacts
      .map((id) => kb.contacts.get(id))
      .filter((c) => c !== undefined)
      .map((c) => {
        const line = contactLine(c);
        return `<li><strong>${escapeHtml(line.name)}</strong>${line.detail ? `: ${telLinksHtml(escapeHtml(line.detail))}` : ''}</li>`;
      })
      .join('');
    const links = article.links
      .map((l) => `<li><a href="${escapeHtml(l.url)}" rel="noopener">${escapeHtml(l.title)}</a></li>`)
      .join('');
    const body = `<h1>${escapeHtml(article.title)}</h1>
<p><strong>${escapeHtml(article.summary)}</strong></p>
${marked.parse(telLinks(article.body), { async: false })}
${contacts ? `<h2>Contacts</h2><ul>${contacts}</ul>` : ''}
${links ? `<h2>Links</h2><ul>${links}</ul>` : ''}
<p><small>Checked ${escapeHtml(article.lastReviewed)}. Owner: ${escapeHtml(article.owner)}.</small></p>`;
    return page(article.title, body);
  };
  router.get('/articles/:id', (req, res) => {
    const article = kb.byId.get(req.params.id);
    if (article && !rendered.has(article.id)) rendered.set(article.id, render(article));
    const html = article && rendered.get(article.id);
    if (!html) {
      res.status(404).type('html').send(page('Not found', '<h1>Article not found</h1><p><a href="/">Back to the chat</a></p>'));
      return;
    }
    res.type('html').send(html);
  });

  router.get('/privacy', (_req, res) => {
    res.type('html').send(
      page(
        'How we use your information',
        `<h1>How we use your information</h1>
<p>You can ask questions without giving any personal details. We do not keep what you type in a question after the conversation ends (it is deleted after a day without use).</p>
<p>If you ask us to contact you, we first explain what we will keep and ask if you agree. If you agree, we keep your name, how to contact you, and a short summary of your worries, so that the SEND team for your area at Dorset Council can help you. Only that team and the DEAL service leads can see it.</p>
<p>We delete these personal details ${opts.retentionDays} days after your request is closed. You can say no, and still get help by phone from DEAL.</p>`,
      ),
    );
  });
  return router;
}
