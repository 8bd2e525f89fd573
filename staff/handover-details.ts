/**
 * One handover's record, section by section: the summary, what the family told us, contact
 * details, the child, what the chat suggested, their questions, the articles shown and the
 * transcript. Purged handovers show only what is kept after the retention period.
 */
import { FACT_LABELS, OUTCOME_LABELS, plainDateTime, plainDateTimeCapital, REQUESTER_LABELS, STATUS_LABELS, dueState } from './format.js';
import { html, type SafeHtml } from './html.js';
import { notGiven, row, type HandoverParts } from './handover-parts.js';
import { dueTag, urgencyTag } from './page-layout.js';
import { ageLabel } from '../triage/schema.js';

/** Status, urgency, due time, locality, who claimed it and where it came from. */
export function summarySection(p: HandoverParts): SafeHtml | null {
  const { ctx, h, now } = p;
  const due = dueState(h, now);
  return html`<dl class="summary">
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
}

/** How the family would like to be contacted (or why nothing is held). */
export function contactSection(p: HandoverParts): SafeHtml | null {
  const { h, now, purged } = p;
  return h.contact
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
}

/** What the family told us, first and as labels: the officer should never have to ask again. */
export function toldSection(p: HandoverParts): SafeHtml | null {
  const story = p.h.story;
  return story
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
}

/** The child or young person (not after purging). */
export function childSection(p: HandoverParts): SafeHtml | null {
  const { h, purged } = p;
  return purged
    ? null
    : html`<h2 id="child">The child or young person</h2>
<dl class="summary">
  ${row('First name or initials', h.child.name ?? notGiven)}
  ${row('Age', h.child.age === null ? notGiven : ageLabel(h.child.age))}
  ${row('School or setting', h.child.setting ? (FACT_LABELS.setting[h.child.setting as keyof typeof FACT_LABELS.setting] ?? h.child.setting) : notGiven)}
</dl>`;
}

/** The routes the chat suggested, with their reasons. */
export function triageSection(p: HandoverParts): SafeHtml | null {
  const { view, h } = p;
  return h.triage
    ? html`<h2 id="triage">What the chat suggested</h2>
<p>Main route: <strong>${view.routeTitle(h.triage.primary)}</strong></p>
<ol class="routes">${h.triage.routes.map(
        (r) => html`<li><h3>${view.routeTitle(r.id)}</h3><ul>${[...new Set(r.reasons)].map((reason) => html`<li>${reason}</li>`)}</ul></li>`,
      )}</ol>`
    : null;
}

/** The questions the family asked the chat. */
export function questionsSection(p: HandoverParts): SafeHtml | null {
  const { h, purged } = p;
  return purged
    ? null
    : html`<h2 id="questions">Questions they asked</h2>
${h.questionsAsked.length ? html`<ol class="text-list">${h.questionsAsked.map((q) => html`<li>${q}</li>`)}</ol>` : html`<p class="muted">None.</p>`}`;
}

/** Links to the articles the chat showed the family. */
export function articlesSection(p: HandoverParts): SafeHtml | null {
  const { view, h } = p;
  const articleBase = view.publicUrl.replace(/\/+$/, '');
  return html`<h2 id="articles">Articles the chat showed</h2>
${
  h.articlesShown.length
    ? html`<ul>${h.articlesShown.map((id) => html`<li><a href="${articleBase}/articles/${encodeURIComponent(id)}">${id}</a></li>`)}</ul>`
    : html`<p class="muted">None.</p>`
}`;
}

/** The chat transcript, when the family agreed to share it. */
export function transcriptSection(p: HandoverParts): SafeHtml | null {
  const { h, purged } = p;
  return purged
    ? null
    : html`<h2 id="transcript">Chat transcript</h2>
${
  h.transcript
    ? html`<ol class="transcript">${h.transcript.map((line) => html`<li>${line}</li>`)}</ol>`
    : html`<p class="muted">${h.consent.transcriptAgreed ? 'No transcript was sent.' : 'The family did not agree to share the chat.'}</p>`
}`;
}
