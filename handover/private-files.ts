/**
 * The one place the data directory and the SQLite files are created (issue 15, finding 2):
 * the directory 0700, every database file 0600, and its `-wal` and `-shm` too (SQLite gives
 * those the database file's mode, so the file is made 0600 before SQLite first opens it), with
 * `secure_delete` on so deleted rows are overwritten rather than left in free pages.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database, type SqliteDatabase } from './sqlite-driver.js';

/** Creates `dir` readable by this user only, and tightens it if it already exists more open. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/** chmod, ignoring file systems without permissions (the directory is private anyway). */
function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch {
    // e.g. a mounted volume that does not keep modes
  }
}

/** Makes a database file and its WAL and shared-memory files 0600 (those that exist). */
export function tightenDatabaseFiles(file: string): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) if (existsSync(path)) tighten(path, 0o600);
}

/** Opens (creating if needed) a SQLite file in a private directory, the file and its companions 0600, secure_delete on. */
export function openPrivateDatabase(file: string): SqliteDatabase {
  if (file === ':memory:') return new Database(file);
  ensurePrivateDir(dirname(file));
  closeSync(openSync(file, 'a', 0o600)); // before SQLite creates it with the umask's mode
  tightenDatabaseFiles(file);
  const db = new Database(file);
  db.pragma('secure_delete = ON');
  return db;
}

/** Folds the WAL into the database and truncates it, so old page images (deleted values) do not linger in `-wal`. */
export function checkpointTruncate(db: SqliteDatabase): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}
