/**
 * The handover repository on PostgreSQL (`pg`, with a pool): the same ports as the SQLite one
 * (`handover/sqlite-store.ts`), for several instances sharing one database behind a load
 * balancer. This class owns the pool (handover/pg/base.ts: schema, migrations on start under
 * an advisory lock, transactions) and hands every port to the table group that keeps it
 * (handover/pg/): handovers, retention, outbox, staff, channel links, audit log.
 *
 * - Every write is one transaction; staff actions lock the handover row (`FOR UPDATE`).
 * - The outbox is claimed with `SELECT … FOR UPDATE SKIP LOCKED` and a lease per row.
 * - The retention purge holds a transaction-level advisory lock: one instance at a time.
 * - Events and the audit log are append-only by database triggers (see the migrations).
 */
import type { AuditEntry } from './ports/audit.js';
import type { ChannelLink } from './ports/channel-links.js';
import type { ListOptions } from './ports/handovers.js';
import type { OutboxNotification, OutboxRow } from './ports/outbox.js';
import type { SessionRecord, StaffChange, StaffRecord } from './ports/staff.js';
import type { Handover, HandoverDraftInput, HandoverEvent, HandoverNote, HandoverStatus, Outcome, StaffPrincipal } from './schema.js';
import { PgAuditLog } from './pg/audit.js';
import { PgBase, type PgStoreOptions } from './pg/base.js';
import { PgChannelLinks } from './pg/channel-links.js';
import { PgHandovers, type PgHandoversOptions } from './pg/handovers.js';
import { PgOutbox } from './pg/outbox.js';
import { PgRetention } from './pg/retention.js';
import { PgStaff } from './pg/staff.js';
import type { PgTables } from './pg/tables.js';
import type { HandoverStore } from './store.js';

export { PG_MIGRATIONS, migratePg } from './pg/migrations.js';
export type { PgStoreOptions } from './pg/base.js';

export interface PgHandoverStoreOptions extends PgStoreOptions, PgHandoversOptions {}

export class PgHandoverStore extends PgBase implements HandoverStore {
  private readonly handovers: PgHandovers;
  private readonly retention: PgRetention;
  private readonly outbox: PgOutbox;
  private readonly staff: PgStaff;
  private readonly channels: PgChannelLinks;
  private readonly auditLog: PgAuditLog;

  constructor(options: PgHandoverStoreOptions) {
    super(options);
    const tables: PgTables = {
      query: (sql, params) => this.query(sql, params),
      count: async (sql, params) => {
        await this.ready;
        return (await this.pool.query(sql, params)).rowCount ?? 0;
      },
      tx: (fn) => this.tx(fn),
    };
    this.handovers = new PgHandovers(tables, options);
    this.retention = new PgRetention(tables);
    this.outbox = new PgOutbox(tables);
    this.staff = new PgStaff(tables);
    this.channels = new PgChannelLinks(tables);
    this.auditLog = new PgAuditLog(tables);
  }

