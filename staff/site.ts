/**
 * What every part of the staff site shares, worked out once per router: its settings
 * (`StaffRouterDeps`), the clock, the log, locality and route names, the signed-in session
 * of each request, cookie options, and how a page is sent. The route modules (sign-in,
 * queue, handover pages, JSON API, guards) take this instead of each reading the settings.
 */
import type { AttemptsFactory, RateWindowStore } from '../handover/attempt-limiter.js';
import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { StaffPrincipal } from '../handover/schema.js';
import type { StaffAccounts, StaffSession } from '../handover/staff-accounts.js';
import type { AuditEntry, AuditLog, HandoverCasework, HandoverRetention } from '../handover/store.js';
import { loadRouteGuide } from '../triage/engine.js';
import { localityData } from '../triage/locality.js';
import type { SafeHtml } from './html.js';
import { publicOrigin } from './request.js';
import type { PageContext } from './views.js';

/** The parts of the handover store the staff site uses: casework, erasure and the audit log. */
export type StaffStore = HandoverCasework & HandoverRetention & AuditLog;

export interface StaffRouterDeps {
  store: StaffStore;
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
  /** Where sign-ins per address are counted: default this process's memory; with DATABASE_URL, shared. */
  rateStore?: ((name: string) => RateWindowStore) | undefined;
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

export interface StaffSite {
  deps: StaffRouterDeps;
  store: StaffStore;
  accounts: StaffAccounts;
  log: Logger;
  now: () => Date;
  localities: readonly { id: string; name: string }[];
  localityNames: ReadonlyMap<string, string>;
  routeTitle: (id: string) => string;
  /** The public site's base URL without a trailing slash. */
  publicUrl: string;
  /** Origins a state-changing request may come from besides the request's own host. */
  allowedOrigins: ReadonlySet<string>;
  /** Remembers the session the sign-in check found for this request. */
  setSession(req: Request, session: StaffSession): void;
  /** The request's session; only for routes behind the sign-in check. */
  sessionOf(req: Request): StaffSession;
  base(req: Request): string;
  cookieOptions(req: Request): { httpOnly: true; sameSite: 'strict'; secure: boolean; path: string };
  context(req: Request): PageContext;
  sendPage(res: Response, status: number, page: string): void;
}

/** Route id to its plain-English title, from the route guide (triage/routes.yaml). */
function loadRouteTitles(): Map<string, string> {
  return new Map(Object.entries(loadRouteGuide()).map(([id, guide]) => [id, guide.title]));
}

export function createSite(deps: StaffRouterDeps): StaffSite {
  const { store, accounts, logger } = deps;
  const localities = deps.localities ?? localityData().localities;
  const localityNames = new Map(localities.map((l) => [l.id, l.name]));
  const localityName = (id: string | null) => (id === null ? 'No locality (leads only)' : (localityNames.get(id) ?? id));
  const routeTitles = loadRouteTitles();
  const sessions = new WeakMap<Request, StaffSession>();
  const base = (req: Request) => req.baseUrl;
  const cookiePath = (req: Request) => req.baseUrl || '/';
  return {
    deps,
    store,
    accounts,
    log: logger.child({ component: 'staff' }),
    now: deps.now ?? (() => new Date()),
    localities,
    localityNames,
    routeTitle: (id) => routeTitles.get(id) ?? id,
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    allowedOrigins: new Set([publicOrigin(deps.publicUrl)].filter((o): o is string => o !== null)),
    setSession: (req, session) => void sessions.set(req, session),
    sessionOf: (req) => {
      const s = sessions.get(req);
      if (!s) throw new Error('staff session missing');
      return s;
    },
    base,
    cookieOptions: (req) => ({ httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: cookiePath(req) }) as const,
    context: (req) => {
      const session = sessions.get(req);
      return {
        base: base(req),
        localityName,
        ...(session ? { viewer: { principal: session.principal, csrfToken: accounts.csrfToken(session) } } : {}),
      };
    },
    sendPage: (res, status, page) => {
      res.status(status).type('html').send(page);
    },
  };
}
