/**
 * Who may see and change what on the staff page: sign-in, locality isolation, leads, CSRF,
 * sign-out and cookie flags. Real HTTP against the staff router on an ephemeral port, a real
 * SQLite store in a temp dir, and accounts made through handover/staff-accounts.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handover } from '../handover/schema.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { startStaffApp, type StaffApp } from './helpers/staff-app.js';
import { sampleDraft } from './fixtures/handover-draft.js';

const PASSWORD = 'correct horse battery staple';
const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
const NORTH = 'north.officer@dorsetcouncil.gov.uk';
const SOUTH = 'south.officer@dorsetcouncil.gov.uk';
const LEAD = 'front.door.lead@dorsetcouncil.gov.uk';
const MISSING = 'DEAL-ZZZZZZ';

let dir: string;
let store: SqliteHandoverStore;
let staffApp: StaffApp;
let base: string;
let north: Handover;
let south: Handover;
/** No locality: only leads may see it. */
let unassigned: Handover;

/** The `name=value` pairs and full header lines of the Set-Cookie headers of a response. */
function setCookies(res: Response): Map<string, { value: string; header: string }> {
  const out = new Map<string, { value: string; header: string }>();
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const i = pair!.indexOf('=');
    out.set(pair!.slice(0, i), { value: decodeURIComponent(pair!.slice(i + 1)), header });
  }
  return out;
}

function hiddenCsrf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1]!;
}

/** A signed-in (or not) browser stand-in: keeps the session cookie, sends forms and JSON. */
class Client {
  cookie = '';
  constructor(readonly name = 'anonymous') {}
  get(path: string): Promise<Response> {
    return fetch(`${base}${path}`, { redirect: 'manual', headers: this.cookie ? { cookie: this.cookie } : {} });
  }
  postForm(path: string, data: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body: new URLSearchParams(data).toString(),
    });
  }
  postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body: JSON.stringify(body),
    });
  }
  async csrf(): Promise<string> {
    const res = await this.get('/staff/api/session');
    expect(res.status).toBe(200);
    return ((await res.json()) as { csrfToken: string }).csrfToken;
  }
}

