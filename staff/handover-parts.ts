/**
 * What the sections of one handover's page share: the view (the handover, its notes and
 * events, what the officer typed, a confirmation), and the values every section needs,
 * worked out once (who is looking, whether it is closed or purged, form actions, the CSRF
 * field, where a confirmation goes).
 */
import type { Handover, HandoverEvent, HandoverNote } from '../handover/schema.js';
import { html, type SafeHtml } from './html.js';
import type { FieldError, PageContext } from './page-layout.js';

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

export function row(label: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="row"><dt>${label}</dt><dd>${value}</dd></div>`;
}

export const notGiven = html`<span class="muted">Not given</span>`;

export interface HandoverParts {
  ctx: PageContext;
  view: HandoverView;
  h: Handover;
  now: Date;
  me: NonNullable<PageContext['viewer']>;
  errors: readonly FieldError[];
  closed: boolean;
  purged: boolean;
  /** The URL of a form action on this handover, e.g. `claim`. */
  action: (what: string) => string;
  csrf: SafeHtml;
  /** The confirmation, if it belongs in `section` (undefined: the top of the page). */
  flashHere: (section: FlashSection | undefined) => SafeHtml | null;
}

export function handoverParts(ctx: PageContext, view: HandoverView): HandoverParts {
  const h = view.handover;
  const me = ctx.viewer!;
  return {
    ctx,
    view,
    h,
    now: view.now,
    me,
    errors: view.errors ?? [],
    closed: h.status === 'closed',
    purged: h.purgedAt !== null,
    action: (what: string) => `${ctx.base}/handovers/${h.reference}/${what}`,
    csrf: html`<input type="hidden" name="_csrf" value="${me.csrfToken}">`,
    flashHere: (section) =>
      view.flash && view.flashSection === section ? html`<p class="notice notice-success" role="status">${view.flash}</p>` : null,
  };
}
