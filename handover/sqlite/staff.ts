/**
 * Staff accounts and their sessions on SQLite. Emails and Entra ID object ids are matched
 * lower-cased; a change that should end an account's sessions deletes them in its own
 * transaction, so a disabled account is signed out everywhere at once.
 */
import { HandoverStateError } from '../ports/errors.js';
import type { SessionRecord, StaffChange, StaffDirectory, StaffRecord } from '../ports/staff.js';
import { toSession, toStaff, type SessionDbRow, type StaffDbRow } from './rows.js';
import type { SqliteTables } from './tables.js';

const key = (email: string) => email.trim().toLowerCase();

export class SqliteStaff implements StaffDirectory {
  constructor(private readonly t: SqliteTables) {}

  async insertStaff(record: StaffRecord): Promise<void> {
    this.t.write(() => {
      if (this.t.db.prepare('SELECT 1 FROM staff WHERE email = ?').get(record.email)) {
        throw new HandoverStateError(`a staff account for ${record.email} already exists`);
      }
      this.t.db
        .prepare('INSERT INTO staff (email, role, locality_id, password_hash, created_at, disabled_at, aad_object_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          record.email,
          record.role,
          record.localityId,
          record.passwordHash,
          record.createdAt.getTime(),
          record.disabledAt?.getTime() ?? null,
          record.aadObjectId ?? null,
        );
    });
  }

  async getStaff(email: string): Promise<StaffRecord | null> {
    const row = this.t.db.prepare('SELECT * FROM staff WHERE email = ?').get(key(email)) as StaffDbRow | undefined;
    return row ? toStaff(row) : null;
  }

  async listStaff(): Promise<StaffRecord[]> {
    return (this.t.db.prepare('SELECT * FROM staff ORDER BY email').all() as StaffDbRow[]).map(toStaff);
  }

  async disableStaff(email: string, now: Date): Promise<boolean> {
    const k = key(email);
    return this.t.write(() => {
      const changed = this.t.db.prepare('UPDATE staff SET disabled_at = coalesce(disabled_at, ?) WHERE email = ?').run(now.getTime(), k).changes;
      this.t.db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(k);
      return changed === 1;
    });
  }

  async getStaffByAad(aadObjectId: string): Promise<StaffRecord | null> {
    const row = this.t.db.prepare('SELECT * FROM staff WHERE aad_object_id = ?').get(aadObjectId.trim().toLowerCase()) as StaffDbRow | undefined;
    return row ? toStaff(row) : null;
  }

  async updateStaff(email: string, change: StaffChange, _now: Date): Promise<boolean> {
    const k = key(email);
    const db = this.t.db;
    return this.t.write(() => {
      if (!db.prepare('SELECT 1 FROM staff WHERE email = ?').get(k)) return false;
      if (change.passwordHash !== undefined) db.prepare('UPDATE staff SET password_hash = ? WHERE email = ?').run(change.passwordHash, k);
      if (change.disabledAt !== undefined) db.prepare('UPDATE staff SET disabled_at = ? WHERE email = ?').run(change.disabledAt?.getTime() ?? null, k);
      if (change.aadObjectId !== undefined) {
        const aad = change.aadObjectId?.trim().toLowerCase() ?? null;
        const other = aad ? (db.prepare('SELECT email FROM staff WHERE aad_object_id = ? AND email <> ?').pluck().get(aad, k) as string | undefined) : undefined;
        if (other) throw new HandoverStateError(`that Entra ID object id already belongs to ${other}`);
        db.prepare('UPDATE staff SET aad_object_id = ? WHERE email = ?').run(aad, k);
      }
      if (change.passwordHash !== undefined || change.disabledAt !== undefined) db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(k);
      return true;
    });
  }

  // ---- sessions -------------------------------------------------------------------------

  async listSessions(email: string, now: Date): Promise<SessionRecord[]> {
    const rows = this.t.db
      .prepare('SELECT * FROM staff_sessions WHERE email = ? AND expires_at > ? ORDER BY created_at')
      .all(key(email), now.getTime()) as SessionDbRow[];
    return rows.map(toSession);
  }

  async deleteSessionsOf(email: string): Promise<number> {
    return this.t.write(() => this.t.db.prepare('DELETE FROM staff_sessions WHERE email = ?').run(key(email)).changes);
  }

  async insertSession(s: SessionRecord): Promise<void> {
    this.t.write(() => {
      this.t.db
        .prepare('INSERT INTO staff_sessions (id_hash, email, created_at, expires_at, csrf_secret) VALUES (?, ?, ?, ?, ?)')
        .run(s.idHash, s.email, s.createdAt.getTime(), s.expiresAt.getTime(), s.csrfSecret);
    });
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const row = this.t.db.prepare('SELECT * FROM staff_sessions WHERE id_hash = ?').get(idHash) as SessionDbRow | undefined;
    return row ? toSession(row) : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    this.t.write(() => this.t.db.prepare('DELETE FROM staff_sessions WHERE id_hash = ?').run(idHash));
  }

  async purgeExpiredSessions(now: Date): Promise<number> {
    return this.t.write(() => this.t.db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?').run(now.getTime()).changes);
  }
}
