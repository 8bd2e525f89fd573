/** Staff accounts, sessions, Teams channel links and the audit log, on PostgreSQL. */
import { HandoverStateError, type AuditEntry, type SessionRecord, type StaffChange, type StaffRecord } from '../store.js';
import { isUniqueViolation, PgBase } from './base.js';
import { toSession, toStaff, type PgSessionRow, type PgStaffRow } from './rows.js';

const key = (email: string) => email.trim().toLowerCase();

export class PgStaffBase extends PgBase {
  // ---- staff ----------------------------------------------------------------------------

  async insertStaff(record: StaffRecord): Promise<void> {
    try {
      await this.query(
        `INSERT INTO staff (email, role, locality_id, password_hash, created_at, disabled_at, aad_object_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [record.email, record.role, record.localityId, record.passwordHash, record.createdAt, record.disabledAt ?? null, record.aadObjectId ?? null],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'staff_pkey')) throw new HandoverStateError(`a staff account for ${record.email} already exists`);
      if (isUniqueViolation(error, 'staff_by_aad')) throw new HandoverStateError('that Entra ID object id already belongs to another account');
      throw error;
    }
  }

  async getStaff(email: string): Promise<StaffRecord | null> {
    const [row] = await this.query<PgStaffRow>('SELECT * FROM staff WHERE email = $1', [key(email)]);
    return row ? toStaff(row) : null;
  }

  async listStaff(): Promise<StaffRecord[]> {
    return (await this.query<PgStaffRow>('SELECT * FROM staff ORDER BY email COLLATE "C"')).map(toStaff);
  }

  async disableStaff(email: string, now: Date): Promise<boolean> {
    return this.tx(async (c) => {
      const changed = await c.query('UPDATE staff SET disabled_at = coalesce(disabled_at, $1) WHERE email = $2', [now, key(email)]);
      await c.query('DELETE FROM staff_sessions WHERE email = $1', [key(email)]);
      return changed.rowCount === 1;
    });
  }

  async getStaffByAad(aadObjectId: string): Promise<StaffRecord | null> {
    const [row] = await this.query<PgStaffRow>('SELECT * FROM staff WHERE aad_object_id = $1', [aadObjectId.trim().toLowerCase()]);
    return row ? toStaff(row) : null;
  }

  async updateStaff(email: string, change: StaffChange, _now: Date): Promise<boolean> {
    const k = key(email);
    return this.tx(async (c) => {
      if ((await c.query('SELECT 1 FROM staff WHERE email = $1 FOR UPDATE', [k])).rowCount === 0) return false;
      if (change.passwordHash !== undefined) await c.query('UPDATE staff SET password_hash = $1 WHERE email = $2', [change.passwordHash, k]);
      if (change.disabledAt !== undefined) await c.query('UPDATE staff SET disabled_at = $1 WHERE email = $2', [change.disabledAt, k]);
      if (change.aadObjectId !== undefined) {
        const aad = change.aadObjectId?.trim().toLowerCase() ?? null;
        if (aad) {
          const other = await c.query<{ email: string }>('SELECT email FROM staff WHERE aad_object_id = $1 AND email <> $2', [aad, k]);
          if (other.rows[0]) throw new HandoverStateError(`that Entra ID object id already belongs to ${other.rows[0].email}`);
        }
        try {
          await c.query('UPDATE staff SET aad_object_id = $1 WHERE email = $2', [aad, k]);
        } catch (error) {
          if (isUniqueViolation(error, 'staff_by_aad')) throw new HandoverStateError('that Entra ID object id already belongs to another account');
          throw error;
        }
      }
      if (change.passwordHash !== undefined || change.disabledAt !== undefined) await c.query('DELETE FROM staff_sessions WHERE email = $1', [k]);
      return true;
    });
  }

  // ---- sessions -------------------------------------------------------------------------

  async listSessions(email: string, now: Date): Promise<SessionRecord[]> {
    const rows = await this.query<PgSessionRow>('SELECT * FROM staff_sessions WHERE email = $1 AND expires_at > $2 ORDER BY created_at', [key(email), now]);
    return rows.map(toSession);
  }

  async deleteSessionsOf(email: string): Promise<number> {
    await this.ready;
    return (await this.pool.query('DELETE FROM staff_sessions WHERE email = $1', [key(email)])).rowCount ?? 0;
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.query('INSERT INTO staff_sessions (id_hash, email, created_at, expires_at, csrf_secret) VALUES ($1, $2, $3, $4, $5)', [
      s.idHash,
      s.email,
      s.createdAt,
      s.expiresAt,
      s.csrfSecret,
    ]);
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const [row] = await this.query<PgSessionRow>('SELECT * FROM staff_sessions WHERE id_hash = $1', [idHash]);
    return row ? toSession(row) : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
  }

  async purgeExpiredSessions(now: Date): Promise<number> {
    await this.ready;
    return (await this.pool.query('DELETE FROM staff_sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }

  // ---- Teams channels -------------------------------------------------------------------

  async saveChannelReference(target: string, reference: unknown, now: Date): Promise<void> {
    const json = JSON.stringify(reference);
    if (json === undefined || json.length > 20_000) throw new Error('channel reference must be JSON of at most 20,000 characters');
    await this.query(
      `INSERT INTO teams_channels (target, reference_json, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (target) DO UPDATE SET reference_json = excluded.reference_json, updated_at = excluded.updated_at`,
      [target, json, now],
    );
  }

  async getChannelReference(target: string): Promise<unknown | null> {
    const [row] = await this.query<{ reference_json: unknown }>('SELECT reference_json FROM teams_channels WHERE target = $1', [target]);
    return row === undefined ? null : row.reference_json;
  }

  async listChannelReferences(): Promise<{ target: string; reference: unknown; updatedAt: Date }[]> {
    const rows = await this.query<{ target: string; reference_json: unknown; updated_at: Date }>(
      'SELECT target, reference_json, updated_at FROM teams_channels ORDER BY target COLLATE "C"',
    );
    return rows.map((r) => ({ target: r.target, reference: r.reference_json, updatedAt: r.updated_at }));
  }

  // ---- audit log ------------------------------------------------------------------------

  async audit(entry: Omit<AuditEntry, 'id' | 'at'>, now: Date): Promise<void> {
    await this.query('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)', [
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
        ? await this.query<PgAuditRow>('SELECT * FROM audit_log ORDER BY id')
        : await this.query<PgAuditRow>('SELECT * FROM audit_log WHERE subject = $1 ORDER BY id', [subject]);
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
