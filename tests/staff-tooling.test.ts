/**
 * Issue 15, finding 5: staff accounts can be managed (disable, enable, reset-password,
 * sessions, sign-out, link-aad) with the `deal` command, each change audited, and the password
 * policy refuses common passwords.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStaff } from '../cli/handover-commands.js';
import { openHandoverStore, type SqliteHandoverStore } from '../handover/sqlite-store.js';
import { isCommonPassword, passwordProblem, StaffAccounts } from '../handover/staff-accounts.js';

const ROOT = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'deal-staff-cli-'));
let store: SqliteHandoverStore;
let accounts: StaffAccounts;
const EMAIL = 'officer.north@example.org';

/** Runs the real `deal` command against the test's data directory. */
function deal(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/deal.js', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  store = openHandoverStore({ dataDir });
  accounts = new StaffAccounts(store);
  await accounts.addStaff(EMAIL, { localityId: 'north', password: 'first long passphrase' });
});
afterAll(async () => store?.close());

describe('deal staff', () => {
  it('disable ends the sessions and refuses sign-in; enable restores it; both audited', async () => {
    const s = await accounts.createSession((await accounts.verifyPassword(EMAIL, 'first long passphrase'))!);
    const r = deal(['staff', 'disable', EMAIL]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Disabled/);
    expect(await accounts.lookupSession(s.token)).toBeNull();
    expect(await accounts.verifyPassword(EMAIL, 'first long passphrase')).toBeNull();
    expect(deal(['staff', 'enable', EMAIL]).code).toBe(0);
    expect(await accounts.verifyPassword(EMAIL, 'first long passphrase')).not.toBeNull();
    expect((await store.listAudit(EMAIL)).map((e) => e.action)).toEqual(['staff-disabled', 'staff-enabled']);
  });

  it('reset-password refuses a common password, sets a good one and signs out everywhere', async () => {
    const s = await accounts.createSession((await accounts.verifyPassword(EMAIL, 'first long passphrase'))!);
    const weak = deal(['staff', 'reset-password', EMAIL], { DEAL_STAFF_PASSWORD: 'password1234' });
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/too common/);
    expect(deal(['staff', 'reset-password', EMAIL], { DEAL_STAFF_PASSWORD: 'second long passphrase' }).code).toBe(0);
    expect(await accounts.lookupSession(s.token)).toBeNull();
    expect(await accounts.verifyPassword(EMAIL, 'first long passphrase')).toBeNull();
    expect(await accounts.verifyPassword(EMAIL, 'second long passphrase')).not.toBeNull();
  });

  it('sessions lists live sessions without tokens; sign-out ends them all', async () => {
    const principal = (await accounts.verifyPassword(EMAIL, 'second long passphrase'))!;
    const a = await accounts.createSession(principal);
    await accounts.createSession(principal);
    const listed = await changeStaff('sessions', EMAIL, {}, { store });
    expect(listed.trim().split('\n')).toHaveLength(2);
    expect(listed).not.toContain(a.token);
    expect(await changeStaff('sign-out', EMAIL, {}, { store })).toMatch(/Ended 2 sessions/);
    expect(await accounts.lookupSession(a.token)).toBeNull();
    expect(await changeStaff('sessions', EMAIL, {}, { store })).toMatch(/no live sessions/);
  });

  it('link-aad maps an Entra ID object id to the account; one id belongs to one account', async () => {
    const aad = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
    await changeStaff('link-aad', EMAIL, { aad }, { store });
    expect((await store.getStaffByAad(aad))?.email).toBe(EMAIL);
    await accounts.addStaff('other@example.org', { lead: true, password: 'a lead passphrase here' });
    await expect(changeStaff('link-aad', 'other@example.org', { aad }, { store })).rejects.toThrow(/already belongs/);
    await expect(changeStaff('disable', 'nobody@example.org', {}, { store })).rejects.toThrow(/no staff account/);
  });
});

describe('password policy', () => {
  it.each(['password1234', 'Password1234!', 'P@ssw0rd12345', 'qwertyuiop123', 'letmeinletmein', 'xyzuvwxyzuvw', 'dorsetcouncil1'])('refuses %s', (p) => {
    expect(isCommonPassword(p)).toBe(true);
    expect(passwordProblem(p)).toMatch(/too common/);
  });
  it.each(['correct horse battery staple', 'a long enough passphrase', 'blue kettle on the hill'])('accepts %s', (p) => {
    expect(passwordProblem(p)).toBeNull();
  });
});
