/**
 * One object for every port, as the server and the CLI want it: `ComposedHandoverStore`
 * hands each method to the table group that keeps it. The SQLite and PostgreSQL stores both
 * extend it with their own connection (and close it), so the list of ports, and what goes
 * where, is written once.
 */
import type { AuditEntry, AuditLog } from './ports/audit.js';
import type { ChannelLink, ChannelLinks } from './ports/channel-links.js';
import type { HandoverCasework, HandoverIntake, HandoverRetention, ListOptions } from './ports/handovers.js';
import type { NotificationOutbox, OutboxNotification, OutboxRow } from './ports/outbox.js';
import type { SessionRecord, StaffChange, StaffDirectory, StaffRecord } from './ports/staff.js';
import type { Handover, HandoverDraftInput, HandoverEvent, HandoverNote, HandoverStatus, Outcome, StaffPrincipal } from './schema.js';
import type { HandoverStore } from './store.js';

/** The table groups of one database, each keeping one port. */
export interface StoreParts {
  handovers: HandoverIntake & HandoverCasework;
  retention: HandoverRetention;
  outbox: NotificationOutbox;
  staff: StaffDirectory;
  channels: ChannelLinks;
  audit: AuditLog;
}

export abstract class ComposedHandoverStore implements HandoverStore {
  constructor(private readonly parts: StoreParts) {}

  /** Closes the connection the parts share. */
  abstract close(): Promise<void>;

  // ---- handovers -------------------------------------------------------------------

  createHandover(draft: HandoverDraftInput): Promise<Handover> { return this.parts.handovers.createHandover(draft); }
  checkStatus(reference: string, contactDetail: string): Promise<HandoverStatus | null> { return this.parts.handovers.checkStatus(reference, contactDetail); }
  getHandover(reference: string): Promise<Handover | null> { return this.parts.handovers.getHandover(reference); }
  getHandoverFor(principal: StaffPrincipal, reference: string): Promise<Handover | null> { return this.parts.handovers.getHandoverFor(principal, reference); }
  listHandovers(options: ListOptions): Promise<Handover[]> { return this.parts.handovers.listHandovers(options); }
  claimHandover(reference: string, actor: StaffPrincipal, options?: { takeOver?: boolean }): Promise<Handover> { return this.parts.handovers.claimHandover(reference, actor, options); }
  addNote(reference: string, actor: StaffPrincipal, text: string): Promise<HandoverNote> { return this.parts.handovers.addNote(reference, actor, text); }
  listNotes(reference: string, actor: StaffPrincipal): Promise<HandoverNote[]> { return this.parts.handovers.listNotes(reference, actor); }
  resolveHandover(reference: string, actor: StaffPrincipal, outcome: Outcome, note?: string): Promise<Handover> { return this.parts.handovers.resolveHandover(reference, actor, outcome, note); }
  listEvents(reference: string): Promise<HandoverEvent[]> { return this.parts.handovers.listEvents(reference); }
  purgeResolvedOlderThan(days: number, now: Date): Promise<number> { return this.parts.retention.purgeResolvedOlderThan(days, now); }
  eraseHandover(reference: string, actor: string, reason: string, now: Date): Promise<Handover> { return this.parts.retention.eraseHandover(reference, actor, reason, now); }

  // ---- outbox ----------------------------------------------------------------------

  enqueueNotification(notification: OutboxNotification, now: Date): Promise<boolean> { return this.parts.outbox.enqueueNotification(notification, now); }
  claimDueNotifications(now: Date, limit: number, leaseMs?: number): Promise<OutboxRow[]> { return this.parts.outbox.claimDueNotifications(now, limit, leaseMs); }
  markDelivered(id: number, now: Date): Promise<void> { return this.parts.outbox.markDelivered(id, now); }
  markFailed(id: number, lease: string, error: string, nextAttemptAt: Date): Promise<boolean> { return this.parts.outbox.markFailed(id, lease, error, nextAttemptAt); }
  outboxStats(): Promise<{ pending: number; failing: number; delivered: number }> { return this.parts.outbox.outboxStats(); }

  // ---- staff accounts and sessions -------------------------------------------------

  insertStaff(record: StaffRecord): Promise<void> { return this.parts.staff.insertStaff(record); }
  getStaff(email: string): Promise<StaffRecord | null> { return this.parts.staff.getStaff(email); }
  listStaff(): Promise<StaffRecord[]> { return this.parts.staff.listStaff(); }
  disableStaff(email: string, now: Date): Promise<boolean> { return this.parts.staff.disableStaff(email, now); }
  getStaffByAad(aadObjectId: string): Promise<StaffRecord | null> { return this.parts.staff.getStaffByAad(aadObjectId); }
  updateStaff(email: string, change: StaffChange, now: Date): Promise<boolean> { return this.parts.staff.updateStaff(email, change, now); }
  listSessions(email: string, now: Date): Promise<SessionRecord[]> { return this.parts.staff.listSessions(email, now); }
  deleteSessionsOf(email: string): Promise<number> { return this.parts.staff.deleteSessionsOf(email); }
  insertSession(session: SessionRecord): Promise<void> { return this.parts.staff.insertSession(session); }
  getSession(idHash: string): Promise<SessionRecord | null> { return this.parts.staff.getSession(idHash); }
  deleteSession(idHash: string): Promise<void> { return this.parts.staff.deleteSession(idHash); }
  purgeExpiredSessions(now: Date): Promise<number> { return this.parts.staff.purgeExpiredSessions(now); }

  // ---- Teams channel links and the audit log ---------------------------------------

  saveChannelReference(target: string, reference: unknown, now: Date): Promise<void> { return this.parts.channels.saveChannelReference(target, reference, now); }
  getChannelReference(target: string): Promise<unknown | null> { return this.parts.channels.getChannelReference(target); }
  listChannelReferences(): Promise<ChannelLink[]> { return this.parts.channels.listChannelReferences(); }
  audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void> { return this.parts.audit.audit(entry, now); }
  listAudit(subject?: string): Promise<AuditEntry[]> { return this.parts.audit.listAudit(subject); }
}
