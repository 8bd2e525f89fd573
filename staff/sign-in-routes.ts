/**
 * Signing in and out of the staff site.
 *
 * The sign-in form has its own double-submit token (a cookie and a hidden field) so nobody
 * can sign a browser in to someone else's account. Sign-in is rate-limited per address
 * (failures across accounts) and backs off per account at an address: a few free failures,
 * then a wait that doubles. When an account is under attack (many failures from anywhere)
 * every address that has already failed for it waits the account's delay, but an address
 * that has not failed for it is always checked, so nobody can lock an officer out. One
 * generic error, and the same scrypt work for unknown addresses.
 */
import type { Request, Response, Router } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { requestLimit } from '../app/limits.js';
import { memoryAttempts } from '../handover/attempt-limiter.js';
import { SAFE_NEXT } from './guards.js';
import { field, parseCookies, sameSecret } from './request.js';
import { LOGIN_COOKIE, SESSION_COOKIE, type StaffSite } from './site.js';
import { loginPage } from './views.js';

const GENERIC_LOGIN_ERROR = 'Email or password is not right';

const LoginForm = z.object({
  email: z.string().max(320).default(''),
  password: z.string().max(1024).default(''),
  _csrf: z.string().max(100).default(''),
  next: z.string().max(300).optional(),
});

/** GET and POST /login: open to everyone (registered before the sign-in check). */
export function addSignIn(router: Router, site: StaffSite): void {
  const { accounts, log, deps } = site;
  // Work out the decoy password hash now, so the first unknown email is not slower.
  void accounts.verifyPassword('', '').catch(() => undefined);

  /** Renders the sign-in page with a fresh sign-in token (cookie and hidden field). */
  const renderLogin = (req: Request, res: Response, status: number, opts: { email?: string; next?: string; error?: string; notice?: string }) => {
    const loginToken = randomBytes(32).toString('base64url');
    res.cookie(LOGIN_COOKIE, loginToken, { ...site.cookieOptions(req), maxAge: 60 * 60 * 1000 });
    const next = opts.next && SAFE_NEXT.test(opts.next) ? opts.next : undefined;
    site.sendPage(res, status, loginPage(site.context(req), { loginToken, ...opts, next }));
  };

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
  const perIp = requestLimit(deps.loginLimits?.perIp ?? 20, {
    windowMs,
    skipSuccessfulRequests: true,
    handler: (req: Request, res: Response) => tooMany(req, res),
    store: deps.rateStore?.('staff-sign-in-per-address'),
  });

  router.get('/login', async (req, res) => {
    const existing = await accounts.lookupSession(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    if (existing) {
      res.redirect(303, `${site.base(req)}/`);
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
      ...site.cookieOptions(req),
      maxAge: Math.max(0, session.expiresAt.getTime() - Date.now()),
    });
    res.clearCookie(LOGIN_COOKIE, site.cookieOptions(req));
    log.info({ staffAction: 'login', staff: principal.email, role: principal.role }, 'staff signed in');
    res.redirect(303, `${site.base(req)}${next && SAFE_NEXT.test(next) ? next : '/'}`);
  });
}

/** POST /logout (behind the sign-in and CSRF checks). */
export function addSignOut(router: Router, site: StaffSite): void {
  router.post('/logout', async (req, res) => {
    const session = site.sessionOf(req);
    await site.accounts.destroySession(parseCookies(req.headers.cookie)[SESSION_COOKIE] ?? '');
    res.clearCookie(SESSION_COOKIE, site.cookieOptions(req));
    site.log.info({ staffAction: 'logout', staff: session.principal.email }, 'staff signed out');
    res.redirect(303, `${site.base(req)}/login?signedout=1`);
  });
}
