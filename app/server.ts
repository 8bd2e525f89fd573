/**
 * Builds the whole service in one process: the Bot Framework endpoint for Teams and Azure,
 * the embedded Direct Line and web chat page, and the public article pages.
 * `createService` wires it without listening, so tests drive the same app over HTTP.
 */
import { WindowCounter } from '../handover/attempt-limiter.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { FrontDoor } from '../conversation/front-door.js';
import { LiveChat } from '../conversation/live-chat.js';
import { OfficeHours } from '../conversation/office-hours.js';
import { createLiveChannel, linkHandovers } from '../bot/proactive.js';
import { liveRoutes } from '../staff/live.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { checkSafety } from '../safety/safety.js';
import { checkWithNet, defaultSafetyNet } from '../safety/safety-net.js';
import { answerFailedTurns, createHttpAdapter, createInProcessAdapter } from '../bot/adapter.js';
import { createBotApp } from '../bot/app.js';
import { trustedServiceUrl, type Config } from './config.js';
import { DirectLine } from '../bot/directline.js';
import { createFlows } from '../conversation/flows.js';
import { createHandoverPort } from '../conversation/handover-port.js';
import { createLogger } from './logger.js';
import { SqliteStorage } from '../bot/state-storage.js';
import { PgStorage } from '../bot/pg-state-storage.js';
import { configureTeams, createTeamsSender } from '../bot/teams.js';
import { DEFAULT_TEAMS_LINKS_FILE, loadTeamsLinks } from '../bot/teams-links.js';
import { webRoutes } from '../web/routes.js';
import { webchatTokenHandler } from '../web/webchat-token.js';
import { withCaller } from './request-context.js';
import { formatIssues } from '../text/zod-issues.js';
import { rateLimit } from 'express-rate-limit';
import { DEFAULT_BACKOFF, OutboxWorker } from '../handover/outbox-worker.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import { createHandoverStore, storeReady } from '../handover/store-factory.js';
import type { HandoverStore } from '../handover/store.js';
import { loadRouteGuide } from '../triage/engine.js';
import { StaffAccounts } from '../handover/staff-accounts.js';
import { staffRouter } from '../staff/router.js';
import { localityData } from '../triage/locality.js';
// Request logs, metrics, readiness and extra rate limits: see each file's comment.
import { botMessagesPerConversation, directLinePostsPerIp } from './limits.js';
import { createMetrics } from './metrics.js';
import { activityCorrelation, metricsEndpoint, readinessEndpoint, requestLogging } from './observability.js';
import { createInsightRecorder } from '../insight/recorder.js';
import { insightRoutes } from '../insight/router.js';
import { InsightStore } from '../insight/store.js';
import { ActivityEntity, ActivityId, ChannelAccount, ConversationAccount } from '../bot/activity-fields.js';

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

export type Service = {
  app: express.Express;
  kb: KnowledgeBase;
  /** SQLite under DATA_DIR, or PostgreSQL when DATABASE_URL is set. */
  store: HandoverStore;
  /** Resolves when the handover database is usable (PostgreSQL: connected and migrated); rejects when it is not. */
  ready: Promise<void>;
  outbox: OutboxWorker | null;
  search: KnowledgeSearch;
  logger: Logger;
  directLine: DirectLine;
  /** Retention now (as every 15 minutes): idle conversations, closed handovers' personal data, expired sessions. */
  housekeeping(now?: Date): Promise<void>;
  listen(port?: number): Promise<Server>;
  close(): Promise<void>;
};

