/**
 * Live chat on the staff page (mounted at `/staff/live` through the staff router's
 * `extraRoutes`, so sign-in, the CSRF check and the cross-site check have already run).
 *
 * Who may: the same as for the rest of the staff page: the handover must be one the member of
 * staff can see (`getHandoverFor`: another locality's is the same 404 as a missing one), and
 * only the officer who has claimed it may join, write and leave. Every join, message (either
 * way), safety alert, leave and departure is in the audit log, with ids and lengths only.
 *
 * Real time: `GET /:reference/events` is a server-sent events stream of the live chat's
 * notifier (with DATABASE_URL, fed by every instance: the family's turn may run on another), authenticated by the staff session cookie like any other staff page. The chat
 * itself is kept on the handover (as a note) only when the family agreed to share the chat.
 */
import { Router, type Request, type Response } from 'express';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { LiveChat, NumberedEvent } from '../conversation/live-chat.js';
import { normaliseReference, NoteText, type Handover, type StaffPrincipal } from '../handover/schema.js';
import type { HandoverStore } from '../handover/store.js';
import type { StaffRouteTools } from './router.js';
import { html } from './html.js';
import { LIVE_WHO, livePage } from './live-view.js';

const SCRIPT = fileURLToPath(new URL('./live-client.js', import.meta.url));
const Name = z.string().trim().min(1).max(40).regex(/^[\p{L}][\p{L} '.-]*$/u, 'must be a name (letters, spaces, hyphens)');
const Message = NoteText.refine((s) => s.length <= 1000, 'must be at most 1000 characters');
const wantsJson = (req: Request) => (req.get('accept') ?? '').includes('application/json');

const REASONS = {
  'not-in': 'You are not in this chat.',
  invalid: 'That message could not be sent: it is empty, too long (1000 characters at most) or has control characters.',
  'not-linked': "This request did not come from a chat the team can join, or the chat has expired. Please phone or email the family.",
  'family-left': 'The family has left the chat. Please phone or email them instead.',
  busy: 'Someone else from the team is already in this chat.',
} as const;

/** "sam.jones@example.org" -> "Sam": a start for the name the family sees (the officer can change it). */
const firstName = (email: string) => {
  const word = /^[a-z]+/i.exec(email)?.[0] ?? '';
  return word ? word[0]!.toUpperCase() + word.slice(1).toLowerCase() : '';
};

export function liveRoutes(tools: StaffRouteTools & { store: HandoverStore; live: LiveChat }): Router {
  const { store, live } = tools;
  const router = Router();

  // The family's side and the bot's safety check, into the audit log (no text: lengths and kinds only).
  live.notifier.onAny((reference, event) => {
    const action = event.kind === 'family' ? 'live-family-message' : event.kind === 'alert' ? 'live-alert' : event.kind === 'family-left' ? 'live-family-left' : null;
    if (action) void tools.audit({ actor: 'live-chat', action, subject: reference, detail: { length: event.text.length } }).catch(() => undefined);
    if (event.session) void keepOrForget(reference, event.session).catch(() => undefined);
  });

  /**
   * A session ended (the officer left, or the family went): the chat is added to the request
   * as the officer's note only when the family agreed to share the chat; either way it leaves memory.
   */
  const keepOrForget = async (reference: string, session: { email: string; since: string }) => {
    const lines = (await live.notifier.history(reference)).filter((e) => e.at >= session.since && ['family', 'staff', 'alert'].includes(e.kind));
    await live.notifier.forget(reference);
    const handover = await store.getHandover(reference);
    const staff = await store.getStaff(session.email);
    if (!handover?.consent.transcriptAgreed || !staff || lines.length === 0) return;
    const text = ['Live chat:', ...lines.map((e) => `${e.kind === 'family' ? 'Family' : e.kind === 'alert' ? 'Safety alert' : 'DEAL'}: ${e.text}`)].join('\n');
    const officer = { email: staff.email, role: staff.role, localityId: staff.localityId };
    await store.addNote(reference, officer, text.length > 2000 ? `${text.slice(0, 1990)}\n(cut)` : text);
  };

  router.get('/live.js', (_req, res) => {
    res.type('application/javascript').sendFile(SCRIPT);
  });

  /** The handover if this member of staff may see it; else a 404 like the rest of the staff page. */
  const handoverFor = async (req: Request, res: Response): Promise<{ handover: Handover; principal: StaffPrincipal } | null> => {
    const principal = tools.principalOf(req);
    const reference = normaliseReference(String(req.params.reference ?? ''));
    const handover = reference ? await store.getHandoverFor(principal, reference) : null;
    if (!handover) {
      if (wantsJson(req)) res.status(404).json({ error: 'not found' });
      else res.status(404).type('html').send(tools.layout(req, 'Request not found', html`<h1>Request not found</h1><p>There is no request with that reference that you can see.</p>`));
      return null;
    }
    return { handover, principal };
  };

  const show = async (req: Request, res: Response, handover: Handover, principal: StaffPrincipal, notice?: string, status = 200) => {
    const presence = await live.presence(handover.reference);
    const who = await live.whoIsIn(handover.reference);
    const code = typeof req.query.notice === 'string' ? req.query.notice : '';
    notice ??= Object.hasOwn(REASONS, code) ? REASONS[code as keyof typeof REASONS] : undefined;
    const base = req.baseUrl.replace(/\/live$/, '');
    const body = livePage({
      base,
      handover,
      csrfToken: tools.csrfToken(req),
      me: principal.email,
      live: who,
      online: presence.linked ? presence.online : false,
      linked: presence.linked,
      where: presence.linked ? presence.where : null,
      history: await live.notifier.history(handover.reference),
      ...(notice ? { notice } : {}),
      suggestedName: firstName(principal.email),
    });
    res.status(status).type('html').send(tools.layout(req, `Live chat ${handover.reference}`, body));
  };

  router.get('/:reference', async (req, res) => {
    const found = await handoverFor(req, res);
    if (found) await show(req, res, found.handover, found.principal);
  });

  router.get('/:reference/events', async (req, res) => {
    const found = await handoverFor(req, res);
    if (!found) return;
    const reference = found.handover.reference;
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const after = Number(req.query.after ?? -1);
    const sent = new Set<number>(); // listening starts before the history is read: an event in both goes once
    const send = (event: NumberedEvent) => {
      if (event.n <= after || sent.has(event.n)) return;
      sent.add(event.n);
      res.write(`id: ${event.n}\ndata: ${JSON.stringify({ ...event, who: LIVE_WHO[event.kind] })}\n\n`);
    };
    let held: NumberedEvent[] | null = []; // what arrives while the history is read goes after it
    const unsubscribe = live.notifier.subscribe(reference, (event) => (held ? held.push(event) : send(event)));
    (await live.notifier.history(reference).catch(() => [])).forEach(send);
    held.forEach(send);
    held = null;
    if (req.socket.destroyed) return unsubscribe(); // the page went while the history was read
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  /** After an action: JSON for the page's script, else back to the page (303), with a notice code. */
  const done = (req: Request, res: Response, reference: string, problem?: keyof typeof REASONS, status = 200) => {
    if (wantsJson(req)) res.status(problem ? status : 200).json(problem ? { ok: false, message: REASONS[problem] } : { ok: true });
    else res.redirect(303, `${req.baseUrl}/${reference}${problem ? `?notice=${problem}` : ''}#live-log-title`); // back to the messages, where the officer was
  };

  router.post('/:reference/join', async (req, res) => {
    const found = await handoverFor(req, res);
    if (!found) return;
    const { handover, principal } = found;
    const name = Name.safeParse((req.body as { name?: unknown } | undefined)?.name ?? firstName(principal.email));
    if (handover.status === 'closed' || handover.claimedBy !== principal.email) {
      return show(req, res, handover, principal, 'Claim this request first, then you can join the chat.', 409);
    }
    if (!name.success) return show(req, res, handover, principal, `Your name ${name.error.issues[0]?.message ?? 'is not valid'}.`, 400);
    const result = await live.join(handover.reference, { email: principal.email, name: name.data });
    if (!result.ok) return show(req, res, handover, principal, REASONS[result.reason], 409);
    await tools.audit({ actor: principal.email, action: 'live-joined', subject: handover.reference, detail: { where: result.where } });
    done(req, res, handover.reference);
  });

  router.post('/:reference/messages', async (req, res) => {
    const found = await handoverFor(req, res);
    if (!found) return;
    const { handover, principal } = found;
    const text = Message.safeParse((req.body as { text?: unknown } | undefined)?.text);
    if (!text.success) return done(req, res, handover.reference, 'invalid', 400);
    const sent = await live.say(handover.reference, principal, text.data);
    if (sent !== 'sent') return done(req, res, handover.reference, sent === 'family-left' ? 'family-left' : 'not-in', 409);
    await tools.audit({ actor: principal.email, action: 'live-message', subject: handover.reference, detail: { length: text.data.length } });
    done(req, res, handover.reference);
  });

  router.post('/:reference/leave', async (req, res) => {
    const found = await handoverFor(req, res);
    if (!found) return;
    const { handover, principal } = found;
    if (!(await live.leave(handover.reference, principal))) return done(req, res, handover.reference, 'not-in', 409);
    await tools.audit({ actor: principal.email, action: 'live-left', subject: handover.reference, detail: {} });
    done(req, res, handover.reference);
  });

  return router;
}