  /** Builds the store and waits for its migrations (rejects when the database is unreachable or newer). */
  static async open(options: PgHandoverStoreOptions): Promise<PgHandoverStore> {
    const store = new PgHandoverStore(options);
    try {
      await store.ready;
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  // ---- handovers (pg/handovers.ts, pg/retention.ts) ------------------------------

  createHandover(draft: HandoverDraftInput): Promise<Handover> { return this.handovers.createHandover(draft); }
  checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null> { return this.handovers.checkStatus(reference, contactDetail); }
  getHandover(reference: string): Promise<Handover | null> { return this.handovers.getHandover(reference); }
  getHandoverFor(principal: StaffPrincipal, reference: string): Promise<Handover | null> { return this.handovers.getHandoverFor(principal, reference); }
  listHandovers(options: ListOptions): Promise<Handover[]> { return this.handovers.listHandovers(options); }
  claimHandover(reference: string, actor: StaffPrincipal, options?: { takeOver?: boolean }): Promise<Handover> { return this.handovers.claimHandover(reference, actor, options); }
  addNote(reference: string, actor: StaffPrincipal, text: string): Promise<HandoverNote> { return this.handovers.addNote(reference, actor, text); }
  listNotes(reference: string, actor: StaffPrincipal): Promise<HandoverNote[]> { return this.handovers.listNotes(reference, actor); }
  resolveHandover(reference: string, actor: StaffPrincipal, outcome: Outcome, note?: string): Promise<Handover> { return this.handovers.resolveHandover(reference, actor, outcome, note); }
  listEvents(reference: string): Promise<HandoverEvent[]> { return this.handovers.listEvents(reference); }
  purgeResolvedOlderThan(days: number, now: Date): Promise<number> { return this.retention.purgeResolvedOlderThan(days, now); }
  eraseHandover(reference: string, actor: string, reason: string, now: Date): Promise<Handover> { return this.retention.eraseHandover(reference, actor, reason, now); }

  // ---- outbox (pg/outbox.ts) ---------------------------------------------------------

  enqueueNotification(notification: OutboxNotification, now: Date): Promise<boolean> { return this.outbox.enqueueNotification(notification, now); }
  claimDueNotifications(now: Date, limit: number, leaseMs?: number): Promise<OutboxRow[]> { return this.outbox.claimDueNotifications(now, limit, leaseMs); }
  markDelivered(id: number, now: Date): Promise<void> { return this.outbox.markDelivered(id, now); }
  markFailed(id: number, lease: string, error: string, nextAttemptAt: Date): Promise<boolean> { return this.outbox.markFailed(id, lease, error, nextAttemptAt); }
  outboxStats(): Promise<{ pending: number; failing: number; delivered: number }> { return this.outbox.outboxStats(); }
  /** All outbox rows of a handover (tests and diagnostics). */
  outboxFor(reference: string): Promise<OutboxRow[]> { return this.outbox.outboxFor(reference); }

  // ---- staff accounts and sessions (pg/staff.ts) -------------------------------------

  insertStaff(record: StaffRecord): Promise<void> { return this.staff.insertStaff(record); }
  getStaff(email: string): Promise<StaffRecord | null> { return this.staff.getStaff(email); }
  listStaff(): Promise<StaffRecord[]> { return this.staff.listStaff(); }
  disableStaff(email: string, now: Date): Promise<boolean> { return this.staff.disableStaff(email, now); }
  getStaffByAad(aadObjectId: string): Promise<StaffRecord | null> { return this.staff.getStaffByAad(aadObjectId); }
  updateStaff(email: string, change: StaffChange, now: Date): Promise<boolean> { return this.staff.updateStaff(email, change, now); }
  listSessions(email: string, now: Date): Promise<SessionRecord[]> { return this.staff.listSessions(email, now); }
  deleteSessionsOf(email: string): Promise<number> { return this.staff.deleteSessionsOf(email); }
  insertSession(session: SessionRecord): Promise<void> { return this.staff.insertSession(session); }
  getSession(idHash: string): Promise<SessionRecord | null> { return this.staff.getSession(idHash); }
  deleteSession(idHash: string): Promise<void> { return this.staff.deleteSession(idHash); }
  purgeExpiredSessions(now: Date): Promise<number> { return this.staff.purgeExpiredSessions(now); }

  // ---- Teams channel links and the audit log (pg/channel-links.ts, pg/audit.ts) --

  saveChannelReference(target: string, reference: unknown, now: Date): Promise<void> { return this.channels.saveChannelReference(target, reference, now); }
  getChannelReference(target: string): Promise<unknown | null> { return this.channels.getChannelReference(target); }
  listChannelReferences(): Promise<ChannelLink[]> { return this.channels.listChannelReferences(); }
  audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void> { return this.auditLog.audit(entry, now); }
  listAudit(subject?: string): Promise<AuditEntry[]> { return this.auditLog.listAudit(subject); }

  /** Answers when the database does (for readiness checks). */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }
}
