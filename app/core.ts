/**
 * Builds the core of the service: knowledge and search, safety, the stores (conversation state
 * and handovers), the flows and the front door, the bot that runs turns on the two adapters, and
 * the embedded Direct Line. Nothing here listens or knows about HTTP routes (that is app/http.ts),
 * so the same core can sit behind another host.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { LiveChat } from '../conversation/live-chat.js';
import { OfficeHours } from '../conversation/office-hours.js';
import { createLiveChannel, linkHandoverHooks, linkHandovers } from '../bot/proactive.js';
import { FrontDoor } from '../conversation/front-door.js';
import { createFlows } from '../conversation/flows.js';
import { createHandoverPort } from '../conversation/handover-port.js';
import { Glossary } from '../knowledge/glossary.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/load.js';
import { KnowledgeSearch } from '../knowledge/search.js';
import { loadPhrasing } from '../knowledge/search/phrasing.js';
import { checkSafety } from '../safety/safety.js';
import { checkWithNet, defaultSafetyNet, knowledgeBaseOrdinary } from '../safety/safety-net.js';
import { answerFailedTurns, createHttpAdapter, createInProcessAdapter, type InProcessAdapter } from '../bot/adapter.js';
import { createBot, type Bot } from '../bot/app.js';
import { DirectLine } from '../bot/directline.js';
import { SqliteStorage } from '../bot/state-storage.js';
import { PgStorage } from '../bot/pg-state-storage.js';
import { configureTeams, createTeamsSender } from '../bot/teams.js';
import { DEFAULT_TEAMS_LINKS_FILE, loadTeamsLinks } from '../bot/teams-links.js';
import { ReferenceCheckLimiter, WindowCounter } from '../handover/attempt-limiter.js';
import { PgAttempts } from '../handover/pg/attempts.js';
import { PgDirectLineStore } from '../bot/directline-pg-store.js';
import { PgListener } from '../handover/pg/listener.js';
import { PgLiveEvents } from '../handover/pg/live-events.js';
import { DEFAULT_BACKOFF, OutboxWorker } from '../handover/outbox-worker.js';
import { createHandoverStore, storeReady } from '../handover/store-factory.js';
import type { HandoverStore } from '../handover/store.js';
import { loadRouteGuide } from '../triage/engine.js';
import { localityData } from '../triage/locality.js';
import { createInsightRecorder } from '../insight/recorder.js';
import { warmRecognizers } from '../understanding/recognizers.js';
import { InsightStore, type OutcomeStore } from '../insight/store.js';
import { PgInsightStore } from '../insight/pg-store.js';
import type { HandoverFactsSource } from '../insight/figures.js';
import { handoverFacts } from '../insight/handover-figures.js';
import { SqliteHandoverStore } from '../handover/sqlite-store.js';
import type { Config } from './config.js';
import { createMetrics, type Metrics } from './metrics.js';

export type Core = {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  /** Conversation state: PostgreSQL with DATABASE_URL (any instance takes the next turn), else SQLite under DATA_DIR. */
  storage: SqliteStorage | PgStorage;
  /** SQLite under DATA_DIR, or PostgreSQL when DATABASE_URL is set. */
  store: HandoverStore;
  /** Resolves when both databases are usable; rejects when one is not. */
  ready: Promise<void>;
  outbox: OutboxWorker | null;
  metrics: Metrics;
  /** Anonymous outcomes: PostgreSQL with DATABASE_URL (every instance's turns), else insight.sqlite under DATA_DIR. */
  insightStore: OutcomeStore;
  /** The handover figures for insight, from the same database as the handovers. */
  insightFacts: HandoverFactsSource;
  /** The adapter behind /api/messages (checks Bot Framework tokens when authenticated). */
  httpAdapter: ReturnType<typeof createHttpAdapter>;
  /** The adapter the embedded Direct Line runs its turns on. */
  localAdapter: InProcessAdapter;
  bot: Bot;
  directLine: DirectLine;
  /** Web chat conversations in PostgreSQL (DATABASE_URL); undefined: in memory, inside the Direct Line. */
  directLineStore: PgDirectLineStore | undefined;
  /** Sign-in, reference-check and immediate-handover counters shared in PostgreSQL (DATABASE_URL); undefined: per process. */
  attempts: PgAttempts | undefined;
  /** Live chat: an officer in the family's own chat (conversation/live-chat.ts). */
  live: LiveChat;
  /** Live chat's events shared in PostgreSQL (DATABASE_URL): a staff page on one instance hears a family on another; undefined: in memory. */
  liveEvents: PgLiveEvents | undefined;
  /** The one connection that LISTENs for the Direct Line and live chat (DATABASE_URL). */
  listener: PgListener | undefined;
};

/** How long after start-up the recognizers are loaded, in the background. */
const RECOGNIZERS_AFTER_MS = 2_000;

