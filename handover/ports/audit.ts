/**
 * The audit log port: what staff and the service do that is not a handover's own event
 * (channel links, views, exports, account changes, erasures). Append-only, enforced by the
 * database; `detail` holds no personal data.
 */
import { z } from 'zod';

export const AuditAction = z.enum([
  'channel-linked',
  'channel-relinked',
  'handover-viewed',
  'handover-erased',
  'handover-exported',
  'staff-added',
  'staff-disabled',
  'staff-enabled',
  'staff-password-reset',
  'staff-signed-out',
  'staff-aad-linked',
  'insight-exported',
  'insight-marked',
  // Live chat (staff/live.ts): an officer joins, each message either way, safety alerts, leaving, the family going.
  'live-joined',
  'live-message',
  'live-family-message',
  'live-alert',
  'live-left',
  'live-family-left',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** One line of the append-only audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  /** A reference, a staff email or a locality id. */
  subject: string | null;
  detail: Record<string, string | number | boolean | null>;
}

export interface AuditLog {
  /** Appends to the audit log (append-only; no personal data in `detail`). */
  audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void>;
  /** The audit log, oldest first, optionally for one subject. */
  listAudit(subject?: string): Promise<AuditEntry[]>;
}
