/**
 * Who is on the other end of the request a turn runs in, for limits that must not reset with a
 * new conversation (reference checks, safeguarding handovers). The conversation code is
 * channel-neutral and never sees requests, so the HTTP layer (app/request-context.ts) runs the
 * turn inside `runAsCaller` and the handover port reads `callerKey()`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ address: string }>();

/** The caller's key for limits: the client address, or for signed Bot Framework traffic (one service address for every family) the channel's user id. */
export function callerKey(): string {
  return storage.getStore()?.address ?? 'unknown';
}

/** Runs `fn` (and everything it awaits) with `address` as the caller key. */
export function runAsCaller<T>(address: string, fn: () => T): T {
  return storage.run({ address }, fn);
}
