/**
 * The `StaffDirectory` port (handover/ports/staff.ts) on every store, through the real
 * `StaffAccounts`: accounts, Entra ID links, and sessions stored only as hashes.
 */
import { describe, expect, it } from 'vitest';
import { StaffAccounts, StaffAccountError } from '../../../handover/staff-accounts.js';
import { FAST_SCRYPT, lead, northOfficer, useContract, type StoreHarness } from './context.js';

export function describeStaffContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`StaffDirectory contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('staff accounts and sessions', () => {
      it('adds staff, verifies passwords, and checks email, locality and password', async () => {
        const accounts = new StaffAccounts(t.store, { clock: () => t.now, scrypt: FAST_SCRYPT, knownLocalities: ['north', 'west'] });
        expect(await accounts.addStaff('Officer.North@DorsetCouncil.gov.uk', { localityId: 'north', password: 'a long enough passphrase' })).toEqual(northOfficer);
        expect(await accounts.addStaff('lead@dorsetcouncil.gov.uk', { lead: true, password: 'another long passphrase' })).toEqual(lead);
        await expect(accounts.addStaff('officer.north@dorsetcouncil.gov.uk', { localityId: 'north', password: 'a long enough passphrase' })).rejects.toThrow(/already exists/);
        await expect(accounts.addStaff('not-an-email', { localityId: 'north', password: 'a long enough passphrase' })).rejects.toBeInstanceOf(StaffAccountError);
        await expect(accounts.addStaff('x@dorsetcouncil.gov.uk', { localityId: 'narnia', password: 'a long enough passphrase' })).rejects.toThrow(/narnia/);
        await expect(accounts.addStaff('x@dorsetcouncil.gov.uk', { localityId: 'north', lead: true, password: 'a long enough passphrase' })).rejects.toThrow(/either/);
        await expect(accounts.addStaff('x@dorsetcouncil.gov.uk', { localityId: 'north', password: 'short' })).rejects.toThrow(/password/);
        await expect(accounts.addStaff('x@dorsetcouncil.gov.uk', { localityId: 'north', password: 'aaaaaaaaaaaaaaaa' })).rejects.toThrow(/different/);

        expect(await accounts.verifyPassword('officer.north@dorsetcouncil.gov.uk', 'a long enough passphrase')).toEqual(northOfficer);
        expect(await accounts.verifyPassword('OFFICER.NORTH@dorsetcouncil.gov.uk', 'a long enough passphrase')).toEqual(northOfficer);
        expect(await accounts.verifyPassword('officer.north@dorsetcouncil.gov.uk', 'wrong passphrase here')).toBeNull();
        expect(await accounts.verifyPassword('nobody@dorsetcouncil.gov.uk', 'a long enough passphrase')).toBeNull();
        const stored = (await t.store.getStaff('officer.north@dorsetcouncil.gov.uk'))!;
        expect(stored.passwordHash).not.toContain('passphrase');
        expect((await t.store.listStaff()).map((s) => s.email)).toEqual(['lead@dorsetcouncil.gov.uk', 'officer.north@dorsetcouncil.gov.uk']);

        await accounts.disableStaff('officer.north@dorsetcouncil.gov.uk');
        expect(await accounts.verifyPassword('officer.north@dorsetcouncil.gov.uk', 'a long enough passphrase')).toBeNull();
        expect(await t.store.updateStaff('officer.north@dorsetcouncil.gov.uk', { disabledAt: null }, t.now)).toBe(true);
        expect(await accounts.verifyPassword('officer.north@dorsetcouncil.gov.uk', 'a long enough passphrase')).toEqual(northOfficer);
        expect(await t.store.updateStaff('nobody@dorsetcouncil.gov.uk', { disabledAt: null }, t.now)).toBe(false);
        expect(await t.store.disableStaff('nobody@dorsetcouncil.gov.uk', t.now)).toBe(false);
      });

      it('links an Entra ID object id to one account only', async () => {
        const accounts = new StaffAccounts(t.store, { clock: () => t.now, scrypt: FAST_SCRYPT });
        await accounts.addStaff(northOfficer.email, { localityId: 'north', password: 'a long enough passphrase' });
        await accounts.addStaff(lead.email, { lead: true, password: 'a long enough passphrase' });
        const aad = '00000000-0000-4000-8000-00000000000A';
        expect(await t.store.updateStaff(northOfficer.email, { aadObjectId: aad }, t.now)).toBe(true);
        expect((await t.store.getStaffByAad(aad.toLowerCase()))?.email).toBe(northOfficer.email);
        expect((await t.store.getStaffByAad(aad))?.email).toBe(northOfficer.email);
        await expect(t.store.updateStaff(lead.email, { aadObjectId: aad }, t.now)).rejects.toThrow(/already belongs/);
        expect(await t.store.updateStaff(northOfficer.email, { aadObjectId: null }, t.now)).toBe(true);
        expect(await t.store.getStaffByAad(aad)).toBeNull();
      });

      it('creates, looks up, expires and destroys sessions; stores only a hash of the token', async () => {
        const accounts = new StaffAccounts(t.store, { clock: () => t.now, scrypt: FAST_SCRYPT, sessionTtlMs: 60 * 60_000 });
        await accounts.addStaff(northOfficer.email, { localityId: 'north', password: 'a long enough passphrase' });
        const principal = (await accounts.verifyPassword(northOfficer.email, 'a long enough passphrase'))!;
        const { token, expiresAt, csrfToken } = await accounts.createSession(principal);
        expect(token).toMatch(/^[\w-]{43}$/);
        expect(expiresAt.toISOString()).toBe('2025-06-02T10:00:00.000Z');
        const ids = (await t.harness.query('SELECT id_hash FROM staff_sessions')).map((r) => r.id_hash);
        expect(ids).toHaveLength(1);
        expect(ids[0]).not.toBe(token);
        expect(ids[0]).toMatch(/^[0-9a-f]{64}$/);

        const session = (await accounts.lookupSession(token))!;
        expect(session.principal).toEqual(northOfficer);
        expect(accounts.verifyCsrf(session, csrfToken)).toBe(true);
        expect(accounts.verifyCsrf(session, `${csrfToken.slice(0, -1)}A`)).toBe(csrfToken.endsWith('A'));
        expect(accounts.verifyCsrf(session, undefined)).toBe(false);
        expect(await accounts.lookupSession('made-up-token')).toBeNull();
        expect(await accounts.lookupSession(undefined)).toBeNull();

        // A second session has a different CSRF token.
        const second = await accounts.createSession(principal);
        const secondSession = (await accounts.lookupSession(second.token))!;
        expect(accounts.verifyCsrf(secondSession, csrfToken)).toBe(false);
        expect(await t.store.listSessions(northOfficer.email, t.now)).toHaveLength(2);
        await accounts.destroySession(second.token);
        expect(await accounts.lookupSession(second.token)).toBeNull();

        t.now = new Date(t.now.getTime() + 60 * 60_000);
        expect(await accounts.lookupSession(token)).toBeNull(); // expired
        expect(await t.store.listSessions(northOfficer.email, t.now)).toHaveLength(0);

        const third = await accounts.createSession(principal);
        t.now = new Date(t.now.getTime() + 2 * 60 * 60_000);
        expect(await t.store.purgeExpiredSessions(t.now)).toBe(1); // the expired one looked up above is already gone
        expect(await accounts.lookupSession(third.token)).toBeNull();

        await accounts.createSession(principal);
        await accounts.createSession(principal);
        expect(await t.store.deleteSessionsOf(northOfficer.email)).toBe(2);
      });

      it('ends sessions when the account is disabled or its password changes', async () => {
        const accounts = new StaffAccounts(t.store, { clock: () => t.now, scrypt: FAST_SCRYPT });
        await accounts.addStaff(lead.email, { lead: true, password: 'a long enough passphrase' });
        const { token } = await accounts.createSession(lead);
        expect(await accounts.lookupSession(token)).not.toBeNull();
        expect(await accounts.disableStaff(lead.email)).toBe(true);
        expect(await accounts.lookupSession(token)).toBeNull();
        await accounts.enableStaff(lead.email);
        const again = await accounts.createSession(lead);
        expect(await accounts.resetPassword(lead.email, 'a different long passphrase')).toBe(true);
        expect(await accounts.lookupSession(again.token)).toBeNull();
      });
    });
  });
}