export function createService(config: Config, opts: { logger?: Logger; knowledgeDir?: string } = {}): Service {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const kb = loadKnowledgeBase(opts.knowledgeDir);
  const search = new KnowledgeSearch(kb);
  checkSafety(''); // compile the safety patterns now, not on a family's first message
  // The second net learns ordinary questions from the articles too (see safety/safety-net.ts).
  const checkMessage = checkWithNet(defaultSafetyNet(kb.articles.flatMap((a) => [a.title, ...a.questions])));
  const glossary = new Glossary(kb.glossary);
  // Conversation state: shared in PostgreSQL with DATABASE_URL (any instance takes the next turn), else SQLite under DATA_DIR.
  const storage = config.DATABASE_URL
    ? new PgStorage({
        connectionString: config.DATABASE_URL,
        ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
        onPoolError: (error) => logger.warn({ err: error }, 'conversation state connection lost'),
      })
    : new SqliteStorage(join(config.DATA_DIR, 'conversations.sqlite'));
  const store = createHandoverStore(config, { onPoolError: (error) => logger.warn({ err: error }, 'handover database connection lost') });
  const ready = Promise.all([storeReady(store), storage instanceof PgStorage ? storage.ready : undefined]).then(() => undefined);
  ready.catch(() => {}); // reported by main.ts, /readyz and the first request that needs it
  const routes = loadRouteGuide();

  const httpAdapter = createHttpAdapter(config);
  const localAdapter = createInProcessAdapter();
  const links = loadTeamsLinks(config.TEAMS_LINKS_FILE ?? DEFAULT_TEAMS_LINKS_FILE, [...localityData().localities.map((l) => l.id), 'lead']);
  const teamsDeps = { store, publicUrl: config.PUBLIC_URL, routes, logger, links, serviceTenant: config.MicrosoftAppTenantId ?? null };
  // Teams cards need the bot's credentials; without them handovers wait in the outbox and on the staff page.
  const outbox = config.MicrosoftAppId
    ? new OutboxWorker({
        store,
        logger,
        send: createTeamsSender({ adapter: httpAdapter, botAppId: config.MicrosoftAppId, deps: teamsDeps }),
        pollIntervalMs: config.OUTBOX_POLL_MS,
        sendTimeoutMs: config.OUTBOX_SEND_TIMEOUT_MS,
        backoff: { ...DEFAULT_BACKOFF, baseMs: config.OUTBOX_BACKOFF_BASE_MS },
      })
    : null;

  const handovers = createHandoverPort({
    store,
    logger,
    retentionDays: config.RETENTION_DAYS,
    onCreated: () => outbox?.wake(),
    immediateCap: new WindowCounter(config.IMMEDIATE_HANDOVERS_PER_HOUR, 3_600_000),
  });
  const flows = createFlows({ kb, publicUrl: config.PUBLIC_URL, handovers });
  const live = new LiveChat({ kb, hours: OfficeHours.load() }); // an officer in the family's chat (conversation/live-chat.ts)
  const frontDoor = new FrontDoor({ kb, search, glossary, checkSafety: checkMessage, publicUrl: config.PUBLIC_URL, ...flows, live });
  const metrics = createMetrics({ outboxStats: () => store.outboxStats() });
  const insightStore = new InsightStore({ dataDir: config.DATA_DIR }); // anonymous outcomes for /staff/insight (insight/)
  const insight = createInsightRecorder({ store: insightStore, kb, logger });
  const bot = createBotApp({
    frontDoor,
    storage,
    adapter: httpAdapter,
    hooks: {
      configure: (application) => (configureTeams(application, teamsDeps), linkHandovers(application, { storage, embeddedAdapter: localAdapter })),
      onTurn: (turn) => (metrics.onTurn(turn), insight.onTurn(turn)),
      onWelcome: insight.onOpened,
    },
  });
  answerFailedTurns(logger, httpAdapter, localAdapter);

  const secret = config.SESSION_SECRET ? Buffer.from(config.SESSION_SECRET) : randomBytes(32);
  const directLine = new DirectLine({
    secret,
    serviceUrl: config.PUBLIC_URL,
    runTurn: (activity, send) => localAdapter.runTurn(activity, (context) => bot.run(context).then(() => undefined), send),
  });
  live.connect(createLiveChannel({ storage, directLine, embeddedAdapter: localAdapter, adapter: httpAdapter, botAppId: config.MicrosoftAppId }));

  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (default: none), so a client cannot rotate its rate-limit bucket.
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(requestLogging({ logger, metrics })); // first, so that every request is logged and timed
  app.use(
    helmet({
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
    }),
  );
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

  const messagesLimiter = botMessagesPerConversation(config.authenticated); // null when authenticated
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
    await httpAdapter.process(req, genericServerErrors(res), (context) => bot.run(context).then(() => undefined));
  });

  const tokenLimiter = rateLimit({
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false }, // X-Forwarded-For is believed only per TRUST_PROXY; no console noise
    message: { error: 'Too many new chats from this network. Please wait a minute and try again.' }, // JSON, like every other 4xx
  });
  app.post('/api/webchat/token', tokenLimiter, webchatTokenHandler(config, directLine));
  const activityLimiter = rateLimit({
    windowMs: 60_000,
    limit: 60,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false }, // X-Forwarded-For is believed only per TRUST_PROXY; no console noise
    keyGenerator: (req) => `${req.params.conversationId ?? ''}`,
    message: { error: { code: 'TooManyRequests', message: 'Too many messages in this conversation. Please wait a minute and try again.' } },
  });
  app.post('/v3/directline/conversations/:conversationId/activities', directLinePostsPerIp()); // per address, before per conversation
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
      eraseConversations: (reference) => storage.eraseMentioning(reference),
      // The insight figures read the handover tables in SQL; on PostgreSQL the page is not offered yet (README, Insight).
      extraRoutes: {
        '/live': (tools) => liveRoutes({ ...tools, store, live }),
        ...(store instanceof SqliteHandoverStore ? { '/insight': (tools) => insightRoutes({ ...tools, insight: insightStore, handovers: store, kb }) } : {}),
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

  let server: Server | null = null;
  const housekeeping = async (now = new Date()) => {
    const conversations = await storage.purgeIdle(config.CONVERSATION_TTL_HOURS * 3_600_000, now.getTime()); // SQLite: also checkpoints the WAL
    const handoversPurged = await store.purgeResolvedOlderThan(config.RETENTION_DAYS, now);
    await store.purgeExpiredSessions(now);
    insightStore.purgeOlderThan(config.INSIGHT_RETENTION_DAYS, now);
    if (conversations || handoversPurged) logger.info({ conversations, handovers: handoversPurged }, 'retention: deleted old personal data');
  };
  const purge = setInterval(() => void housekeeping().catch((error: Error) => logger.error({ err: error.message }, 'retention failed')), 15 * 60_000);
  purge.unref();
  outbox?.start();

  return {
    app,
    kb,
    store,
    ready,
    outbox,
    search,
    logger,
    directLine,
    housekeeping,
    listen(port = config.PORT) {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, config.HOST, (error?: Error) => (error ? reject(error) : resolve(s)));
        hardenServer(s, config.MAX_CONNECTIONS_PER_ADDRESS);
        directLine.attach(s); // streaming Direct Line (WebSocket upgrades)
        server = s;
      });
    },
    async close() {
      clearInterval(purge);
      live.close();
      directLine.closeStreams();
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        // server.close() waits for requests in flight; a keep-alive connection that finishes its
        // request meanwhile would hold it open until it times out, so close those as they go idle.
        const sweep = setInterval(() => server!.closeIdleConnections(), 50);
        await closed.finally(() => clearInterval(sweep));
      }
      await outbox?.stop();
      await storage.close();
      insightStore.close();
      await store.close();
    },
  };
}
