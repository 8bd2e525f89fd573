/**
 * The `AuditLog` port (handover/ports/audit.ts) on every store: append-only, whatever
 * connection tries to change it.
 */
import { describe, expect, it } from 'vitest';
import { sampleDraft } from '../../fixtures/handover-draft.js';
import { lead, useContract, type StoreHarness } from './context.js';

export function describeAuditContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`AuditLog contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('audit log', () => {
      it('is append-only from any connection, and lists oldest first, by subject or all', async () => {
        const h = await t.store.createHandover(sampleDraft());
        await t.store.audit({ actor: 'cli:test', action: 'handover-viewed', subject: h.reference, detail: {} }, t.now);
        await t.store.audit({ actor: 'cli:test', action: 'staff-added', subject: lead.email, detail: { role: 'lead', locality: null } }, t.now);
        await expect(t.harness.query("UPDATE audit_log SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
        await expect(t.harness.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
        expect(await t.store.listAudit(h.reference)).toMatchObject([{ actor: 'cli:test', action: 'handover-viewed', subject: h.reference, detail: {}, at: t.now.toISOString() }]);
        expect(await t.store.listAudit(lead.email)).toMatchObject([{ action: 'staff-added', detail: { role: 'lead', locality: null } }]);
        expect((await t.store.listAudit()).map((a) => a.action)).toEqual(['handover-viewed', 'staff-added']);
      });
    });
  });
}
