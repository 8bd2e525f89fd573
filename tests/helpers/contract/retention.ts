/**
 * The `HandoverRetention` port (handover/ports/handovers.ts) on every store: personal data goes
 * after the retention period or at once on request; the non-personal record and its events stay.
 */
import { describe, expect, it } from 'vitest';
import { Handover } from '../../../handover/schema.js';
import { HandoverNotFoundError, HandoverStateError, HandoverValidationError } from '../../../handover/store.js';
import { sampleDraft } from '../../fixtures/handover-draft.js';
import { DAY, lead, northOfficer, useContract, type StoreHarness } from './context.js';

export function describeRetentionContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`HandoverRetention contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('retention purge and erasure', () => {
      it('removes personal data only after N days, keeps the record and logs a purged event', async () => {
        const closedOld = await t.store.createHandover(sampleDraft());
        const stillOpen = await t.store.createHandover(sampleDraft());
        await t.store.addNote(closedOld.reference, northOfficer, 'Spoke to Sam about AB.');
        const closedAt = new Date('2025-06-03T12:00:00Z');
        t.now = closedAt;
        await t.store.resolveHandover(closedOld.reference, northOfficer, 'signposted', 'Sent SENDIASS details to Sam.');

        expect(await t.store.purgeResolvedOlderThan(90, new Date(closedAt.getTime() + 90 * DAY - 1))).toBe(0);
        expect(await t.store.purgeResolvedOlderThan(90, new Date(closedAt.getTime() + 90 * DAY))).toBe(0);
        const later = new Date(closedAt.getTime() + 90 * DAY + 1);
        expect(await t.store.purgeResolvedOlderThan(90, later)).toBe(1);
        expect(await t.store.purgeResolvedOlderThan(90, later)).toBe(0); // once only
        await expect(t.store.purgeResolvedOlderThan(-1, later)).rejects.toThrow(/zero or more/);

        const purged = (await t.store.getHandover(closedOld.reference))!;
        expect(Handover.parse(purged)).toEqual(purged);
        expect(purged).toMatchObject({
          contact: null,
          child: { name: null, age: null, setting: null },
          triage: null,
          questionsAsked: [],
          transcript: null,
          story: null,
          status: 'closed',
          outcome: 'signposted',
          purgedAt: later.toISOString(),
          consent: { agreed: true, statementVersion: 'consent-2025-01' },
        });
        expect(await t.harness.query('SELECT id FROM handover_notes WHERE reference = ?', [closedOld.reference])).toHaveLength(0);
        const events = await t.store.listEvents(closedOld.reference);
        expect(events.at(-1)).toMatchObject({ kind: 'purged', actor: 'retention', detail: { retentionDays: 90, notesDeleted: 2 } });

        // Nothing personal is left in the row or the notes.
        const row = (await t.harness.query('SELECT * FROM handovers WHERE reference = ?', [closedOld.reference]))[0]!;
        for (const column of ['contact_name', 'contact_detail', 'best_time', 'child_name', 'child_age', 'child_setting', 'triage_json', 'questions_json', 'transcript_json', 'story_json']) {
          expect(row[column], column).toBeNull();
        }
        expect(await t.store.checkStatus(closedOld.reference, '07700900123')).toBeNull();
        await expect(t.store.addNote(closedOld.reference, northOfficer, 'more')).rejects.toBeInstanceOf(HandoverStateError);

        // The open handover, however old, is untouched.
        expect(await t.store.purgeResolvedOlderThan(1, new Date(later.getTime() + 400 * DAY))).toBe(0);
        expect((await t.store.getHandover(stillOpen.reference))!.contact).not.toBeNull();

        // Purged records are hidden from lists unless asked for.
        expect((await t.store.listHandovers({ scope: { localities: 'all' } })).map((h) => h.reference)).toEqual([stillOpen.reference]);
        expect(await t.store.listHandovers({ scope: { localities: 'all' }, includePurged: true })).toHaveLength(2);
      });

      it('two purges at once purge each handover once', async () => {
        const refs: string[] = [];
        for (let i = 0; i < 4; i++) refs.push((await t.store.createHandover(sampleDraft())).reference);
        for (const ref of refs) await t.store.resolveHandover(ref, northOfficer, 'advice-given');
        const other = await t.open();
        try {
          const later = new Date(t.now.getTime() + 91 * DAY);
          const [a, b] = await Promise.all([t.store.purgeResolvedOlderThan(90, later), other.purgeResolvedOlderThan(90, later)]);
          expect(a + b).toBe(4);
          for (const ref of refs) expect((await t.store.listEvents(ref)).filter((e) => e.kind === 'purged')).toHaveLength(1);
        } finally {
          await other.close();
        }
      });

      it('erases at once on request, whatever the status, and audits who and why', async () => {
        const open = await t.store.createHandover(sampleDraft());
        await t.store.addNote(open.reference, northOfficer, 'Rang Sam.');
        t.now = new Date('2025-06-02T12:00:00Z');
        await expect(t.store.eraseHandover(open.reference, 'lead@dorsetcouncil.gov.uk', ' \n ', t.now)).rejects.toBeInstanceOf(HandoverValidationError);
        const erased = await t.store.eraseHandover(open.reference, 'lead@dorsetcouncil.gov.uk', 'asked by phone\n3 March', t.now);
        expect(erased).toMatchObject({ status: 'closed', outcome: 'withdrawn', contact: null, closedAt: t.now.toISOString(), purgedAt: t.now.toISOString() });
        expect(await t.store.getHandover(open.reference)).toEqual(erased);
        expect((await t.store.listEvents(open.reference)).at(-1)).toMatchObject({ kind: 'purged', actor: 'lead@dorsetcouncil.gov.uk', detail: { erasure: true, notesDeleted: 1 } });
        expect(await t.store.listAudit(open.reference)).toMatchObject([
          { action: 'handover-erased', actor: 'lead@dorsetcouncil.gov.uk', detail: { reason: 'asked by phone 3 March', previousStatus: 'received' } },
        ]);
        await expect(t.store.eraseHandover(open.reference, 'lead', 'again', t.now)).rejects.toBeInstanceOf(HandoverStateError);
        await expect(t.store.eraseHandover('DEAL-ZZZZZZ', 'lead', 'why', t.now)).rejects.toBeInstanceOf(HandoverNotFoundError);

        const closed = await t.store.createHandover(sampleDraft());
        await t.store.resolveHandover(closed.reference, northOfficer, 'signposted');
        expect(await t.store.eraseHandover(closed.reference, 'cli:ops', 'asked by email', t.now)).toMatchObject({ outcome: 'signposted', contact: null });
      });
    });
  });
}
