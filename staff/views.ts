/**
 * The staff pages as HTML: sign-in, the queue, one handover, and error pages.
 *
 * Pure functions from data to markup, so the router stays about access and actions. All
 * values go through `html` (escaped); there is no script at all, so the pages work with
 * JavaScript off and under `script-src 'self'`. Accessibility: a skip link, one h1 per page,
 * labelled fields, table headers with scope, an error summary linking to the fields, status
 * words as text (never colour alone), and a layout that works at phone width.
 */
import type { Handover, HandoverEvent, HandoverNote, StaffPrincipal } from '../handover/schema.js';
import { Outcome } from '../handover/schema.js';
import {
  EVENT_LABELS,
  FACT_LABELS,
  dueState,
  isOverdue,
  OUTCOME_LABELS,
  plainDateTime,
  plainDateTimeCapital,
  REQUESTER_LABELS,
  STATUS_LABELS,
  URGENCY_LABELS,
} from './format.js';
import { html, type SafeHtml } from './html.js';

/** What every page needs to know about where it is and who is looking. */
export interface PageContext {
  /** Where the router is mounted, e.g. `/staff`. */
  base: string;
  /** The signed-in member of staff and their CSRF token; absent on the sign-in page. */
  viewer?: { principal: StaffPrincipal; csrfToken: string };
  /** Locality id to its name ("No locality" for null). */
  localityName: (id: string | null) => string;
}

/** A problem with a form field: `field` is the id of the input it is about ('' for the page). */
export interface FieldError {
  field: string;
  message: string;
}

function roleText(ctx: PageContext, principal: StaffPrincipal): string {
  return principal.role === 'lead' ? 'front-door lead, all localities' : `officer, ${ctx.localityName(principal.localityId)}`;
}

/** The whole page around `body`. */
export function layout(ctx: PageContext, title: string, body: SafeHtml): string {
  const viewer = ctx.viewer;
  const account = viewer
    ? html`<div class="account">
  <p>Signed in as <strong>${viewer.principal.email}</strong> (${roleText(ctx, viewer.principal)})</p>
  <form method="post" action="${ctx.base}/logout" class="inline-form">
    <input type="hidden" name="_csrf" value="${viewer.csrfToken}">
    <button type="submit" class="button-secondary">Sign out</button>
  </form>
</div>`
    : null;
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} - DEAL staff</title>
<link rel="stylesheet" href="${ctx.base}/staff.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <p class="service-name"><a href="${ctx.base}/">DEAL staff: family requests</a></p>
  ${viewer?.principal.role === 'lead' ? html`<nav aria-label="Staff pages"><a href="${ctx.base}/">Requests</a> · <a href="${ctx.base}/insight">Insight</a></nav>` : null}
  ${account}
</header>
<main id="main" tabindex="-1">
${body}
</main>
<footer class="site-footer"><p>Personal data. Use it only to contact the family about their request.</p></footer>
</body>
</html>`.value;
}

function errorSummary(errors: readonly FieldError[]): SafeHtml | null {
  if (errors.length === 0) return null;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
  <h2 id="error-summary-title">There is a problem</h2>
  <ul>${errors.map((e) => (e.field ? html`<li><a href="#${e.field}">${e.message}</a></li>` : html`<li>${e.message}</li>`))}</ul>
</div>`;
}

function fieldError(errors: readonly FieldError[], field: string): SafeHtml | null {
  const e = errors.find((x) => x.field === field);
  return e ? html`<p class="field-error" id="${field}-error"><span class="visually-hidden">Error:</span> ${e.message}</p>` : null;
}

function describedBy(errors: readonly FieldError[], field: string, hint?: string): SafeHtml {
  const ids = [hint, errors.some((e) => e.field === field) ? `${field}-error` : undefined].filter(Boolean);
  return ids.length ? html` aria-describedby="${ids.join(' ')}"` : html``;
}

// ---------------------------------------------------------------------------------------
// Sign in
// ---------------------------------------------------------------------------------------

export function loginPage(
  ctx: PageContext,
  opts: { loginToken: string; email?: string; next?: string; error?: string; notice?: string },
): string {
  const body = html`<h1>Sign in</h1>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : null}
${opts.error ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>There is a problem</h2><p>${opts.error}</p></div>` : null}
<p>Sign in to see requests from families for your locality.</p>
<form method="post" action="${ctx.base}/login" class="stack">
  <input type="hidden" name="_csrf" value="${opts.loginToken}">
  ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : null}
  <div class="field">
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" autocomplete="username" spellcheck="false" required maxlength="254" value="${opts.email ?? ''}">
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
  </div>
  <button type="submit">Sign in</button>
