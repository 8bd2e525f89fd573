/**
 * Builds the HTTP app around the core (app/core.ts): security headers (helmet, CSP), request
 * logs, the Bot Framework endpoint with its activity check, the embedded Direct Line and its
 * rate limits, the staff and family pages, and the JSON 404 and error answers. Kept apart
 * from the core so each can be read (and changed) without the other.
 */
import { formatIssues } from '../text/zod-issues.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ActivityEntity, ActivityId, ChannelAccount, ConversationAccount } from '../bot/activity-fields.js';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { insightRoutes } from '../insight/router.js';
import { staffRouter } from '../staff/router.js';
import { localityData } from '../triage/locality.js';
import { webRoutes } from '../web/routes.js';
import { webchatTokenHandler } from '../web/webchat-token.js';
import { trustedServiceUrl, type Config } from './config.js';
import { retryingStateConflicts } from '../bot/turn-retry.js';
import { liveRoutes } from '../staff/live.js';
import type { Core } from './core.js';
// Request logs, metrics, readiness and extra rate limits: see each file's comment.
import { botMessagesPerConversation, directLinePostsPerIp, perMinute } from './limits.js';
import { activityCorrelation, metricsEndpoint, readinessEndpoint, requestLogging } from './observability.js';
import { withCaller } from './request-context.js';

/** The minimum an incoming Bot Framework activity must have; botbuilder checks the rest. */
const BotActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: ActivityId.optional(),
    replyToId: ActivityId.optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().url().max(2048),
    // Fields botbuilder and Teams AI read without checking (see activity-fields.ts).
    conversation: ConversationAccount,
    from: ChannelAccount,
    recipient: ChannelAccount,
    locale: z.string().max(20).nullish(),
    entities: z.array(ActivityEntity).max(100).optional(), // null fails the turn too
    membersAdded: z.array(ChannelAccount).max(100).optional(),
    membersRemoved: z.array(ChannelAccount).max(100).optional(),
    text: z.string().max(10_000).optional(),
  })
  .passthrough();

/**
 * botbuilder answers a failed turn with status 500 and the error's message as the body
 * ("request to https://login.botframework.com/... failed"): any 5xx body becomes a generic
 * JSON error with the request's correlation id instead.
 */
function genericServerErrors(res: Response): Response {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    if (res.statusCode < 500) return send(body as never);
    res.type('application/json');
    return send(JSON.stringify({ error: 'Something went wrong on our side.', correlationId: String(res.locals.correlationId) }));
  }) as Response['send'];
  return res;
}

/**
 * Slow clients cannot hold connections: headers within 10 s, the whole request within 30 s
 * (Node's default is 300 s), and at most `maxPerAddress` open connections from one address.
 */
