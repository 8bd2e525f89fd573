/**
 * The staff queue: the requests an officer (their locality) or a lead (any locality, or
 * none) can see, most urgent first, with filters that work without script and a table that
 * stacks at phone width.
 */
import type { Handover } from '../handover/schema.js';
import { dueState, isOverdue, plainDateTimeCapital, STATUS_LABELS } from './format.js';
import { html } from './html.js';
import { dueTag, layout, urgencyTag, type PageContext } from './page-layout.js';

export type StatusFilter = 'open' | 'closed' | 'all';

export interface QueueView {
  handovers: Handover[];
  now: Date;
  /** Route id to its title. */
  routeTitle: (id: string) => string;
  /** For a lead: the localities to choose from, and the current choice ('all', an id, or 'none'). */
  localityFilter?: { options: { id: string; name: string }[]; selected: string };
  status: StatusFilter;
  /** True when the list was cut at the store's limit. */
  truncated: boolean;
}

export function queuePage(ctx: PageContext, view: QueueView): string {
  const principal = ctx.viewer!.principal;
  const where = view.localityFilter
    ? view.localityFilter.selected === 'all'
      ? 'all localities'
      : view.localityFilter.selected === 'none'
        ? 'no locality'
        : ctx.localityName(view.localityFilter.selected)
    : ctx.localityName(principal.localityId);
  const statusWords: Record<StatusFilter, string> = { open: 'Open', closed: 'Closed', all: 'All' };
  const title = `${statusWords[view.status]} requests: ${where}`;

  const localitySelect = view.localityFilter
    ? html`<div class="field">
    <label for="locality">Locality</label>
    <select id="locality" name="locality">
      <option value="all"${view.localityFilter.selected === 'all' ? html` selected` : null}>All localities</option>
      ${view.localityFilter.options.map(
        (o) => html`<option value="${o.id}"${view.localityFilter!.selected === o.id ? html` selected` : null}>${o.name}</option>`,
      )}
      <option value="none"${view.localityFilter.selected === 'none' ? html` selected` : null}>No locality (unassigned)</option>
    </select>
  </div>`
    : null;
  const filters = html`<form method="get" action="${ctx.base}/" class="filters" aria-label="Filter the list">
  ${localitySelect}
  <div class="field">
    <label for="status">Show</label>
    <select id="status" name="status">
      ${(['open', 'closed', 'all'] as const).map(
        (s) => html`<option value="${s}"${view.status === s ? html` selected` : null}>${{ open: 'Open requests', closed: 'Closed requests', all: 'All requests' }[s]}</option>`,
      )}
    </select>
  </div>
  <button type="submit" class="button-secondary">Show</button>
</form>`;

  const overdueCount = view.handovers.filter((h) => isOverdue(h, view.now)).length;
  const rows = view.handovers.map((h) => {
    const due = dueState(h, view.now);
    const overdue = due === 'overdue';
    const primary = h.triage?.primary;
    return html`<tr${overdue ? html` class="overdue"` : null}>
  <th scope="row"><a href="${ctx.base}/handovers/${h.reference}">${h.reference}</a></th>
  <td data-label="Urgency">${urgencyTag(h.urgency)}</td>
  <td data-label="Status">${STATUS_LABELS[h.status]}</td>
  <td data-label="Due"><time datetime="${h.dueAt}">${plainDateTimeCapital(h.dueAt, view.now)}</time>${dueTag(due)}</td>
  <td data-label="Main route">${primary ? view.routeTitle(primary) : html`<span class="muted">Not kept</span>`}</td>
  <td data-label="Claimed by">${h.claimedBy ?? html`<span class="muted">Nobody yet</span>`}</td>
</tr>`;
  });

  const table =
    view.handovers.length === 0
      ? html`<p class="notice">There are no requests to show.</p>`
      : html`<div class="table-wrap" role="region" aria-labelledby="queue-caption" tabindex="0">
<table class="queue stack-on-phone">
  <caption id="queue-caption">${title}, most urgent first</caption>
  <thead><tr>
    <th scope="col">Reference</th><th scope="col">Urgency</th><th scope="col">Status</th>
    <th scope="col">Due</th><th scope="col">Main route</th><th scope="col">Claimed by</th>
  </tr></thead>
  <tbody>
${rows}
  </tbody>
</table>
</div>`;

  const body = html`<h1>${title}</h1>
${filters}
<p>${view.handovers.length} ${view.handovers.length === 1 ? 'request' : 'requests'}${overdueCount ? html`, <strong>${overdueCount} overdue</strong>` : null}.${
    view.truncated ? ' Only the first ones are shown: close finished requests to see more.' : ''
  }</p>
${table}`;
  return layout(ctx, title, body);
}