</form>`;
  return layout(ctx, 'Sign in', body);
}

// ---------------------------------------------------------------------------------------
// Queue
// ---------------------------------------------------------------------------------------

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

/** "Overdue" past the service level; "Due now" for an immediate case within it (not alarming the minute it arrives). */
function dueTag(state: ReturnType<typeof dueState>): SafeHtml | null {
  if (state === 'overdue') return html` <strong class="tag tag-overdue">Overdue</strong>`;
  if (state === 'due-now') return html` <strong class="tag tag-due-now">Due now</strong>`;
  return null;
}

function urgencyTag(urgency: Handover['urgency']): SafeHtml {
  return html`<span class="tag tag-${urgency}">${URGENCY_LABELS[urgency]}</span>`;
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

// ---------------------------------------------------------------------------------------
// One handover
// ---------------------------------------------------------------------------------------

export interface HandoverView {
  handover: Handover;
  notes: HandoverNote[];
  events: HandoverEvent[];
  now: Date;
  routeTitle: (id: string) => string;
  /** Public site base URL (no trailing slash), for links to the articles the family saw. */
  publicUrl: string;
  /** A confirmation after a successful action. */
  flash?: string;
  /** The section the action was in (the page's fragment): the confirmation is shown there, where the officer was; else at the top. */
  flashSection?: FlashSection;
  errors?: FieldError[];
  /** What the member of staff typed, to show again after an error. */
  form?: { note?: string; resolveNote?: string; outcome?: string };
}

/** Sections an action returns to (their ids are the redirect's fragment, `#notes`). */
export type FlashSection = 'claim' | 'notes' | 'resolve';

