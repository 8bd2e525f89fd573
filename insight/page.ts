/**
 * The insight page as HTML: a period chooser, then each figure as a chart (inline SVG from
 * insight/charts.ts), the same figures as a table with a caption and header cells, and a CSV
 * link; the unanswered questions carry the content owner's marker forms (POST with the
 * session's CSRF token). No script, like every staff page.
 */
import { html, SafeHtml } from '../staff/html.js';
import type { Figures, Period } from './schema.js';
import type { Cell, Table, TableId } from './tables.js';

export type InsightView = {
  base: string;
  period: Period;
  figures: Figures;
  tables: Record<TableId, Table>;
  charts: Record<string, string | null>;
  csrfToken: string;
  articles: { id: string; title: string }[];
  errors?: string[];
  flash?: string;
};

const query = (p: Period) => `from=${p.from}&to=${p.to}`;

function tableHtml(view: InsightView, t: Table, extra?: (rowIndex: number) => SafeHtml): SafeHtml {
  const cell = (c: Cell) => (c === null ? '' : c);
  return html`<div class="table-wrap" role="region" aria-labelledby="${t.id}-caption" tabindex="0">
<table id="${t.id}-table">
  <caption id="${t.id}-caption">${t.title}, ${view.period.from} to ${view.period.to}</caption>
  <thead><tr>${t.columns.map((c) => html`<th scope="col">${c}</th>`)}${extra ? html`<th scope="col">Mark</th>` : null}</tr></thead>
  <tbody>${
    t.rows.length === 0
      ? html`<tr><td colspan="${t.columns.length + (extra ? 1 : 0)}">None in this period.</td></tr>`
      : t.rows.map(
          (r, i) => html`<tr><th scope="row">${cell(r[0] ?? null)}</th>${r.slice(1).map((c) => html`<td>${cell(c)}</td>`)}${extra ? html`<td>${extra(i)}</td>` : null}</tr>`,
        )
  }</tbody>
</table>
</div>
${t.note ? html`<p class="hint">${t.note}</p>` : null}
<p><a href="${view.base}/${t.id}.csv?${query(view.period)}" download>Download this table as CSV<span class="visually-hidden"> (${t.title})</span></a></p>`;
}

function section(view: InsightView, id: TableId, intro?: SafeHtml, extra?: (rowIndex: number) => SafeHtml): SafeHtml {
  const t = view.tables[id];
  const svg = view.charts[id];
  return html`<section aria-labelledby="${id}-title" class="insight-section">
<h2 id="${id}-title">${t.title}</h2>
${intro ?? null}
${svg ? html`<figure class="chart" data-chart="${id}">${new SafeHtml(svg) /* checked by isInertSvg in charts.ts */}<figcaption class="hint">Chart: the same figures are in the table below.</figcaption></figure>` : null}
${tableHtml(view, t, extra)}
</section>`;
}

function markerForm(view: InsightView, index: number): SafeHtml {
  const u = view.figures.unanswered[index]!;
  const id = `marker-${index}`;
  return html`<form method="post" action="${view.base}/markers?${query(view.period)}" class="marker-form">
  <input type="hidden" name="_csrf" value="${view.csrfToken}">
  <input type="hidden" name="signature" value="${u.signature}">
  <label for="${id}-article" class="visually-hidden">Article that covers "${u.example}"</label>
  <select id="${id}-article" name="articleId">
    <option value="">Choose an article</option>
    ${view.articles.map((a) => html`<option value="${a.id}"${u.marker?.articleId === a.id ? html` selected` : null}>${a.title}</option>`)}
  </select>
  <button type="submit" name="verdict" value="covered" class="button-secondary">Covered by this article</button>
  <button type="submit" name="verdict" value="needs-article" class="button-secondary">Needs an article</button>
</form>`;
}

export function insightBody(view: InsightView): SafeHtml {
  const f = view.figures;
  const totals = html`<dl class="summary">
  <div class="row"><dt>Turns</dt><dd data-figure="turns">${f.totals.turns}</dd></div>
  <div class="row"><dt>Conversations (chats opened)</dt><dd data-figure="conversations">${f.totals.conversations}</dd></div>
  <div class="row"><dt>Handovers</dt><dd data-figure="handovers">${f.totals.handovers}</dd></div>
</dl>`;
  // The marker forms sit with the unanswered table, one per group.
  return html`<h1>Insight</h1>
${view.flash ? html`<p class="notice notice-success" role="status">${view.flash}</p>` : null}
${view.errors?.length ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>There is a problem</h2><ul>${view.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : null}
<p>What families asked, what the front door could not answer, where cases went and whether we kept our promises. Anonymous: no names, contact details or conversation ids are kept.</p>
<form method="get" action="${view.base}" class="filters">
  <div class="field"><label for="from">From</label><input type="date" id="from" name="from" value="${view.period.from}" required></div>
  <div class="field"><label for="to">To</label><input type="date" id="to" name="to" value="${view.period.to}" required></div>
  <button type="submit">Show this period</button>
</form>
${totals}
${section(view, 'turns-per-day')}
${tableHtml(view, view.tables['turns-per-channel'])}
${section(view, 'answers')}
${section(view, 'unanswered', html`<p>Most frequent first. Mark each group for the content owner: covered by an existing article, or needs a new one.</p>`, (i) => markerForm(view, i))}
${section(view, 'routes-by-locality')}
${section(view, 'handovers-by-locality')}
${section(view, 'service-level')}
${section(view, 'safety', html`<p>Counts only. A check-in is the gentle "is everyone safe?" when only the second safety net was worried.</p>`)}
${section(view, 'top-articles')}
${section(view, 'review-overdue')}`;
}
