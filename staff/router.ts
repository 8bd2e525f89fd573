/**
 * The staff web page (mounted at `/staff`): locality officers and front-door leads sign in,
 * see their queue of family requests, read one, claim it, add notes and resolve it. The same
 * actions are offered as a small JSON API under `/staff/api` for a future client.
 *
 * Why it is built like this:
 * - Access: every page and API call except sign-in needs a session; every handover read or
 *   change goes through the store's access-checked methods (`getHandoverFor`, `claimHandover`,
 *   ...), and a handover of another locality gets exactly the same 404 as one that does not
 *   exist.
 * - Sessions: a random token in an HttpOnly, SameSite=Strict cookie limited to the mount
 *   path (only its hash is stored, see handover/staff-accounts.ts). Every POST needs the
 *   session's CSRF token (a hidden form field, or the `x-csrf-token` header for the API), and
 *   a cross-site `Origin` / `Sec-Fetch-Site` is refused as well. Sign-in has its own
 *   double-submit token so nobody can sign a browser in to someone else's account.
 * - Sign-in is rate-limited per address (failures across accounts) and backs off per account
 *   at an address: a few free failures, then a wait that doubles. When an account is under
 *   attack (many failures from anywhere) every address that has already failed for it waits
 *   the account's delay, but an address that has not failed for it is always checked, so
 *   nobody can lock an officer out. One generic error, the same scrypt work for unknown addresses.
 * - Family text is only ever rendered through the escaping `html` template (views.ts). The
 *   pages have no script, so they work without JavaScript and under `script-src 'self'`.
 * - Logs carry ids only (reference, staff email, action), never family text or contact
 *   details. Responses are `Cache-Control: no-store`.
 *
 * No channel SDK is used here; production sign-in via Microsoft Entra ID is described in
 * staff/README-entra.md.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { loadRouteGuide } from '../triage/engine.js';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { z } from 'zod';
import { NoteText, Outcome, normaliseReference, type Handover, type HandoverStatus, type StaffPrincipal } from '../handover/schema.js';
import type { StaffAccounts, StaffSession } from '../handover/staff-accounts.js';
import { memoryAttempts, type AttemptsFactory } from '../handover/attempt-limiter.js';
import {
  HandoverNotFoundError,
  HandoverStateError,
  HandoverValidationError,
  scopeFor,
  type AuditEntry,
  type HandoverScope,
  type HandoverStore,
} from '../handover/store.js';
import type { SafeHtml } from './html.js';
import { localityData } from '../triage/locality.js';
import { isOverdue, OUTCOME_LABELS } from './format.js';
import { handoverPage, layout, loginPage, messagePage, queuePage, type FieldError, type FlashSection, type PageContext, type StatusFilter } from './views.js';

export interface StaffRouterDeps {
  store: HandoverStore;
  /** The embedded staff accounts (handover/staff-accounts.ts). */
  accounts: StaffAccounts;
  logger: Logger;
  /** The public site's base URL, e.g. `https://deal.example.gov.uk` (article links, Origin check). */
  publicUrl: string;
  /** Clock for due and overdue times (tests inject one). */
  now?: () => Date;
  /** Send cookies with `Secure` (true everywhere except plain-HTTP local development). */
  secureCookies: boolean;
  /** Locality ids and names; default triage/localities.yaml. */
  localities?: readonly { id: string; name: string }[];
  /** Deletes the conversation state that mentions an erased reference (the bot's conversation store); returns how many. */
  eraseConversations?: (reference: string) => number | Promise<number>;
  /**
   * More signed-in pages, by mount path (e.g. `/insight`, insight/router.ts): they run after
   * sign-in, the CSRF check and the cross-site check, with these tools.
   */
  extraRoutes?: Record<string, (tools: StaffRouteTools) => Router>;
  /** Sign-in attempts allowed per 15 minutes before 429 (failed ones count): default 20 per IP, 5 per email. */
  loginLimits?: { perIp?: number; perEmail?: number; windowMs?: number };
  /** Where failed sign-ins are counted: default this process's memory; with DATABASE_URL, shared (handover/pg/attempts.ts). */
  attempts?: AttemptsFactory;
}

