/**
 * The handover repository: the one object behind which handovers, their notes and events,
 * the notification outbox, staff accounts and sessions, Teams channel links and the audit log
 * are kept. It is the composition of one port per concern (handover/ports/), so each caller
 * depends on the narrowest port it uses; the server and the CLI build one object that
 * implements them all: `handover/sqlite-store.ts` (SQLite) or `handover/pg-store.ts`
 * (PostgreSQL), picked by `handover/store-factory.ts`.
 *
 * Methods return promises so that either store fits, even though SQLite answers
 * synchronously. The promises each port keeps are in its doc comment; the shared contract
 * tests (tests/helpers/store-contract.ts) check both stores against them.
 */
import type { AuditLog } from './ports/audit.js';
import type { ChannelLinks } from './ports/channel-links.js';
import type { HandoverRecords } from './ports/handovers.js';
import type { NotificationOutbox } from './ports/outbox.js';
import type { StaffDirectory } from './ports/staff.js';

export { AuditAction, type AuditEntry, type AuditLog } from './ports/audit.js';
export type { ChannelLink, ChannelLinks } from './ports/channel-links.js';
export { HandoverNotFoundError, HandoverStateError, HandoverValidationError } from './ports/errors.js';
export {
  canAccess,
  scopeFor,
  type HandoverCasework,
  type HandoverIntake,
  type HandoverRecords,
  type HandoverRetention,
  type HandoverScope,
  type ListOptions,
} from './ports/handovers.js';
export { OutboxKind, type NotificationOutbox, type OutboxNotification, type OutboxRow } from './ports/outbox.js';
export type { SessionRecord, StaffChange, StaffDirectory, StaffRecord } from './ports/staff.js';

/** Every port on one set of tables, plus closing its connection. */
export interface HandoverStore extends HandoverRecords, NotificationOutbox, StaffDirectory, ChannelLinks, AuditLog {
  close(): Promise<void>;
}
