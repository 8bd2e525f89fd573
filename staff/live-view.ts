/**
 * The live chat page for one handover (staff/live.ts): whether the family's chat is open, who
 * is in it, the messages so far, and forms to join, write and leave. Everything goes through
 * the escaping `html` template; the page works without script (each form posts and comes
 * back here), and staff/live.js adds the real-time part (server-sent events).
 */
import type { Handover } from '../handover/schema.js';
import type { LiveEvent } from '../conversation/live-chat.js';
import type { ConversationData } from '../conversation/state.js';
import { html, type SafeHtml } from './html.js';

export type LiveView = {
  /** The staff site's mount, e.g. `/staff`. */
  base: string;
  handover: Handover;
  csrfToken: string;
  me: string;
  live: ConversationData['live'];
  /** The family's chat is open (true), closed (false), or the channel cannot tell (null). */
  online: boolean | null;
  linked: boolean;
  where: string | null;
  history: (LiveEvent & { n: number })[];
  /** A message after an action (e.g. why a join did not work). */
  notice?: string;
  suggestedName: string;
};

export const LIVE_WHO: Record<LiveEvent['kind'], string> = {
  joined: 'Joined',
  family: 'Family',
  staff: 'DEAL team',
  alert: 'Safety alert',
  left: 'Left',
  'family-left': 'Family left',
};

export function liveLine(event: LiveEvent): SafeHtml {
  return html`<li class="live-${event.kind}"${event.kind === 'alert' ? html` role="alert"` : null}><strong>${LIVE_WHO[event.kind]}:</strong> ${event.text}</li>`;
}

function fallback(h: Handover): SafeHtml {
  const contact = h.contact;
  if (!contact) return html`<p>Their contact details have been deleted.</p>`;
  return html`<p>Please ${contact.method === 'phone' ? 'phone' : 'email'} ${contact.name} instead: <strong>${contact.detail}</strong> (best time: ${contact.bestTime || 'any time'}).</p>`;
}

export function livePage(view: LiveView): SafeHtml {
  const { base, handover: h, csrfToken } = view;
  const action = (what: string) => `${base}/live/${h.reference}/${what}`;
  const csrf = html`<input type="hidden" name="_csrf" value="${csrfToken}">`;
  const mine = view.live?.email === view.me;
  const status = !view.linked
    ? html`<p>This request did not come from a chat the team can join (or the chat has expired).</p>${fallback(h)}`
    : view.online === false
      ? html`<p><strong>The family has left the chat.</strong></p>${fallback(h)}`
      : view.online === null
        ? html`<p>The family came through ${view.where ?? 'another channel'}: messages go to their chat, but we cannot tell whether they are reading it now.</p>`
        : html`<p>The family's chat is open now.</p>`;
  let controls: SafeHtml | null = null;
  if (view.live && !mine) {
    controls = html`<p>${view.live.name} (${view.live.email}) is in this chat.</p>`;
  } else if (mine) {
    controls = html`<form method="post" action="${action('messages')}" id="live-send" data-live-send>${csrf}
  <label for="live-text">Message to the family</label>
  <textarea id="live-text" name="text" rows="3" maxlength="1000" required></textarea>
  <button type="submit">Send</button>
</form>
<form method="post" action="${action('leave')}" class="inline-form">${csrf}<button type="submit" class="button-secondary">Leave the chat</button></form>`;
  } else if (h.status === 'closed') {
    controls = html`<p>This request is closed.</p>`;
  } else if (h.claimedBy !== view.me) {
    controls = html`<p>Claim this request first, then you can join the family's chat. <a href="${base}/handovers/${h.reference}">Back to the request</a></p>`;
  } else if (view.linked && view.online !== false) {
    controls = html`<form method="post" action="${action('join')}">${csrf}
  <label for="live-name">Your first name, as the family will see it</label>
  <input id="live-name" name="name" value="${view.suggestedName}" maxlength="40" required autocomplete="given-name">
  <button type="submit">Join the family's chat</button>
</form>`;
  }
  return html`<p><a href="${base}/handovers/${h.reference}">Back to ${h.reference}</a></p>
<h1>Live chat: ${h.reference}</h1>
${view.notice ? html`<div class="flash" role="status"><p>${view.notice}</p></div>` : null}
<div id="live-status" aria-live="polite">${status}</div>
<p>${h.consent.transcriptAgreed ? 'The family agreed to share the chat: when you leave, this conversation is added to the request as a note.' : 'The family did not agree to share the chat: it is not kept after you leave (the audit log counts the messages only).'}</p>
<section aria-labelledby="live-log-title" data-live-events="${action('events')}" data-after="${String(view.history.at(-1)?.n ?? -1)}" data-csrf="${csrfToken}">
  <h2 id="live-log-title">Messages</h2>
  <ol id="live-log" class="live-log" aria-live="polite">${view.history.map(liveLine)}</ol>
</section>
${controls}
<script src="${base}/live/live.js" defer></script>`;
}
