/**
 * Staff accounts for the handover web page: who may sign in, which locality they see,
 * their sessions, and CSRF tokens. Storage is the handover store; the cryptography is here.
 *
 * - Passwords: scrypt (node:crypto) with a random 16-byte salt per user; the parameters are
 *   stored with the hash (`scrypt$N$r$p$salt$hash`) so they can be raised later. Checked with
 *   a constant-time compare; an unknown email costs the same scrypt work as a known one.
 * - Sessions: the browser gets a random 32-byte token; only its SHA-256 is stored, so a copy
 *   of the database does not let anyone sign in. Sessions end after `sessionTtlMs` (default
 *   8 hours), on sign-out, or when the account is disabled.
 * - CSRF: each session has its own random secret; the token is an HMAC of the session's id
 *   hash under that secret, checked in constant time.
 * - Roles: an officer belongs to one locality and sees only its handovers; a lead sees all.
 *
 * Over 300 lines: accounts, passwords and sessions are one security boundary, reviewed together; storage is behind the StaffDirectory port.
 */
import { readFileSync } from 'node:fs';
import { createHash, createHmac, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { normaliseEmail, Slug, type StaffPrincipal } from './schema.js';
import { HandoverStateError, type SessionRecord, type StaffDirectory, type StaffRecord } from './store.js';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

// ---------------------------------------------------------------------------------------
// Passwords
// ---------------------------------------------------------------------------------------

export interface ScryptParams {
  /** CPU/memory cost, a power of two (default 2^15). */
  N: number;
  /** Block size (default 8). */
  r: number;
  /** Parallelism (default 1). */
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** The shipped list of common passwords (handover/common-passwords.txt), read once. */
let commonPasswords: Set<string> | undefined;
function common(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l && !l.startsWith('#')),
  );
  return commonPasswords;
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '@': 'a', $: 's', '7': 't' };

/** A password's guessable core: lower case, digits and symbols trimmed from the ends, common letter swaps undone. */
function passwordCores(password: string): string[] {
  const lower = password.normalize('NFKC').toLowerCase();
  const trimmed = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  const unswapped = lower.replace(/[^a-z]+$/, '').replace(/[0134579@$]/g, (c) => LEET[c] ?? c).replace(/^[^a-z]+|[^a-z]+$/g, '');
  return [lower, trimmed, unswapped].filter((c) => c.length > 0);
}

/** True when the password is, at heart, a common one or one word repeated (as "password1234", "P@ssw0rd!", "abcabcabcabc"). */
export function isCommonPassword(password: string): boolean {
  return passwordCores(password).some((core) => common().has(core) || /^(.{1,6})\1+$/.test(core) || [...common()].some((w) => w.length >= 4 && core === w.repeat(core.length / w.length)));
}

/** A reason the password is not acceptable, or null when it is. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (new Set(password).size < 5) return 'must use at least 5 different characters';
  if (isCommonPassword(password)) return 'is too common (it is, or is built on, a well-known password): choose a passphrase of a few unrelated words';
  return null;
}

function scryptOptions(p: ScryptParams): ScryptOptions {
  return { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 };
}

/** Hashes a password with a fresh random salt: `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, scryptOptions(params));
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `stored`. Constant-time compare; false for a malformed hash. */
export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 16 || expected.length !== KEY_LENGTH) return false;
  const actual = await scrypt(password.slice(0, MAX_PASSWORD_LENGTH), salt, KEY_LENGTH, scryptOptions({ N, r, p }));
  return timingSafeEqual(actual, expected);
}

// ---------------------------------------------------------------------------------------
// Accounts and sessions
// ---------------------------------------------------------------------------------------

export interface StaffAccountsOptions {
  /** Clock for session times (inject a fixed one in tests). */
  clock?: () => Date;
  /** How long a session lasts (default 8 hours). */
  sessionTtlMs?: number;
  /** scrypt cost for new passwords (default N=2^15, r=8, p=1). */
  scrypt?: ScryptParams;
  /** Locality ids an officer may be given (e.g. from triage/localities.yaml); unchecked if omitted. */
  knownLocalities?: readonly string[];
}

export interface NewStaff {
  /** The officer's locality id. Give exactly one of `localityId` and `lead: true`. */
  localityId?: string;
  /** A lead sees every locality's handovers. */
  lead?: boolean;
  password: string;
  /** The person's Microsoft Entra ID object id, for Teams card buttons (optional). */
  aadObjectId?: string;
}

/** A signed-in session, as returned by `lookupSession`. Keep it on the server. */
export interface StaffSession {
  principal: StaffPrincipal;
  /** The stored session (holds the CSRF secret; never send it to the browser). */
  record: SessionRecord;
}

export class StaffAccountError extends Error {
  override readonly name = 'StaffAccountError';
}

