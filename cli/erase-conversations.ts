/**
 * The conversations that mention a reference, deleted when a family's data is erased from the
 * command line (`deal handovers erase`), as the staff page's erasure deletes them: the bot's
 * conversation state in `conversations.sqlite` under DATA_DIR, or with DATABASE_URL the state, the
 * web chat transcripts and the live chat lines in PostgreSQL.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ERASE_BOT_STATE, ERASE_DIRECTLINE, ERASE_LIVE_COUNTERS, ERASE_LIVE_EVENTS } from '../handover/pg/erase-sql.js';
import type { PgHandoverStore } from '../handover/pg-store.js';
import { checkpointTruncate, openPrivateDatabase } from '../handover/private-files.js';

/**
 * With DATABASE_URL, what the staff page's erasure deletes too: the bot's conversation state, the
 * web chat transcripts and the live chat lines that mention the reference. Tables the server has
 * not created yet (it migrates them on start) are skipped. Returns the conversations deleted.
 */
export async function eraseSharedConversations(pool: PgHandoverStore['pool'], ref: string): Promise<number> {
  const exists = async (table: string) => (await pool.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table])).rows[0]?.t != null;
  let conversations = (await pool.query(ERASE_BOT_STATE, [ref])).rowCount ?? 0;
  if (await exists('directline_conversations')) {
    conversations += (await pool.query(ERASE_DIRECTLINE, [ref])).rowCount ?? 0;
  }
  if (await exists('live_events')) {
    await pool.query(ERASE_LIVE_EVENTS, [ref]);
    await pool.query(ERASE_LIVE_COUNTERS, [ref]);
  }
  return conversations;
}

/** Deletes the bot's conversation state that mentions `reference`, if the conversation database exists. */
export function eraseConversationState(dataDir: string, reference: string): number {
  const file = join(dataDir, 'conversations.sqlite');
  if (!existsSync(file)) return 0;
  const db = openPrivateDatabase(file); // the same table as bot/state-storage.ts's eraseMentioning
  try {
    db.pragma('busy_timeout = 5000');
    const deleted = db.prepare('DELETE FROM bot_state WHERE instr(value, ?) > 0').run(reference).changes;
    checkpointTruncate(db);
    return deleted;
  } finally {
    db.close();
  }
}
