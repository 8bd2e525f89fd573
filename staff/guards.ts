/**
 * The checks every staff request passes, and what happens when none of the pages answers:
 * - `noStore`: personal data is never cached or indexed;
 * - `refuseCrossSite`: a state change from another site is refused outright (the CSRF token
 *   is still required as well);
 * - `requireSession`: everything but sign-in needs a session (401 for the API, else the
 *   sign-in page, coming back here afterwards when that is safe);
 * - `requireCsrf`: every POST carries the session's CSRF token;
 * - `notFound` and `errorHandler`: a page or JSON error, never a stack trace.
 */
import type { NextFunction, Request, Response } from 'express';
import { field, isApi, parseCookies } from './request.js';
import { SESSION_COOKIE, type StaffSite } from './site.js';
import { messagePage } from './views.js';

/** Where a signed-out visitor may be sent back to after signing in (relative to the mount). */
export const SAFE_NEXT = /^\/(?:handovers\/[A-Za-z0-9-]{1,20}|insight)?(?:\?[A-Za-z0-9=&_-]{0,200})?$/;

const isSafeMethod = (req: Request) => req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';

export function noStore(_req: Request, res: Response, next: NextFunction): void {
  // Personal data: never cached, never indexed.
  res.set('Cache-Control', 'no-store');
  res.set('X-Robots-Tag', 'noindex, nofollow');
  next();
}

export function refuseCrossSite(site: StaffSite) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isSafeMethod(req)) return next();
    // Browsers that send Sec-Fetch-Site say exactly where the request came from. Otherwise
    // fall back to Origin; "null" is allowed there because `Referrer-Policy: no-referrer`
    // (helmet's default) makes browsers send it for their own form posts.
    const fetchSite = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
    const crossSite = fetchSite
      ? fetchSite !== 'same-origin' && fetchSite !== 'none'
      : origin !== undefined && origin !== 'null' && origin !== ownOrigin && !site.allowedOrigins.has(origin);
    if (!crossSite) return next();
    site.log.warn({ staffAction: 'cross-site-post', path: req.path }, 'refused a cross-site staff request');
    if (isApi(req)) {
      res.status(403).json({ error: 'cross-site requests are not allowed' });
    } else {
      site.sendPage(res, 403, messagePage(site.context(req), 'Not allowed', 'This form was sent from another site. Open the staff page and try again.'));
    }
  };
}

export function requireSession(site: StaffSite) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const session = await site.accounts.lookupSession(token);
    if (session) {
      site.setSession(req, session);
      return next();
    }
    if (token) res.clearCookie(SESSION_COOKIE, site.cookieOptions(req));
    if (isApi(req)) {
      res.status(401).json({ error: 'sign in required' });
      return;
    }
    const wanted = req.url;
    const query = req.method === 'GET' && wanted !== '/' && SAFE_NEXT.test(wanted) ? `?next=${encodeURIComponent(wanted)}` : '';
    res.redirect(303, `${site.base(req)}/login${query}`);
  };
}

export function requireCsrf(site: StaffSite) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isSafeMethod(req)) return next();
    const session = site.sessionOf(req);
    const token = req.get('x-csrf-token') ?? (isApi(req) ? undefined : field(req.body, '_csrf'));
    if (site.accounts.verifyCsrf(session, token)) return next();
    site.log.warn({ staffAction: 'csrf-refused', staff: session.principal.email, path: req.path }, 'staff request without a valid CSRF token');
    if (isApi(req)) {
      res.status(403).json({ error: 'missing or invalid CSRF token (send it in the x-csrf-token header)' });
    } else {
      site.sendPage(res, 403, messagePage(site.context(req), 'Not allowed', 'This form had expired. Go back, reload the page and try again.'));
    }
  };
}

export function notFound(site: StaffSite) {
  return (req: Request, res: Response) => {
    site.sendPage(res, 404, messagePage(site.context(req), 'Page not found', 'There is no staff page at this address.'));
  };
}

export function errorHandler(site: StaffSite) {
  return (error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) site.log.error({ err: { name: error.name, message: error.message }, path: req.path }, 'staff request failed');
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
      site.sendPage(res, status, messagePage(site.context(req), status === 500 ? 'Something went wrong' : 'There is a problem', message));
    }
  };
}
