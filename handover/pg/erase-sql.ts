/**
 * The statements that erase what mentions a reference in PostgreSQL, one per table, so the staff
 * page's erasure (through each store) and `deal handovers erase` (cli/erase-conversations.ts)
 * delete exactly the same rows. `$1` is the reference.
 */

/** The bot's conversation state whose stored value mentions the reference. */
export const ERASE_BOT_STATE = 'DELETE FROM bot_state WHERE strpos(value, $1) > 0';

/** Web chat conversations with an activity that mentions the reference (their activities go with them). */
export const ERASE_DIRECTLINE =
  'DELETE FROM directline_conversations c WHERE EXISTS (SELECT 1 FROM directline_activities a WHERE a.conversation_id = c.id AND strpos(a.body, $1) > 0)';

/** Live chat's lines of the reference, and their counter. */
export const ERASE_LIVE_EVENTS = 'DELETE FROM live_events WHERE reference = $1';
export const ERASE_LIVE_COUNTERS = 'DELETE FROM live_counters WHERE reference = $1';
