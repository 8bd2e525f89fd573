/**
 * A turn whose conversation state lost an eTag race is run again (issue 17: "a conflict
 * retries the turn"). With several instances, two turns of one conversation can run at once
 * (two quick messages through a load balancer); each reads the state, and the second to save
 * finds it changed (PgStorage or SqliteStorage refuses the write). Rather than fail, the turn
 * runs again on the state as the other turn left it.
 *
 * So that the family sees each reply once, the messages a turn sends are held until the turn
 * (state save included) has finished, and only the successful attempt's are sent; typing goes
 * out at once (it is live only, and harmless twice). `holdUntilSaved` must be called before
 * any other send handler is registered on the context, so the hold comes first.
 */
import type { Activity, ResourceResponse, TurnContext } from 'botbuilder';

/** An eTag conflict from either state store (PgStorage's StorageConflictError, or SqliteStorage's error). */
export const isStateConflict = (error: unknown) =>
  error instanceof Error && (error.name === 'StorageConflictError' || /eTag conflict/.test(error.message));

/** Attempts at one turn before its conflict is reported as the turn's failure. */
export const TURN_ATTEMPTS = 3;

export function holdUntilSaved(context: TurnContext): { run(logic: (context: TurnContext) => Promise<void>): Promise<void> } {
  let held: Partial<Activity>[] = [];
  let holding = true;
  context.onSendActivities(async (_context, activities, next) => {
    if (!holding || activities.every((a) => a.type === 'typing')) return next();
    held.push(...activities);
    return activities.map((): ResourceResponse => ({ id: '' }));
  });
  return {
    async run(logic) {
      try {
        for (let attempt = 1; ; attempt++) {
          held = [];
          try {
            await logic(context);
            break;
          } catch (error) {
            if (!isStateConflict(error) || attempt >= TURN_ATTEMPTS) throw error;
          }
        }
      } finally {
        holding = false; // what an error handler sends goes straight out
      }
      if (held.length) await context.sendActivities(held);
    },
  };
}

/** `logic` run with `holdUntilSaved` (for an adapter's `process`, where no other send handler comes first). */
export const retryingStateConflicts =
  (logic: (context: TurnContext) => Promise<void>) =>
  (context: TurnContext): Promise<void> =>
    holdUntilSaved(context).run(logic);