export function buildCore(config: Config, logger: Logger, knowledgeDir?: string): Core {
  const kb = loadKnowledgeBase(knowledgeDir);
  // Indexed on first use, or just after the first turn (a chat opening, say), so a family's first question does not
  // wait for it (KnowledgeSearch.warm); its phrasing file is read and checked now, so a broken one still stops the start.
  const search = new KnowledgeSearch(kb, {}, loadPhrasing());
  let searchWarmed = false;
  const warmSearchSoon = () => {
    if (!searchWarmed) setTimeout(() => search.warm(), 0).unref(); // after this turn's answer has gone
    searchWarmed = true;
  };
  checkSafety(''); // compile the safety patterns now, not on a family's first message
  // The second net learns ordinary questions from the articles too (see safety/safety-net.ts).
  const checkMessage = checkWithNet(defaultSafetyNet(knowledgeBaseOrdinary(kb)));
  const glossary = new Glossary(kb.glossary);
  const storage = config.DATABASE_URL
    ? new PgStorage({
        connectionString: config.DATABASE_URL,
        ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
        onPoolError: (error) => logger.warn({ err: error }, 'conversation state connection lost'),
      })
    : new SqliteStorage(join(config.DATA_DIR, 'conversations.sqlite'));
  // Web chat conversations (embedded Direct Line): in PostgreSQL with DATABASE_URL, so any instance serves any family; else in memory.
  const pgOptions = config.DATABASE_URL ? { connectionString: config.DATABASE_URL, ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}) } : undefined;
  const listener = pgOptions && new PgListener(pgOptions);
  const directLineStore = pgOptions && new PgDirectLineStore({ ...pgOptions, listener, onPoolError: (error) => logger.warn({ err: error }, 'web chat connection lost') });
  const liveEvents = pgOptions && new PgLiveEvents({ ...pgOptions, listener, onPoolError: (error) => logger.warn({ err: error }, 'live chat connection lost') });
  const pgInsight = pgOptions && new PgInsightStore({ ...pgOptions, onPoolError: (error) => logger.warn({ err: error }, 'insight connection lost') });
  // Sign-in and reference-check back-off, immediate-handover caps: shared in PostgreSQL with DATABASE_URL, else per process.
  const attempts = pgOptions && new PgAttempts(pgOptions);
  const store = createHandoverStore(config, { onPoolError: (error) => logger.warn({ err: error }, 'handover database connection lost') });
  const ready = Promise.all([storeReady(store), storage instanceof PgStorage ? storage.ready : undefined, directLineStore?.ready, attempts?.ready, liveEvents?.ready, pgInsight?.ready]).then(() => undefined);
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
    referenceLimiter: new ReferenceCheckLimiter(undefined, attempts?.backoff),
    immediateCap: attempts?.windowCounter('immediate-handovers', config.IMMEDIATE_HANDOVERS_PER_HOUR, 3_600_000) ?? new WindowCounter(config.IMMEDIATE_HANDOVERS_PER_HOUR, 3_600_000),
  });
  const flows = createFlows({ kb, publicUrl: config.PUBLIC_URL, handovers });
  const live = new LiveChat({ kb, hours: OfficeHours.load(), ...(liveEvents ? { events: liveEvents } : {}) }); // an officer in the family's chat (conversation/live-chat.ts)
  const frontDoor = new FrontDoor({ kb, search, glossary, checkSafety: checkMessage, publicUrl: config.PUBLIC_URL, ...flows, live });
  const metrics = createMetrics({ outboxStats: () => store.outboxStats() });
  // Anonymous outcomes for /staff/insight (insight/), and the handover figures beside them.
  const insightStore: OutcomeStore = pgInsight ?? new InsightStore({ dataDir: config.DATA_DIR });
  const insightFacts: HandoverFactsSource = pgInsight
    ? (start, end) => pgInsight.handoverFacts(start, end)
    : (start, end) => (store instanceof SqliteHandoverStore ? handoverFacts(store.db, start, end) : []);
  const insight = createInsightRecorder({ store: insightStore, kb, logger });
  const bot = createBot({
    frontDoor,
    storage,
    adapter: httpAdapter,
    hooks: {
      configure: (application) => (configureTeams(application, teamsDeps), linkHandovers(application, { storage, embeddedAdapter: localAdapter })),
      turn: linkHandoverHooks({ storage, embeddedAdapter: localAdapter }), // which chat a reference was given in, for live chat
      onTurn: (turn) => (metrics.onTurn(turn), insight.onTurn(turn), warmSearchSoon()),
      onWelcome: (turn) => (insight.onOpened(turn), warmSearchSoon()),
    },
  });
  answerFailedTurns(logger, httpAdapter, localAdapter);
  // With Teams credentials, Teams turns are expected: load Teams AI now rather than on the first one.
  if (config.MicrosoftAppId) void bot.warmTeams().catch((error: Error) => logger.error({ err: error }, 'cannot load Teams AI'));

  const secret = config.SESSION_SECRET ? Buffer.from(config.SESSION_SECRET) : randomBytes(32);
  const directLine = new DirectLine({
    secret,
    serviceUrl: config.PUBLIC_URL,
    store: directLineStore,
    runTurn: (activity, send) => localAdapter.runTurn(activity, bot.run, send),
  });

  live.connect(createLiveChannel({ storage, directLine, embeddedAdapter: localAdapter, adapter: httpAdapter, botAppId: config.MicrosoftAppId }));
  // Microsoft's recognizers (0.3 s of CPU to load) read numbers in words and short yes/no replies, which the first
  // answers rarely need: load them once the server is up, not before it answers (understanding/recognizers.ts).
  setTimeout(warmRecognizers, RECOGNIZERS_AFTER_MS).unref();

  return { kb, search, storage, store, ready, outbox, metrics, insightStore, insightFacts, httpAdapter, localAdapter, bot, directLine, directLineStore, attempts, live, liveEvents, listener };
}