function row(label: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="row"><dt>${label}</dt><dd>${value}</dd></div>`;
}

const notGiven = html`<span class="muted">Not given</span>`;

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
function eraseForm(view: HandoverView, me: { principal: { role: string } }, action: (name: string) => string, csrf: SafeHtml): SafeHtml | null {
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

export function handoverPage(ctx: PageContext, view: HandoverView): string {
  const { handover: h, now } = view;
  const me = ctx.viewer!;
  const errors = view.errors ?? [];
  const due = dueState(h, now);
  const closed = h.status === 'closed';
  const purged = h.purgedAt !== null;
  const ref = h.reference;
  const action = (what: string) => `${ctx.base}/handovers/${ref}/${what}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${me.csrfToken}">`;

  const summary = html`<dl class="summary">
  ${row('Status', STATUS_LABELS[h.status])}
  ${row('Urgency', urgencyTag(h.urgency))}
  ${row('Due', html`<time datetime="${h.dueAt}">${plainDateTimeCapital(h.dueAt, now)}</time>${dueTag(due)}`)}
  ${row('Locality', ctx.localityName(h.localityId))}
  ${row('Claimed by', h.claimedBy ?? html`<span class="muted">Nobody yet</span>`)}
  ${h.outcome ? row('Outcome', OUTCOME_LABELS[h.outcome]) : null}
  ${h.closedAt ? row('Closed', plainDateTimeCapital(h.closedAt, now)) : null}
  ${row('Received', html`<time datetime="${h.createdAt}">${plainDateTimeCapital(h.createdAt, now)}</time>`)}
  ${row('Who asked', h.requester ? REQUESTER_LABELS[h.requester] : notGiven)}
  ${row('Came from', h.channel === 'teams' ? 'Microsoft Teams chat' : 'Web chat')}
</dl>`;

  let claim: SafeHtml | null = null;
  if (!closed) {
    if (h.status === 'received') {
      claim = html`<form method="post" action="${action('claim')}" class="inline-form">${csrf}
  <button type="submit">Claim this request</button></form>`;
    } else if (h.claimedBy === me.principal.email) {
      claim = html`<p>This request is with you.</p>`;
    } else if (me.principal.role !== 'lead') {
      claim = html`<p>${h.claimedBy ?? 'Someone'} has claimed this request. A lead can reassign it.</p>`;
    } else {
      claim = html`<form method="post" action="${action('claim')}" class="inline-form">${csrf}
  <input type="hidden" name="takeOver" value="1">
  <p>${h.claimedBy ?? 'Someone'} has claimed this request.</p>
  <button type="submit" class="button-secondary">Take over from ${h.claimedBy ?? 'them'}</button></form>`;
    }
  }

  const contact = h.contact
    ? html`<dl class="summary">
  ${row('Name', h.contact.name)}
  ${row('Prefers', h.contact.method === 'phone' ? 'A phone call' : 'An email')}
  ${row(
    h.contact.method === 'phone' ? 'Phone' : 'Email',
    h.contact.method === 'phone'
      ? html`<a href="tel:${h.contact.detail}">${h.contact.detail}</a>`
      : html`<a href="mailto:${h.contact.detail}">${h.contact.detail}</a>`,
  )}
  ${row('Best time', h.contact.bestTime)}
</dl>`
    : html`<p class="notice">${purged ? `Personal details were deleted ${plainDateTime(h.purgedAt!, now)} at the end of the retention period.` : 'No contact details are held.'}</p>`;

  // What the family told us, first and as labels: the officer should never have to ask again.
  const story = h.story;
  const told = story
    ? html`<h2 id="story">What the family told us</h2>
${story.safety ? html`<p class="notice notice-warning"><strong>Safety: ${FACT_LABELS.safety[story.safety.kind]}.</strong>${story.safety.words ? html` In their words: “${story.safety.words}”` : null}</p>` : null}
<dl class="summary">
  ${row('Age', story.facts.childAge == null ? notGiven : `${story.facts.childAge}`)}
  ${row('Setting', story.facts.setting ? FACT_LABELS.setting[story.facts.setting] : notGiven)}
  ${row('Where', story.facts.town ?? story.facts.postcode ?? notGiven)}
  ${row('Needs', story.facts.needs?.length ? story.facts.needs.map((n) => FACT_LABELS.needs[n]).join('; ') : notGiven)}
  ${row('SEN support so far', story.facts.senSupport ? FACT_LABELS.senSupport[story.facts.senSupport] : notGiven)}
  ${row('Specialist advice', story.facts.externalAdvice === undefined ? notGiven : story.facts.externalAdvice ? 'Yes' : 'No')}
  ${row('EHC plan', story.facts.ehcp ? FACT_LABELS.ehcp[story.facts.ehcp] : notGiven)}
  ${row('Diagnosis', story.facts.diagnosis ? FACT_LABELS.diagnosis[story.facts.diagnosis] : notGiven)}
</dl>
${story.concern ? html`<h3>In their own words</h3><blockquote class="family-words">${story.concern}</blockquote>` : null}`
    : null;

  const child = purged
    ? null
    : html`<h2 id="child">The child or young person</h2>
<dl class="summary">
  ${row('First name or initials', h.child.name ?? notGiven)}
  ${row('Age', h.child.age === null ? notGiven : `${h.child.age}`)}
  ${row('School or setting', h.child.setting ? (FACT_LABELS.setting[h.child.setting as keyof typeof FACT_LABELS.setting] ?? h.child.setting) : notGiven)}
</dl>`;

  const triage = h.triage
    ? html`<h2 id="triage">What the chat suggested</h2>
<p>Main route: <strong>${view.routeTitle(h.triage.primary)}</strong></p>
<ol class="routes">${h.triage.routes.map(
        (r) => html`<li><h3>${view.routeTitle(r.id)}</h3><ul>${[...new Set(r.reasons)].map((reason) => html`<li>${reason}</li>`)}</ul></li>`,
      )}</ol>`
    : null;

  const questions = purged
    ? null
    : html`<h2 id="questions">Questions they asked</h2>
${h.questionsAsked.length ? html`<ol class="text-list">${h.questionsAsked.map((q) => html`<li>${q}</li>`)}</ol>` : html`<p class="muted">None.</p>`}`;

  const articleBase = view.publicUrl.replace(/\/+$/, '');
  const articles = html`<h2 id="articles">Articles the chat showed</h2>
${
  h.articlesShown.length
    ? html`<ul>${h.articlesShown.map((id) => html`<li><a href="${articleBase}/articles/${encodeURIComponent(id)}">${id}</a></li>`)}</ul>`
    : html`<p class="muted">None.</p>`
}`;

  const transcript = purged
    ? null
    : html`<h2 id="transcript">Chat transcript</h2>
${
  h.transcript
    ? html`<ol class="transcript">${h.transcript.map((line) => html`<li>${line}</li>`)}</ol>`
    : html`<p class="muted">${h.consent.transcriptAgreed ? 'No transcript was sent.' : 'The family did not agree to share the chat.'}</p>`
}`;

  const flashHere = (section: FlashSection | undefined) =>
    view.flash && view.flashSection === section ? html`<p class="notice notice-success" role="status">${view.flash}</p>` : null;

  const notes = html`<h2 id="notes">Notes</h2>
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

  const resolve = closed
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

  const history = html`<h2 id="history">History</h2>
<div class="table-wrap" role="region" aria-labelledby="history-caption" tabindex="0">
<table class="history stack-on-phone">
  <caption id="history-caption">Everything that has happened to this request, oldest first</caption>
  <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead>
  <tbody>${view.events.map(
    (e) => html`<tr><td data-label="When"><time datetime="${e.at}">${plainDateTimeCapital(e.at, now)}</time></td><th scope="row" data-label="What">${EVENT_LABELS[e.kind]}</th><td data-label="Who">${actorText(e.actor)}</td><td data-label="Details">${eventDetail(ctx, e) || html`<span class="muted">None</span>`}</td></tr>`,
  )}</tbody>
</table>
</div>`;

  const body = html`<p class="back"><a href="${ctx.base}/">Back to the list</a></p>
${flashHere(undefined)}
${errorSummary(errors)}
<h1>Request ${ref}</h1>
${summary}
${told}
${claim || view.flashSection === 'claim' ? html`<div id="claim">${flashHere('claim')}${claim}</div>` : null}
<h2 id="contact">Contact</h2>
${contact}
${child}
${triage}
${questions}
${articles}
${transcript}
${notes}
${resolve}
${eraseForm(view, me, action, csrf)}
${history}`;
  return layout(ctx, `Request ${ref}`, body);
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(ctx, title, html`<h1>${title}</h1><p>${message}</p><p><a href="${ctx.base}/">Back to the list</a></p>`);
}