/** An Entra ID object id (a GUID, lower case), or a StaffAccountError. */
function aadId(value: string): string {
  const id = value.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new StaffAccountError('aad: must be an Entra ID object id (a GUID)');
  return id;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

function principalOf(record: StaffRecord): StaffPrincipal {
  return { email: record.email, role: record.role, localityId: record.localityId };
}

export class StaffAccounts {
  private readonly clock: () => Date;
  private readonly ttlMs: number;
  private readonly params: ScryptParams;
  /** Checked against when the email is unknown, so the answer takes as long either way. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly store: StaffDirectory,
    private readonly options: StaffAccountsOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.ttlMs = options.sessionTtlMs ?? 8 * 60 * 60 * 1000;
    this.params = options.scrypt ?? DEFAULT_SCRYPT;
  }

  /** Adds a member of staff. Throws `StaffAccountError` for a bad email, locality or password. */
  async addStaff(email: string, details: NewStaff): Promise<StaffPrincipal> {
    const address = normaliseEmail(email);
    if (!address) throw new StaffAccountError('email: must be an email address');
    const lead = details.lead === true;
    if (lead === (details.localityId !== undefined)) {
      throw new StaffAccountError('give either a locality id (for an officer) or lead, not both or neither');
    }
    if (!lead) {
      const locality = details.localityId!;
      if (!Slug.safeParse(locality).success) throw new StaffAccountError('locality: must be a locality id such as "north"');
      if (this.options.knownLocalities && !this.options.knownLocalities.includes(locality)) {
        throw new StaffAccountError(`locality: "${locality}" is not one of ${this.options.knownLocalities.join(', ')}`);
      }
    }
    const problem = passwordProblem(details.password);
    if (problem) throw new StaffAccountError(`password: ${problem}`);
    const record: StaffRecord = {
      email: address,
      role: lead ? 'lead' : 'officer',
      localityId: lead ? null : details.localityId!,
      passwordHash: await hashPassword(details.password, this.params),
      createdAt: this.clock(),
      disabledAt: null,
      aadObjectId: details.aadObjectId === undefined ? null : aadId(details.aadObjectId),
    };
    try {
      await this.store.insertStaff(record);
    } catch (error) {
      if (error instanceof HandoverStateError) throw new StaffAccountError(error.message);
      throw error;
    }
    return principalOf(record);
  }

  /** The member of staff when the email and password match an active account, else null. */
  async verifyPassword(email: string, password: string): Promise<StaffPrincipal | null> {
    const address = normaliseEmail(email) ?? '';
    const record = address ? await this.store.getStaff(address) : null;
    if (!record) {
      this.decoyHash ??= hashPassword(randomBytes(18).toString('base64url'), this.params);
      await verifyPasswordHash(password, await this.decoyHash);
      return null;
    }
    const ok = await verifyPasswordHash(password, record.passwordHash);
    return ok && record.disabledAt === null ? principalOf(record) : null;
  }

  /** Starts a session. `token` goes in an HttpOnly, Secure, SameSite cookie; it is not stored. */
  async createSession(principal: StaffPrincipal): Promise<{ token: string; expiresAt: Date; csrfToken: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const record: SessionRecord = {
      idHash: hashToken(token),
      email: principal.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      csrfSecret: randomBytes(32).toString('base64url'),
    };
    await this.store.insertSession(record);
    return { token, expiresAt: record.expiresAt, csrfToken: this.csrfToken({ record }) };
  }

  /** The session for a cookie token, or null when unknown, expired or the account is disabled. */
  async lookupSession(token: string | undefined): Promise<StaffSession | null> {
    if (!token || token.length > 100) return null;
    const record = await this.store.getSession(hashToken(token));
    if (!record) return null;
    if (record.expiresAt.getTime() <= this.clock().getTime()) {
      await this.store.deleteSession(record.idHash);
      return null;
    }
    const staff = await this.store.getStaff(record.email);
    if (!staff || staff.disabledAt !== null) return null;
    return { principal: principalOf(staff), record };
  }

  /** Ends a session (sign-out). Unknown tokens are ignored. */
  async destroySession(token: string): Promise<void> {
    if (token) await this.store.deleteSession(hashToken(token));
  }

  /** Disables an account and ends its sessions. */
  async disableStaff(email: string): Promise<boolean> {
    const address = normaliseEmail(email);
    return address ? this.store.disableStaff(address, this.clock()) : false;
  }

  /** Enables a disabled account again (its old sessions stay ended). */
  async enableStaff(email: string): Promise<boolean> {
    const address = normaliseEmail(email);
    return address ? this.store.updateStaff(address, { disabledAt: null }, this.clock()) : false;
  }

  /** Sets a new password (checked against the policy) and ends every session of the account. */
  async resetPassword(email: string, password: string): Promise<boolean> {
    const problem = passwordProblem(password);
    if (problem) throw new StaffAccountError(`password: ${problem}`);
    const address = normaliseEmail(email);
    return address ? this.store.updateStaff(address, { passwordHash: await hashPassword(password, this.params) }, this.clock()) : false;
  }

  /** Links (or with null, unlinks) the person's Entra ID object id, so Teams card buttons act with their rights. */
  async linkAad(email: string, aadObjectId: string | null): Promise<boolean> {
    const address = normaliseEmail(email);
    try {
      return address ? await this.store.updateStaff(address, { aadObjectId: aadObjectId === null ? null : aadId(aadObjectId) }, this.clock()) : false;
    } catch (error) {
      if (error instanceof HandoverStateError) throw new StaffAccountError(error.message);
      throw error;
    }
  }

  /** The account's live sessions: when each started and ends (never a token). */
  async sessions(email: string): Promise<{ createdAt: Date; expiresAt: Date }[]> {
    const address = normaliseEmail(email);
    const records = address ? await this.store.listSessions(address, this.clock()) : [];
    return records.map((r) => ({ createdAt: r.createdAt, expiresAt: r.expiresAt }));
  }

  /** Ends every session of the account ("sign out everywhere"); returns how many. */
  async signOutEverywhere(email: string): Promise<number> {
    const address = normaliseEmail(email);
    return address ? this.store.deleteSessionsOf(address) : 0;
  }

  /** The CSRF token for a session: put it in forms, and check it on every state-changing request. */
  csrfToken(session: Pick<StaffSession, 'record'>): string {
    return createHmac('sha256', session.record.csrfSecret).update(`csrf:${session.record.idHash}`).digest('base64url');
  }

  /** True when `token` is this session's CSRF token (constant-time). */
  verifyCsrf(session: Pick<StaffSession, 'record'>, token: string | undefined): boolean {
    if (typeof token !== 'string' || token.length > 100) return false;
    const expected = Buffer.from(this.csrfToken(session));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
