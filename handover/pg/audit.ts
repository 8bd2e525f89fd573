/** The audit log on PostgreSQL: append-only (triggers refuse updates and deletes). */
import type { AuditEntry, AuditLog } from '../ports/audit.js';
import type { PgTables } from './tables.js';

export class PgAuditLog implements AuditLog {
  constructor(private readonly t: PgTables) {}

  async audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void> {
    await this.t.query('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)', [
      now,
      entry.actor.slice(0, 254),
      entry.action,
      entry.subject?.slice(0, 254) ?? null,
      JSON.stringify(entry.detail),
    ]);
  }

  async listAudit(subject?: string): Promise<AuditEntry[]> {
    const rows =
      subject === undefined
        ? await this.t.query<PgAuditRow>('SELECT * FROM audit_log ORDER BY id')
        : await this.t.query<PgAuditRow>('SELECT * FROM audit_log WHERE subject = $1 ORDER BY id', [subject]);
    return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, subject: r.subject, detail: r.detail }));
  }
}

interface PgAuditRow {
  id: number;
  at: Date;
  actor: string;
  action: AuditEntry['action'];
  subject: string | null;
  detail: AuditEntry['detail'];
}
