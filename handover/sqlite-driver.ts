/**
 * The SQLite driver for the Node version we run on; both stores open their files through it.
 *
 * better-sqlite3 12 wraps its objects with Node's own `ObjectWrap`, whose header changed in
 * Node 24.19: when the garbage collector frees a statement outside a JavaScript context, the
 * process aborts ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook).
 * better-sqlite3 13 uses Node-API and has no such problem, but it needs Node 22 and crashes on
 * Node 20. Both are installed (13 under the alias `better-sqlite3-napi`, prebuilt, no compiler
 * needed); this picks 13 on Node 22 and later and 12 on Node 20. Their API is the same.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

export const Database = require(major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3') as typeof BetterSqlite3;
export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement<P extends unknown[] | {} = unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;
