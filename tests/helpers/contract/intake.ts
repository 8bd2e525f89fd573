/**
 * The `HandoverIntake` port (handover/ports/handovers.ts) on every store: a handover is stored
 * whole or not at all, with a unique reference, and a family can ask for its status only
 * with the contact detail they gave.
 */
import { describe, expect, it } from 'vitest';
import { draftFromConversation } from '../../../handover/from-conversation.js';
import { generateReference } from '../../../handover/reference.js';
import { Handover, HandoverNotice, normaliseUkPhone, Reference } from '../../../handover/schema.js';
import { HandoverValidationError } from '../../../handover/store.js';
import { sampleDraft, sampleTriage } from '../../fixtures/handover-draft.js';
import { northOfficer, useContract, type StoreHarness } from './context.js';

export function describeIntakeContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`HandoverIntake contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('create', () => {
      it('stores a handover with its created event and outbox row, and returns it', async () => {
        const h = await t.store.createHandover(sampleDraft());
        expect(Reference.safeParse(h.reference).success).toBe(true);
        expect(h).toMatchObject({
          status: 'received',
          channel: 'webchat',
          requester: 'parent',
          localityId: 'north',
          urgency: 'routine',
          createdAt: '2025-06-02T09:00:00.000Z',
          dueAt: '2025-06-05T16:00:00.000Z', // Thursday 17:00 BST: end of the 3rd working day
          contact: { name: 'Sam Parent', method: 'phone', detail: '07700900123', bestTime: 'Morning' },
          child: { name: 'AB', age: 9, setting: 'mainstream-school' },
          consent: { agreed: true, statementVersion: 'consent-2025-01', transcriptAgreed: true },
          claimedBy: null,
          outcome: null,
          closedAt: null,
          purgedAt: null,
        });
        expect(Handover.parse(h)).toEqual(h); // the stored record matches its schema
        expect(await t.store.getHandover(h.reference)).toEqual(h);
        expect(await t.store.getHandover(h.reference.toLowerCase())).toEqual(h);

        const events = await t.store.listEvents(h.reference);
        expect(events.map((e) => e.kind)).toEqual(['created']);
        expect(events[0]).toMatchObject({ actor: 'bot:webchat', detail: { urgency: 'routine', locality: 'north' } });

        const outbox = await t.store.outboxFor(h.reference);
        expect(outbox).toHaveLength(1);
        expect(outbox[0]).toMatchObject({ kind: 'teams-card', target: 'north', attempts: 0, dedupeKey: `teams-card:${h.reference}`, deliveredAt: null });
        // The notification holds no personal data.
        const notice = HandoverNotice.parse(outbox[0]!.payload);
        expect(notice).toMatchObject({ reference: h.reference, primaryRoute: 'ehcna', localityId: 'north' });
        expect(JSON.stringify(outbox[0]!.payload)).not.toMatch(/Sam Parent|07700|"AB"|Morning|mainstream|ehcp\b/);
      });

      it('rejects invalid drafts without echoing personal data, and stores nothing', async () => {
        const bad = [
          sampleDraft({ contact: { name: 'Sam', method: 'phone', detail: '12345', bestTime: 'Any' } }),
          sampleDraft({ contact: { name: 'Sam', method: 'email', detail: 'sam-at-example', bestTime: 'Any' } }),
          sampleDraft({ consent: { agreed: true, statementVersion: 'consent-2025-01', agreedAt: '2025-06-02T08:00:00Z', transcriptAgreed: false } }),
          sampleDraft({ consent: { agreed: true, statementVersion: 'made-up', agreedAt: '2025-06-02T08:00:00Z', transcriptAgreed: true } }),
          sampleDraft({ consent: { agreed: false as true, statementVersion: 'consent-2025-01', agreedAt: '2025-06-02T08:00:00Z', transcriptAgreed: true } }),
          sampleDraft({ child: { name: 'A very long child name that goes on and on', age: 9, setting: null } }),
          sampleDraft({ questionsAsked: Array.from({ length: 11 }, (_, i) => `question ${i}`) }),
          sampleDraft({ transcript: Array.from({ length: 31 }, (_, i) => `line ${i}`) }),
          { ...sampleDraft(), extra: 'not allowed' },
        ];
        for (const draft of bad) {
          const error = await t.store.createHandover(draft).then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(HandoverValidationError);
          expect(String((error as Error).message)).not.toMatch(/12345|sam-at-example|very long child/);
        }
        // A future consent time is refused too.
        await expect(
          t.store.createHandover(sampleDraft({ consent: { agreed: true, statementVersion: 'consent-2025-01', agreedAt: '2025-06-03T08:00:00Z', transcriptAgreed: true } })),
        ).rejects.toThrow(/future/);
        expect(await t.counts()).toEqual([0, 0, 0]);
      });

      it('normalises email addresses and UK phone numbers', async () => {
        const h = await t.store.createHandover(sampleDraft({ contact: { name: 'Alex', method: 'email', detail: ' Alex.Smith@Example.org ', bestTime: 'After 3pm' } }));
        expect(h.contact).toMatchObject({ method: 'email', detail: 'alex.smith@example.org' });
        expect(normaliseUkPhone('+44 (0)1305 221000')).toBe('01305221000');
        expect(normaliseUkPhone('0044 7700-900-123')).toBe('07700900123');
        expect(normaliseUkPhone('+1 202 555 0100')).toBeNull();
        expect(normaliseUkPhone('0770090012')).toBe('0770090012');
        expect(normaliseUkPhone('077009001234')).toBeNull();
      });
    });

    describe('atomic creation', () => {
      it('leaves no handover, event or outbox row when the outbox insert fails', async () => {
        // Another connection installs a fault: the last step of the transaction fails.
        await t.harness.failInserts('outbox', 'injected outbox failure');
        await expect(t.store.createHandover(sampleDraft())).rejects.toThrow('injected outbox failure');
        expect(await t.counts()).toEqual([0, 0, 0]);
        await t.harness.clearFailure('outbox');
        const h = await t.store.createHandover(sampleDraft());
        expect(await t.counts()).toEqual([1, 1, 1]);
        expect(await t.store.outboxFor(h.reference)).toHaveLength(1);
      });

      it('leaves nothing when the event insert fails', async () => {
        await t.harness.failInserts('handover_events', 'injected event failure');
        await expect(t.store.createHandover(sampleDraft())).rejects.toThrow('injected event failure');
        expect(await t.counts()).toEqual([0, 0, 0]);
      });

      it('leaves nothing when the notification clashes with one already queued (dedupe key)', async () => {
        const existing = await t.store.createHandover(sampleDraft());
        const clash = 'DEAL-22222Z';
        await t.store.enqueueNotification(
          { reference: existing.reference, kind: 'teams-reminder', target: 'north', payload: {}, dedupeKey: `teams-card:${clash}` },
          t.now,
        );
        await t.store.close();
        t.store = await t.open({ newReference: () => clash });
        await expect(t.store.createHandover(sampleDraft())).rejects.toThrow(
          /UNIQUE constraint failed: outbox.dedupe_key|duplicate key value violates unique constraint "outbox_dedupe_key/,
        );
        expect(await t.counts()).toEqual([1, 1, 2]);
        expect(await t.store.getHandover(clash)).toBeNull();
      });
    });

    describe('references', () => {
      it('are checked for uniqueness: a clash draws a new one', async () => {
        const queue = ['DEAL-AAAAAA', 'DEAL-AAAAAA', 'DEAL-AAAAAA', 'DEAL-BBBBBB'];
        await t.store.close();
        t.store = await t.open({ newReference: () => queue.shift() ?? generateReference() });
        const first = await t.store.createHandover(sampleDraft());
        const second = await t.store.createHandover(sampleDraft());
        expect(first.reference).toBe('DEAL-AAAAAA');
        expect(second.reference).toBe('DEAL-BBBBBB');
        expect(await t.count('handovers')).toBe(2);
        expect(await t.count('outbox')).toBe(2);
        expect(await t.count('handover_events')).toBe(2);
      });

      it('give up after many clashes instead of looping forever', async () => {
        await t.store.close();
        t.store = await t.open({ newReference: () => 'DEAL-CCCCCC' });
        await t.store.createHandover(sampleDraft());
        await expect(t.store.createHandover(sampleDraft())).rejects.toThrow(/unused handover reference/);
        expect(await t.count('handovers')).toBe(1);
      });
    });

    describe('checkStatus', () => {
      it('needs both the reference and the contact detail that was given', async () => {
        const phone = await t.store.createHandover(sampleDraft());
        const email = await t.store.createHandover(sampleDraft({ contact: { name: 'Jo', method: 'email', detail: 'jo@example.org', bestTime: 'Any time' } }));

        expect(await t.store.checkStatus(phone.reference, '07700 900123')).toBe('received');
        expect(await t.store.checkStatus(phone.reference.toLowerCase(), '+44 7700 900123')).toBe('received');
        expect(await t.store.checkStatus(email.reference, ' JO@Example.org ')).toBe('received');

        expect(await t.store.checkStatus(phone.reference, '07700 900124')).toBeNull();
        expect(await t.store.checkStatus(phone.reference, 'jo@example.org')).toBeNull();
        expect(await t.store.checkStatus(email.reference, '07700 900123')).toBeNull();
        expect(await t.store.checkStatus('DEAL-ZZZZZZ', '07700 900123')).toBeNull();
        expect(await t.store.checkStatus('not a reference', '07700 900123')).toBeNull();
        expect(await t.store.checkStatus(phone.reference, '')).toBeNull();
        expect(await t.store.checkStatus('', '')).toBeNull();

        await t.store.claimHandover(phone.reference, northOfficer);
        expect(await t.store.checkStatus(phone.reference, '07700900123')).toBe('with-officer');
        await t.store.resolveHandover(phone.reference, northOfficer, 'advice-given');
        expect(await t.store.checkStatus(phone.reference, '07700900123')).toBe('closed');
      });
    });

    describe('from the conversation', () => {
      it('maps the handover flow request to a draft the store accepts', async () => {
        const d = sampleDraft();
        const request = {
          channel: 'teams' as const,
          requester: 'carer' as const,
          contact: { name: 'Jo', method: 'phone' as const, detail: '01305 221000', bestTime: 'Any time' },
          child: '',
          childAge: 7,
          setting: 'mainstream-school',
          result: d.triage as ReturnType<typeof sampleTriage>,
          consentVersion: 'consent-2025-01',
          consentAt: '2025-06-02T08:58:00.000Z',
          asked: ['q1'],
          shown: ['a1'],
          transcript: null,
          story: {
            facts: { childAge: 7, setting: 'mainstream-school' as const, town: 'Weymouth', needs: ['cognition-learning' as const] },
            concern: 'he cannot read yet and gets upset',
            safety: null,
          },
        };
        const h = await t.store.createHandover(draftFromConversation(request));
        // The story is kept as the family told it, and comes back out of the store.
        expect(h.story).toEqual(request.story);
        expect((await t.store.getHandover(h.reference))?.story).toEqual(request.story);
        expect(h).toMatchObject({ channel: 'teams', requester: 'carer', child: { name: null, age: 7 }, transcript: null, consent: { transcriptAgreed: false } });
        expect(h.contact!.detail).toBe('01305221000');
        const withChat = await t.store.createHandover(draftFromConversation({ ...request, requester: undefined, transcript: ['You: hello'] }));
        expect(withChat.requester).toBeNull();
        expect(withChat).toMatchObject({ transcript: ['You: hello'], consent: { transcriptAgreed: true } });
      });
    });

    describe('the same request twice', () => {
      it('stores one handover for one submission key, even from two stores at once (a raced or retried Send)', async () => {
        const key = 'a'.repeat(32);
        const other = await t.open();
        try {
          const [first, second] = await Promise.all([t.store.createHandover(sampleDraft({ submissionKey: key })), other.createHandover(sampleDraft({ submissionKey: key }))]);
          expect(second.reference).toBe(first.reference);
          expect(await t.store.createHandover(sampleDraft({ submissionKey: key }))).toEqual(first);
          const rows = await t.harness.query('SELECT reference FROM handovers');
          expect(rows).toEqual([{ reference: first.reference }]);
          expect(await t.harness.query("SELECT reference FROM outbox")).toEqual([{ reference: first.reference }]); // one card
          // Another key, or none, is another request.
          const next = await t.store.createHandover(sampleDraft({ submissionKey: 'b'.repeat(32) }));
          const keyless = await t.store.createHandover(sampleDraft());
          expect(new Set([first.reference, next.reference, keyless.reference]).size).toBe(3);
        } finally {
          await other.close();
        }
      });
    });
  });
}
