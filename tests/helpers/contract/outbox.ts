/**
 * The `NotificationOutbox` port (handover/ports/outbox.ts) on every store, with the real
 * `OutboxWorker`: each notification is queued once, leased to one worker, retried, and delivered once.
 */
import { describe, expect, it } from 'vitest';
import { OutboxWorker } from '../../../handover/outbox-worker.js';
import { sampleDraft } from '../../fixtures/handover-draft.js';
import { DAY, useContract, type StoreHarness } from './context.js';

export function describeOutboxContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`NotificationOutbox contract: ${name}`, () => {
    const t = useContract(makeHarness);

    describe('outbox', () => {
      it('never queues the same notification twice', async () => {
        const h = await t.store.createHandover(sampleDraft());
        const n = { reference: h.reference, kind: 'teams-reminder' as const, target: 'north', payload: { reference: h.reference }, dedupeKey: `overdue:${h.reference}` };
        expect(await t.store.enqueueNotification(n, t.now)).toBe(true);
        expect(await t.store.enqueueNotification(n, t.now)).toBe(false);
        expect(await t.store.enqueueNotification({ ...n, dedupeKey: `teams-card:${h.reference}` }, t.now)).toBe(false);
        expect(await t.store.outboxFor(h.reference)).toHaveLength(2);
      });

      it('leases rows so two workers do not send the same one, and retries after the lease', async () => {
        await t.store.createHandover(sampleDraft());
        const second = await t.open(); // a second connection, as a second process would have
        try {
          const a = await t.store.claimDueNotifications(t.now, 10, 30_000);
          const b = await second.claimDueNotifications(t.now, 10, 30_000);
          expect(a).toHaveLength(1);
          expect(b).toHaveLength(0);
          expect(a[0]!.attempts).toBe(1);
          expect(a[0]!.lease).toBeTruthy();
          expect(a[0]!.leaseUntil).toEqual(new Date(t.now.getTime() + 30_000));

          const later = new Date(t.now.getTime() + 30_000);
          const c = await second.claimDueNotifications(later, 10, 30_000); // the first worker died
          expect(c).toHaveLength(1);
          expect(c[0]!.attempts).toBe(2);
          // The first worker's stale lease can no longer record a failure over the new one.
          expect(await t.store.markFailed(a[0]!.id, a[0]!.lease!, 'late', later)).toBe(false);
          expect(await second.markFailed(c[0]!.id, c[0]!.lease!, 'HTTP 502\nfrom Teams', new Date(later.getTime() + 10_000))).toBe(true);
          const row = (await t.store.outboxFor(c[0]!.reference))[0]!;
          expect(row).toMatchObject({ lastError: 'HTTP 502 from Teams', lease: null, attempts: 2 });
          expect(await t.store.outboxStats()).toEqual({ pending: 1, failing: 1, delivered: 0 });
          expect(await t.store.claimDueNotifications(new Date(later.getTime() + 9_999), 10)).toHaveLength(0);
          const d = await t.store.claimDueNotifications(new Date(later.getTime() + 10_000), 10);
          expect(d).toHaveLength(1);
          await t.store.markDelivered(d[0]!.id, later);
          await t.store.markDelivered(d[0]!.id, later); // twice: logged once
          expect(await t.store.claimDueNotifications(new Date(later.getTime() + DAY), 10)).toHaveLength(0);
          expect((await t.store.listEvents(d[0]!.reference)).map((e) => e.kind)).toEqual(['created', 'notified']);
          expect(await t.store.outboxStats()).toEqual({ pending: 0, failing: 0, delivered: 1 });
        } finally {
          await second.close();
        }
      });

      it('claims oldest due first, at most `limit` (clamped to 1–100)', async () => {
        const first = await t.store.createHandover(sampleDraft());
        t.now = new Date(t.now.getTime() + 1000);
        const second = await t.store.createHandover(sampleDraft());
        t.now = new Date(t.now.getTime() + 1000);
        const third = await t.store.createHandover(sampleDraft());
        expect((await t.store.claimDueNotifications(t.now, 0)).map((r) => r.reference)).toEqual([first.reference]);
        expect((await t.store.claimDueNotifications(t.now, 5)).map((r) => r.reference)).toEqual([second.reference, third.reference]);
      });

      it('three workers at once, on three connections: every card is delivered exactly once', async () => {
        const refs = new Set<string>();
        for (let i = 0; i < 30; i++) refs.add((await t.store.createHandover(sampleDraft({}, i % 3 === 0 ? 'immediate' : 'routine'))).reference);
        const stores = [t.store, await t.open(), await t.open()];
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
          for (let i = 0; i < 500 && (await t.store.outboxStats()).pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
          await Promise.all(workers.map((w) => w.stop()));
        } finally {
          for (const s of stores.slice(1)) await s.close();
        }
        expect(sent).toHaveLength(30);
        expect(new Set(sent)).toEqual(refs);
        expect(await t.store.outboxStats()).toEqual({ pending: 0, failing: 0, delivered: 30 });
        for (const ref of refs) expect((await t.store.listEvents(ref)).filter((e) => e.kind === 'notified')).toHaveLength(1);
      });

      it('worker: sends, retries with backoff after failures and time-outs, and marks delivered', async () => {
        const h = await t.store.createHandover(sampleDraft());
        const calls: number[] = [];
        let mode: 'fail' | 'hang' | 'ok' = 'fail';
        const worker = new OutboxWorker({
          store: t.store,
          clock: () => t.now,
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
        let row = (await t.store.outboxFor(h.reference))[0]!;
        expect(row.lastError).toBe('Teams said no');
        expect(row.nextAttemptAt.getTime() - t.now.getTime()).toBe(1000);
        expect(await worker.runOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0 }); // not due yet

        mode = 'hang';
        t.now = new Date(t.now.getTime() + 1000);
        expect(await worker.runOnce()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
        row = (await t.store.outboxFor(h.reference))[0]!;
        expect(row.lastError).toMatch(/timed out/);
        expect(row.nextAttemptAt.getTime() - t.now.getTime()).toBe(2000);

        mode = 'ok';
        t.now = new Date(t.now.getTime() + 2000);
        expect(await worker.runOnce()).toEqual({ claimed: 1, delivered: 1, failed: 0 });
        expect(calls).toEqual([1, 2, 3]);
        expect((await t.store.outboxFor(h.reference))[0]!.deliveredAt).toEqual(t.now);
        expect((await t.store.listEvents(h.reference)).map((e) => e.kind)).toEqual(['created', 'notified']);
      });

      it('worker: start and stop; a new worker after a restart carries on from the database', async () => {
        await t.store.createHandover(sampleDraft());
        await t.store.createHandover(sampleDraft({}, 'immediate'));
        const sent: string[] = [];
        const first = new OutboxWorker({ store: t.store, pollIntervalMs: 10, send: async () => { throw new Error('down'); } });
        first.start();
        first.start();
        for (let i = 0; i < 100 && (await t.store.outboxStats()).failing < 2; i++) await new Promise((r) => setTimeout(r, 10));
        await first.stop();
        expect(first.isRunning).toBe(false);
        expect((await t.store.outboxStats()).failing).toBe(2);

        await t.store.close();
        t.store = await t.open();
        // After the "restart" the retry times have passed.
        const second = new OutboxWorker({ store: t.store, clock: () => new Date(Date.now() + DAY), pollIntervalMs: 10, send: async (row) => { sent.push(row.reference); } });
        second.start();
        for (let i = 0; i < 100 && sent.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
        await second.stop();
        expect(sent).toHaveLength(2);
        expect(await t.store.outboxStats()).toEqual({ pending: 0, failing: 0, delivered: 2 });
      });
    });
  });
}
