/**
 * One test suite for every `HandoverStore`: `describeStoreContract(name, makeHarness)` runs the
 * same cases against SQLite (tests/handover-store.test.ts) and PostgreSQL
 * (tests/handover-store-pg.test.ts). A harness gives each test a fresh, empty database (a new
 * file, or a new PostgreSQL schema), opens stores on it, and runs raw SQL on a separate
 * connection so the tests can look at rows and inject faults the way another process would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, listHandovers, purgeHandovers } from '../../cli/handover-commands.js';
import { draftFromConversation } from '../../handover/from-conversation.js';
import { OutboxWorker } from '../../handover/outbox-worker.js';
import { generateReference } from '../../handover/reference.js';
import { Handover, HandoverNotice, normaliseUkPhone, Reference, type StaffPrincipal } from '../../handover/schema.js';
import { StaffAccounts, StaffAccountError } from '../../handover/staff-accounts.js';
import { canAccess, HandoverNotFoundError, HandoverStateError, HandoverValidationError, type HandoverStore, type OutboxRow } from '../../handover/store.js';
import { sampleDraft, sampleTriage } from '../fixtures/handover-draft.js';

/** A store as the contract sees it: the interface, plus the outbox rows of a handover. */
export interface ContractStore extends HandoverStore {
  outboxFor(reference: string): OutboxRow[] | Promise<OutboxRow[]>;
}

export interface StoreHarness {
  /** A new store (its own connection or pool) on this test's database. */
  open(options?: { clock?: () => Date; newReference?: () => string }): Promise<ContractStore>;
  /** Raw SQL on a separate connection, `?` placeholders; the rows it returns (none for writes). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Makes every insert into `table` fail with `message`, as a fault in the database would. */
  failInserts(table: string, message: string): Promise<void>;
  clearFailure(table: string): Promise<void>;
  /** Closes the extra connection and deletes the database. */
  dispose(): Promise<void>;
}

const DAY = 86_400_000;
const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

const northOfficer: StaffPrincipal = { email: 'officer.north@dorsetcouncil.gov.uk', role: 'officer', localityId: 'north' };
const westOfficer: StaffPrincipal = { email: 'officer.west@dorsetcouncil.gov.uk', role: 'officer', localityId: 'west' };
const lead: StaffPrincipal = { email: 'lead@dorsetcouncil.gov.uk', role: 'lead', localityId: null };

