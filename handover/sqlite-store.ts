/**
 * The handover repository on SQLite (better-sqlite3), one file under the data directory: a
 * small class that opens the file once and hands every port to the table group that keeps
 * it (handover/sqlite/): handovers, retention, outbox, staff, channel links, audit log.
 * They share one connection and one write lock, so a change and its event commit together.
 *
 * Durability and privacy are in handover/sqlite/tables.ts; the schema and its migrations in
 * handover/sqlite/migrations.ts (re-exported here, as the insight database uses `migrate`).
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from './ports/audit.js';
import type { ChannelLink } from './ports/channel-links.js';
import type { ListOptions } from './ports/handovers.js';
import type { OutboxNotification, OutboxRow } from './ports/outbox.js';
import type { SessionRecord, StaffChange, StaffRecord } from './ports/staff.js';
import type { Handover, HandoverDraftInput, HandoverEvent, HandoverNote, HandoverStatus, Outcome, StaffPrincipal } from './schema.js';
import type { ServiceLevelOptions } from './service-levels.js';
import type { SqliteDatabase } from './sqlite-driver.js';
import { SqliteAuditLog } from './sqlite/audit.js';
import { SqliteChannelLinks } from './sqlite/channel-links.js';
import { SqliteHandovers } from './sqlite/handovers.js';
import { SqliteOutbox } from './sqlite/outbox.js';
import { SqliteRetention } from './sqlite/retention.js';
import { SqliteStaff } from './sqlite/staff.js';
import { openHandoverDatabase } from './sqlite/tables.js';
import type { HandoverStore } from './store.js';

export { MIGRATIONS, migrate, type Migration } from './sqlite/migrations.js';
export { notificationTarget } from './ports/outbox.js';

export interface SqliteStoreOptions {
  /** Directory for the database file (created, private to this user, if missing). */
  dataDir: string;
  /** File name within `dataDir` (default `handovers.sqlite`). */
  fileName?: string;
  /** The clock used for created, claimed, closed times (inject a fixed one in tests). */
  clock?: () => Date;
  /** Working hours, time zone and bank holidays for due times. */
  serviceLevels?: ServiceLevelOptions;
  /** How long to wait for another process's lock, ms (default 5000). */
  busyTimeoutMs?: number;
  /** Reference generator (default: crypto-random). Tests inject one to force collisions. */
  newReference?: () => string;
}

export const HANDOVER_DB_FILE = 'handovers.sqlite';

export class SqliteHandoverStore implements HandoverStore {
  /** The underlying connection, for tests and maintenance only. */
  readonly db: SqliteDatabase;
  readonly file: string;
  private readonly handovers: SqliteHandovers;
  private readonly retention: SqliteRetention;
  private readonly outbox: SqliteOutbox;
  private readonly staff: SqliteStaff;
  private readonly channels: SqliteChannelLinks;
  private readonly auditLog: SqliteAuditLog;

  constructor(options: SqliteStoreOptions) {
    this.file = join(options.dataDir, options.fileName ?? HANDOVER_DB_FILE);
    const { db, tables } = openHandoverDatabase(this.file, options.busyTimeoutMs);
    this.db = db;
    this.handovers = new SqliteHandovers(tables, options);
    this.retention = new SqliteRetention(tables);
    this.outbox = new SqliteOutbox(tables);
    this.staff = new SqliteStaff(tables);
    this.channels = new SqliteChannelLinks(tables);
    this.auditLog = new SqliteAuditLog(tables);
  }

  // ---- handovers (sqlite/handovers.ts, sqlite/retention.ts) ------------------------------

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

  // ---- outbox (sqlite/outbox.ts) ---------------------------------------------------------

  enqueueNotification(notification: OutboxNotification, now: Date): Promise<boolean> { return this.outbox.enqueueNotification(notification, now); }
  claimDueNotifications(now: Date, limit: number, leaseMs?: number): Promise<OutboxRow[]> { return this.outbox.claimDueNotifications(now, limit, leaseMs); }
  markDelivered(id: number, now: Date): Promise<void> { return this.outbox.markDelivered(id, now); }
  markFailed(id: number, lease: string, error: string, nextAttemptAt: Date): Promise<boolean> { return this.outbox.markFailed(id, lease, error, nextAttemptAt); }
  outboxStats(): Promise<{ pending: number; failing: number; delivered: number }> { return this.outbox.outboxStats(); }
  /** All outbox rows of a handover (tests and diagnostics). */
  outboxFor(reference: string): OutboxRow[] { return this.outbox.outboxFor(reference); }

  // ---- staff accounts and sessions (sqlite/staff.ts) -------------------------------------

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

  // ---- Teams channel links and the audit log (sqlite/channel-links.ts, sqlite/audit.ts) --

  saveChannelReference(target: string, reference: unknown, now: Date): Promise<void> { return this.channels.saveChannelReference(target, reference, now); }
  getChannelReference(target: string): Promise<unknown | null> { return this.channels.getChannelReference(target); }
  listChannelReferences(): Promise<ChannelLink[]> { return this.channels.listChannelReferences(); }
  audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void> { return this.auditLog.audit(entry, now); }
  listAudit(subject?: string): Promise<AuditEntry[]> { return this.auditLog.listAudit(subject); }

  // ---- maintenance ----------------------------------------------------------------------

  /** `PRAGMA integrity_check` result lines ('ok' when healthy). */
  integrityCheck(): string[] {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /**
   * A consistent copy of the whole database in `destination`, taken with SQLite's online
   * backup API while the bot keeps running. The copy is made private (0600): it holds the
   * same personal data as the live file.
   */
  async backupTo(destination: string): Promise<void> {
    await this.db.backup(destination);
    chmodSync(destination, 0o600);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating if needed) the handover database under `dataDir`. */
export function openHandoverStore(options: SqliteStoreOptions): SqliteHandoverStore {
  return new SqliteHandoverStore(options);
}
