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
 * - Sign-in is rate-limited per address and backs off per account, without letting anyone
 *   lock an officer out (see sign-in-routes.ts).
 * - Family text is only ever rendered through the escaping `html` template (views.ts). The
 *   pages have no script, so they work without JavaScript and under `script-src 'self'`.
 * - Logs carry ids only (reference, staff email, action), never family text or contact
 *   details. Responses are `Cache-Control: no-store`.
 *
 * This file puts the parts together in the order the checks must run: request.ts and
 * site.ts (shared reading and settings), guards.ts (no-store, cross-site, session, CSRF,
 * errors), sign-in-routes.ts, queue-routes.ts, handover-routes.ts, api-routes.ts, and the
 * pages in views.ts.
 *
 * No channel SDK is used here; production sign-in via Microsoft Entra ID is described in
 * staff/README-entra.md.
 */
import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';
import { addApi } from './api-routes.js';
import { errorHandler, noStore, notFound, refuseCrossSite, requireCsrf, requireSession } from './guards.js';
import { addHandoverPages } from './handover-routes.js';
import { addQueue } from './queue-routes.js';
import { addSignIn, addSignOut } from './sign-in-routes.js';
import { createSite, type StaffRouteTools, type StaffRouterDeps, type StaffSite } from './site.js';
import { layout } from './views.js';

export { LOGIN_COOKIE, SESSION_COOKIE, type StaffRouteTools, type StaffRouterDeps } from './site.js';

const CSS_FILE = fileURLToPath(new URL('./staff.css', import.meta.url));

/** The tools a page mounted at `path` through `extraRoutes` gets. */
function toolsAt(site: StaffSite, path: string): StaffRouteTools {
  return {
    principalOf: (req) => site.sessionOf(req).principal,
    csrfToken: (req) => site.accounts.csrfToken(site.sessionOf(req)),
    // Inside the mounted router req.baseUrl ends with its path; the page's links are the staff site's.
    layout: (req, title, body) =>
      layout({ ...site.context(req), base: req.baseUrl.endsWith(path) ? req.baseUrl.slice(0, -path.length) : req.baseUrl }, title, body),
    audit: (entry) => site.store.audit(entry, site.now()),
    now: site.now,
  };
}

export function staffRouter(deps: StaffRouterDeps): Router {
  const site = createSite(deps);
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  router.get('/staff.css', (_req, res) => {
    res.sendFile(CSS_FILE, { maxAge: '1h' });
  });
  router.use(noStore);
  router.use(refuseCrossSite(site));
  addSignIn(router, site);

  // Everything below needs a session, and every POST the session's CSRF token.
  router.use(requireSession(site));
  router.use(requireCsrf(site));
  addSignOut(router, site);
  for (const [path, routes] of Object.entries(deps.extraRoutes ?? {})) router.use(path, routes(toolsAt(site, path)));
  addQueue(router, site);
  addHandoverPages(router, site);
  addApi(router, site);

  router.use(notFound(site));
  router.use(errorHandler(site));
  return router;
}
