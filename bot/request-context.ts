/**
 * Who is on the other end of the HTTP request a turn runs in, for limits that must not reset
 * with a new conversation (reference checks, safeguarding handovers): carried into the turn
 * with AsyncLocalStorage, as the conversation code is channel-neutral and never sees requests.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';

const storage = new AsyncLocalStorage<{ address: string }>();

/** The caller's key for limits: the client address, or for signed Bot Framework traffic (one service address for every family) the channel's user id. */
export function callerKey(): string {
  return storage.getStore()?.address ?? 'unknown';
}

/** Runs the rest of the request with its caller key; `bySender` keys by the activity's from.id (authenticated /api/messages). */
export function withCaller(bySender = false): RequestHandler {
  return (req, _res, next) => {
    const from = (req.body as { from?: { id?: unknown } } | undefined)?.from?.id;
    const address = bySender && typeof from === 'string' ? `user:${from.slice(0, 200)}` : `ip:${req.ip ?? 'unknown'}`;
    storage.run({ address }, () => next());
  };
}