/** What a page mounted through `extraRoutes` gets from the staff site. */
export interface StaffRouteTools {
  principalOf(req: Request): StaffPrincipal;
  csrfToken(req: Request): string;
  /** The staff page around `body` (header, account, sign-out). */
  layout(req: Request, title: string, body: SafeHtml): string;
  audit(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void>;
  now(): Date;
}

export const SESSION_COOKIE = 'deal_staff_session';
export const LOGIN_COOKIE = 'deal_staff_login';
const CSS_FILE = fileURLToPath(new URL('./staff.css', import.meta.url));
/** Where a signed-out visitor may be sent back to after signing in (relative to the mount). */
const SAFE_NEXT = /^\/(?:handovers\/[A-Za-z0-9-]{1,20}|insight)?(?:\?[A-Za-z0-9=&_-]{0,200})?$/;
const GENERIC_LOGIN_ERROR = 'Email or password is not right';
const LIST_LIMIT = 200;

const FLASH: Record<string, string> = {
  claimed: 'You have claimed this request.',
  'taken-over': 'You have taken over this request.',
  'note-added': 'Your note has been added.',
  resolved: 'The request has been resolved.',
  erased: "The family's personal details have been erased.",
};
/** After an action the page returns to where the officer was: the section it was in, as the redirect's fragment. */
const FLASH_SECTION: Record<string, FlashSection> = { claimed: 'claim', 'taken-over': 'claim', 'note-added': 'notes', resolved: 'resolve' };

// ---- request bodies ---------------------------------------------------------------------

const LoginForm = z.object({
  email: z.string().max(320).default(''),
  password: z.string().max(1024).default(''),
  _csrf: z.string().max(100).default(''),
  next: z.string().max(300).optional(),
});

/** An optional note: empty means none; otherwise a valid note. */
const OptionalNote = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .optional()
  .superRefine((s, ctx) => {
    if (s !== undefined && s.trim() !== '' && !NoteText.safeParse(s).success) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not contain control characters' });
    }
  });

const ApiClaimBody = z.object({ takeOver: z.boolean().default(false) }).strict();
const ApiNoteBody = z.object({ text: NoteText }).strict();
const ApiResolveBody = z.object({ outcome: Outcome, note: OptionalNote }).strict();

function issuesOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
}

// ---- small helpers ----------------------------------------------------------------------

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const pair of header.split(';')) {
    const i = pair.indexOf('=');
    if (i < 0) continue;
    const key = pair.slice(0, i).trim();
    const raw = pair.slice(i + 1).trim();
    if (!key || key in out) continue;
    try {
      out[key] = decodeURIComponent(raw);
    } catch {
      out[key] = raw;
    }
  }
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const isApi = (req: Request) => req.path === '/api' || req.path.startsWith('/api/');

/** A form field as a single string ('' when missing or repeated). */
function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

function publicOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** A handover as listed by the API: no personal data (open the handover for that). */
function summary(h: Handover, now: Date) {
  return {
    reference: h.reference,
    createdAt: h.createdAt,
    channel: h.channel,
    requester: h.requester,
    localityId: h.localityId,
    urgency: h.urgency,
    dueAt: h.dueAt,
    overdue: isOverdue(h, now),
    status: h.status,
    claimedBy: h.claimedBy,
    primaryRoute: h.triage?.primary ?? null,
    outcome: h.outcome,
    closedAt: h.closedAt,
    purged: h.purgedAt !== null,
  };
}

/** Route id to its plain-English title, from the route guide (triage/routes.yaml). */
function loadRouteTitles(): Map<string, string> {
  return new Map(Object.entries(loadRouteGuide()).map(([id, guide]) => [id, guide.title]));
}

// ---- the router -------------------------------------------------------------------------

