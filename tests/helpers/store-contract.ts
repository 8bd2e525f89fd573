/**
 * One shared suite per port for every `HandoverStore`: `describeStoreContract(name, makeHarness)`
 * runs them all against SQLite (tests/handover-store.test.ts) and PostgreSQL
 * (tests/handover-store-pg.test.ts). The suites are in tests/helpers/contract/, one per port of
 * handover/ports/: intake, casework and retention of handovers, the outbox, staff accounts and
 * sessions, channel links, the audit log; the last case here runs the CLI on the whole store.
 *
 * A harness gives each test a fresh, empty database (a new file, or a new PostgreSQL schema),
 * opens stores on it, and runs raw SQL on a separate connection so the tests can look at rows
 * and inject faults the way another process would.
 */
import { describe, expect, it } from 'vitest';
import { addStaff, listHandovers, purgeHandovers } from '../../cli/handover-commands.js';
import { sampleDraft } from '../fixtures/handover-draft.js';
import { describeAuditContract } from './contract/audit.js';
import { describeCaseworkContract } from './contract/casework.js';
import { describeChannelLinksContract } from './contract/channel-links.js';
import { describeIntakeContract } from './contract/intake.js';
import { describeOutboxContract } from './contract/outbox.js';
import { describeRetentionContract } from './contract/retention.js';
import { describeStaffContract } from './contract/staff.js';
import { DAY, lead, useContract, type StoreHarness } from './contract/context.js';

export type { ContractStore, StoreHarness } from './contract/context.js';

/** Every port's suite, then the CLI on the whole store. */
export function describeStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describeIntakeContract(name, makeHarness);
  describeCaseworkContract(name, makeHarness);
  describeRetentionContract(name, makeHarness);
  describeOutboxContract(name, makeHarness);
  describeStaffContract(name, makeHarness);
  describeChannelLinksContract(name, makeHarness);
  describeAuditContract(name, makeHarness);

  describe(`HandoverStore contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('CLI commands on this store', () => {
      it('list without personal data, add staff, purge', async () => {
        const h = await t.store.createHandover(sampleDraft({}, 'immediate'));
        await t.store.createHandover(sampleDraft({}, 'routine', 'west'));
        const context = { store: t.store, now: () => t.now };
        const text = await listHandovers({ locality: 'north' }, context);
        expect(text).toContain(h.reference);
        expect(text).toContain('immediate');
        expect(text).not.toMatch(/Sam Parent|07700|\bAB\b|Morning|mainstream/);
        const json = JSON.parse(await listHandovers({ json: true }, context)) as { reference: string; locality: string }[];
        expect(json.map((r) => r.locality)).toEqual(['north', 'west']);
        expect(JSON.stringify(json)).not.toMatch(/Sam|07700/);
        expect(await listHandovers({ locality: 'unassigned' }, context)).toMatch(/No open handovers/);

        expect(await addStaff('new.officer@dorsetcouncil.gov.uk', { locality: 'north', password: 'a long enough passphrase' }, { store: t.store })).toMatch(/officer for north/);
        await expect(addStaff('x@dorsetcouncil.gov.uk', { locality: 'atlantis', password: 'a long enough passphrase' }, { store: t.store })).rejects.toThrow(/atlantis/);
        expect((await t.store.listAudit('new.officer@dorsetcouncil.gov.uk')).map((a) => a.action)).toEqual(['staff-added']);

        await t.store.resolveHandover(h.reference, lead, 'duplicate');
        const later = () => new Date(t.now.getTime() + 100 * DAY);
        expect(await purgeHandovers({}, { store: t.store, now: later, env: {} })).toMatch(/personal data of 1 handover closed more than 90 days/);
      });
    });
  });
}
