/** The audit log on SQLite: append-only (triggers refuse updates and deletes), times in epoch ms. */
import type { AuditEntry, AuditLog } from '../ports/audit.js';
import { iso } from './rows.js';
import type { SqliteTables } from './tables.js';

export class SqliteAuditLog implements AuditLog {
  constructor(private readonly t: SqliteTables) {}

  async audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void> {
    this.t.write(() =>
      this.t.db
        .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
        .run(now.getTime(), entry.actor.slice(0, 254), entry.action, entry.subject?.slice(0, 254) ?? null, JSON.stringify(entry.detail)),
    );
  }

  async listAudit(subject?: string): Promise<AuditEntry[]> {
    const rows = (
      subject === undefined
        ? this.t.db.prepare('SELECT * FROM audit_log ORDER BY id').all()
        : this.t.db.prepare('SELECT * FROM audit_log WHERE subject = ? ORDER BY id').all(subject)
    ) as { id: number; at: number; actor: string; action: AuditEntry['action']; subject: string | null; detail: string }[];
    return rows.map((r) => ({ ...r, at: iso(r.at), detail: JSON.parse(r.detail) as AuditEntry['detail'] }));
  }
}
