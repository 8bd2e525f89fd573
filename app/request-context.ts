/**
 * Express middleware that carries who is calling into the turn (conversation/caller.ts), for
 * limits that must not reset with a new conversation.
 */
import type { RequestHandler } from 'express';
import { runAsCaller } from '../conversation/caller.js';

/** Runs the rest of the request with its caller key; `bySender` keys by the activity's from.id (authenticated /api/messages). */
export function withCaller(bySender = false): RequestHandler {
  return (req, _res, next) => {
    const from = (req.body as { from?: { id?: unknown } } | undefined)?.from?.id;
    const address = bySender && typeof from === 'string' ? `user:${from.slice(0, 200)}` : `ip:${req.ip ?? 'unknown'}`;
    runAsCaller(address, () => next());
  };
}
