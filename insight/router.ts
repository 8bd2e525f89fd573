/**
 * `/staff/insight`: the insight page, its CSV downloads and the content owner's markers.
 * Mounted inside the staff router (staff/router.ts `extraRoutes`), so sign-in, CSRF, the
 * cross-site check and no-store caching are the staff site's own. Leads only: an officer
 * gets 403. Every CSV download and every marker is written to the audit log.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { StaffRouteTools } from '../staff/router.js';
import { html } from '../staff/html.js';
import { renderCharts } from './charts.js';
import { computeFigures, type HandoverFactsSource } from './figures.js';
import { insightBody } from './page.js';
import { defaultPeriod, parsePeriod } from './period.js';
import { MarkerVerdict } from './schema.js';
import type { OutcomeStore } from './store.js';
import { defaultLabels, TABLE_IDS, tablesOf, toCsv, type TableId } from './tables.js';

/** `insight` and `handoverFacts`: SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL (app/core.ts). */
export type InsightRouteDeps = StaffRouteTools & { insight: OutcomeStore; handoverFacts: HandoverFactsSource; kb: KnowledgeBase };

const MarkerForm = z.object({
  signature: z.string().min(1).max(300),
  verdict: MarkerVerdict,
  articleId: z.string().max(80).default(''),
});

export function insightRoutes(deps: InsightRouteDeps): Router {
  const router = Router();
  const labels = defaultLabels(deps.kb);
  const articles = [...deps.kb.articles].sort((a, b) => a.title.localeCompare(b.title)).map((a) => ({ id: a.id, title: a.title }));

  router.use((req, res, next) => {
    if (deps.principalOf(req).role === 'lead') return next();
    res.status(403).type('html').send(deps.layout(req, 'Not allowed', html`<h1>Not allowed</h1><p>The insight page is for front-door leads.</p>`));
  });

  const figuresFor = async (req: Request) => {
    const parsed = parsePeriod({ from: req.query.from, to: req.query.to }, deps.now());
    const period = parsed.ok ? parsed.period : defaultPeriod(deps.now());
    const figures = await computeFigures({ insight: deps.insight, handoverFacts: deps.handoverFacts, kb: deps.kb, period, now: deps.now() });
    return { period, figures, errors: parsed.ok ? [] : parsed.errors };
  };

  const page = async (req: Request, res: Response, status = 200, flash?: string) => {
    const { period, figures, errors } = await figuresFor(req);
    const tables = tablesOf(figures, labels);
    const charts = await renderCharts(figures, labels);
    const body = insightBody({ base: `${req.baseUrl}`, period, figures, tables, charts, csrfToken: deps.csrfToken(req), articles, errors, ...(flash ? { flash } : {}) });
    res.status(errors.length ? 400 : status).type('html').send(deps.layout(req, 'Insight', body));
  };

  router.get('/', async (req, res) => {
    await page(req, res, 200, req.query.done === 'marked' ? 'Your mark has been saved.' : undefined);
  });

  router.get('/:table.csv', async (req, res) => {
    const id = String(req.params.table) as TableId;
    if (!(TABLE_IDS as readonly string[]).includes(id)) {
      res.status(404).type('text').send('no such table');
      return;
    }
    const { period, figures, errors } = await figuresFor(req);
    if (errors.length) {
      res.status(400).type('text').send(errors.join('\n'));
      return;
    }
    const table = tablesOf(figures, labels)[id];
    const principal = deps.principalOf(req);
    await deps.audit({ actor: principal.email, action: 'insight-exported', subject: id, detail: { from: period.from, to: period.to, rows: table.rows.length } });
    res.set('Content-Disposition', `attachment; filename="deal-insight-${id}-${period.from}-to-${period.to}.csv"`);
    res.type('text/csv; charset=utf-8').send(toCsv(table));
  });

  router.post('/markers', async (req, res) => {
    const form = MarkerForm.safeParse(req.body ?? {});
    const articleId = form.success ? form.data.articleId.trim() : '';
    if (!form.success || (form.data.verdict === 'covered' && !deps.kb.byId.has(articleId))) {
      res.status(400).type('html').send(deps.layout(req, 'There is a problem', html`<h1>There is a problem</h1><p>Choose an article that covers the question, or mark it as needing an article.</p><p><a href="${req.baseUrl}">Back to insight</a></p>`));
      return;
    }
    const marker = await deps.insight.setMarker(form.data.signature, form.data.verdict, form.data.verdict === 'covered' ? articleId : null, deps.now());
    await deps.audit({ actor: deps.principalOf(req).email, action: 'insight-marked', subject: null, detail: { verdict: marker.verdict, articleId: marker.articleId } });
    const parsed = parsePeriod({ from: req.query.from, to: req.query.to }, deps.now());
    const back = parsed.ok ? `?from=${parsed.period.from}&to=${parsed.period.to}&done=marked` : '?done=marked';
    res.redirect(303, `${req.baseUrl}${back}`);
  });

  return router;
}