export function hardenServer(server: Server, maxPerAddress: number): void {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (maxPerAddress > 0 && count > maxPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

function securityHeaders(config: Config) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Web chat and Adaptive Cards inject their own styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", ...(config.DIRECTLINE_SECRET ? [new URL(config.DIRECTLINE_ENDPOINT).origin, 'wss:'] : [])],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
}

/** A per-minute limit with a JSON 429 answer; X-Forwarded-For is believed only per TRUST_PROXY, so no console noise about it. */
export function buildHttpApp(config: Config, core: Core, logger: Logger): express.Express {
  const { kb, storage, store, metrics, httpAdapter, bot, directLine, insightStore, directLineStore, attempts, live } = core;
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (default: none), so a client cannot rotate its rate-limit bucket.
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(requestLogging({ logger, metrics })); // first, so that every request is logged and timed
  app.use(securityHeaders(config));
  app.use(express.json({ limit: '64kb' }));
  app.use(activityCorrelation); // correlation id from the activity's conversation, for /api/messages

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(
    '/readyz',
    readinessEndpoint({
      logger,
      checks: {
        knowledge: () => kb.articles.length > 0,
        conversations: () => storage.read(['readyz']),
        handovers: () => store.outboxStats(),
      },
      info: () => ({ articles: kb.articles.length }),
    }),
  );
  // Counts only, no personal data; METRICS_TOKEN (optional) requires a bearer token.
  app.get('/metrics', metricsEndpoint(metrics, config.METRICS_TOKEN));

  // With DATABASE_URL every limit below is counted in PostgreSQL, so N instances allow no more than one (handover/pg/attempts.ts).
  const shared = (name: string) => attempts?.rateStore(name);
  const messagesLimiter = botMessagesPerConversation(config.authenticated, shared('messages-per-conversation')); // null when authenticated
  if (messagesLimiter) app.post('/api/messages', messagesLimiter);
  app.post('/api/messages', withCaller(config.authenticated)); // limits that outlive a conversation (request-context.ts)
  app.post('/api/messages', async (req, res) => {
    const parsed = BotActivity.safeParse(req.body);
    if (!parsed.success) {
      const message = formatIssues(parsed.error, { root: 'activity' });
      res.status(400).json({ error: 'invalid activity', message });
      return;
    }
    // In production replies go only to Bot Framework hosts: an activity cannot make the bot POST elsewhere.
    if (!trustedServiceUrl(parsed.data.serviceUrl, config.production)) {
      res.status(400).json({ error: 'invalid activity', message: 'serviceUrl: not a Bot Framework host' });
      return;
    }
    await httpAdapter.process(req, genericServerErrors(res), retryingStateConflicts(bot.run)); // an eTag conflict runs the turn again (bot/turn-retry.ts)
  });

  const tokenLimiter = perMinute(30, { error: 'Too many new chats from this network. Please wait a minute and try again.' }, { store: shared('new-chats') }); // JSON, like every other 4xx
  app.post('/api/webchat/token', tokenLimiter, webchatTokenHandler(config, directLine));
  const activityLimiter = perMinute(
    60,
    { error: { code: 'TooManyRequests', message: 'Too many messages in this conversation. Please wait a minute and try again.' } },
    { keyGenerator: (req) => `${req.params.conversationId ?? ''}`, store: shared('directline-posts-per-conversation') },
  );
  app.post('/v3/directline/conversations/:conversationId/activities', directLinePostsPerIp(shared('directline-posts-per-address'))); // per address, before per conversation
  app.post('/v3/directline/conversations/:conversationId/activities', activityLimiter, withCaller());
  app.use(directLine.router);
  app.use(
    '/staff',
    staffRouter({
      store,
      accounts: new StaffAccounts(store, { knownLocalities: localityData().localities.map((l) => l.id) }),
      logger,
      publicUrl: config.PUBLIC_URL,
      secureCookies: config.PUBLIC_URL.startsWith('https://'),
      attempts: attempts?.backoff,
      rateStore: attempts && ((name) => attempts.rateStore(name)),
      eraseConversations: async (reference) => (await core.liveEvents?.erase(reference), (await storage.eraseMentioning(reference)) + ((await directLineStore?.eraseMentioning(reference)) ?? 0)), // live chat lines are no conversation: not counted
      // The insight figures read the handover tables in SQL; on PostgreSQL the page is not offered yet (README, Insight).
      extraRoutes: {
        '/live': (tools) => liveRoutes({ ...tools, store, live }), // live chat with the family (staff/live.ts)
        '/insight': (tools) => insightRoutes({ ...tools, insight: insightStore, handoverFacts: core.insightFacts, kb }), // SQLite or PostgreSQL (app/core.ts)
      },
    }),
  );
  app.use(webRoutes(kb, { retentionDays: config.RETENTION_DAYS }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error }, 'request failed');
    const message =
      error.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON.'
        : error.type === 'entity.too.large'
          ? 'The request body is too large.'
          : status === 500
            ? 'Something went wrong.'
            : error.message;
    if (!res.headersSent) res.status(status).json({ error: message, ...(status === 500 ? { correlationId: String(res.locals.correlationId) } : {}) });
  });
  return app;
}
