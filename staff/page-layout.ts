/**
 * The frame every staff page shares: the layout (skip link, header, account and sign-out,
 * footer), the error summary and field errors, the urgency and due tags, and the plain
 * message page. All values go through `html` (escaped); there is no script at all, so the
 * pages work with JavaScript off and under `script-src 'self'`. Accessibility: a skip link,
 * one h1 per page, labelled fields, an error summary linking to the fields, status words as
 * text (never colour alone), and a layout that works at phone width.
 */
import type { Handover, StaffPrincipal } from '../handover/schema.js';
import { dueState, URGENCY_LABELS } from './format.js';
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

export function errorSummary(errors: readonly FieldError[]): SafeHtml | null {
  if (errors.length === 0) return null;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
  <h2 id="error-summary-title">There is a problem</h2>
  <ul>${errors.map((e) => (e.field ? html`<li><a href="#${e.field}">${e.message}</a></li>` : html`<li>${e.message}</li>`))}</ul>
</div>`;
}

export function fieldError(errors: readonly FieldError[], field: string): SafeHtml | null {
  const e = errors.find((x) => x.field === field);
  return e ? html`<p class="field-error" id="${field}-error"><span class="visually-hidden">Error:</span> ${e.message}</p>` : null;
}

export function describedBy(errors: readonly FieldError[], field: string, hint?: string): SafeHtml {
  const ids = [hint, errors.some((e) => e.field === field) ? `${field}-error` : undefined].filter(Boolean);
  return ids.length ? html` aria-describedby="${ids.join(' ')}"` : html``;
}

/** "Overdue" past the service level; "Due now" for an immediate case within it (not alarming the minute it arrives). */
export function dueTag(state: ReturnType<typeof dueState>): SafeHtml | null {
  if (state === 'overdue') return html` <strong class="tag tag-overdue">Overdue</strong>`;
  if (state === 'due-now') return html` <strong class="tag tag-due-now">Due now</strong>`;
  return null;
}

export function urgencyTag(urgency: Handover['urgency']): SafeHtml {
  return html`<span class="tag tag-${urgency}">${URGENCY_LABELS[urgency]}</span>`;
}

/** A page with a title and one message (errors, not found). */
export function messagePage(ctx: PageContext, title: string, message: string): string {
  return layout(ctx, title, html`<h1>${title}</h1><p>${message}</p><p><a href="${ctx.base}/">Back to the list</a></p>`);
}