export function describeStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`HandoverStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let now: Date;
    let store: ContractStore;

    const open = (extra: { newReference?: () => string } = {}) => harness.open({ clock: () => now, ...extra });
    const count = async (table: string) => Number((await harness.query(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
    const counts = () => Promise.all([count('handovers'), count('handover_events'), count('outbox')]);

    beforeEach(async () => {
      now = new Date('2025-06-02T09:00:00Z'); // Monday 10:00 in London
      harness = await makeHarness();
      store = await open();
    });

    afterEach(async () => {
      await store.close();
      await harness.dispose();
    });

    describe('create, get, list, claim, note, resolve', () => {
      it('stores a handover with its created event and outbox row, and returns it', async () => {
        const h = await store.createHandover(sampleDraft());
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
        expect(await store.getHandover(h.reference)).toEqual(h);
        expect(await store.getHandover(h.reference.toLowerCase())).toEqual(h);

        const events = await store.listEvents(h.reference);
        expect(events.map((e) => e.kind)).toEqual(['created']);
        expect(events[0]).toMatchObject({ actor: 'bot:webchat', detail: { urgency: 'routine', locality: 'north' } });

        const outbox = await store.outboxFor(h.reference);
        expect(outbox).toHaveLength(1);
        expect(outbox[0]).toMatchObject({ kind: 'teams-card', target: 'north', attempts: 0, dedupeKey: `teams-card:${h.reference}`, deliveredAt: null });
        // The notification holds no personal data.
        const notice = HandoverNotice.parse(outbox[0]!.payload);
        expect(notice).toMatchObject({ reference: h.reference, primaryRoute: 'ehcna', localityId: 'north' });
        expect(JSON.stringify(outbox[0]!.payload)).not.toMatch(/Sam Parent|07700|"AB"|Morning|mainstream|ehcp\b/);
      });

      it('sends unassigned handovers to the lead and shows them only to leads', async () => {
        const h = await store.createHandover(sampleDraft({}, 'priority', null));
        expect(h.localityId).toBeNull();
        expect((await store.outboxFor(h.reference))[0]!.target).toBe('lead');
        expect(await store.getHandoverFor(northOfficer, h.reference)).toBeNull();
        expect(await store.getHandoverFor(lead, h.reference)).not.toBeNull();
        expect(canAccess(lead, h)).toBe(true);
        expect(canAccess(northOfficer, h)).toBe(false);
      });

      it('lists by locality: open first, immediate first, then earliest due, then newest', async () => {
        const routineOld = await store.createHandover(sampleDraft({}, 'routine'));
        now = new Date(now.getTime() + 60_000);
        const routineNew = await store.createHandover(sampleDraft({}, 'routine'));
        const priority = await store.createHandover(sampleDraft({}, 'priority'));
        const immediate = await store.createHandover(sampleDraft({}, 'immediate'));
        const west = await store.createHandover(sampleDraft({}, 'immediate', 'west'));
        const closed = await store.createHandover(sampleDraft({}, 'immediate'));
        await store.resolveHandover(closed.reference, northOfficer, 'signposted');

        const north = await store.listHandovers({ scope: { localities: ['north'] } });
        expect(north.map((h) => h.reference)).toEqual([
          immediate.reference,
          priority.reference,
          routineNew.reference, // same due time as routineOld: newest first
          routineOld.reference,
          closed.reference,
        ]);
        const open = await store.listHandovers({ scope: { localities: ['north'] }, statuses: ['received', 'with-officer'] });
        expect(open.map((h) => h.reference)).not.toContain(closed.reference);
        const all = await store.listHandovers({ scope: { localities: 'all' } });
        expect(all).toHaveLength(6);
        expect(all.slice(0, 2).map((h) => h.reference).sort()).toEqual([immediate.reference, west.reference].sort());
        expect(await store.listHandovers({ scope: { localities: [] } })).toEqual([]);
        expect((await store.listHandovers({ scope: { localities: ['west', null] } })).map((h) => h.reference)).toEqual([west.reference]);
        expect(await store.listHandovers({ scope: { localities: 'all' }, statuses: [] })).toEqual([]);
        expect(await store.listHandovers({ scope: { localities: 'all' }, limit: 2 })).toHaveLength(2);
      });

      it('claims, adds notes and resolves, logging each change with who and when', async () => {
        const h = await store.createHandover(sampleDraft());
        now = new Date('2025-06-02T10:00:00Z');
        const claimed = await store.claimHandover(h.reference, northOfficer);
        expect(claimed).toMatchObject({ status: 'with-officer', claimedBy: northOfficer.email });
        expect(await store.claimHandover(h.reference, northOfficer)).toMatchObject({ status: 'with-officer' }); // idempotent

        now = new Date('2025-06-02T11:00:00Z');
        const note = await store.addNote(h.reference, northOfficer, 'Called mum, will call back Tuesday.');
        expect(note).toMatchObject({ author: northOfficer.email, text: 'Called mum, will call back Tuesday.', at: '2025-06-02T11:00:00.000Z' });

        now = new Date('2025-06-03T09:00:00Z');
        const resolved = await store.resolveHandover(h.reference, northOfficer, 'advice-given', 'Explained EHCNA request route.');
        expect(resolved).toMatchObject({ status: 'closed', outcome: 'advice-given', closedAt: '2025-06-03T09:00:00.000Z' });
        expect((await store.listNotes(h.reference, northOfficer)).map((n) => n.text)).toHaveLength(2);

        const events = await store.listEvents(h.reference);
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

        await expect(store.resolveHandover(h.reference, northOfficer, 'other')).rejects.toBeInstanceOf(HandoverStateError);
        await expect(store.claimHandover(h.reference, northOfficer)).rejects.toBeInstanceOf(HandoverStateError);
        await expect(store.resolveHandover(h.reference, northOfficer, 'made-up' as 'other')).rejects.toBeInstanceOf(HandoverValidationError);
        await expect(store.addNote(h.reference, northOfficer, '   ')).rejects.toBeInstanceOf(HandoverValidationError);
      });

      it('does not let an officer act on another locality, and does not reveal it exists', async () => {
        const h = await store.createHandover(sampleDraft());
        await expect(store.claimHandover(h.reference, westOfficer)).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(store.addNote(h.reference, westOfficer, 'x')).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(store.resolveHandover(h.reference, westOfficer, 'other')).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(store.listNotes(h.reference, westOfficer)).rejects.toBeInstanceOf(HandoverNotFoundError);
        await expect(store.claimHandover('DEAL-ZZZZZZ', westOfficer)).rejects.toThrow('handover DEAL-ZZZZZZ was not found');
        expect((await store.listEvents(h.reference)).map((e) => e.kind)).toEqual(['created']);
        // A lead may act anywhere and take over; an officer may not take over from a colleague (issue 15, finding 8).
        await store.claimHandover(h.reference, northOfficer);
        await expect(store.claimHandover(h.reference, lead)).rejects.toThrow(/already with/);
        expect(await store.claimHandover(h.reference, lead, { takeOver: true })).toMatchObject({ claimedBy: lead.email });
        expect((await store.listEvents(h.reference)).at(-1)!.detail).toEqual({ previous: northOfficer.email });
        await expect(store.claimHandover(h.reference, northOfficer, { takeOver: true })).rejects.toThrow(/only a lead can take over/);
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
          const error = await store.createHandover(draft).then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(HandoverValidationError);
          expect(String((error as Error).message)).not.toMatch(/12345|sam-at-example|very long child/);
        }
        // A future consent time is refused too.
        await expect(
          store.createHandover(sampleDraft({ consent: { agreed: true, statementVersion: 'consent-2025-01', agreedAt: '2025-06-03T08:00:00Z', transcriptAgreed: true } })),
        ).rejects.toThrow(/future/);
        expect(await counts()).toEqual([0, 0, 0]);
      });

      it('normalises email addresses and UK phone numbers', async () => {
        const h = await store.createHandover(sampleDraft({ contact: { name: 'Alex', method: 'email', detail: ' Alex.Smith@Example.org ', bestTime: 'After 3pm' } }));
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
        await harness.failInserts('outbox', 'injected outbox failure');
        await expect(store.createHandover(sampleDraft())).rejects.toThrow('injected outbox failure');
        expect(await counts()).toEqual([0, 0, 0]);
        await harness.clearFailure('outbox');
        const h = await store.createHandover(sampleDraft());
        expect(await counts()).toEqual([1, 1, 1]);
        expect(await store.outboxFor(h.reference)).toHaveLength(1);
      });

      it('leaves nothing when the event insert fails', async () => {
        await harness.failInserts('handover_events', 'injected event failure');
        await expect(store.createHandover(sampleDraft())).rejects.toThrow('injected event failure');
        expect(await counts()).toEqual([0, 0, 0]);
      });

      it('leaves nothing when the notification clashes with one already queued (dedupe key)', async () => {
        const existing = await store.createHandover(sampleDraft());
        const clash = 'DEAL-22222Z';
        await store.enqueueNotification(
          { reference: existing.reference, kind: 'teams-reminder', target: 'north', payload: {}, dedupeKey: `teams-card:${clash}` },
          now,
        );
        await store.close();
        store = await open({ newReference: () => clash });
        await expect(store.createHandover(sampleDraft())).rejects.toThrow(
          /UNIQUE constraint failed: outbox.dedupe_key|duplicate key value violates unique constraint "outbox_dedupe_key/,
        );
        expect(await counts()).toEqual([1, 1, 2]);
        expect(await store.getHandover(clash)).toBeNull();
      });
    });

    describe('append-only event log', () => {
      it('refuses to update or delete events, and handovers are never deleted, from any connection', async () => {
        const h = await store.createHandover(sampleDraft());
        await expect(harness.query("UPDATE handover_events SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
        await expect(harness.query('DELETE FROM handover_events WHERE reference = ?', [h.reference])).rejects.toThrow(/append-only/);
        await expect(harness.query('DELETE FROM handovers')).rejects.toThrow(/never deleted/);
        await store.audit({ actor: 'cli:test', action: 'handover-viewed', subject: h.reference, detail: {} }, now);
        await expect(harness.query("UPDATE audit_log SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
        await expect(harness.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
        expect((await store.listEvents(h.reference)).map((e) => e.kind)).toEqual(['created']);
        expect(await store.listAudit(h.reference)).toMatchObject([{ actor: 'cli:test', action: 'handover-viewed', subject: h.reference, detail: {} }]);
      });
    });

    describe('references', () => {
      it('are checked for uniqueness: a clash draws a new one', async () => {
        const queue = ['DEAL-AAAAAA', 'DEAL-AAAAAA', 'DEAL-AAAAAA', 'DEAL-BBBBBB'];
        await store.close();
        store = await open({ newReference: () => queue.shift() ?? generateReference() });
        const first = await store.createHandover(sampleDraft());
        const second = await store.createHandover(sampleDraft());
        expect(first.reference).toBe('DEAL-AAAAAA');
        expect(second.reference).toBe('DEAL-BBBBBB');
        expect(await count('handovers')).toBe(2);
        expect(await count('outbox')).toBe(2);
        expect(await count('handover_events')).toBe(2);
      });

      it('give up after many clashes instead of looping forever', async () => {
        await store.close();
        store = await open({ newReference: () => 'DEAL-CCCCCC' });
        await store.createHandover(sampleDraft());
        await expect(store.createHandover(sampleDraft())).rejects.toThrow(/unused handover reference/);
        expect(await count('handovers')).toBe(1);
      });
    });

    describe('checkStatus', () => {
      it('needs both the reference and the contact detail that was given', async () => {
        const phone = await store.createHandover(sampleDraft());
        const email = await store.createHandover(sampleDraft({ contact: { name: 'Jo', method: 'email', detail: 'jo@example.org', bestTime: 'Any time' } }));

        expect(await store.checkStatus(phone.reference, '07700 900123')).toBe('received');
        expect(await store.checkStatus(phone.reference.toLowerCase(), '+44 7700 900123')).toBe('received');
        expect(await store.checkStatus(email.reference, ' JO@Example.org ')).toBe('received');

        expect(await store.checkStatus(phone.reference, '07700 900124')).toBeNull();
        expect(await store.checkStatus(phone.reference, 'jo@example.org')).toBeNull();
        expect(await store.checkStatus(email.reference, '07700 900123')).toBeNull();
        expect(await store.checkStatus('DEAL-ZZZZZZ', '07700 900123')).toBeNull();
        expect(await store.checkStatus('not a reference', '07700 900123')).toBeNull();
        expect(await store.checkStatus(phone.reference, '')).toBeNull();
        expect(await store.checkStatus('', '')).toBeNull();

        await store.claimHandover(phone.reference, northOfficer);
        expect(await store.checkStatus(phone.reference, '07700900123')).toBe('with-officer');
        await store.resolveHandover(phone.reference, northOfficer, 'advice-given');
        expect(await store.checkStatus(phone.reference, '07700900123')).toBe('closed');
      });
    });

    describe('retention purge and erasure', () => {
      it('removes personal data only after N days, keeps the record and logs a purged event', async () => {
        const closedOld = await store.createHandover(sampleDraft());
        const stillOpen = await store.createHandover(sampleDraft());
        await store.addNote(closedOld.reference, northOfficer, 'Spoke to Sam about AB.');
        const closedAt = new Date('2025-06-03T12:00:00Z');
        now = closedAt;
        await store.resolveHandover(closedOld.reference, northOfficer, 'signposted', 'Sent SENDIASS details to Sam.');

        expect(await store.purgeResolvedOlderThan(90, new Date(closedAt.getTime() + 90 * DAY - 1))).toBe(0);
        expect(await store.purgeResolvedOlderThan(90, new Date(closedAt.getTime() + 90 * DAY))).toBe(0);
        const later = new Date(closedAt.getTime() + 90 * DAY + 1);
        expect(await store.purgeResolvedOlderThan(90, later)).toBe(1);
        expect(await store.purgeResolvedOlderThan(90, later)).toBe(0); // once only
        await expect(store.purgeResolvedOlderThan(-1, later)).rejects.toThrow(/zero or more/);

        const purged = (await store.getHandover(closedOld.reference))!;
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
        expect(await harness.query('SELECT id FROM handover_notes WHERE reference = ?', [closedOld.reference])).toHaveLength(0);
        const events = await store.listEvents(closedOld.reference);
        expect(events.at(-1)).toMatchObject({ kind: 'purged', actor: 'retention', detail: { retentionDays: 90, notesDeleted: 2 } });

        // Nothing personal is left in the row or the notes.
        const row = (await harness.query('SELECT * FROM handovers WHERE reference = ?', [closedOld.reference]))[0]!;
        for (const column of ['contact_name', 'contact_detail', 'best_time', 'child_name', 'child_age', 'child_setting', 'triage_json', 'questions_json', 'transcript_json', 'story_json']) {
          expect(row[column], column).toBeNull();
        }
        expect(await store.checkStatus(closedOld.reference, '07700900123')).toBeNull();
        await expect(store.addNote(closedOld.reference, northOfficer, 'more')).rejects.toBeInstanceOf(HandoverStateError);

        // The open handover, however old, is untouched.
        expect(await store.purgeResolvedOlderThan(1, new Date(later.getTime() + 400 * DAY))).toBe(0);
        expect((await store.getHandover(stillOpen.reference))!.contact).not.toBeNull();

        // Purged records are hidden from lists unless asked for.
        expect((await store.listHandovers({ scope: { localities: 'all' } })).map((h) => h.reference)).toEqual([stillOpen.reference]);
        expect(await store.listHandovers({ scope: { localities: 'all' }, includePurged: true })).toHaveLength(2);
      });

      it('two purges at once purge each handover once', async () => {
        const refs: string[] = [];
        for (let i = 0; i < 4; i++) refs.push((await store.createHandover(sampleDraft())).reference);
        for (const ref of refs) await store.resolveHandover(ref, northOfficer, 'advice-given');
        const other = await open();
        try {
          const later = new Date(now.getTime() + 91 * DAY);
          const [a, b] = await Promise.all([store.purgeResolvedOlderThan(90, later), other.purgeResolvedOlderThan(90, later)]);
          expect(a + b).toBe(4);
          for (const ref of refs) expect((await store.listEvents(ref)).filter((e) => e.kind === 'purged')).toHaveLength(1);
        } finally {
          await other.close();
        }
      });

      it('erases at once on request, whatever the status, and audits who and why', async () => {
        const open = await store.createHandover(sampleDraft());
        await store.addNote(open.reference, northOfficer, 'Rang Sam.');
        now = new Date('2025-06-02T12:00:00Z');
        await expect(store.eraseHandover(open.reference, 'lead@dorsetcouncil.gov.uk', ' \n ', now)).rejects.toBeInstanceOf(HandoverValidationError);
        const erased = await store.eraseHandover(open.reference, 'lead@dorsetcouncil.gov.uk', 'asked by phone\n3 March', now);
        expect(erased).toMatchObject({ status: 'closed', outcome: 'withdrawn', contact: null, closedAt: now.toISOString(), purgedAt: now.toISOString() });
        expect(await store.getHandover(open.reference)).toEqual(erased);
        expect((await store.listEvents(open.reference)).at(-1)).toMatchObject({ kind: 'purged', actor: 'lead@dorsetcouncil.gov.uk', detail: { erasure: true, notesDeleted: 1 } });
        expect(await store.listAudit(open.reference)).toMatchObject([
          { action: 'handover-erased', actor: 'lead@dorsetcouncil.gov.uk', detail: { reason: 'asked by phone 3 March', previousStatus: 'received' } },
        ]);
        await expect(store.eraseHandover(open.reference, 'lead', 'again', now)).rejects.toBeInstanceOf(HandoverStateError);
        await expect(store.eraseHandover('DEAL-ZZZZZZ', 'lead', 'why', now)).rejects.toBeInstanceOf(HandoverNotFoundError);

        const closed = await store.createHandover(sampleDraft());
        await store.resolveHandover(closed.reference, northOfficer, 'signposted');
        expect(await store.eraseHandover(closed.reference, 'cli:ops', 'asked by email', now)).toMatchObject({ outcome: 'signposted', contact: null });
      });
    });

    describe('staff accounts and sessions', () => {
      it('adds staff, verifies passwords, and checks email, locality and password', async () => {
        const accounts = new StaffAccounts(store, { clock: () => now, scrypt: FAST_SCRYPT, knownLocalities: ['north', 'west'] });
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
        const stored = (await store.getStaff('officer.north@dorsetcouncil.gov.uk'))!;
        expect(stored.passwordHash).not.toContain('passphrase');
        expect((await store.listStaff()).map((s) => s.email)).toEqual(['lead@dorsetcouncil.gov.uk', 'officer.north@dorsetcouncil.gov.uk']);

        await accounts.disableStaff('officer.north@dorsetcouncil.gov.uk');
        expect(await accounts.verifyPassword('officer.north@dorsetcouncil.gov.uk', 'a long enough passphrase')).toBeNull();
        expect(await store.updateStaff('officer.north@dorsetcouncil.gov.uk', { disabledAt: null }, now)).toBe(true);
        expect(await accounts.verifyPassword('officer.north@dorsetcouncil.gov.uk', 'a long enough passphrase')).toEqual(northOfficer);
        expect(await store.updateStaff('nobody@dorsetcouncil.gov.uk', { disabledAt: null }, now)).toBe(false);
        expect(await store.disableStaff('nobody@dorsetcouncil.gov.uk', now)).toBe(false);
      });

      it('links an Entra ID object id to one account only', async () => {
        const accounts = new StaffAccounts(store, { clock: () => now, scrypt: FAST_SCRYPT });
        await accounts.addStaff(northOfficer.email, { localityId: 'north', password: 'a long enough passphrase' });
        await accounts.addStaff(lead.email, { lead: true, password: 'a long enough passphrase' });
        const aad = '00000000-0000-4000-8000-00000000000A';
        expect(await store.updateStaff(northOfficer.email, { aadObjectId: aad }, now)).toBe(true);
        expect((await store.getStaffByAad(aad.toLowerCase()))?.email).toBe(northOfficer.email);
        expect((await store.getStaffByAad(aad))?.email).toBe(northOfficer.email);
        await expect(store.updateStaff(lead.email, { aadObjectId: aad }, now)).rejects.toThrow(/already belongs/);
        expect(await store.updateStaff(northOfficer.email, { aadObjectId: null }, now)).toBe(true);
        expect(await store.getStaffByAad(aad)).toBeNull();
      });

      it('creates, looks up, expires and destroys sessions; stores only a hash of the token', async () => {
        const accounts = new StaffAccounts(store, { clock: () => now, scrypt: FAST_SCRYPT, sessionTtlMs: 60 * 60_000 });
        await accounts.addStaff(northOfficer.email, { localityId: 'north', password: 'a long enough passphrase' });
        const principal = (await accounts.verifyPassword(northOfficer.email, 'a long enough passphrase'))!;
        const { token, expiresAt, csrfToken } = await accounts.createSession(principal);
        expect(token).toMatch(/^[\w-]{43}$/);
        expect(expiresAt.toISOString()).toBe('2025-06-02T10:00:00.000Z');
        const ids = (await harness.query('SELECT id_hash FROM staff_sessions')).map((r) => r.id_hash);
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
        expect(await store.listSessions(northOfficer.email, now)).toHaveLength(2);
        await accounts.destroySession(second.token);
        expect(await accounts.lookupSession(second.token)).toBeNull();

        now = new Date(now.getTime() + 60 * 60_000);
        expect(await accounts.lookupSession(token)).toBeNull(); // expired
        expect(await store.listSessions(northOfficer.email, now)).toHaveLength(0);

        const third = await accounts.createSession(principal);
        now = new Date(now.getTime() + 2 * 60 * 60_000);
        expect(await store.purgeExpiredSessions(now)).toBe(1); // the expired one looked up above is already gone
        expect(await accounts.lookupSession(third.token)).toBeNull();

        await accounts.createSession(principal);
        await accounts.createSession(principal);
        expect(await store.deleteSessionsOf(northOfficer.email)).toBe(2);
      });

      it('ends sessions when the account is disabled or its password changes', async () => {
        const accounts = new StaffAccounts(store, { clock: () => now, scrypt: FAST_SCRYPT });
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

    describe('outbox', () => {
      it('never queues the same notification twice', async () => {
        const h = await store.createHandover(sampleDraft());
        const n = { reference: h.reference, kind: 'teams-reminder' as const, target: 'north', payload: { reference: h.reference }, dedupeKey: `overdue:${h.reference}` };
        expect(await store.enqueueNotification(n, now)).toBe(true);
        expect(await store.enqueueNotification(n, now)).toBe(false);
        expect(await store.enqueueNotification({ ...n, dedupeKey: `teams-card:${h.reference}` }, now)).toBe(false);
        expect(await store.outboxFor(h.reference)).toHaveLength(2);
      });

      it('leases rows so two workers do not send the same one, and retries after the lease', async () => {
        await store.createHandover(sampleDraft());
        const second = await open(); // a second connection, as a second process would have
        try {
          const a = await store.claimDueNotifications(now, 10, 30_000);
          const b = await second.claimDueNotifications(now, 10, 30_000);
          expect(a).toHaveLength(1);
          expect(b).toHaveLength(0);
          expect(a[0]!.attempts).toBe(1);
          expect(a[0]!.lease).toBeTruthy();
          expect(a[0]!.leaseUntil).toEqual(new Date(now.getTime() + 30_000));

          const later = new Date(now.getTime() + 30_000);
          const c = await second.claimDueNotifications(later, 10, 30_000); // the first worker died
          expect(c).toHaveLength(1);
          expect(c[0]!.attempts).toBe(2);
          // The first worker's stale lease can no longer record a failure over the new one.
          expect(await store.markFailed(a[0]!.id, a[0]!.lease!, 'late', later)).toBe(false);
          expect(await second.markFailed(c[0]!.id, c[0]!.lease!, 'HTTP 502\nfrom Teams', new Date(later.getTime() + 10_000))).toBe(true);
          const row = (await store.outboxFor(c[0]!.reference))[0]!;
          expect(row).toMatchObject({ lastError: 'HTTP 502 from Teams', lease: null, attempts: 2 });
          expect(await store.outboxStats()).toEqual({ pending: 1, failing: 1, delivered: 0 });
          expect(await store.claimDueNotifications(new Date(later.getTime() + 9_999), 10)).toHaveLength(0);
          const d = await store.claimDueNotifications(new Date(later.getTime() + 10_000), 10);
          expect(d).toHaveLength(1);
          await store.markDelivered(d[0]!.id, later);
          await store.markDelivered(d[0]!.id, later); // twice: logged once
          expect(await store.claimDueNotifications(new Date(later.getTime() + DAY), 10)).toHaveLength(0);
          expect((await store.listEvents(d[0]!.reference)).map((e) => e.kind)).toEqual(['created', 'notified']);
          expect(await store.outboxStats()).toEqual({ pending: 0, failing: 0, delivered: 1 });
        } finally {
          await second.close();
        }
      });

      it('claims oldest due first, at most `limit` (clamped to 1–100)', async () => {
        const first = await store.createHandover(sampleDraft());
        now = new Date(now.getTime() + 1000);
        const second = await store.createHandover(sampleDraft());
        now = new Date(now.getTime() + 1000);
        const third = await store.createHandover(sampleDraft());
        expect((await store.claimDueNotifications(now, 0)).map((r) => r.reference)).toEqual([first.reference]);
        expect((await store.claimDueNotifications(now, 5)).map((r) => r.reference)).toEqual([second.reference, third.reference]);
      });

      it('three workers at once, on three connections: every card is delivered exactly once', async () => {
        const refs = new Set<string>();
        for (let i = 0; i < 30; i++) refs.add((await store.createHandover(sampleDraft({}, i % 3 === 0 ? 'immediate' : 'routine'))).reference);
        const stores = [store, await open(), await open()];
        const sent: string[] = [];
        try {
          const workers = stores.map(
            (s, i) =>
              new OutboxWorker({
                store: s,
                batchSize: 3,
                pollIntervalMs: 5,
                random: () => 0,
                backoff: { baseMs: 1, maxMs: 1 },
                send: async (row) => {
                  await new Promise((r) => setTimeout(r, 2 + i)); // a slow connector
                  sent.push(row.reference);
                },
              }),
          );
          workers.forEach((w) => w.start());
          for (let i = 0; i < 500 && (await store.outboxStats()).pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
          await Promise.all(workers.map((w) => w.stop()));
        } finally {
          for (const s of stores.slice(1)) await s.close();
        }
        expect(sent).toHaveLength(30);
        expect(new Set(sent)).toEqual(refs);
        expect(await store.outboxStats()).toEqual({ pending: 0, failing: 0, delivered: 30 });
        for (const ref of refs) expect((await store.listEvents(ref)).filter((e) => e.kind === 'notified')).toHaveLength(1);
      });

      it('worker: sends, retries with backoff after failures and time-outs, and marks delivered', async () => {
        const h = await store.createHandover(sampleDraft());
        const calls: number[] = [];
        let mode: 'fail' | 'hang' | 'ok' = 'fail';
        const worker = new OutboxWorker({
          store,
          clock: () => now,
          sendTimeoutMs: 50,
          leaseMs: 10_000,
          backoff: { baseMs: 1000, maxMs: 8000 },
          random: () => 0.999999,
          send: async (row) => {
            calls.push(row.attempts);
            if (mode === 'fail') throw new Error('Teams said no');
            if (mode === 'hang') await new Promise(() => {});
          },
        });
        expect(await worker.runOnce()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
        let row = (await store.outboxFor(h.reference))[0]!;
        expect(row.lastError).toBe('Teams said no');
        expect(row.nextAttemptAt.getTime() - now.getTime()).toBe(1000);
        expect(await worker.runOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0 }); // not due yet

        mode = 'hang';
        now = new Date(now.getTime() + 1000);
        expect(await worker.runOnce()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
        row = (await store.outboxFor(h.reference))[0]!;
        expect(row.lastError).toMatch(/timed out/);
        expect(row.nextAttemptAt.getTime() - now.getTime()).toBe(2000);

        mode = 'ok';
        now = new Date(now.getTime() + 2000);
        expect(await worker.runOnce()).toEqual({ claimed: 1, delivered: 1, failed: 0 });
        expect(calls).toEqual([1, 2, 3]);
        expect((await store.outboxFor(h.reference))[0]!.deliveredAt).toEqual(now);
        expect((await store.listEvents(h.reference)).map((e) => e.kind)).toEqual(['created', 'notified']);
      });

      it('worker: start and stop; a new worker after a restart carries on from the database', async () => {
        await store.createHandover(sampleDraft());
        await store.createHandover(sampleDraft({}, 'immediate'));
        const sent: string[] = [];
        const first = new OutboxWorker({ store, pollIntervalMs: 10, send: async () => { throw new Error('down'); } });
        first.start();
        first.start();
        for (let i = 0; i < 100 && (await store.outboxStats()).failing < 2; i++) await new Promise((r) => setTimeout(r, 10));
        await first.stop();
        expect(first.isRunning).toBe(false);
        expect((await store.outboxStats()).failing).toBe(2);

        await store.close();
        store = await open();
        // After the "restart" the retry times have passed.
        const second = new OutboxWorker({ store, clock: () => new Date(Date.now() + DAY), pollIntervalMs: 10, send: async (row) => { sent.push(row.reference); } });
        second.start();
        for (let i = 0; i < 100 && sent.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
        await second.stop();
        expect(sent).toHaveLength(2);
        expect(await store.outboxStats()).toEqual({ pending: 0, failing: 0, delivered: 2 });
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
        const h = await store.createHandover(draftFromConversation(request));
        // The story is kept as the family told it, and comes back out of the store.
        expect(h.story).toEqual(request.story);
        expect((await store.getHandover(h.reference))?.story).toEqual(request.story);
        expect(h).toMatchObject({ channel: 'teams', requester: 'carer', child: { name: null, age: 7 }, transcript: null, consent: { transcriptAgreed: false } });
        expect(h.contact!.detail).toBe('01305221000');
        const withChat = await store.createHandover(draftFromConversation({ ...request, requester: undefined, transcript: ['You: hello'] }));
        expect(withChat.requester).toBeNull();
        expect(withChat).toMatchObject({ transcript: ['You: hello'], consent: { transcriptAgreed: true } });
      });
    });

    describe('teams channel references', () => {
      it('stores one conversation reference per locality', async () => {
        await store.saveChannelReference('north', { conversation: { id: '19:abc@thread.tacv2' }, serviceUrl: 'https://smba.trafficmanager.net/uk/' }, now);
        await store.saveChannelReference('north', { conversation: { id: '19:def@thread.tacv2' } }, now);
        await store.saveChannelReference('lead', { conversation: { id: '19:lead@thread.tacv2' } }, now);
        expect(await store.getChannelReference('north')).toEqual({ conversation: { id: '19:def@thread.tacv2' } });
        expect(await store.getChannelReference('west')).toBeNull();
        const all = await store.listChannelReferences();
        expect(all.map((c) => c.target)).toEqual(['lead', 'north']);
        expect(all[0]!.updatedAt).toEqual(now);
        await expect(store.saveChannelReference('west', { big: 'x'.repeat(20_001) }, now)).rejects.toThrow(/at most 20,000/);
      });
    });

    describe('CLI commands on this store', () => {
      it('list without personal data, add staff, purge', async () => {
        const h = await store.createHandover(sampleDraft({}, 'immediate'));
        await store.createHandover(sampleDraft({}, 'routine', 'west'));
        const context = { store, now: () => now };
        const text = await listHandovers({ locality: 'north' }, context);
        expect(text).toContain(h.reference);
        expect(text).toContain('immediate');
        expect(text).not.toMatch(/Sam Parent|07700|\bAB\b|Morning|mainstream/);
        const json = JSON.parse(await listHandovers({ json: true }, context)) as { reference: string; locality: string }[];
        expect(json.map((r) => r.locality)).toEqual(['north', 'west']);
        expect(JSON.stringify(json)).not.toMatch(/Sam|07700/);
        expect(await listHandovers({ locality: 'unassigned' }, context)).toMatch(/No open handovers/);

        expect(await addStaff('new.officer@dorsetcouncil.gov.uk', { locality: 'north', password: 'a long enough passphrase' }, { store })).toMatch(/officer for north/);
        await expect(addStaff('x@dorsetcouncil.gov.uk', { locality: 'atlantis', password: 'a long enough passphrase' }, { store })).rejects.toThrow(/atlantis/);
        expect((await store.listAudit('new.officer@dorsetcouncil.gov.uk')).map((a) => a.action)).toEqual(['staff-added']);

        await store.resolveHandover(h.reference, lead, 'duplicate');
        const later = () => new Date(now.getTime() + 100 * DAY);
        expect(await purgeHandovers({}, { store, now: later, env: {} })).toMatch(/personal data of 1 handover closed more than 90 days/);
      });
    });
  });
}
