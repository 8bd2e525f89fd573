/**
 * What staff do with one handover, and its history: claim or take over, notes, resolve, a
 * lead's erasure form, and the table of everything that has happened to it.
 */
import type { HandoverEvent } from '../handover/schema.js';
import { Outcome } from '../handover/schema.js';
import { EVENT_LABELS, OUTCOME_LABELS, plainDateTime, plainDateTimeCapital } from './format.js';
import { html, type SafeHtml } from './html.js';
import type { HandoverParts } from './handover-parts.js';
import { describedBy, fieldError, type PageContext } from './page-layout.js';

function actorText(actor: string): string {
  if (actor === 'bot:webchat') return 'Web chat';
  if (actor === 'bot:teams') return 'Teams chat';
  if (actor === 'outbox') return 'Notifier';
  if (actor === 'retention') return 'Retention clean-up';
  if (actor === 'cli') return 'Command line';
  return actor;
}

function eventDetail(ctx: PageContext, event: HandoverEvent): string {
  const d = event.detail;
  switch (event.kind) {
    case 'claimed':
      return typeof d.previous === 'string' ? `Taken over from ${d.previous}` : '';
    case 'resolved':
      return typeof d.outcome === 'string' && d.outcome in OUTCOME_LABELS ? `Outcome: ${OUTCOME_LABELS[d.outcome as Outcome]}` : '';
    case 'notified': {
      const how = d.kind === 'teams-reminder' ? 'Teams reminder' : 'Teams message';
      const to = typeof d.target === 'string' ? (d.target === 'lead' ? 'the leads' : ctx.localityName(d.target)) : '';
      return to ? `${how} to ${to}` : how;
    }
    case 'purged':
      if (d.erasure === true) return 'Erased at once, on request (the reason is in the audit log)';
      return typeof d.retentionDays === 'number' ? `After the ${d.retentionDays}-day retention period` : '';
    default:
      return '';
  }
}

/** A lead's form to erase a family's personal data at once (a right-to-erasure request), with the reason for the audit log. */
export function eraseSection(p: HandoverParts): SafeHtml | null {
  const { view, me, action, csrf } = p;
  if (me.principal.role !== 'lead' || view.handover.purgedAt !== null) return null;
  return html`<h2 id="erase">Erase personal data</h2>
<form method="post" action="${action('erase')}" class="stack">${csrf}
  <div class="field">
    <label for="erase-reason">Why (for the audit log; no personal details)</label>
    <p class="hint" id="erase-reason-hint">For example: the family asked by phone on 3 March. This cannot be undone.</p>
    <input id="erase-reason" name="reason" maxlength="200" required aria-describedby="erase-reason-hint">
  </div>
  <button type="submit" class="button-secondary">Erase this family's details now</button>
</form>`;
}

/** Claim it, take it over (a lead), or who has it. */
export function claimSection(p: HandoverParts): SafeHtml | null {
  const { h, me, closed, action, csrf } = p;
  let claim: SafeHtml | null = null;
  if (!closed) {
    if (h.status === 'received') {
      claim = html`<form method="post" action="${action('claim')}" class="inline-form">${csrf}
  <button type="submit">Claim this request</button></form>`;
    } else if (h.claimedBy === me.principal.email) {
      claim = html`<p>This request is with you. <a href="${p.ctx.base}/live/${h.reference}">Chat with the family now</a></p>`;
    } else if (me.principal.role !== 'lead') {
      claim = html`<p>${h.claimedBy ?? 'Someone'} has claimed this request. A lead can reassign it.</p>`;
    } else {
      claim = html`<form method="post" action="${action('claim')}" class="inline-form">${csrf}
  <input type="hidden" name="takeOver" value="1">
  <p>${h.claimedBy ?? 'Someone'} has claimed this request.</p>
  <button type="submit" class="button-secondary">Take over from ${h.claimedBy ?? 'them'}</button></form>`;
    }
  }
  return claim;
}

/** The notes so far and a form to add one. */
export function notesSection(p: HandoverParts): SafeHtml | null {
  const { view, now, errors, purged, action, csrf, flashHere } = p;
  return html`<h2 id="notes">Notes</h2>
${flashHere('notes')}
${
  view.notes.length
    ? html`<ol class="notes">${view.notes.map(
        (n) => html`<li><p class="note-meta"><strong>${n.author}</strong>, <time datetime="${n.at}">${plainDateTime(n.at, now)}</time></p><p class="note-text">${n.text}</p></li>`,
      )}</ol>`
    : html`<p class="muted">${purged ? 'Notes were deleted with the personal details.' : 'No notes yet.'}</p>`
}
${
  purged
    ? null
    : html`<form method="post" action="${action('notes')}" class="stack">${csrf}
  <div class="field${errors.some((e) => e.field === 'note-text') ? ' field-has-error' : ''}">
    <label for="note-text">Add a note</label>
    <p class="hint" id="note-text-hint">Up to 2000 characters. Notes are deleted with the family's details at the end of the retention period.</p>
    ${fieldError(errors, 'note-text')}
    <textarea id="note-text" name="note" rows="4" maxlength="2000" required${describedBy(errors, 'note-text', 'note-text-hint')}>${view.form?.note ?? ''}</textarea>
  </div>
  <button type="submit" class="button-secondary">Add note</button>
</form>`
}`;
}

/** The form to resolve it (or, once closed, the confirmation). */
export function resolveSection(p: HandoverParts): SafeHtml | null {
  const { view, errors, closed, action, csrf, flashHere } = p;
  return closed
    ? view.flashSection === 'resolve' ? html`<div id="resolve">${flashHere('resolve')}</div>` : null
    : html`<h2 id="resolve">Resolve</h2>
<form method="post" action="${action('resolve')}" class="stack">${csrf}
  <div class="field${errors.some((e) => e.field === 'outcome') ? ' field-has-error' : ''}">
    <label for="outcome">Outcome</label>
    ${fieldError(errors, 'outcome')}
    <select id="outcome" name="outcome" required${describedBy(errors, 'outcome')}>
      <option value="">Choose an outcome</option>
      ${Outcome.options.map((o) => html`<option value="${o}"${view.form?.outcome === o ? html` selected` : null}>${OUTCOME_LABELS[o]}</option>`)}
    </select>
  </div>
  <div class="field${errors.some((e) => e.field === 'resolve-note') ? ' field-has-error' : ''}">
    <label for="resolve-note">Closing note (optional)</label>
    ${fieldError(errors, 'resolve-note')}
    <textarea id="resolve-note" name="note" rows="3" maxlength="2000"${describedBy(errors, 'resolve-note')}>${view.form?.resolveNote ?? ''}</textarea>
  </div>
  <button type="submit">Resolve this request</button>
</form>`;
}

/** Everything that has happened to it, oldest first. */
export function historySection(p: HandoverParts): SafeHtml | null {
  const { ctx, view, now } = p;
  return html`<h2 id="history">History</h2>
<div class="table-wrap" role="region" aria-labelledby="history-caption" tabindex="0">
<table class="history stack-on-phone">
  <caption id="history-caption">Everything that has happened to this request, oldest first</caption>
  <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead>
  <tbody>${view.events.map(
    (e) => html`<tr><td data-label="When"><time datetime="${e.at}">${plainDateTimeCapital(e.at, now)}</time></td><th scope="row" data-label="What">${EVENT_LABELS[e.kind]}</th><td data-label="Who">${actorText(e.actor)}</td><td data-label="Details">${eventDetail(ctx, e) || html`<span class="muted">None</span>`}</td></tr>`,
  )}</tbody>
</table>
</div>`;
}
