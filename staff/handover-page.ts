/**
 * One handover's page for staff: its record (handover-details.ts) and what staff do with it
 * (handover-actions.ts), in the order an officer works: the summary and the family's story
 * first, then claiming, contact, the record, notes, resolving, erasure and the history.
 */
import { claimSection, eraseSection, historySection, notesSection, resolveSection } from './handover-actions.js';
import {
  articlesSection,
  childSection,
  contactSection,
  questionsSection,
  summarySection,
  toldSection,
  transcriptSection,
  triageSection,
} from './handover-details.js';
import { handoverParts, type HandoverView } from './handover-parts.js';
import { html } from './html.js';
import { errorSummary, layout, type PageContext } from './page-layout.js';

export type { FlashSection, HandoverView } from './handover-parts.js';

export function handoverPage(ctx: PageContext, view: HandoverView): string {
  const p = handoverParts(ctx, view);
  const { errors, flashHere } = p;
  const ref = p.h.reference;
  const claim = claimSection(p);
  const body = html`<p class="back"><a href="${ctx.base}/">Back to the list</a></p>
${flashHere(undefined)}
${errorSummary(errors)}
<h1>Request ${ref}</h1>
${summarySection(p)}
${toldSection(p)}
${claim || view.flashSection === 'claim' ? html`<div id="claim">${flashHere('claim')}${claim}</div>` : null}
<h2 id="contact">Contact</h2>
${contactSection(p)}
${childSection(p)}
${triageSection(p)}
${questionsSection(p)}
${articlesSection(p)}
${transcriptSection(p)}
${notesSection(p)}
${resolveSection(p)}
${eraseSection(p)}
${historySection(p)}`;
  return layout(ctx, `Request ${ref}`, body);
}
