/**
 * Rate limits for the public endpoints that the token and Direct Line limits in server.ts do
 * not already cover, with JSON 429 answers that say what to do.
 *
 * - Direct Line posts, per address (the per-conversation limit is in server.ts): one address
 *   can be a school or an office full of families behind one router, so the limit is generous;
 *   it stops one client from driving the bot with thousands of conversations.
 * - /api/messages when unauthenticated (local development only; production refuses to start
 *   without Bot Framework credentials): per conversation, generous (a person cannot type two
 *   messages a second for a minute). Not per address: everything comes from one machine there,
 *   and the load benchmark runs many conversations from one address. When authenticated,
 *   botbuilder accepts only activities signed by the Bot Framework Service, which sends every
 *   family's messages from its own few addresses: a per-address limit would throttle all
 *   families at once, and the Bot Framework Service already throttles per bot, so no limit here.
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import type { RateWindowStore } from '../handover/attempt-limiter.js';

export type RequestLimitOptions = Partial<Pick<Options, 'skip' | 'skipSuccessfulRequests' | 'handler' | 'message'>> & {
  /** The fixed window, ms. */
  windowMs: number;
  keyGenerator?: (req: Request) => string;
  store?: RateWindowStore | undefined;
};

/**
 * A fixed window of `limit` requests, answered 429 with `message` (or by `handler`), keyed by `keyGenerator`
 * (default: the client address, believed from X-Forwarded-For only per TRUST_PROXY); `store`: counts shared
 * by every instance (PostgreSQL with DATABASE_URL, handover/pg/attempts.ts), else this process's memory.
 * Every request limit of the service is one of these (the staff sign-in one too, staff/sign-in-routes.ts).
 */
export function requestLimit(limit: number, options: RequestLimitOptions): RequestHandler {
  const { store, ...rest } = options;
  return rateLimit({
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false }, // no console noise: see TRUST_PROXY
    ...rest,
    ...(store ? { store } : {}),
  });
}

/** `requestLimit` over one minute with a JSON 429 `message`. */
export function perMinute(
  limit: number,
  message: object,
  extra: Partial<Pick<Options, 'skip'>> & { keyGenerator?: (req: Request) => string; store?: RateWindowStore | undefined } = {},
): RequestHandler {
  return requestLimit(limit, { windowMs: 60_000, message, ...extra });
}

export const DIRECT_LINE_POSTS_PER_IP_PER_MINUTE = 300;
export const MESSAGES_PER_CONVERSATION_PER_MINUTE = 120;

export function directLinePostsPerIp(store?: RateWindowStore): RequestHandler {
  return perMinute(DIRECT_LINE_POSTS_PER_IP_PER_MINUTE, { error: { code: 'TooManyRequests', message: 'Too many messages from this network. Please wait a minute and try again.' } }, { store });
}

/** Null when authenticated (see above). Mount after the JSON parser: the key is the activity's conversation id. */
export function botMessagesPerConversation(authenticated: boolean, store?: RateWindowStore): RequestHandler | null {
  if (authenticated) return null;
  const conversationOf = (body: unknown) => (body as { conversation?: { id?: unknown } } | undefined)?.conversation?.id;
  return perMinute(
    MESSAGES_PER_CONVERSATION_PER_MINUTE,
    { error: 'too many requests', message: 'Too many messages in this conversation. Please wait a minute and try again.' },
    {
      // Activities without a usable conversation id are rejected by validation straight after.
      skip: (req) => {
        const id = conversationOf(req.body);
        return typeof id !== 'string' || id.length === 0 || id.length > 512;
      },
      keyGenerator: (req) => `conversation:${String(conversationOf(req.body))}`,
      store,
    },
  );
}