export function staffRouter(deps: StaffRouterDeps): Router {
  const { store, accounts, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const log = logger.child({ component: 'staff' });
  const localities = deps.localities ?? localityData().localities;
  const localityNames = new Map(localities.map((l) => [l.id, l.name]));
  const localityName = (id: string | null) => (id === null ? 'No locality (leads only)' : (localityNames.get(id) ?? id));
  const routeTitles = loadRouteTitles();
  const routeTitle = (id: string) => routeTitles.get(id) ?? id;
  const allowedOrigins = new Set([publicOrigin(deps.publicUrl)].filter((o): o is string => o !== null));
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');

  // Work out the decoy password hash now, so the first unknown email is not slower.
  void accounts.verifyPassword('', '').catch(() => undefined);

  const sessions = new WeakMap<Request, StaffSession>();
  const sessionOf = (req: Request): StaffSession => {
    const s = sessions.get(req);
    if (!s) throw new Error('staff session missing');
    return s;
  };
  const base = (req: Request) => req.baseUrl;
  const cookiePath = (req: Request) => req.baseUrl || '/';
  const cookieOptions = (req: Request) =>
    ({ httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: cookiePath(req) }) as const;
  const context = (req: Request): PageContext => {
    const session = sessions.get(req);
    return {
      base: base(req),
      localityName,
      ...(session ? { viewer: { principal: session.principal, csrfToken: accounts.csrfToken(session) } } : {}),
    };
  };
  const sendPage = (res: Response, status: number, page: string) => {
    res.status(status).type('html').send(page);
  };

  /** Renders the sign-in page with a fresh sign-in token (cookie and hidden field). */
  const renderLogin = (req: Request, res: Response, status: number, opts: { email?: string; next?: string; error?: string; notice?: string }) => {
    const loginToken = randomBytes(32).toString('base64url');
    res.cookie(LOGIN_COOKIE, loginToken, { ...cookieOptions(req), maxAge: 60 * 60 * 1000 });
    const next = opts.next && SAFE_NEXT.test(opts.next) ? opts.next : undefined;
    sendPage(res, status, loginPage(context(req), { loginToken, ...opts, next }));
  };

  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  router.get('/staff.css', (_req, res) => {
    res.sendFile(CSS_FILE, { maxAge: '1h' });
  });
  router.use((_req, res, next) => {
    // Personal data: never cached, never indexed.
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    next();
  });

  // Refuse cross-site state changes outright (the CSRF token is still required as well).
  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    // Browsers that send Sec-Fetch-Site say exactly where the request came from. Otherwise
    // fall back to Origin; "null" is allowed there because `Referrer-Policy: no-referrer`
    // (helmet's default) makes browsers send it for their own form posts.
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
    const crossSite = site
      ? site !== 'same-origin' && site !== 'none'
      : origin !== undefined && origin !== 'null' && origin !== ownOrigin && !allowedOrigins.has(origin);
    if (!crossSite) return next();
    log.warn({ staffAction: 'cross-site-post', path: req.path }, 'refused a cross-site staff request');
    if (isApi(req)) {
      res.status(403).json({ error: 'cross-site requests are not allowed' });
    } else {
      sendPage(res, 403, messagePage(context(req), 'Not allowed', 'This form was sent from another site. Open the staff page and try again.'));
    }
  });

  // ---- sign in --------------------------------------------------------------------------

  const windowMs = deps.loginLimits?.windowMs ?? 15 * 60_000;
  const tooMany = (req: Request, res: Response, waitMs = windowMs) => {
    log.warn({ staffAction: 'login-rate-limited' }, 'staff sign-in rate limited');
    const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
    res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
    renderLogin(req, res, 429, { error: `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.` });
  };
  // Per account at an address, and per account (applied only to addresses that have already failed for it).
  const attempts = deps.attempts ?? memoryAttempts;
  const atAddress = attempts('login-pair', { free: deps.loginLimits?.perEmail ?? 5, baseMs: 60_000, maxMs: windowMs, forgetAfterMs: windowMs });
  const perAccount = attempts('login-account', { free: 10, baseMs: 30_000, maxMs: windowMs, forgetAfterMs: windowMs });
  const loginKeys = (req: Request) => {
    const account = `email:${field(req.body, 'email').trim().toLowerCase().slice(0, 320)}`;
    return { account, pair: `${account}|${req.ip ?? ''}` };
  };
  /** Milliseconds this address must wait before trying this account again (0: now). */
  const loginWait = async (req: Request) => {
    const { account, pair } = loginKeys(req);
    return Math.max(await atAddress.wait(pair), (await atAddress.failures(pair)) > 0 ? await perAccount.wait(account) : 0);
  };
  const perIp = rateLimit({
    windowMs,
    limit: deps.loginLimits?.perIp ?? 20,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false }, // X-Forwarded-For is believed only per TRUST_PROXY; no console noise
    handler: (req: Request, res: Response) => tooMany(req, res),
  });
  router.get('/login', async (req, res) => {
    const existing = await accounts.lookupSession(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    if (existing) {
      res.redirect(303, `${base(req)}/`);
      return;
    }
    const next = typeof req.query.next === 'string' ? req.query.next : undefined;
    renderLogin(req, res, 200, { next, ...(req.query.signedout === '1' ? { notice: 'You have signed out.' } : {}) });
  });

  router.post('/login', perIp, async (req, res) => {
    const wait = await loginWait(req);
    if (wait > 0) return tooMany(req, res, wait);
    const form = LoginForm.safeParse(req.body ?? {});
    const cookies = parseCookies(req.headers.cookie);
    const email = form.success ? form.data.email.trim() : '';
    const next = form.success ? form.data.next : undefined;
    if (!form.success || !sameSecret(form.data._csrf, cookies[LOGIN_COOKIE] ?? '')) {
      renderLogin(req, res, 403, { email, next, error: 'The sign-in page had expired. Please try again.' });
      return;
    }
    if (!email || !form.data.password) {
      renderLogin(req, res, 400, { email, next, error: 'Enter your email address and password.' });
      return;
    }
    // Same scrypt work whether or not the address exists (see StaffAccounts.verifyPassword).
    const principal = await accounts.verifyPassword(email, form.data.password);
    const keys = loginKeys(req);
    if (!principal) {
      await Promise.all([atAddress.fail(keys.pair), perAccount.fail(keys.account)]);
      log.warn({ staffAction: 'login-failed' }, 'staff sign-in failed');
      renderLogin(req, res, 401, { email, next, error: GENERIC_LOGIN_ERROR });
      return;
    }
    await Promise.all([atAddress.succeed(keys.pair), perAccount.succeed(keys.account)]);
    const old = cookies[SESSION_COOKIE];
    if (old) await accounts.destroySession(old);
    const session = await accounts.createSession(principal);
    res.cookie(SESSION_COOKIE, session.token, {
      ...cookieOptions(req),
      maxAge: Math.max(0, session.expiresAt.getTime() - Date.now()),
    });
    res.clearCookie(LOGIN_COOKIE, cookieOptions(req));
    log.info({ staffAction: 'login', staff: principal.email, role: principal.role }, 'staff signed in');
    res.redirect(303, `${base(req)}${next && SAFE_NEXT.test(next) ? next : '/'}`);
  });

  // ---- everything below needs a session -------------------------------------------------

  router.use(async (req, res, next) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const session = await accounts.lookupSession(token);
    if (session) {
      sessions.set(req, session);
      return next();
    }
    if (token) res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    if (isApi(req)) {
      res.status(401).json({ error: 'sign in required' });
      return;
    }
    const wanted = req.url;
    const query = req.method === 'GET' && wanted !== '/' && SAFE_NEXT.test(wanted) ? `?next=${encodeURIComponent(wanted)}` : '';
    res.redirect(303, `${base(req)}/login${query}`);
  });

  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const session = sessionOf(req);
    const token = req.get('x-csrf-token') ?? (isApi(req) ? undefined : field(req.body, '_csrf'));
    if (accounts.verifyCsrf(session, token)) return next();
    log.warn({ staffAction: 'csrf-refused', staff: session.principal.email, path: req.path }, 'staff request without a valid CSRF token');
    if (isApi(req)) {
      res.status(403).json({ error: 'missing or invalid CSRF token (send it in the x-csrf-token header)' });
    } else {
      sendPage(res, 403, messagePage(context(req), 'Not allowed', 'This form had expired. Go back, reload the page and try again.'));
    }
  });

  router.post('/logout', async (req, res) => {
    const session = sessionOf(req);
    await accounts.destroySession(parseCookies(req.headers.cookie)[SESSION_COOKIE] ?? '');
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    log.info({ staffAction: 'logout', staff: session.principal.email }, 'staff signed out');
    res.redirect(303, `${base(req)}/login?signedout=1`);
  });

  const toolsAt = (path: string): StaffRouteTools => ({
    principalOf: (req) => sessionOf(req).principal,
    csrfToken: (req) => accounts.csrfToken(sessionOf(req)),
    // Inside the mounted router req.baseUrl ends with its path; the page's links are the staff site's.
    layout: (req, title, body) => layout({ ...context(req), base: req.baseUrl.endsWith(path) ? req.baseUrl.slice(0, -path.length) : req.baseUrl }, title, body),
    audit: (entry) => store.audit(entry, now()),
    now,
  });
  for (const [path, routes] of Object.entries(deps.extraRoutes ?? {})) router.use(path, routes(toolsAt(path)));

  // ---- listing --------------------------------------------------------------------------

  /** The scope and filters for a list request: officers always get their own locality. */
  const listFilters = (principal: StaffPrincipal, query: Request['query']) => {
    const status: StatusFilter = query.status === 'closed' || query.status === 'all' ? query.status : 'open';
    let scope: HandoverScope = scopeFor(principal);
    let selected = 'all';
    if (principal.role === 'lead' && typeof query.locality === 'string') {
      if (localityNames.has(query.locality)) {
        scope = { localities: [query.locality] };
        selected = query.locality;
      } else if (query.locality === 'none') {
        scope = { localities: [null] };
        selected = 'none';
      }
    }
    const statuses: HandoverStatus[] | undefined =
      status === 'open' ? ['received', 'with-officer'] : status === 'closed' ? ['closed'] : undefined;
    return { status, scope, selected, statuses, includePurged: status !== 'open' };
  };
  const listFiltered = (f: ReturnType<typeof listFilters>) =>
    store.listHandovers({ scope: f.scope, ...(f.statuses ? { statuses: f.statuses } : {}), includePurged: f.includePurged, limit: LIST_LIMIT });

  router.get('/', async (req, res) => {
    const { principal } = sessionOf(req);
    const f = listFilters(principal, req.query);
    const handovers = await listFiltered(f);
    const page = queuePage(context(req), {
      handovers,
      now: now(),
      routeTitle,
      status: f.status,
      truncated: handovers.length >= LIST_LIMIT,
      ...(principal.role === 'lead'
        ? { localityFilter: { options: localities.map((l) => ({ id: l.id, name: l.name })), selected: f.selected } }
        : {}),
    });
    sendPage(res, 200, page);
  });

  // ---- one handover (HTML) --------------------------------------------------------------

  const notFoundPage = (req: Request, res: Response) =>
    sendPage(res, 404, messagePage(context(req), 'Request not found', 'There is no request with that reference that you can see.'));

  /** Renders a handover page; 404 when it is missing or not theirs. */
  const showHandover = async (
    req: Request,
    res: Response,
    status: number,
    extra: { flash?: string; flashSection?: FlashSection; errors?: FieldError[]; form?: { note?: string; resolveNote?: string; outcome?: string } } = {},
  ) => {
    const { principal } = sessionOf(req);
    const reference = normaliseReference(String(req.params.reference ?? ''));
    const handover = reference ? await store.getHandoverFor(principal, reference) : null;
    if (!handover) return notFoundPage(req, res);
    const [notes, events] = await Promise.all([store.listNotes(handover.reference, principal), store.listEvents(handover.reference)]);
    if (status === 200) {
      await store.audit({ actor: principal.email, action: 'handover-viewed', subject: handover.reference, detail: { via: 'page' } }, now());
      log.info({ staffAction: 'view', reference: handover.reference, staff: principal.email }, 'staff opened a handover');
    }
    sendPage(res, status, handoverPage(context(req), { handover, notes, events, now: now(), routeTitle, publicUrl, ...extra }));
  };

  router.get('/handovers/:reference', async (req, res) => {
    const key = typeof req.query.done === 'string' ? req.query.done : '';
    const done = FLASH[key];
    await showHandover(req, res, 200, done ? { flash: done, flashSection: FLASH_SECTION[key] } : {});
  });

  /** Runs a staff change from a form; maps store errors to pages. */
  const formAction =
    (
      name: string,
      run: (req: Request, res: Response, principal: StaffPrincipal, reference: string) => Promise<FieldError[] | string>,
      form: (req: Request) => { note?: string; resolveNote?: string; outcome?: string } = () => ({}),
    ) =>
    async (req: Request, res: Response) => {
      const { principal } = sessionOf(req);
      const reference = normaliseReference(String(req.params.reference ?? ''));
      if (!reference) return notFoundPage(req, res);
      try {
        const result = await run(req, res, principal, reference);
        if (typeof result === 'string') {
          const section = FLASH_SECTION[result];
          res.redirect(303, `${base(req)}/handovers/${reference}?done=${result}${section ? `#${section}` : ''}`);
          return;
        }
        await showHandover(req, res, 400, { errors: result, form: form(req) });
      } catch (error) {
        if (error instanceof HandoverNotFoundError) return notFoundPage(req, res);
        if (error instanceof HandoverStateError || error instanceof HandoverValidationError) {
          log.info({ staffAction: name, reference, staff: principal.email, refused: error.name }, 'staff action refused');
          const message =
            error instanceof HandoverValidationError
              ? 'That could not be saved. Check what you entered and try again.'
              : `That could not be done: the request has changed (for example it was closed or claimed by someone else). The page below shows it as it is now.`;
          await showHandover(req, res, 409, { errors: [{ field: '', message }], form: form(req) });
          return;
        }
        throw error;
      }
    };

  router.post(
    '/handovers/:reference/claim',
    formAction('claim', async (req, _res, principal, reference) => {
      const takeOver = field(req.body, 'takeOver') === '1';
      await store.claimHandover(reference, principal, { takeOver });
      log.info({ staffAction: 'claim', reference, staff: principal.email, takeOver }, 'staff claimed a handover');
      return takeOver ? 'taken-over' : 'claimed';
    }),
  );

  router.post(
    '/handovers/:reference/notes',
    formAction(
      'note',
      async (req, _res, principal, reference) => {
        const text = NoteText.safeParse(field(req.body, 'note'));
        if (!text.success) return [{ field: 'note-text', message: 'Enter a note of up to 2000 characters' }];
        const note = await store.addNote(reference, principal, text.data);
        log.info({ staffAction: 'note', reference, staff: principal.email, noteId: note.id }, 'staff added a note');
        return 'note-added';
      },
      (req) => ({ note: field(req.body, 'note').slice(0, 2000) }),
    ),
  );

  router.post(
    '/handovers/:reference/resolve',
    formAction(
      'resolve',
      async (req, _res, principal, reference) => {
        const errors: FieldError[] = [];
        const outcome = Outcome.safeParse(field(req.body, 'outcome'));
        if (!outcome.success) errors.push({ field: 'outcome', message: 'Choose an outcome' });
        const note = OptionalNote.safeParse(field(req.body, 'note'));
        if (!note.success) errors.push({ field: 'resolve-note', message: 'The closing note must be up to 2000 characters' });
        if (!outcome.success || !note.success) return errors;
        const text = note.data?.trim() ? note.data : undefined;
        await store.resolveHandover(reference, principal, outcome.data, text);
        log.info({ staffAction: 'resolve', reference, staff: principal.email, outcome: outcome.data }, 'staff resolved a handover');
        return 'resolved';
      },
      (req) => ({
        outcome: field(req.body, 'outcome') in OUTCOME_LABELS ? field(req.body, 'outcome') : '',
        resolveNote: field(req.body, 'note').slice(0, 2000),
      }),
    ),
  );

  router.post(
    '/handovers/:reference/erase',
    formAction('erase', async (req, _res, principal, reference) => {
      if (principal.role !== 'lead') throw new HandoverNotFoundError(reference); // leads only; officers get "not found"
      const reason = field(req.body, 'reason').trim();
      if (!reason || reason.length > 200) return [{ field: 'erase-reason', message: 'Say why, in up to 200 characters' }];
      await store.eraseHandover(reference, principal.email, reason, now());
      const conversations = (await deps.eraseConversations?.(reference)) ?? 0;
      log.info({ staffAction: 'erase', reference, staff: principal.email, conversations }, 'staff erased a handover');
      return 'erased';
    }),
  );

  // ---- JSON API -------------------------------------------------------------------------

  const api = Router();

  api.get('/session', (req, res) => {
    const session = sessionOf(req);
    res.json({ ...session.principal, csrfToken: accounts.csrfToken(session), expiresAt: session.record.expiresAt.toISOString() });
  });

  api.get('/handovers', async (req, res) => {
    const { principal } = sessionOf(req);
    const f = listFilters(principal, req.query);
    const handovers = await listFiltered(f);
    const at = now();
    res.json({ handovers: handovers.map((h) => summary(h, at)), truncated: handovers.length >= LIST_LIMIT });
  });

  const apiNotFound = (res: Response) => res.status(404).json({ error: 'not found' });

  api.get('/handovers/:reference', async (req, res) => {
    const { principal } = sessionOf(req);
    const reference = normaliseReference(req.params.reference);
    const handover = reference ? await store.getHandoverFor(principal, reference) : null;
    if (!handover) return void apiNotFound(res);
    const [notes, events] = await Promise.all([store.listNotes(handover.reference, principal), store.listEvents(handover.reference)]);
    await store.audit({ actor: principal.email, action: 'handover-viewed', subject: handover.reference, detail: { via: 'api' } }, now());
    log.info({ staffAction: 'view', reference: handover.reference, staff: principal.email, via: 'api' }, 'staff opened a handover');
    res.json({ handover, overdue: isOverdue(handover, now()), notes, events });
  });

  /** Validates the body, runs the change, and maps store errors to 404 / 409 / 400. */
  const apiAction =
    <S extends z.ZodTypeAny>(
      name: string,
      schema: S,
      run: (principal: StaffPrincipal, reference: string, body: z.output<S>) => Promise<{ status: number; json: unknown; log: Record<string, unknown> }>,
    ) =>
    async (req: Request, res: Response) => {
      const { principal } = sessionOf(req);
      const reference = normaliseReference(String(req.params.reference ?? ''));
      if (!reference) return void apiNotFound(res);
      const parsed = schema.safeParse(req.body ?? {});
      if (!parsed.success) {
        const issues = issuesOf(parsed.error);
        res.status(400).json({ error: 'invalid request', message: issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues });
        return;
      }
      try {
        const result = await run(principal, reference, parsed.data);
        log.info({ staffAction: name, reference, staff: principal.email, via: 'api', ...result.log }, `staff ${name} via the API`);
        res.status(result.status).json(result.json);
      } catch (error) {
        if (error instanceof HandoverNotFoundError) return void apiNotFound(res);
        if (error instanceof HandoverStateError) return void res.status(409).json({ error: error.message });
        if (error instanceof HandoverValidationError) {
          return void res.status(400).json({ error: 'invalid request', message: error.issues.join('; '), issues: error.issues });
        }
        throw error;
      }
    };

  api.post(
    '/handovers/:reference/claim',
    apiAction('claim', ApiClaimBody, async (principal, reference, body) => ({
      status: 200,
      json: { handover: await store.claimHandover(reference, principal, { takeOver: body.takeOver }) },
      log: { takeOver: body.takeOver },
    })),
  );

  api.post(
    '/handovers/:reference/notes',
    apiAction('note', ApiNoteBody, async (principal, reference, body) => {
      const note = await store.addNote(reference, principal, body.text);
      return { status: 201, json: { note }, log: { noteId: note.id } };
    }),
  );

  api.post(
    '/handovers/:reference/resolve',
    apiAction('resolve', ApiResolveBody, async (principal, reference, body) => ({
      status: 200,
      json: { handover: await store.resolveHandover(reference, principal, body.outcome, body.note?.trim() ? body.note : undefined) },
      log: { outcome: body.outcome },
    })),
  );

  api.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  router.use('/api', api);

  // ---- not found and errors -------------------------------------------------------------

  router.use((req, res) => {
    sendPage(res, 404, messagePage(context(req), 'Page not found', 'There is no staff page at this address.'));
  });

  router.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log.error({ err: { name: error.name, message: error.message }, path: req.path }, 'staff request failed');
    if (res.headersSent) return;
    const message =
      error.type === 'entity.too.large'
        ? 'What you sent is too large.'
        : error.type === 'entity.parse.failed'
          ? 'The request body is not valid.'
          : status === 500
            ? 'Something went wrong on our side. Please try again.'
            : 'The request could not be handled.';
    if (isApi(req)) {
      res.status(status).json({ error: message });
    } else {
      sendPage(res, status, messagePage(context(req), status === 500 ? 'Something went wrong' : 'There is a problem', message));
    }
  });

  return router;
}
