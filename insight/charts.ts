/**
 * The insight charts as SVG, drawn on the server with vega-lite and vega's headless renderer.
 *
 * Why on the server: the staff pages have no script and a strict CSP (`script-src 'self'`, no
 * CDN), so a chart must arrive as markup. Each SVG is checked for anything that could run
 * (script elements, event attributes, javascript: links) and dropped if found; the data are
 * counts and names from our own lists, never a family's words. Every chart has a table under
 * it with the same figures (insight/tables.ts): the chart itself is hidden from screen readers.
 * vega is loaded on the first chart, not at start-up (it takes about 300 ms to import).
 */
import type * as vl from 'vega-lite';
import type { Labels } from './tables.js';
import type { Figures } from './schema.js';

type Datum = Record<string, string | number>;
type Spec = vl.TopLevelSpec;

const CONFIG = {
  font: 'Arial, Helvetica, sans-serif',
  background: '#ffffff',
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#0b0c0c', titleColor: '#0b0c0c' },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  range: { category: ['#00703c', '#005a9c', '#6f3c00', '#4c2c92', '#d4351c', '#505a5f', '#b58840', '#28a197'] },
};

function bar(values: Datum[], x: string, y: string, opts: { color?: string; xTitle?: string; yTitle?: string; horizontal?: boolean; width?: number } = {}): Spec {
  const category = { field: x, type: 'nominal' as const, title: opts.xTitle ?? x, sort: null, axis: { labelLimit: 260 } };
  const count = { field: y, type: 'quantitative' as const, title: opts.yTitle ?? y, axis: { tickMinStep: 1 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: opts.width ?? 560,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      ...(opts.horizontal ? { y: category, x: count } : { x: category, y: count }),
      ...(opts.color ? { color: { field: opts.color, type: 'nominal' as const, title: opts.color } } : {}),
    },
    config: CONFIG,
  } as Spec;
}

export function chartSpecs(f: Figures, labels: Labels): Record<string, Spec> {
  return {
    'turns-per-day': bar(
      f.perDay.flatMap((d) => [
        { Day: d.day.slice(5), Channel: labels.channel(d.channel), Turns: d.turns },
      ]),
      'Day',
      'Turns',
      { color: 'Channel', width: 640 },
    ),
    answers: bar(
      [
        { Outcome: 'Answered', Turns: f.answers.answered },
        { Outcome: 'Clarified', Turns: f.answers.clarified },
        { Outcome: 'Not sure', Turns: f.answers.notSure },
        { Outcome: 'Out of scope', Turns: f.answers.outOfScope },
      ],
      'Outcome',
      'Turns',
      { horizontal: true },
    ),
    'routes-by-locality': bar(
      f.routesByLocality.map((r) => ({ Locality: labels.locality(r.locality), Route: labels.route(r.route), Results: r.count })),
      'Locality',
      'Results',
      { color: 'Route', horizontal: true },
    ),
    'handovers-by-locality': bar(
      f.handoversByLocality.map((r) => ({ Locality: labels.locality(r.locality), Urgency: labels.urgency(r.urgency), Handovers: r.count })),
      'Locality',
      'Handovers',
      { color: 'Urgency', horizontal: true },
    ),
    'service-level': bar(
      f.serviceLevel.filter((s) => s.share !== null).map((s) => ({ Locality: labels.locality(s.locality), 'Per cent in time': Math.round((s.share ?? 0) * 100) })),
      'Locality',
      'Per cent in time',
      { horizontal: true },
    ),
    safety: bar(
      [...f.safety.map((s) => ({ Response: labels.safety(s.kind), Turns: s.count })), { Response: 'Check-ins that led to a handover', Turns: f.checkinsToHandover }],
      'Response',
      'Turns',
      { horizontal: true },
    ),
    'top-articles': bar(
      f.topArticles.map((a) => ({ Article: a.title, 'Times shown': a.count })),
      'Article',
      'Times shown',
      { horizontal: true },
    ),
  };
}

/** True when an SVG has nothing that could run: no script or foreignObject, no on* attributes, no javascript: URLs. */
export function isInertSvg(svg: string): boolean {
  return svg.startsWith('<svg') && !/<\s*(script|foreignObject|iframe)/i.test(svg) && !/\son[a-z]+\s*=/i.test(svg) && !/javascript:/i.test(svg);
}

/** One chart's SVG (hidden from assistive technology: the table under it carries the figures), or null. */
export async function renderChart(spec: Spec): Promise<string | null> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (!isInertSvg(svg)) return null;
    return svg.replace(/^<svg /, '<svg aria-hidden="true" focusable="false" ');
  } finally {
    view.finalize();
  }
}

export async function renderCharts(f: Figures, labels: Labels): Promise<Record<string, string | null>> {
  const specs = chartSpecs(f, labels);
  const out: Record<string, string | null> = {};
  for (const [id, spec] of Object.entries(specs)) out[id] = await renderChart(spec);
  return out;
}