/** Opens the sign-in page and sends the form; returns the response to the POST. */
async function attemptSignIn(email: string, password: string): Promise<Response> {
  const page = await fetch(`${base}/staff/login`);
  const token = setCookies(page).get('deal_staff_login')!.value;
  const csrf = hiddenCsrf(await page.text());
  return fetch(`${base}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `deal_staff_login=${token}` },
    body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
  });
}

async function signIn(email: string): Promise<Client> {
  const res = await attemptSignIn(email, PASSWORD);
  expect(res.status).toBe(303);
  const session = setCookies(res).get('deal_staff_session');
  expect(session).toBeDefined();
  const client = new Client(email);
  client.cookie = `deal_staff_session=${session!.value}`;
  return client;
}

/** What a staff change could have altered: status, claimer, outcome, events, notes. */
async function snapshot(reference: string) {
  const h = await store.getHandover(reference);
  const events = await store.listEvents(reference);
  const notes = await store.listNotes(reference, { email: LEAD, role: 'lead', localityId: null });
  return { status: h!.status, claimedBy: h!.claimedBy, outcome: h!.outcome, events: events.map((e) => e.kind), notes: notes.length };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deal-staff-access-'));
  store = new SqliteHandoverStore({ dataDir: dir });
  const accounts = new StaffAccounts(store, { scrypt: FAST_SCRYPT });
  await accounts.addStaff(NORTH, { localityId: 'north', password: PASSWORD });
  await accounts.addStaff(SOUTH, { localityId: 'south', password: PASSWORD });
  await accounts.addStaff(LEAD, { lead: true, password: PASSWORD });
  north = await store.createHandover(sampleDraft({}, 'routine', 'north'));
  south = await store.createHandover(sampleDraft({}, 'priority', 'south'));
  unassigned = await store.createHandover(sampleDraft({}, 'routine', null));
  staffApp = await startStaffApp({ store, accounts, logger: pino({ level: 'silent' }), publicUrl: 'https://deal.example.org', secureCookies: true });
  base = staffApp.base;
});

afterAll(async () => {
  await staffApp.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('signed out', () => {
  it('redirects pages to sign-in and refuses the API with 401', async () => {
    for (const client of [new Client(), Object.assign(new Client(), { cookie: 'deal_staff_session=not-a-real-session' })]) {
      const queue = await client.get('/staff');
      expect(queue.status).toBe(303);
      expect(queue.headers.get('location')).toBe('/staff/login');
      const page = await client.get(`/staff/handovers/${north.reference}`);
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe(`/staff/login?next=${encodeURIComponent(`/handovers/${north.reference}`)}`);
      for (const path of ['/staff/api/handovers', `/staff/api/handovers/${north.reference}`, '/staff/api/session']) {
        const res = await client.get(path);
        expect(res.status, path).toBe(401);
        expect(await res.json()).toEqual({ error: 'sign in required' });
      }
      const apiClaim = await client.postJson(`/staff/api/handovers/${north.reference}/claim`, {});
      expect(apiClaim.status).toBe(401);
      const formClaim = await client.postForm(`/staff/handovers/${north.reference}/claim`, { _csrf: 'x' });
      expect(formClaim.status).toBe(303);
      expect(formClaim.headers.get('location')).toBe('/staff/login');
    }
    expect(await snapshot(north.reference)).toMatchObject({ status: 'received', claimedBy: null, events: ['created'] });
  });

  it('shows the sign-in page with a labelled form', async () => {
    const res = await fetch(`${base}/staff/login`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<label for="email">');
    expect(html).toContain('<label for="password">');
    expect(html).toContain('href="#main"');
    expect(html).not.toMatch(/<script/i);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('sign-in', () => {
  it('fails with the same generic error for a wrong password and an unknown email', async () => {
    for (const [email, password] of [
      [NORTH, 'not the right password'],
      ['nobody@dorsetcouncil.gov.uk', PASSWORD],
    ] as const) {
      const res = await attemptSignIn(email, password);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Email or password is not right');
      expect(setCookies(res).has('deal_staff_session')).toBe(false);
    }
  });

  it('refuses a sign-in form without its sign-in token', async () => {
    const res = await fetch(`${base}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: NORTH, password: PASSWORD, _csrf: 'forged' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(setCookies(res).has('deal_staff_session')).toBe(false);
  });

  it('sets a session cookie that is HttpOnly, SameSite=Strict, Secure, limited to /staff and short-lived', async () => {
    const res = await attemptSignIn(NORTH, PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/');
    const cookie = setCookies(res).get('deal_staff_session')!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const flags = cookie.header.split(';').map((s) => s.trim().toLowerCase());
    expect(flags).toContain('httponly');
    expect(flags).toContain('samesite=strict');
    expect(flags).toContain('secure');
    expect(flags).toContain('path=/staff');
    const maxAge = Number(flags.find((f) => f.startsWith('max-age='))!.slice('max-age='.length));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(8 * 60 * 60);
  });

  it('rate-limits repeated failures for one email address', async () => {
    const email = 'target@dorsetcouncil.gov.uk';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attemptSignIn(email, `wrong password ${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });
});

describe('locality isolation', () => {
  it('an officer lists only their own locality (page and API)', async () => {
    const officer = await signIn(NORTH);
    const page = await (await officer.get('/staff')).text();
    expect(page).toContain(north.reference);
    expect(page).not.toContain(south.reference);
    expect(page).not.toContain(unassigned.reference);
    expect((await officer.get(`/staff/handovers/${unassigned.reference}`)).status).toBe(404);
    expect((await officer.get('/staff?locality=none')).status).toBe(200);
    expect(await (await officer.get('/staff?locality=none')).text()).not.toContain(unassigned.reference);
    // Asking for another locality is ignored for officers.
    const filtered = await (await officer.get('/staff?locality=south')).text();
    expect(filtered).not.toContain(south.reference);
    const api = (await (await officer.get('/staff/api/handovers?locality=south')).json()) as { handovers: { reference: string }[] };
    expect(api.handovers.map((h) => h.reference)).toEqual([north.reference]);
  });

  it("another locality's handover gets the same 404 as one that does not exist, and nothing changes", async () => {
    const officer = await signIn(NORTH);
    const csrf = await officer.csrf();
    const before = await snapshot(south.reference);

    const missing = await officer.get(`/staff/handovers/${MISSING}`);
    const hidden = await officer.get(`/staff/handovers/${south.reference}`);
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await hidden.text()).toBe(await missing.text());

    const apiMissing = await officer.get(`/staff/api/handovers/${MISSING}`);
    const apiHidden = await officer.get(`/staff/api/handovers/${south.reference}`);
    expect(apiHidden.status).toBe(404);
    expect(await apiHidden.json()).toEqual(await apiMissing.json());

    const attempts: [string, Promise<Response>][] = [
      ['form claim', officer.postForm(`/staff/handovers/${south.reference}/claim`, { _csrf: csrf })],
      ['form take over', officer.postForm(`/staff/handovers/${south.reference}/claim`, { _csrf: csrf, takeOver: '1' })],
      ['form note', officer.postForm(`/staff/handovers/${south.reference}/notes`, { _csrf: csrf, note: 'hello' })],
      ['form resolve', officer.postForm(`/staff/handovers/${south.reference}/resolve`, { _csrf: csrf, outcome: 'duplicate' })],
      ['api claim', officer.postJson(`/staff/api/handovers/${south.reference}/claim`, { takeOver: true }, { 'x-csrf-token': csrf })],
      ['api note', officer.postJson(`/staff/api/handovers/${south.reference}/notes`, { text: 'hello' }, { 'x-csrf-token': csrf })],
      ['api resolve', officer.postJson(`/staff/api/handovers/${south.reference}/resolve`, { outcome: 'duplicate' }, { 'x-csrf-token': csrf })],
    ];
    for (const [what, attempt] of attempts) expect((await attempt).status, what).toBe(404);
    expect(await snapshot(south.reference)).toEqual(before);
    expect(before).toMatchObject({ status: 'received', claimedBy: null, outcome: null, events: ['created'], notes: 0 });
  });

  it('a lead sees every locality, and can filter', async () => {
    const lead = await signIn(LEAD);
    const page = await (await lead.get('/staff')).text();
    expect(page).toContain(north.reference);
    expect(page).toContain(south.reference);
    expect(page).toContain(unassigned.reference);
    expect(page).toContain('<label for="locality">Locality</label>');
    const none = await (await lead.get('/staff?locality=none')).text();
    expect(none).toContain(unassigned.reference);
    expect(none).not.toContain(north.reference);
    const southOnly = await (await lead.get('/staff?locality=south')).text();
    expect(southOnly).toContain(south.reference);
    expect(southOnly).not.toContain(north.reference);
    const api = (await (await lead.get('/staff/api/handovers')).json()) as { handovers: { reference: string }[] };
    expect(api.handovers.map((h) => h.reference).sort()).toEqual([north.reference, south.reference, unassigned.reference].sort());
    expect((await lead.get(`/staff/handovers/${south.reference}`)).status).toBe(200);
    expect((await lead.get(`/staff/api/handovers/${north.reference}`)).status).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses POSTs without, or with a wrong, token and changes nothing', async () => {
    const officer = await signIn(NORTH);
    const lead = await signIn(LEAD);
    const leadToken = await lead.csrf();
    const ownToken = await officer.csrf();
    const before = await snapshot(north.reference);
    const ref = north.reference;
    const attempts: [string, Promise<Response>][] = [
      ['form, no token', officer.postForm(`/staff/handovers/${ref}/claim`, {})],
      ['form, wrong token', officer.postForm(`/staff/handovers/${ref}/claim`, { _csrf: 'A'.repeat(43) })],
      ["form, another session's token", officer.postForm(`/staff/handovers/${ref}/notes`, { _csrf: leadToken, note: 'x' })],
      ['api, no header', officer.postJson(`/staff/api/handovers/${ref}/claim`, {})],
      ['api, token in body only', officer.postJson(`/staff/api/handovers/${ref}/notes`, { text: 'x', _csrf: ownToken })],
      ['api, wrong header', officer.postJson(`/staff/api/handovers/${ref}/resolve`, { outcome: 'other' }, { 'x-csrf-token': 'nope' })],
      ['api, another session', officer.postJson(`/staff/api/handovers/${ref}/claim`, {}, { 'x-csrf-token': leadToken })],
      ['logout, no token', officer.postForm('/staff/logout', {})],
      // A cross-site form post is refused even with the right token.
      [
        'cross-site origin',
        officer.postForm(`/staff/handovers/${ref}/claim`, { _csrf: ownToken }, { origin: 'https://evil.example' }),
      ],
      [
        'cross-site fetch metadata',
        officer.postForm(`/staff/handovers/${ref}/claim`, { _csrf: ownToken }, { 'sec-fetch-site': 'cross-site' }),
      ],
    ];
    for (const [what, attempt] of attempts) expect((await attempt).status, what).toBe(403);
    expect(await snapshot(ref)).toEqual(before);
    // The session still works (the refused logout did not end it).
    expect((await officer.get('/staff')).status).toBe(200);
  });
});

describe('sign-out', () => {
  it('ends the session and clears the cookie', async () => {
    const officer = await signIn(NORTH);
    const page = await (await officer.get('/staff')).text();
    const res = await officer.postForm('/staff/logout', { _csrf: hiddenCsrf(page) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/login?signedout=1');
    const cleared = setCookies(res).get('deal_staff_session')!;
    expect(cleared.value).toBe('');
    expect(cleared.header.toLowerCase()).toContain('path=/staff');
    // The old cookie no longer works.
    expect((await officer.get('/staff')).status).toBe(303);
    expect((await officer.get('/staff/api/handovers')).status).toBe(401);
  });
});
