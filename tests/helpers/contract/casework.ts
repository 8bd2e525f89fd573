/**
 * The `HandoverCasework` port (handover/ports/handovers.ts) on every store: staff see, claim,
 * note and resolve only what their locality allows, and every change leaves an append-only event.
 */
import { describe, expect, it } from 'vitest';
import { canAccess, HandoverNotFoundError, HandoverStateError, HandoverValidationError } from '../../../handover/store.js';
import { sampleDraft } from '../../fixtures/handover-draft.js';
import { lead, northOfficer, useContract, westOfficer, type StoreHarness } from './context.js';

export function describeCaseworkContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`HandoverCasework contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('get, list, claim, note, resolve', () => {
      it('sends unassigned handovers to the lead and shows them only to leads', async () => {
        const h = await t.store.createHandover(sampleDraft({}, 'priority', null));
        expect(h.localityId).toBeNull();
        expect((await t.store.outboxFor(h.reference))[0]!.target).toBe('lead');
        expect(await t.store.getHandoverFor(northOfficer, h.reference)).toBeNull();
        expect(await t.store.getHandoverFor(lead, h.reference)).not.toBeNull();
        expect(canAccess(lead, h)).toBe(true);
        expect(canAccess(northOfficer, h)).toBe(false);
      });

      it('lists by locality: open first, immediate first, then earliest due, then newest', async () => {
        const routineOld = await t.store.createHandover(sampleDraft({}, 'routine'));
        t.now = new Date(t.now.getTime() + 60_000);
        const routineNew = await t.store.createHandover(sampleDraft({}, 'routine'));
        const priority = await t.store.createHandover(sampleDraft({}, 'priority'));
        const immediate = await t.store.createHandover(sampleDraft({}, 'immediate'));
        const west = await t.store.createHandover(sampleDraft({}, 'immediate', 'west'));
        const closed = await t.store.createHandover(sampleDraft({}, 'immediate'));
        await t.store.resolveHandover(closed.reference, northOfficer, 'signposted');

        const north = await t.store.listHandovers({ scope: { localities: ['north'] } });
        expect(north.map((h) => h.reference)).toEqual([
          immediate.reference,
          priority.reference,
          routineNew.reference, // same due time as routineOld: newest first
          routineOld.reference,
          closed.reference,
        ]);
        const open = await t.store.listHandovers({ scope: { localities: ['north'] }, statuses: ['received', 'with-officer'] });
        expect(open.map((h) => h.reference)).not.toContain(closed.reference);
        const all = await t.store.listHandovers({ scope: { localities: 'all' } });
        expect(all).toHaveLength(6);
        expect(all.slice(0, 2).map((h) => h.reference).sort()).toEqual([immediate.reference, west.reference].sort());
        expect(await t.store.listHandovers({ scope: { localities: [] } })).toEqual([]);
        expect((await t.store.listHandovers({ scope: { localities: ['west', null] } })).map((h) => h.reference)).toEqual([west.reference]);
        expect(await t.store.listHandovers({ scope: { localities: 'all' }, statuses: [] })).toEqual([]);
        expect(await t.store.listHandovers({ scope: { localities: 'all' }, limit: 2 })).toHaveLength(2);
      });

      it('claims, adds notes and resolves, logging each change with who and when', async () => {
        const h = await t.store.createHandover(sampleDraft());
        t.now = new Date('2025-06-02T10:00:00Z');
        const claimed = await t.store.claimHandover(h.reference, northOfficer);
        expect(claimed).toMatchObject({ status: 'with-officer', claimedBy: northOfficer.email });
        expect(await t.store.claimHandover(h.reference, northOfficer)).toMatchObject({ status: 'with-officer' }); // idempotent

        t.now = new Date('2025-06-02T11:00:00Z');
        const note = await t.store.addNote(h.reference, northOfficer, 'Called mum, will call back Tuesday.');
        expect(note).toMatchObject({ author: northOfficer.email, text: 'Called mum, will call back Tuesday.', at: '2025-06-02T11:00:00.000Z' });

        t.now = new Date('2025-06-03T09:00:00Z');
        const resolved = await t.store.resolveHandover(h.reference, northOfficer, 'advice-given', 'Explained EHCNA request route.');
        expect(resolved).toMatchObject({ status: 'closed', outcome: 'advice-given', closedAt: '2025-06-03T09:00:00.000Z' });
        expect((await t.store.listNotes(h.reference, northOfficer)).map((n) => n.text)).toHaveLength(2);

        const events = await t.store.listEvents(h.reference);
        expect(events.map((e) => [e.kind, e.actor])).toEqual([
          ['created', 'bot:webchat'],
          ['claimed', northOfficer.email],
          ['note-added', northOfficer.email],
          ['note-added', northOfficer.email],
          ['resolved', northOfficer.email],
        ]);
        expect(events.map((e) => e.at)).toEqual([
          '2025-06-02T09:00:00.000Z',
          '2025-06-02T10:00:00.000Z',
          '2025-06-02T11:00:00.000Z',
          '2025-06-03T09:00:00.000Z',
          '2025-06-03T09:00:00.000Z',
        ]);
        expect(events[4]!.detail).toEqual({ outcome: 'advice-given' });
        expect(events[2]!.detail).toEqual({ noteId: note.id });
        // Notes' words never go into the event log.
        expect(JSON.stringify(events)).not.toMatch(/mum|EHCNA request/);

        await expect(t.store.resolveHandover(h.reference, northOfficer, 'other')).rejects.toBeInstanceOf(HandoverStateError);
        await expect(t.store.claimHandover(h.reference, northOfficer)).rejects.toBeInstanceOf(HandoverStateError);
        await expect(t.store.resolveHandover(h.reference, northOfficer, 'made-up' as 'other')).rejects.toBeInstanceOf(HandoverValidationError);
        await expect(t.store.addNote(h.reference, northOfficer, '   ')).rejects.toBeInstanceOf(HandoverValidationError);
      });

      it('does not let an officer act on another locality, and does not reveal it exists', async () => {
        const h = await t.store.createHandover(sampleDraft());
        await expect(t.store.claimHandover(h.reference, westOfficer)).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(t.store.addNote(h.reference, westOfficer, 'x')).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(t.store.resolveHandover(h.reference, westOfficer, 'other')).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(t.store.listNotes(h.reference, westOfficer)).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(t.store.claimHandover('DEAL-ZZZZZZ', westOfficer)).rejects.toThrow('handover DEAL-ZZZZZZ was not found');
        expect((await t.store.listEvents(h.reference)).map((e) => e.kind)).toEqual(['created']);
        // A lead may act anywhere and take over; an officer may not take over from a colleague (issue 15, finding 8).
        await t.store.claimHandover(h.reference, northOfficer);
        await expect(t.store.claimHandover(h.reference, lead)).rejects.toThrow(/already with/);
        expect(await t.store.claimHandover(h.reference, lead, { takeOver: true })).toMatchObject({ claimedBy: lead.email });
        expect((await t.store.listEvents(h.reference)).at(-1)!.detail).toEqual({ previous: northOfficer.email });
        await expect(t.store.claimHandover(h.reference, northOfficer, { takeOver: true })).rejects.toThrow(/only a lead can take over/);
      });
    });

    describe('append-only event log', () => {
      it('refuses to update or delete events, and handovers are never deleted, from any connection', async () => {
        const h = await t.store.createHandover(sampleDraft());
        await expect(t.harness.query("UPDATE handover_events SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
        await expect(t.harness.query('DELETE FROM handover_events WHERE reference = ?', [h.reference])).rejects.toThrow(/append-only/);
        await expect(t.harness.query('DELETE FROM handovers')).rejects.toThrow(/never deleted/);
        expect((await t.store.listEvents(h.reference)).map((e) => e.kind)).toEqual(['created']);
      });
    });
  });
}
