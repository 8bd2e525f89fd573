/**
 * Staff accounts and their sessions on PostgreSQL. Emails and Entra ID object ids are matched
 * lower-cased; unique violations become the same `HandoverStateError`s SQLite throws, and a
 * change that should end an account's sessions deletes them in the same transaction.
 */
import { HandoverStateError } from '../ports/errors.js';
import type { SessionRecord, StaffChange, StaffDirectory, StaffRecord } from '../ports/staff.js';
import { isUniqueViolation } from './base.js';
import { toSession, toStaff, type PgSessionRow, type PgStaffRow } from './rows.js';
import type { PgTables } from './tables.js';

const key = (email: string) => email.trim().toLowerCase();

export class PgStaff implements StaffDirectory {
  constructor(private readonly t: PgTables) {}

  // ---- staff ----------------------------------------------------------------------------

  async insertStaff(record: StaffRecord): Promise<void> {
    try {
      await this.t.query(
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
    const [row] = await this.t.query<PgStaffRow>('SELECT * FROM staff WHERE email = $1', [key(email)]);
    return row ? toStaff(row) : null;
  }

  async listStaff(): Promise<StaffRecord[]> {
    return (await this.t.query<PgStaffRow>('SELECT * FROM staff ORDER BY email COLLATE "C"')).map(toStaff);
  }

  async disableStaff(email: string, now: Date): Promise<boolean> {
    return this.t.tx(async (c) => {
      const changed = await c.query('UPDATE staff SET disabled_at = coalesce(disabled_at, $1) WHERE email = $2', [now, key(email)]);
      await c.query('DELETE FROM staff_sessions WHERE email = $1', [key(email)]);
      return changed.rowCount === 1;
    });
  }

  async getStaffByAad(aadObjectId: string): Promise<StaffRecord | null> {
    const [row] = await this.t.query<PgStaffRow>('SELECT * FROM staff WHERE aad_object_id = $1', [aadObjectId.trim().toLowerCase()]);
    return row ? toStaff(row) : null;
  }

  async updateStaff(email: string, change: StaffChange, _now: Date): Promise<boolean> {
    const k = key(email);
    return this.t.tx(async (c) => {
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
    const rows = await this.t.query<PgSessionRow>('SELECT * FROM staff_sessions WHERE email = $1 AND expires_at > $2 ORDER BY created_at', [key(email), now]);
    return rows.map(toSession);
  }

  async deleteSessionsOf(email: string): Promise<number> {
    return this.t.count('DELETE FROM staff_sessions WHERE email = $1', [key(email)]);
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.t.query('INSERT INTO staff_sessions (id_hash, email, created_at, expires_at, csrf_secret) VALUES ($1, $2, $3, $4, $5)', [
      s.idHash,
      s.email,
      s.createdAt,
      s.expiresAt,
      s.csrfSecret,
    ]);
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const [row] = await this.t.query<PgSessionRow>('SELECT * FROM staff_sessions WHERE id_hash = $1', [idHash]);
    return row ? toSession(row) : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.t.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
  }

  async purgeExpiredSessions(now: Date): Promise<number> {
    return this.t.count('DELETE FROM staff_sessions WHERE expires_at <= $1', [now]);
  }
}
